import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineInternals, type Engine } from '../../electron/core/engine';
import { forgetDirectSession, listHashes, waitForHashes } from '../harness/direct';
import { randomMagnet } from '../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../harness/qbittorrent';
import { waitSnapshot } from '../harness/engine-wait';
import { createTestEngine, type TestEngine, type TestInstance } from '../harness/test-engine';

/**
 * The round before an auto-flush (an instance came back: those of higher priority get a chance
 * first, so the queue follows the priority order), against real qbittorrent-nox:
 * - it is bounded: a frozen primary (accepts, never answers) does not hold the queue back from
 *   the secondary that is back;
 * - a queue change during the round does not start a flush of its own before the round ends.
 * Monitoring is paused while the outage is set up, so no background probe races the scenario:
 * resuming runs "Check now" on both instances at once.
 */

let b: QbtProcess;
let bForA: QbtProcess;
const engines: TestEngine[] = [];
const servers: Server[] = [];

beforeAll(async () => {
  [b, bForA] = await Promise.all([startQbittorrent({ name: 'round-b' }), startQbittorrent({ name: 'round-a', extraConfig: { Preferences: { 'WebUI\\HostHeaderValidation': 'false' } } })]);
});

afterAll(async () => {
  await Promise.allSettled(engines.map((e) => e.dispose()));
  for (const s of servers) s.close();
  await Promise.allSettled([b, bForA].filter(Boolean).map((q) => q.dispose()));
});

/** How a {@link controlledServer} treats connections now. */
type Mode = { kind: 'refuse' } | { kind: 'freeze' } | { kind: 'slow'; target: QbtProcess; delayMs: number; gate?: Promise<void> };

/**
 * A loopback TCP server whose behaviour the test switches: `refuse` stops listening (a server
 * that is down: connection refused), `freeze` accepts and never answers (a frozen server, a
 * stalled tunnel), `slow` proxies to a real qBittorrent holding each chunk it sends for
 * `delayMs` — and, with a `gate`, until that promise resolves (the test decides when the server
 * may answer). A switch ends every open connection (kept-alive sessions included).
 */
