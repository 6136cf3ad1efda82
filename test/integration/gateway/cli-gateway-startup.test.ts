import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, legacyEnv, makeSandbox, spawnCli, type Sandbox } from '../../harness/cli';
import { waitForHashes } from '../../harness/direct';
import { randomMagnet } from '../../harness/inputs';
import { freePort, startQbittorrent, type QbtProcess } from '../../harness/qbittorrent';
import { startDelayProxy, type DelayProxy } from './support/delay-proxy';

/**
 * `qbit-failover gateway` answers its first client with the instances' torrents: the engine's
 * first check runs before the gateway listens (started the other way round, a client polling as
 * the gateway came up — Sonarr after a restart — got an empty `torrents/info`, as if every
 * torrent had vanished). The instance sits behind a loopback proxy that holds each request
 * 150 ms, so that first check takes a while.
 */

let q: QbtProcess;
let proxy: DelayProxy;
let box: Sandbox;

beforeAll(async () => {
  assertCliBuilt();
  q = await startQbittorrent({ name: 'cli-gw-start' });
  proxy = await startDelayProxy(q.url);
  box = makeSandbox('gw-start');
});

afterAll(async () => {
  await proxy?.close();
  await q?.dispose();
  box?.dispose();
});

describe('qbit-failover gateway start-up', () => {
  it('every torrents/info answered from the moment it listens lists the torrent already on the instance', async () => {
    const m = randomMagnet('there before the gateway');
    const env = legacyEnv({ url: proxy.url, username: q.username, password: q.password });
    expect((await box.run(['add', m.magnet], env)).code).toBe(0);
    await waitForHashes(q, [m.infohash], 2_000);
    proxy.delay('/api/v2/', 150);
    const port = await freePort();
    const auth = `Basic ${Buffer.from('admin:startup pass').toString('base64')}`;
    const c = spawnCli(['gateway', '--port', String(port)], { env: box.env({ ...env, QBIT_FAILOVER_GATEWAY_PASSWORD: 'startup pass' }), cwd: box.cwd });
    const answers: string[] = [];
    try {
      const ready = c.waitFor(/Username admin/, 30_000).then(() => true);
      let done = false;
      void ready.then(() => (done = true), () => (done = true));
      // Poll like a client that was waiting for the gateway, until it has said it is ready, and once after.
      for (let after = 0; after < 2; ) {
        if (done) after++;
        const r = await fetch(`http://127.0.0.1:${port}/api/v2/torrents/info`, { headers: { authorization: auth } }).catch(() => null);
        if (r?.status === 200) answers.push(await r.text());
        else await new Promise((res) => setTimeout(res, 20));
      }
      await ready;
    } finally {
      c.child.kill('SIGTERM');
    }
    expect(await c.exited).toEqual({ code: 0, signal: null });
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.filter((body) => !body.includes(m.infohash))).toEqual([]);
  });
});
