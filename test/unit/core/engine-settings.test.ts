import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../../shared/settings';
import { createEngine, type Engine } from '../../../electron/core/engine';
import { FileSecretStore } from '../../../electron/core/config/secret-store';
import { saveSettingsFile } from '../../../electron/core/config/settings-file';

/**
 * The engine's `settings` event: every change of the settings in force reaches the shells (the
 * tray applies `ui` from it) — a save from a window, an environment import, and a hand edit of
 * `config.json` while a daemon runs. Before, the tray only saw settings by inspecting IPC
 * replies, so an import or a hand edit was missed. No qBittorrent needed: no instance is configured.
 */

const dirs: string[] = [];
const engines: Engine[] = [];

afterEach(async () => {
  await Promise.allSettled(engines.splice(0).map((e) => e.stop()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function engineIn(opts: { watch?: boolean } = {}): Promise<{ engine: Engine; home: string; cwd: string }> {
  const root = mkdtempSync(join(tmpdir(), 'qbf-settings-'));
  dirs.push(root);
  const home = join(root, 'home');
  const cwd = join(root, 'cwd');
  await saveSettingsFile(home, { vpn: { check: 'none' }, queueFile: join(root, 'queue', 'qbittorrent_queue.json') });
  const engine = await createEngine({ home, secrets: new FileSecretStore(home), watchQueueFile: opts.watch });
  engines.push(engine);
  return { engine, home, cwd };
}

/** The next settings the engine announces (rejects after `limitMs`: the event never came). */
function nextSettings(engine: Engine, pred: (s: Readonly<Settings>) => boolean, limitMs = 10_000): Promise<Readonly<Settings>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no settings event within ${limitMs} ms`));
    }, limitMs);
    const off = engine.onSettings((s) => {
      if (!pred(s)) return;
      clearTimeout(timer);
      off();
      resolve(s);
    });
  });
}

describe('engine settings event', () => {
  it('a save announces the saved settings', async () => {
    const { engine } = await engineIn();
    const seen = nextSettings(engine, (s) => s.pollIntervalMs === 20_000);
    await engine.saveSettings({ ...engine.currentSettings(), pollIntervalMs: 20_000 });
    expect((await seen).pollIntervalMs).toBe(20_000);
  });

  it('an environment import announces the imported instance', async () => {
    const { engine, cwd } = await engineIn();
    const seen = nextSettings(engine, (s) => s.instances.length === 1);
    const applied = await engine.importLegacyEnv({ QBITTORRENT_URL: 'http://127.0.0.1:9', QBITTORRENT_USERNAME: 'admin', VPN_CHECK: 'none' }, cwd);
    expect(applied).toContain('QBITTORRENT_URL');
    expect((await seen).instances[0]).toMatchObject({ url: 'http://127.0.0.1:9', username: 'admin' });
  });

  it('a hand edit of config.json while the engine runs is applied and announced; a broken edit is reported and ignored', async () => {
    const { engine, home } = await engineIn({ watch: true });
    await engine.start();
    const file = join(home, 'config.json');
    const edited = { ...JSON.parse(await readFile(file, 'utf8')), pollIntervalMs: 45_000, routing: 'round-robin' };
    const seen = nextSettings(engine, (s) => s.pollIntervalMs === 45_000);
    writeFileSync(file, JSON.stringify(edited, null, 2));
    const s = await seen;
    expect(s.routing).toBe('round-robin');
    expect(engine.snapshot().routing).toBe('round-robin');

    const reported = new Promise<string>((resolve) => {
      engine.on('event', (e: { type: string; item?: { kind: string; message: string } }) => {
        if (e.type === 'activity' && e.item?.kind === 'error' && e.item.message.includes('config.json')) resolve(e.item.message);
      });
    });
    writeFileSync(file, '{ "pollIntervalMs": ');
    expect(await reported).toMatch(/not applied/);
    expect(engine.currentSettings().pollIntervalMs).toBe(45_000);
  });
});