async function controlledServer(initial: Mode): Promise<{ url: string; set(mode: Mode): Promise<void> }> {
  let mode = initial;
  const open = new Set<Socket>();
  const server = createServer((client: Socket) => {
    client.on('error', () => undefined);
    open.add(client);
    client.on('close', () => open.delete(client));
    if (mode.kind !== 'slow') return;
    const { delayMs } = mode;
    const gate = mode.gate ?? Promise.resolve();
    const up = connect(mode.target.port, '127.0.0.1');
    client.pipe(up);
    // Callbacks on one promise run in the order they were added, and equal delays keep that order.
    up.on('data', (chunk) => void gate.then(() => setTimeout(() => client.writable && client.write(chunk), delayMs)));
    up.on('end', () => void gate.then(() => setTimeout(() => client.end(), delayMs)));
    up.on('error', () => client.destroy());
    client.on('close', () => up.destroy());
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    set: async (m) => {
      const was = mode;
      mode = m;
      open.forEach((c) => c.destroy());
      if (m.kind === 'refuse' && was.kind !== 'refuse') await new Promise<void>((r) => server.close(() => r()));
      if (m.kind !== 'refuse' && was.kind === 'refuse') await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    },
  };
}

/** An engine (not started) on `instances` (their passwords stored); disposed after all tests. */
async function engineWith(instances: TestInstance[]): Promise<Engine> {
  const t = await createTestEngine({
    label: 'round',
    instances,
    // The health check's own schedule is far away: only "Check now" and the recovery path run checks.
    settings: { pollIntervalMs: 600_000, maxBackoffMs: 600_000 },
  });
  engines.push(t);
  return t.engine;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('the round before an auto-flush', () => {
  it('a frozen primary (accepts, never answers) does not hold the queue back from the secondary that came back', async () => {
    // A primary on a slow link: connect timeout 20 s, so its full check runs up to 21 s when frozen.
    // It is a real qBittorrent at first (its session is open: a frozen login would be held back by the login guard instead).
    const primary = await controlledServer({ kind: 'slow', target: bForA, delayMs: 0 });
    const engine = await engineWith([
      { name: 'a', url: primary.url, username: bForA.username, password: bForA.password, connectTimeoutMs: 20_000, requestTimeoutMs: 30_000 },
      { name: 'b', url: b.url, username: b.username, password: b.password },
    ]);
    try {
      await engine.start();
      expect(engine.snapshot().instances.map((i) => i.status)).toEqual(['OK', 'OK']);
      await engine.setMonitoringPaused(true);
      await primary.set({ kind: 'refuse' });
      await b.kill();
      const ms = [randomMagnet('round-frozen-1'), randomMagnet('round-frozen-2')];
      const res = await engine.add(ms.map((m) => m.magnet));
      expect(res.summary.queued).toBe(2);
      await primary.set({ kind: 'freeze' });
      await b.restart();
      forgetDirectSession(b);
      const t0 = Date.now();
      // Resuming checks both at once: the secondary answers in ms, the primary's check hangs.
      const resumed = engine.setMonitoringPaused(false).catch(() => undefined);
      await waitSnapshot(engine, (s) => s.queue.length === 0 && !s.flushing, 20_000, 'queue flushed to the secondary');
      const took = Date.now() - t0;
      console.log(`queue flushed ${took} ms after "Check now" (the primary's check would hang 21 s)`);
      // Generous: the round waits at most 3 s; before the fix it waited for the primary's whole check (21 s).
      expect(took).toBeLessThan(12_000);
      await waitForHashes(b, ms.map((m) => m.infohash), 5_000);
      void resumed;
    } finally {
      await engine.stop();
      await primary.set({ kind: 'refuse' });
    }
  });

  it('a queue change while the round waits for the primary does not flush early: the entries still go to the primary, which answers later than the secondary', async () => {
    // The primary answers through a proxy holding each reply 400 ms: its check ends after the secondary's.
    const primary = await controlledServer({ kind: 'slow', target: bForA, delayMs: 400 });
    const engine = await engineWith([
      { name: 'a', url: primary.url, username: bForA.username, password: bForA.password },
      { name: 'b', url: b.url, username: b.username, password: b.password },
    ]);
    const [rtA, rtB] = engineInternals(engine).instances;
    try {
      await engine.start();
      expect(engine.snapshot().instances.map((i) => i.status)).toEqual(['OK', 'OK']);
      await engine.setMonitoringPaused(true);
      await primary.set({ kind: 'refuse' });
      await b.kill();
      const ms = [randomMagnet('round-change-1'), randomMagnet('round-change-2'), randomMagnet('round-change-3')];
      const res = await engine.add(ms.map((m) => m.magnet));
      expect(res.summary.queued).toBe(3);
      // The primary is back but holds its answers until the test lets them go: its check cannot
      // end before the secondary's, however loaded the machine (a 400 ms delay alone was won by a
      // 64 ms margin under load).
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      await primary.set({ kind: 'slow', target: bForA, delayMs: 400, gate });
      await b.restart();
      forgetDirectSession(b);
      const resumed = engine.setMonitoringPaused(false).catch(() => undefined);
      // The secondary is back, the primary's check still runs: the round is waiting for it.
      while (rtB!.health.status !== 'OK') await sleep(5);
      expect(rtA!.health.status).not.toBe('OK');
      // The user removes one entry meanwhile: the queue changes during the round.
      expect(await engine.removeEntry(ms[2]!.infohash)).toBe(true);
      // Then the primary answers (each reply still 400 ms late), well inside the round's 3 s.
      release();
      await waitSnapshot(engine, (s) => s.queue.length === 0 && !s.flushing, 20_000, 'queue flushed');
      await resumed;
      await waitForHashes(bForA, [ms[0]!.infohash, ms[1]!.infohash], 5_000);
      const onB = await listHashes(b);
      expect(ms.filter((m) => onB.includes(m.infohash)).map((m) => m.infohash)).toEqual([]);
    } finally {
      await engine.stop();
    }
  });
});
