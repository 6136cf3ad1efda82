import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, legacyEnv, makeSandbox, spawnCli, type Sandbox } from '../../harness/cli';
import { listTorrents } from '../../harness/direct';
import { randomMagnet } from '../../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../../harness/qbittorrent';

/**
 * `qbit-failover gateway` as a user runs it: refuses to start without a gateway password (one
 * sentence naming `qbit-failover gateway-password`, exit 2), prints the URL and what to type into
 * Sonarr, serves a real client in front of a real qbittorrent-nox, and stops cleanly on SIGTERM;
 * `watch` runs the gateway too when settings `gateway.enabled`.
 */

let q: QbtProcess;
const boxes: Sandbox[] = [];

beforeAll(async () => {
  assertCliBuilt();
  q = await startQbittorrent({ name: 'cli-gw' });
});

afterAll(async () => {
  await q?.dispose();
  for (const s of boxes) s.dispose();
});

function sandbox(): Sandbox {
  const s = makeSandbox('gw-cli');
  boxes.push(s);
  return s;
}

async function loginAndAdd(url: string, user: string, pass: string): Promise<string> {
  const login = await fetch(`${url}/api/v2/auth/login`, { method: 'POST', body: new URLSearchParams({ username: user, password: pass }) });
  expect(await login.text()).toBe('Ok.');
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const m = randomMagnet('cli gateway');
  const add = await fetch(`${url}/api/v2/torrents/add`, { method: 'POST', headers: { cookie }, body: new URLSearchParams({ urls: m.magnet }) });
  expect(await add.text()).toBe('Ok.');
  return m.infohash;
}

describe('qbit-failover gateway', () => {
  it('without a password: one sentence naming gateway-password, exit 2, nothing listening', async () => {
    const s = sandbox();
    const r = await s.run(['gateway', '--port', '0'], legacyEnv(q));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('qbit-failover gateway-password');
    expect(r.stderr).not.toMatch(/\bat .*\.m?js:\d+/);
  });

  it('refuses a non-loopback address without --allow-remote', async () => {
    const s = sandbox();
    const r = await s.run(['gateway', '--host', '0.0.0.0', '--port', '0'], { ...legacyEnv(q), QBIT_FAILOVER_GATEWAY_PASSWORD: 'x' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--allow-remote');
  });

  it('with the password from gateway-password: prints the URL and the Sonarr settings, adds through it, stops on SIGTERM with exit 0', async () => {
    const s = sandbox();
    const set = await s.run(['gateway-password'], legacyEnv(q), 'cli gw pass\n');
    expect(set.code).toBe(0);
    const c = spawnCli(['gateway', '--port', '0'], { env: s.env(legacyEnv(q)), cwd: s.cwd });
    try {
      await c.waitFor(/Username admin/, 20_000);
      const url = /Gateway: (http:\/\/127\.0\.0\.1:\d+)/.exec(c.output())![1]!;
      expect(c.output()).toMatch(/qBittorrent — Host 127\.0\.0\.1, Port \d+/);
      const hash = await loginAndAdd(url, 'admin', 'cli gw pass');
      expect((await listTorrents(q, [hash])).map((t) => t.hash)).toEqual([hash]);
    } finally {
      c.child.kill('SIGTERM');
    }
    expect(await c.exited).toEqual({ code: 0, signal: null });
  });

  it('watch runs the gateway when settings enable it (environment credentials)', async () => {
    const s = sandbox();
    writeFileSync(join(s.home, 'config.json'), JSON.stringify({ version: 1, gateway: { enabled: true, host: '127.0.0.1', port: 0, username: 'cfg-user' } }));
    const c = spawnCli(['watch'], { env: s.env({ ...legacyEnv(q), QBIT_FAILOVER_GATEWAY_USERNAME: 'env-user', QBIT_FAILOVER_GATEWAY_PASSWORD: 'env pass' }), cwd: s.cwd });
    try {
      await c.waitFor(/Username env-user/, 20_000);
      const url = /Gateway: (http:\/\/127\.0\.0\.1:\d+)/.exec(c.output())![1]!;
      const hash = await loginAndAdd(url, 'env-user', 'env pass');
      expect((await listTorrents(q, [hash])).map((t) => t.hash)).toEqual([hash]);
    } finally {
      c.child.kill('SIGTERM');
    }
    // Exit 0, not death by a re-raised SIGTERM: the add took the queue's lock (proper-lockfile's signal-exit) after start-up.
    expect(await c.exited, c.output()).toEqual({ code: 0, signal: null });
  });
});
