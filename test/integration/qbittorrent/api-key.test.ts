import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QbitClient, QbitError } from '../../../electron/core/qbittorrent';
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
