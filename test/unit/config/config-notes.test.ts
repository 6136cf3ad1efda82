import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closestKey, configNotes } from '../../../electron/core/config/config-notes';
import { loadSettingsFile, saveSettingsFile } from '../../../electron/core/config/settings-file';
import { readFileSync } from 'node:fs';

/**
 * Issue 11, "Settings that forgive mistakes": a `config.json` with keys the settings do not read
 * loads what is valid and says, for each ignored key, what to do instead.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Writes `config` as `<home>/config.json` in a fresh folder and loads it. */
async function load(config: unknown) {
  const home = mkdtempSync(join(tmpdir(), 'qbf-notes-'));
  dirs.push(home);
  writeFileSync(join(home, 'config.json'), JSON.stringify(config));
  return loadSettingsFile(home);
}

describe('config.json keys the settings do not read', () => {
  it('a "password" key is ignored, the instances still load, and the note says to use `qbit-failover password <name>`', async () => {
    const r = await load({ instances: [{ name: 'nas', url: 'http://127.0.0.1:8080', password: 'hunter2' }], password: 'x' });
    expect(r.settings.instances.map((i) => i.name)).toEqual(['nas']);
    expect(r.notes).toEqual([
      expect.stringMatching(/^config\.json: "instances\[0\] \(nas\)\.password" is not a setting, ignored — .*`qbit-failover password nas`/),
      expect.stringMatching(/"password" is not a setting.*`qbit-failover password <instance>`/),
    ]);
    // The note never repeats the password itself.
    expect(r.notes.join('\n')).not.toContain('hunter2');
  });

  it('"instance" for "instances" is reported with "did you mean `instances`?" and the other settings still load', async () => {
    const r = await load({ instance: [{ name: 'nas', url: 'http://127.0.0.1:8080' }], pollIntervalMs: 5_000 });
    expect(r.notes).toEqual([expect.stringContaining('"instance" is not a setting, ignored — did you mean `instances`?')]);
    expect(r.settings.pollIntervalMs).toBe(5_000);
  });

  it('a typo in an instance field names the instance and the field meant; the instance still loads', async () => {
    const r = await load({ instances: [{ name: 'seedbox', url: 'http://127.0.0.1:8080', requiresVPN: true, categroy: 'tv' }] });
    expect(r.settings.instances).toHaveLength(1);
    expect(r.notes).toEqual([
      expect.stringContaining('"instances[0] (seedbox).requiresVPN" is not a setting, ignored — did you mean `requiresVpn`?'),
      expect.stringContaining('"instances[0] (seedbox).categroy" is not a setting, ignored — did you mean `category`?'),
    ]);
  });

  it('nested objects are checked too (vpn, ui.notifications, tls)', () => {
    const notes = configNotes({ vpn: { chek: 'none' }, ui: { notifications: { failovr: true } }, instances: [{ name: 'a', url: 'http://x', tls: { mode: 'system', fingerprint: 'ab' } }] });
    expect(notes).toEqual([
      expect.stringContaining('"vpn.chek" is not a setting, ignored — did you mean `check`?'),
      expect.stringContaining('"ui.notifications.failovr" is not a setting, ignored — did you mean `failover`?'),
      expect.stringContaining('"instances[0] (a).tls.fingerprint" is not a setting, ignored — did you mean `fingerprint256`?'),
    ]);
  });

  it('an old tool variable used as a key says it belongs in .env or the environment', () => {
    expect(configNotes({ QBITTORRENT_URL: 'http://nas:8080' })).toEqual([expect.stringContaining('environment variable of the old tool')]);
  });

  it('a URL ending in /api/v2 is trimmed to the WebUI base, with a note', async () => {
    const r = await load({ instances: [{ name: 'nas', url: 'https://host.example/qbittorrent/api/v2/' }] });
    expect(r.settings.instances[0]!.url).toBe('https://host.example/qbittorrent');
    expect(r.notes).toEqual([expect.stringContaining('instances[0].url ends in /api/v2; using https://host.example/qbittorrent')]);
  });

  it('a file with only known keys has no notes', async () => {
    const r = await load({ version: 1, instances: [{ name: 'nas', url: 'http://127.0.0.1:8080', tls: { mode: 'system' } }], vpn: { check: 'none' }, ui: { notifications: { failover: true } } });
    expect(r.notes).toEqual([]);
  });

  it('a save from a UI keeps what it does not read (a typo\'d block, a typo\'d field), so it is never lost and still reported', async () => {
    const r = await load({ instance: [{ name: 'old', url: 'http://127.0.0.1:1' }], instances: [{ name: 'nas', url: 'http://127.0.0.1:8080', categroy: 'tv' }] });
    const home = dirs[dirs.length - 1]!;
    await saveSettingsFile(home, { ...r.settings, pollIntervalMs: 5_000, instances: [...r.settings.instances, { ...r.settings.instances[0]!, name: 'second' }] });
    const written = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(written.instance).toEqual([{ name: 'old', url: 'http://127.0.0.1:1' }]);
    expect(written.instances).toEqual([expect.objectContaining({ name: 'nas', categroy: 'tv' }), expect.not.objectContaining({ categroy: 'tv' })]);
    expect(written.pollIntervalMs).toBe(5_000);
    expect((await loadSettingsFile(home)).notes).toHaveLength(2);
  });

  it('closestKey suggests the known key within two typos, none for an unrelated word', () => {
    expect(closestKey('instnaces', ['instances', 'vpn'])).toBe('instances');
    expect(closestKey('poll_interval_ms', ['pollIntervalMs'])).toBe('pollIntervalMs');
    expect(closestKey('banana', ['instances', 'vpn'])).toBeNull();
  });
});
