import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiBackend } from '../../../electron/core/api';
import { FileSecretStore, OverlaySecretStore } from '../../../electron/core/config/secret-store';
import { createEngine } from '../../../electron/core/engine';
import { FailedLoginMemory } from '../../../electron/core/ledgers/failed-logins';

/**
 * Secret handling without a server (the real-qBittorrent version is
 * test/integration/secrets.test.ts): file modes, the auth-failure memory, the environment overlay,
 * and the settings view the renderer gets.
 */
const CANARY = `S3cr3t-Canary-${randomBytes(6).toString('hex')}`;
const forms = [CANARY, Buffer.from(CANARY).toString('base64'), encodeURIComponent(CANARY), Buffer.from(CANARY).toString('hex')];
const clean = (label: string, text: string) => {
  for (const f of forms) expect(text.includes(f), `${label} contains ${f}`).toBe(false);
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qbf-secrets-unit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('secrets at rest', () => {
  it.skipIf(process.platform === 'win32')('secrets.json is 0600 and its folder 0700 when created, also after updates and deletes', async () => {
    const home = join(dir, 'new-home');
    const s = new FileSecretStore(home);
    await s.set('a', CANARY);
    expect((await stat(s.file)).mode & 0o777).toBe(0o600);
    expect((await stat(home)).mode & 0o777).toBe(0o700);
    await s.set('b', 'x');
    await s.delete('b');
    expect((await stat(s.file)).mode & 0o777).toBe(0o600);
    expect(await s.get('a')).toBe(CANARY);
  });

  it('auth-failures.json keys failures by a hash, never the password, and is 0600', async () => {
    const mem = new FailedLoginMemory(dir);
    for (const [password, code] of [[CANARY, 'AUTH_FAILED'], [`${CANARY}-2`, 'BANNED']] as const) {
      const permit = await mem.guardFor('http://127.0.0.1:1', 'admin', password).begin(1_000);
      expect(permit.allowed).toBe(true);
      if (permit.allowed) await permit.attempt.failed(code);
    }
    const text = await readFile(mem.file, 'utf8');
    clean('auth-failures.json', text);
    expect(text).toMatch(/cred:[0-9a-f]{64}/);
    if (process.platform !== 'win32') expect((await stat(mem.file)).mode & 0o777).toBe(0o600);
  });

  it('an environment password (QBITTORRENT_PASSWORD) is read through, never written', async () => {
    const base = new FileSecretStore(dir);
    const overlay = new OverlaySecretStore(base, { primary: CANARY });
    expect(await overlay.get('primary')).toBe(CANARY);
    expect(await overlay.list()).toEqual(['primary']);
    await overlay.set('other', 'x');
    clean('secrets.json', await readFile(base.file, 'utf8'));
  });
});

describe('what the renderer sees', () => {
  it('getSettings/saveSettings/setPassword results, snapshot and events never carry a password (env or stored)', async () => {
    const home = join(dir, 'home');
    const queueFile = join(dir, 'queue.json');
    await mkdir(home, { recursive: true });
    // A dead loopback port: the instance is configured but nothing answers (no network needed).
    await writeFile(join(home, 'config.json'), JSON.stringify({ version: 1, instances: [{ name: 'nas', url: 'http://127.0.0.1:9' }], queueFile }));
    const secrets = new FileSecretStore(home);
    const engine = await createEngine({ home, secrets, env: { QBITTORRENT_URL: 'http://127.0.0.1:9', QBITTORRENT_PASSWORD: CANARY, VPN_CHECK: 'none' }, cwd: dir });
    const events: unknown[] = [];
    engine.on('event', (e) => events.push(e));
    try {
      const api = createApiBackend(engine);
      const seen = [
        await api.call('getSettings', {}),
        await api.call('setPassword', { instance: 'nas', password: CANARY }),
        await api.call('saveSettings', { settings: engine.currentSettings() }),
        await api.call('getSnapshot', {}),
      ];
      const view = seen[0] as { passwordsSet: string[] };
      expect(view.passwordsSet).toContain('primary');
      await new Promise((r) => setTimeout(r, 60));
      clean('API results', JSON.stringify(seen));
      clean('events', JSON.stringify(events));
      for (const f of await readdir(home)) if (f !== 'secrets.json') clean(f, await readFile(join(home, f), 'utf8'));
    } finally {
      await engine.stop();
    }
  });
});
