import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiBackend } from '../../../../electron/core/api';
import { FileSecretStore } from '../../../../electron/core/config/secret-store';
import { saveSettingsFile } from '../../../../electron/core/config/settings-file';
import { createEngine, type Engine } from '../../../../electron/core/engine';
import { silentLogger } from '../../../../electron/core/logger';
import { createDesktopBackend, type DesktopStoreLike } from '../../../../electron/main/desktop/desktop-backend';
import { desktopDataFrom, type DesktopData } from '../../../../electron/main/desktop/desktop-data';
import { AddPrompts } from '../../../../electron/main/desktop/prompts';
import { parseLaunchArgs } from '../../../../electron/main/launch/args';

/**
 * The desktop backend over a REAL engine (one configured instance on a closed loopback port, so
 * every add is queued and nothing leaves the machine): one-click add by default, the add dialog
 * when asked for, recent adds with their outcome, "send again", and the prefs.
 */
let dir: string;
let engine: Engine;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'qbf-desktop-'));
  await saveSettingsFile(dir, { vpn: { check: 'none' }, queueFile: path.join(dir, 'qbittorrent_queue.json'), instances: [{ name: 'nas', url: 'http://127.0.0.1:9', username: 'admin', category: 'films', tags: ['qbf'] }] });
  engine = await createEngine({ home: dir, secrets: new FileSecretStore(dir), logger: silentLogger });
});
afterAll(async () => {
  await engine?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const magnet = (hex: string, dn: string) => `magnet:?xt=urn:btih:${hex.repeat(40 / hex.length)}&dn=${encodeURIComponent(dn)}`;
const launchOf = (...argv: string[]) => ({ args: parseLaunchArgs(argv), cwd: dir });

function setup(askBeforeAdd: boolean) {
  let data: DesktopData = desktopDataFrom({ prefs: { askBeforeAdd } });
  const store: DesktopStoreLike = { read: () => data, update: (p) => (data = { ...data, ...p }) };
  const seen = { prompts: 0, changes: 0 };
  const backend = createDesktopBackend({
    engine: createApiBackend(engine),
    store,
    prompts: new AddPrompts(),
    settings: () => engine.currentSettings(),
    onPrompt: () => seen.prompts++,
    onChange: () => seen.changes++,
    logger: silentLogger,
  });
  return { backend, seen, data: () => data };
}
const queued = async () => (await engine.queueListing()).entries;

describe('desktop backend', () => {
  it('by default a magnet from the browser is added at once (one click) and listed in recent adds as queued', async () => {
    const { backend, seen } = setup(false);
    const out = await backend.launch(launchOf(magnet('1', 'one click')));
    expect(out?.responses[0]?.summary.queued).toBe(1);
    expect(seen.prompts).toBe(0);
    const state = await backend.call('getDesktopState', {});
    expect(state).toMatchObject({ available: true, pendingAdd: null });
    expect(state.recentAdds[0]).toMatchObject({ label: 'one click', outcome: 'queued' });
    expect(state.recentAdds[0]!.detail).toMatch(/^queued — nas: /);
    expect(seen.changes).toBeGreaterThan(0);
  });

  it('with the dialog on, nothing is added until the user answers; the answer carries the dialog options', async () => {
    const { backend, seen } = setup(true);
    const m = magnet('2', 'asked first');
    expect(await backend.launch(launchOf(m))).toBeNull();
    expect(seen.prompts).toBe(1);
    expect((await queued()).map((e) => e.name)).not.toContain('asked first');
    const { pendingAdd } = await backend.call('getDesktopState', {});
    expect(pendingAdd).toMatchObject({ labels: ['asked first'], instances: ['nas'], defaults: { category: 'films', tags: ['qbf'], paused: false } });
    const answer = await backend.call('answerAddPrompt', { id: pendingAdd!.id, add: true, options: { category: 'tv', paused: true, instance: 'nas' } });
    expect(answer.response?.summary.queued).toBe(1);
    expect(answer.state.pendingAdd).toBeNull();
    expect(answer.state.recentAdds[0]).toMatchObject({ label: 'asked first', outcome: 'queued' });
    const entry = (await queued()).find((e) => e.name === 'asked first');
    expect(entry).toBeDefined();
    // A second click on the same dialog adds nothing more.
    expect((await backend.call('answerAddPrompt', { id: pendingAdd!.id, add: true })).response).toBeNull();
  });

  it('cancel adds nothing; "don\'t ask again" turns the dialog off so the next magnet is added at once', async () => {
    const { backend } = setup(true);
    await backend.launch(launchOf(magnet('3', 'cancelled')));
    const { pendingAdd } = await backend.call('getDesktopState', {});
    const res = await backend.call('answerAddPrompt', { id: pendingAdd!.id, add: false, dontAskAgain: true });
    expect(res.response).toBeNull();
    expect(res.state.prefs.askBeforeAdd).toBe(false);
    expect((await queued()).some((e) => e.name === 'cancelled')).toBe(false);
    expect(await backend.launch(launchOf(magnet('4', 'after dont ask')))).not.toBeNull();
  });

  it('an add from the window is recorded; "send again" sends the same input and records the new outcome', async () => {
    const { backend } = setup(false);
    await backend.call('addText', { text: 'not a magnet' });
    const first = (await backend.call('getDesktopState', {})).recentAdds[0]!;
    expect(first).toMatchObject({ outcome: 'rejected', label: 'not a magnet' });
    const again = await backend.call('resendRecentAdd', { id: first.id });
    expect(again.summary.rejected).toBe(1);
    expect((await backend.call('getDesktopState', {})).recentAdds).toHaveLength(2);
    await expect(backend.call('resendRecentAdd', { id: 'gone' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a dropped .torrent (bytes only) is listed but cannot be sent again', async () => {
    const { backend } = setup(false);
    await backend.call('addTorrentFile', { fileName: 'drop.torrent', dataBase64: Buffer.from('nope').toString('base64') });
    const item = (await backend.call('getDesktopState', {})).recentAdds[0]!;
    expect(item.resend).toBeNull();
    await expect(backend.call('resendRecentAdd', { id: item.id })).rejects.toMatchObject({ code: 'NOT_RESENDABLE' });
  });

  it('saveDesktopPrefs changes only the kinds given', async () => {
    const { backend } = setup(false);
    const s = await backend.call('saveDesktopPrefs', { notifications: { finished: false } });
    expect(s.prefs.notifications).toMatchObject({ finished: false, added: true, queued: true, instance: true });
    expect(s.prefs.askBeforeAdd).toBe(false);
  });
});

describe('desktop data read back', () => {
  it('keeps what fits, defaults the rest, seeds notification choices from config.json ui.notifications', () => {
    const d = desktopDataFrom({ prefs: { askBeforeAdd: 'yes', notifications: { added: false } }, recentAdds: [{ bogus: 1 }], windowBounds: { x: 1, y: 2, width: 800, height: 600 } }, { failover: true, queued: false, flushed: true, vpn: true });
    expect(d.prefs.askBeforeAdd).toBe(false);
    expect(d.prefs.notifications).toMatchObject({ added: false, queued: false, flushed: true, finished: true });
    expect(d.recentAdds).toEqual([]);
    expect(d.windowBounds).toEqual({ x: 1, y: 2, width: 800, height: 600 });
  });
});
