import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QbitClient, QbitError } from '../../../electron/core/qbittorrent';
import { assertCliBuilt, makeSandbox, type Sandbox } from '../../harness/cli';
import { directLogin, waitForHashes } from '../../harness/direct';
import { randomMagnet } from '../../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../../harness/qbittorrent';
import { resolveVersion } from '../../harness/qbt-versions.mjs';

/**
 * WebUI API keys (qBittorrent 5.2+) against a real 5.3 server: a client configured with a key
 * sends `Authorization: Bearer qbt_…`, never logs in, and a wrong key is refused without counting
 * towards qBittorrent's ban (the server here bans after ONE failed login).
 */

const v53 = resolveVersion('5.3');
let q: QbtProcess;
let key: string;

describe.skipIf(v53.missing !== undefined)(`API keys on ${v53.version ?? 'qBittorrent 5.3 (not installed: not run)'}`, () => {
  beforeAll(async () => {
    q = await startQbittorrent({ name: 'api-key', version: '5.3', extraConfig: { Preferences: { 'WebUI\\MaxAuthenticationFailCount': '1' } } });
    const sid = (await directLogin(q)).cookie!;
    const res = await fetch(`${q.url}/api/v2/app/rotateAPIKey`, { method: 'POST', headers: { cookie: sid } });
    expect(res.status).toBe(200);
    key = ((await res.json()) as { apiKey: string }).apiKey;
    expect(key).toMatch(/^qbt_/);
  });

  afterAll(async () => {
    await q?.dispose();
  });

  it('an instance with an API key adds and confirms with no login at all (no username, no password)', async () => {
    const c = new QbitClient({ url: q.url, username: '', password: '', apiKey: key });
    try {
      const m = randomMagnet('api key add');
      expect((await c.addMagnets([m.magnet])).accepted).toBe(true);
      await waitForHashes(q, [m.infohash], 2_000);
      expect((await c.info({ hashes: [m.infohash] })).map((t) => t.hash)).toEqual([m.infohash]);
      expect(c.stats.logins).toBe(0);
    } finally {
      await c.close();
    }
  });

  it('a wrong key is AUTH_FAILED and never gets the IP banned: the right password still logs in afterwards', async () => {
    const c = new QbitClient({ url: q.url, username: '', password: '', apiKey: 'qbt_wrong_wrong_wrong' });
    try {
      for (let i = 0; i < 3; i++) {
        const err = await c.info({ hashes: ['a'.repeat(40)] }).then(() => null, (e: unknown) => e);
        expect(err).toBeInstanceOf(QbitError);
        expect((err as QbitError).code).toBe('AUTH_FAILED');
        expect((err as QbitError).message).toMatch(/API key refused/);
      }
      expect(c.stats.logins).toBe(0);
    } finally {
      await c.close();
    }
    const again = await directLogin(q);
    expect(again.status).toBe(204);
  });
});

describe.skipIf(v53.missing !== undefined)(`API keys through the CLI on ${v53.version ?? 'qBittorrent 5.3 (not installed: not run)'}`, () => {
  let server: QbtProcess;
  let apiKey: string;
  const sandboxes: Sandbox[] = [];

  beforeAll(async () => {
    assertCliBuilt();
    server = await startQbittorrent({ name: 'api-key-cli', version: '5.3', extraConfig: { Preferences: { 'WebUI\\MaxAuthenticationFailCount': '1' } } });
    const sid = (await directLogin(server)).cookie!;
    const res = await fetch(`${server.url}/api/v2/app/rotateAPIKey`, { method: 'POST', headers: { cookie: sid } });
    apiKey = ((await res.json()) as { apiKey: string }).apiKey;
  });

  afterAll(async () => {
    await server?.dispose();
    for (const s of sandboxes) s.dispose();
  });

  it('`echo KEY | qbit-failover api-key primary` → adds confirm with no password stored and no login; the stored key is bound to the address', async () => {
    const s = makeSandbox('api-key');
    sandboxes.push(s);
    // Only the URL from the environment: no username, no password anywhere.
    const env = { QBITTORRENT_URL: server.url, VPN_CHECK: 'none' };
    const stored = await s.run(['api-key', 'primary'], env, `${apiKey}\n`);
    expect(stored.code, stored.stderr).toBe(0);
    expect(stored.stdout).toContain(`[OK] API key stored for primary; it is sent only to ${new URL(server.url).origin}`);
    const m = randomMagnet('api key via cli');
    const r = await s.run(['add', '--json', m.magnet], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { results: { outcome: string; instance: string }[] }).results[0]).toMatchObject({ outcome: 'added', instance: 'primary' });
    await waitForHashes(server, [m.infohash], 2_000);
    // No login was tried with any password (the failed-login memory was never written to).
    expect(existsSync(join(s.home, 'auth-failures.json')) ? readFileSync(join(s.home, 'auth-failures.json'), 'utf8') : '').not.toMatch(/pending|failures/);
    expect(readFileSync(join(s.home, 'secrets.json'), 'utf8')).not.toContain(`"primary"`);
  });

  it('QBITTORRENT_API_KEY from the environment works the same, and a wrong one is AUTH_FAILED without a ban', async () => {
    const s = makeSandbox('api-key-env');
    sandboxes.push(s);
    const m = randomMagnet('api key via env');
    const ok = await s.run(['add', m.magnet], { QBITTORRENT_URL: server.url, VPN_CHECK: 'none', QBITTORRENT_API_KEY: apiKey });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const bad = await s.run(['status'], { QBITTORRENT_URL: server.url, VPN_CHECK: 'none', QBITTORRENT_API_KEY: 'qbt_not_the_key' });
    expect(bad.stdout).toMatch(/AUTH_FAILED/);
    expect(bad.stdout).toMatch(/API key refused/);
    expect((await directLogin(server)).status).toBe(204);
  });
});
