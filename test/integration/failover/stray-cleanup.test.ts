import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, engineInternals, type Engine } from '../../../electron/core/engine';
import { FileSecretStore } from '../../../electron/core/config/secret-store';
import { saveSettingsFile } from '../../../electron/core/config/settings-file';
import { UncertainAdds } from '../../../electron/core/ledgers/uncertain-adds';
import { directLogin, listHashes } from '../../harness/direct';
import { randomMagnet } from '../../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../../harness/qbittorrent';

/**
 * The stray-cleanup safety net (electron/core/failover/stray-cleanup.ts), against real
 * qbittorrent-nox: an add that reaches a server which then freezes (SIGSTOP) times out, the
 * engine fails over and places the magnet on the other instance — and the frozen server, once it
 * wakes, still reads the buffered request and adds the torrent too. The engine must remove that
 * stray copy after the woken instance's next good probe, so the magnet ends on exactly one
 * instance. Without the cleanup the torrent stays on both (this test then fails).
 */

let a: QbtProcess;
let b: QbtProcess;
const dirs: string[] = [];
const engines: Engine[] = [];

beforeAll(async () => {
  [a, b] = await Promise.all([startQbittorrent({ name: 'stray-a' }), startQbittorrent({ name: 'stray-b' })]);
});

afterAll(async () => {
  a?.thaw();
  await Promise.allSettled(engines.map((e) => e.stop()));
  await Promise.allSettled([a, b].filter(Boolean).map((q) => q.dispose()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Polls `check` every 100 ms until it returns true or `limitMs` passes; returns the last answer (a wait, not a timing assertion). */
async function eventually(check: () => Promise<boolean>, limitMs: number): Promise<boolean> {
  const end = Date.now() + limitMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Instances (by name) whose torrent list holds `infohash`. */
async function holders(infohash: string): Promise<string[]> {
  const out: string[] = [];
  for (const [name, q] of [['a', a], ['b', b]] as const) if ((await listHashes(q)).includes(infohash)) out.push(name);
  return out;
}

/**
 * An engine on `a` + `b` whose add of a fresh magnet went out to `a` as `a` froze: it fails over
 * to `b`, and `a`, woken, adds the buffered magnet too (the torrent is then on both).
 */
async function bufferedStray(opts: { running?: boolean; whileFrozen?: (engine: Engine) => Promise<void> } = {}): Promise<{ engine: Engine; home: string; infohash: string }> {
  const root = mkdtempSync(join(tmpdir(), 'qbf-stray-'));
  dirs.push(root);
  const home = join(root, 'home');
  const secrets = new FileSecretStore(home);
  // Short connect timeout: the add to the frozen instance times out after ~1.5 s, not 3.
  const timeouts = { connectTimeoutMs: 1_500, requestTimeoutMs: 5_000 };
  await saveSettingsFile(home, {
    vpn: { check: 'none' },
    queueFile: join(root, 'queue', 'qbittorrent_queue.json'),
    // A running engine whose own schedule never re-checks within the test: only the quick re-check
    // after a failed add and the reachability probe do.
    ...(opts.running ? { pollIntervalMs: 600_000, maxBackoffMs: 600_000 } : {}),
    instances: [
      { name: 'a', url: a.url, username: a.username, ...timeouts },
      { name: 'b', url: b.url, username: b.username, ...timeouts },
    ],
  });
  await secrets.set('a', a.password);
  await secrets.set('b', b.password);
  const engine = await createEngine({ home, secrets });
  engines.push(engine);

  if (opts.running) await engine.start();
  const snap = opts.running ? engine.snapshot() : await engine.checkAll();
  expect(snap.instances.map((i) => i.status)).toEqual(['OK', 'OK']);

  // Freeze `a` at the very moment its add request goes out (after the duplicate check has
  // answered): the request sits in the kernel's socket buffer until the process wakes.
  const client = engineInternals(engine).instances[0]!.client;
  const send = client.addMagnets.bind(client);
  client.addMagnets = (...args: Parameters<typeof send>) => {
    a.freeze();
    return send(...args);
  };

  const m = randomMagnet('stray');
  let res;
  try {
    res = await engine.add([m.magnet]);
    await opts.whileFrozen?.(engine);
  } finally {
    a.thaw();
    client.addMagnets = send;
  }
  expect(res.results[0]).toMatchObject({ outcome: 'added', instance: 'b' });
  // The timed-out add to `a` is remembered as uncertain, and where the magnet went.
  const ledger = await new UncertainAdds(home).list();
  expect(ledger).toEqual([expect.objectContaining({ infohash: m.infohash, instance: 'a', placedOn: 'b' })]);

  // Awake, `a` processes the buffered request: the torrent is now on both instances.
  const strayArrived = await eventually(async () => (await holders(m.infohash)).length === 2, 10_000);
  expect(strayArrived, 'precondition: the frozen instance added the buffered magnet when it woke').toBe(true);
  return { engine, home, infohash: m.infohash };
}

describe('stray cleanup', () => {
  it('an add buffered by a frozen instance and placed elsewhere is removed from it after its next OK probe: the torrent ends on exactly one instance', async () => {
    const { engine, home, infohash } = await bufferedStray();
    // `a`'s next OK probe runs the cleanup (in the background): the stray copy goes, b's stays.
    const after = await engine.checkAll();
    expect(after.instances.find((i) => i.name === 'a')?.status).toBe('OK');
    await eventually(async () => (await holders(infohash)).length === 1, 10_000);
    expect(await holders(infohash)).toEqual(['b']);
    // Settled: the ledger forgets the entry.
    expect(await eventually(async () => (await new UncertainAdds(home).list()).length === 0, 5_000)).toBe(true);
  }, 60_000);

  it('a running engine removes the stray soon after the instance answers again, also when its backoff would wait minutes (the queue being empty)', async () => {
    // `a` stays frozen through the quick re-check after the failed add, so that check fails too
    // and its next scheduled check is the backoff's 10 min away. Before, nothing else probed it
    // while the queue was empty, and the copy stayed on both instances (chaos: 17 of 200).
    const { engine, home, infohash } = await bufferedStray({
      running: true,
      whileFrozen: async (e) => {
        const rtA = engineInternals(e).instances[0]!;
        const failed = await eventually(async () => rtA.failures >= 2, 20_000);
        expect(failed, 'precondition: the quick re-check of the frozen instance failed too').toBe(true);
      },
    });
    expect(engine.snapshot().queue.length).toBe(0);
    expect(await eventually(async () => (await holders(infohash)).length === 1, 20_000), 'the stray copy removed without waiting for the backoff').toBe(true);
    expect(await holders(infohash)).toEqual(['b']);
    expect(await eventually(async () => (await new UncertainAdds(home).list()).length === 0, 5_000)).toBe(true);
  }, 60_000);

  it('when the instance it was placed on lost the torrent meanwhile, the "stray" is the last copy and is kept', async () => {
    const { engine, home, infohash } = await bufferedStray();
    // `b` loses its copy (removed by hand, or a crash before it saved its resume data).
    const sid = (await directLogin(b)).cookie!;
    await fetch(`${b.url}/api/v2/torrents/delete`, { method: 'POST', headers: { cookie: sid, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ hashes: infohash, deleteFiles: 'false' }).toString() });
    expect(await eventually(async () => (await holders(infohash)).join() === 'a', 5_000)).toBe(true);
    await engine.checkAll();
    // The cleanup runs and settles the entry — without deleting the only copy.
    expect(await eventually(async () => (await new UncertainAdds(home).list()).length === 0, 10_000)).toBe(true);
    expect(await holders(infohash)).toEqual(['a']);
  }, 60_000);
});
