/** `config.json` keeps the permissions its owner gave it across every rewrite by qbit-failover. */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSettingsFile, saveSettingsFile } from '../../../electron/core/config/settings-file';
import { configFile } from '../../../electron/core/config/paths';
import { defaultSettings } from '../../../shared/settings';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const home = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'qbf-config-mode-'));
  dirs.push(d);
  return d;
};
const mode = (file: string): number => statSync(file).mode & 0o777;

describe.skipIf(process.platform === 'win32')('config.json permissions', () => {
  it('a new config.json is 0644; one the user made 0600 stays 0600 when settings are saved', async () => {
    const h = home();
    await saveSettingsFile(h, defaultSettings());
    expect(mode(configFile(h))).toBe(0o644);
    chmodSync(configFile(h), 0o600);
    await saveSettingsFile(h, { ...defaultSettings(), pollIntervalMs: 7_000 });
    expect(mode(configFile(h))).toBe(0o600);
    expect((await loadSettingsFile(h)).settings.pollIntervalMs).toBe(7_000);
  });

  it('the rewrite of a legacy one-string vpn.reconnectCommand keeps the file at 0600', async () => {
    const h = home();
    writeFileSync(configFile(h), JSON.stringify({ vpn: { reconnectCommand: 'wg-quick up wg0' } }));
    chmodSync(configFile(h), 0o600);
    const loaded = await loadSettingsFile(h);
    expect(loaded.settings.vpn.reconnectCommand).toEqual(['wg-quick', 'up', 'wg0']);
    expect(JSON.parse(readFileSync(configFile(h), 'utf8')).vpn.reconnectCommand).toEqual(['wg-quick', 'up', 'wg0']);
    expect(mode(configFile(h))).toBe(0o600);
  });
});
