import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstanceSettingsInput, SettingsInput } from '../../shared/settings';
import { createEngine, type Engine } from '../../electron/core/engine';
import { FileSecretStore } from '../../electron/core/config/secret-store';
import { saveSettingsFile } from '../../electron/core/config/settings-file';
import type { QbtProcess } from './qbittorrent';

/**
 * One instance of a test engine's settings, plus the WebUI password stored for it in the secret
 * store (none given: no secret is stored, e.g. for an instance at a dead URL).
 */
export type TestInstance = InstanceSettingsInput & { password?: string };

/**
 * `q` as an instance named `name` (its URL, username and password); `extra` overrides any of
 * them — e.g. `{ url: proxy.url }` to reach `q` through a proxy with `q`'s credentials.
 */
export function instanceOf(name: string, q: Pick<QbtProcess, 'url' | 'username' | 'password'>, extra: Partial<TestInstance> = {}): TestInstance {
  return { name, url: q.url, username: q.username, password: q.password, ...extra };
}

/** What {@link createTestEngine} builds. */
export interface TestEngineOptions {
  /** Prefix of the temporary root directory (`qbf-<label>-XXXXXX` under the OS temp dir). */
  label: string;
  /** The instances, in priority order; each `password` is stored under the instance's name. */
  instances: TestInstance[];
  /**
   * Settings over the defaults: `vpn: { check: 'none' }`, the queue file at
   * `<root>/queue/qbittorrent_queue.json`, `pollIntervalMs: 600_000` (10 min: no poll runs
   * during a test unless it asks for one).
   */
  settings?: Partial<Omit<SettingsInput, 'instances'>>;
}

/** An engine in a temporary home, not started (the test decides when it starts). */
export interface TestEngine {
  /** The temporary root: `home/` (settings, secrets) and `queue/` (the queue file) are under it. */
  root: string;
  /** The engine's home directory (settings file and file secret store). */
  home: string;
  secrets: FileSecretStore;
  engine: Engine;
  /** Stops the engine and removes the root. Never throws; safe to call twice. */
  dispose(): Promise<void>;
}

/**
 * Writes a settings file for `instances` (with `settings` over the test defaults) into a fresh
 * temporary home, stores each instance's password in a {@link FileSecretStore} there, and
 * creates the engine on it — not started. Throws what `saveSettingsFile` throws for invalid
 * settings (the root is removed first).
 */
export async function createTestEngine(o: TestEngineOptions): Promise<TestEngine> {
  const root = mkdtempSync(join(tmpdir(), `qbf-${o.label}-`));
  const home = join(root, 'home');
  const secrets = new FileSecretStore(home);
  try {
    await saveSettingsFile(home, {
      vpn: { check: 'none' },
      queueFile: join(root, 'queue', 'qbittorrent_queue.json'),
      pollIntervalMs: 600_000,
      ...o.settings,
      instances: o.instances.map(({ password: _password, ...i }) => i),
    });
    for (const i of o.instances) if (i.password !== undefined) await secrets.set(i.name, i.password);
    const engine = await createEngine({ home, secrets });
    return {
      root,
      home,
      secrets,
      engine,
      async dispose() {
        await engine.stop().catch(() => undefined);
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
}
