import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettingsInput } from '../../shared/settings';
import { engineInternals, type Engine } from '../../electron/core/engine';
import { forgetDirectSession, listHashes, waitForHashes } from '../harness/direct';
import { randomMagnet } from '../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../harness/qbittorrent';
import { waitSnapshot } from '../harness/engine-wait';
import { createTestEngine, instanceOf, type TestEngine } from '../harness/test-engine';

/**
 * Recovery after an outage, against real qbittorrent-nox: the queue flushes as soon as an
 * instance is back (a cheap unauthenticated reachability probe, never a login, instead of the
 * health check's backoff), and the entries follow the priority order even when a lower instance's
 * check answers first (the flush waits for a complete round of checks).
 */

let a: QbtProcess;
let b: QbtProcess;
const engines: TestEngine[] = [];
const proxies: Server[] = [];

beforeAll(async () => {
  [a, b] = await Promise.all([
    // Reached through a proxy on another port in one test: qBittorrent answers 401 when the Host port differs, unless told not to check.
    startQbittorrent({ name: 'recovery-a', extraConfig: { Preferences: { 'WebUI\\HostHeaderValidation': 'false' } } }),
    startQbittorrent({ name: 'recovery-b' }),
  ]);
});

afterAll(async () => {
  await Promise.allSettled(engines.map((e) => e.dispose()));
  for (const p of proxies) p.close();
  await Promise.allSettled([a, b].filter(Boolean).map((q) => q.dispose()));
});

/**
 * A loopback TCP proxy to `target` that holds every chunk the server sends for `delayMs` (the
 * client's bytes go through at once): a server that answers, slowly. A refused upstream closes
 * the client's connection.
 */
async function slowProxy(target: QbtProcess, delayMs: number): Promise<string> {
  const server = createServer((client: Socket) => {
    const up = connect(target.port, '127.0.0.1');
    client.pipe(up);
    up.on('data', (chunk) => setTimeout(() => client.writable && client.write(chunk), delayMs));
    up.on('end', () => setTimeout(() => client.end(), delayMs));
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
    client.on('close', () => up.destroy());
  });
  proxies.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}

/** An engine (not started) on `instances`, each `q` reached at `url` with its credentials; disposed after all tests. */
async function engineWith(instances: { name: string; url: string; q: QbtProcess }[], over: Partial<SettingsInput> = {}): Promise<Engine> {
  const t = await createTestEngine({
    label: 'recovery',
    instances: instances.map((i) => instanceOf(i.name, i.q, { url: i.url })),
    // The health check's own schedule is far away: whatever brings the queue back is the recovery path.
    settings: { pollIntervalMs: 600_000, maxBackoffMs: 600_000, ...over },
  });
  engines.push(t);
  return t.engine;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function ensureRunning(q: QbtProcess): Promise<void> {
  q.thaw();
  if (q.pid === null) await q.restart();
  forgetDirectSession(q);
}

describe('recovery after an outage', () => {
  it('an instance restarted after its health checks backed off: the queue is flushed onto it without waiting for the next check, and no login is sent while it is down', async () => {
    const engine = await engineWith([{ name: 'a', url: a.url, q: a }]);
    try {
      await engine.start();
      const rt = engineInternals(engine).instances[0]!;
      await a.kill();
      const m1 = randomMagnet('recovery-1');
      const m2 = randomMagnet('recovery-2');
      const res = await engine.add([m1.magnet, m2.magnet]);
      expect(res.summary.queued).toBe(2);
      const loginsWhileDown = rt.client.stats.logins;
      // The re-check 5 s after the failed add runs and fails too; the next is 10 min away.
      await sleep(6_500);
      expect(engine.snapshot().instances[0]!.status).toBe('CONNECTION_REFUSED');
      expect(rt.client.stats.logins).toBe(loginsWhileDown);
      await a.restart();
      forgetDirectSession(a);
      await waitSnapshot(engine, (s) => s.queue.length === 0 && !s.flushing, 20_000, 'queue flushed after the restart');
      await waitForHashes(a, [m1.infohash, m2.infohash], 5_000);
      // One login after the restart (the old session died with the process), none before.
      expect(rt.client.stats.logins).toBe(loginsWhileDown + 1);
    } finally {
      await engine.stop();
      await ensureRunning(a);
    }
  });

  it('both down, the primary restarted first: the queued entries go to the primary even though the secondary answers its check first', async () => {
    // The primary answers through a proxy that holds each reply 400 ms: its check ends last.
    const slowA = await slowProxy(a, 400);
    const engine = await engineWith([
      { name: 'a', url: slowA, q: a },
      { name: 'b', url: b.url, q: b },
    ]);
    try {
      await engine.start();
      expect(engine.snapshot().instances.map((i) => i.status)).toEqual(['OK', 'OK']);
      await Promise.all([a.kill(), b.kill()]);
      const ms = [randomMagnet('prio-1'), randomMagnet('prio-2'), randomMagnet('prio-3')];
      const res = await engine.add(ms.map((m) => m.magnet));
      expect(res.summary.queued).toBe(3);
      await a.restart();
      await b.restart();
      forgetDirectSession(a);
      forgetDirectSession(b);
      // "Check now" too: both checks run at once, the secondary's ends first.
      await engine.checkAll();
      await waitSnapshot(engine, (s) => s.queue.length === 0 && !s.flushing, 20_000, 'queue flushed');
      await waitForHashes(a, ms.map((m) => m.infohash), 5_000);
      const onB = await listHashes(b);
      expect(ms.filter((m) => onB.includes(m.infohash))).toEqual([]);
    } finally {
      await engine.stop();
      await Promise.all([ensureRunning(a), ensureRunning(b)]);
    }
  });
});
