import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetDirectSession, listHashes, waitForHashes } from '../harness/direct';
import { assertCliBuilt, legacyEnv, makeSandbox, readJson, spawnCli, writeOldQueueFile, type CliResult, type Sandbox } from '../harness/cli';
import { makeTorrentFile, randomMagnet } from '../harness/inputs';
import { freePort, startQbittorrent, type QbtProcess } from '../harness/qbittorrent';

/**
 * The durable queue through the real CLI: both instances down → queued (old-format superset,
 * exit 3), an unwritable queue → exit 1 and never "queued", restart + `flush`, `flush <infohash>`,
 * a hand-written old-format file, a queued `.torrent` payload, and `watch`.
 */

let a: QbtProcess;
let b: QbtProcess;
const sandboxes: Sandbox[] = [];

function sandbox(): Sandbox {
  const s = makeSandbox('queue');
  sandboxes.push(s);
  return s;
}

function expectExit(r: CliResult, code: number): void {
  expect(r.code, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);
}

/** The old tool's environment pointing at two loopback ports where nothing listens. */
async function deadEnv(): Promise<Record<string, string>> {
  const [p1, p2] = [await freePort(), await freePort()];
  return legacyEnv({ url: `http://127.0.0.1:${p1}`, username: 'admin', password: 'adminadmin' }, { url: `http://127.0.0.1:${p2}` }, 'up');
}

const liveEnv = (): Record<string, string> => legacyEnv(a, b, 'up');

/** Infohashes present on either instance. */
async function onAnyInstance(): Promise<Set<string>> {
  return new Set([...(await listHashes(a)), ...(await listHashes(b))]);
}

interface QueueFile {
  saved_at: string;
  reason: string | null;
  magnets: string[];
  instructions: string;
  qbit_failover?: { entries: { infohash: string; kind: string; torrentFile?: string }[] };
}

beforeAll(async () => {
  assertCliBuilt();
  [a, b] = await Promise.all([startQbittorrent({ name: 'queue-a', role: 'primary' }), startQbittorrent({ name: 'queue-b' })]);
});

afterAll(async () => {
  await Promise.allSettled([a, b].filter(Boolean).map((q) => q.dispose()));
  for (const s of sandboxes) s.dispose();
});

describe('both instances down', () => {
  it('queues (exit 3) in an old-format superset; --json shape; restart + flush places all (exit 0); flush <infohash> of one', async () => {
    const s = sandbox();
    const m1 = randomMagnet();
    const m2 = randomMagnet();
    const m3 = randomMagnet();
    await Promise.all([a.kill(), b.kill()]);
    let r: CliResult;
    let rj: CliResult;
    try {
      r = await s.run(['add', m1.magnet, m2.magnet], liveEnv());
      rj = await s.run(['add', '--json', m3.magnet], liveEnv());
    } finally {
      await Promise.all([a.restart(), b.restart()]);
      forgetDirectSession(a);
      forgetDirectSession(b);
    }
    expectExit(r, 3);
    expect(r.stdout).toMatch(new RegExp(`\\[QUEUED\\] .*${m1.infohash}.*CONNECTION_REFUSED`));
    expect(r.stdout).toContain('[RESULT] added=0 duplicate=0 queued=2 rejected=0');

    expectExit(rj, 3);
    const json = JSON.parse(rj.stdout) as { results: Record<string, unknown>[]; summary: Record<string, number>; queueProblem: unknown; configWarnings: unknown };
    // queueProblem (null while the queue file is healthy) came with the queue-file problem report;
    // configWarnings (empty while config.json has no key we ignore) with the config.json notes.
    expect(Object.keys(json).sort()).toEqual(['configWarnings', 'queueProblem', 'results', 'summary']);
    expect(json.queueProblem).toBeNull();
    expect(json.configWarnings).toEqual([]);
    expect(json.summary).toEqual({ added: 0, duplicate: 0, queued: 1, rejected: 0 });
    expect(json.results).toHaveLength(1);
    const res = json.results[0]!;
    for (const k of ['input', 'outcome', 'infohash', 'instance', 'reason', 'error']) expect(res).toHaveProperty(k);
    expect(res).toMatchObject({ input: m3.magnet, outcome: 'queued', infohash: m3.infohash, instance: null, error: null });
    expect(String(res.reason)).toMatch(/primary: .*CONNECTION_REFUSED/);

    const file = readJson<QueueFile>(s.queueFile);
    expect(typeof file.saved_at).toBe('string');
    expect(Number.isNaN(Date.parse(file.saved_at))).toBe(false);
    expect(typeof file.reason).toBe('string');
    expect(typeof file.instructions).toBe('string');
    expect(file.magnets).toEqual([m1.magnet, m2.magnet, m3.magnet]);

    const q = await s.run(['queue'], liveEnv());
    expectExit(q, 0);
    expect(q.stdout).toContain('[QUEUE] 3 entries');

    // Both are back: flush one entry by infohash first, then the rest.
    const one = await s.run(['flush', m2.infohash], liveEnv());
    expectExit(one, 0);
    expect(one.stdout).toMatch(new RegExp(`\\[ADDED\\] (.* \\()?${m2.infohash}\\)? → primary`));
    expect(one.stdout).toContain('[RESULT] placed=1 remaining=0 queue=2');
    await waitForHashes(a, [m2.infohash], 2_000);
    expect(readJson<QueueFile>(s.queueFile).magnets).toEqual([m1.magnet, m3.magnet]);

    const all = await s.run(['flush', '--json'], liveEnv());
    expectExit(all, 0);
    const fr = JSON.parse(all.stdout) as { placed: { infohash: string; instance: string }[]; remaining: unknown[]; queueLength: number };
    expect(fr.placed.map((p) => p.infohash).sort()).toEqual([m1.infohash, m3.infohash].sort());
    expect(fr.remaining).toEqual([]);
    expect(fr.queueLength).toBe(0);
    const present = await onAnyInstance();
    for (const m of [m1, m2, m3]) expect(present.has(m.infohash)).toBe(true);
    expect(readJson<QueueFile>(s.queueFile).magnets).toEqual([]);
    // Nothing left: flush again is a no-op with exit 0.
    expectExit(await s.run(['flush'], liveEnv()), 0);
  });

  it('flush while still down → exit 3 and the entry stays with its attempt recorded', async () => {
    const s = sandbox();
    const m = randomMagnet();
    const env = await deadEnv();
    expectExit(await s.run(['add', m.magnet], env), 3);
    const f = await s.run(['flush'], env);
    expectExit(f, 3);
    expect(f.stdout).toContain('remaining=1');
    const file = readJson<QueueFile & { qbit_failover: { entries: { attempts: number }[] } }>(s.queueFile);
    expect(file.magnets).toEqual([m.magnet]);
    expect(file.qbit_failover.entries[0]!.attempts).toBe(1);
  });

  it('unwritable queue file (parent is a regular file) → exit 1, rejected with QUEUE_WRITE_FAILED, never queued', async () => {
    const s = sandbox();
    const blocker = join(s.root, 'not-a-dir');
    writeFileSync(blocker, 'I am a file');
    chmodSync(blocker, 0o444);
    const m = randomMagnet();
    const env = { ...(await deadEnv()), QBIT_FAILOVER_QUEUE_FILE: join(blocker, 'queue.json') };
    const r = await s.run(['add', '--json', m.magnet], env);
    expectExit(r, 1);
    const json = JSON.parse(r.stdout) as { results: { outcome: string; error: { code: string } | null }[]; summary: Record<string, number> };
    expect(json.results[0]).toMatchObject({ outcome: 'rejected', error: { code: 'QUEUE_WRITE_FAILED' } });
    expect(json.summary.queued).toBe(0);

    const text = await s.run(['add', m.magnet], env);
    expectExit(text, 1);
    expect(text.stdout).not.toContain('[QUEUED]');
    expect(text.stdout).toMatch(/\[REJECTED\].*QUEUE_WRITE_FAILED/);
  });
});

describe('old-format queue files and .torrent payloads', () => {
  it('a hand-written old-format file (four keys, Python timestamp) is listed by `queue` and placed by `flush`', async () => {
    const s = sandbox();
    const m1 = randomMagnet();
    const m2 = randomMagnet();
    writeOldQueueFile(s.queueFile, [m1.magnet, m2.magnet], '2025-11-28T02:30:00.000000');
    const q = await s.run(['queue', '--json'], liveEnv());
    expectExit(q, 0);
    const listed = JSON.parse(q.stdout) as { file: string; entries: { infohash: string; magnet: string }[] };
    expect(listed.file).toBe(s.queueFile);
    expect(listed.entries.map((e) => e.magnet)).toEqual([m1.magnet, m2.magnet]);
    expect(listed.entries.map((e) => e.infohash)).toEqual([m1.infohash, m2.infohash]);
    const text = await s.run(['queue'], liveEnv());
    expect(text.stdout).toContain(m1.infohash);

    const f = await s.run(['flush'], liveEnv());
    expectExit(f, 0);
    expect(f.stdout).toContain('[RESULT] placed=2 remaining=0 queue=0');
    await waitForHashes(a, [m1.infohash, m2.infohash], 2_000);
    expect(readJson<QueueFile>(s.queueFile).magnets).toEqual([]);
  });

  it('a .torrent queued while both are down keeps its payload beside the queue file; flush places it and removes the payload', async () => {
    const s = sandbox();
    const t = makeTorrentFile('queued-payload.bin');
    const path = join(s.cwd, 'queued.torrent');
    writeFileSync(path, t.data);
    const r = await s.run(['add', '--json', path], await deadEnv());
    expectExit(r, 3);
    expect(JSON.parse(r.stdout).results[0]).toMatchObject({ outcome: 'queued', infohash: t.infohash });
    const payloadDir = `${s.queueFile}.torrents`;
    expect(readdirSync(payloadDir)).toEqual([`${t.infohash}.torrent`]);
    const file = readJson<QueueFile>(s.queueFile);
    expect(file.magnets).toEqual([`magnet:?xt=urn:btih:${t.infohash}&dn=queued-payload.bin`]);
    expect(file.qbit_failover?.entries[0]).toMatchObject({ kind: 'torrent', infohash: t.infohash });

    const f = await s.run(['flush'], liveEnv());
    expectExit(f, 0);
    await waitForHashes(a, [t.infohash], 2_000);
    expect(existsSync(join(payloadDir, `${t.infohash}.torrent`))).toBe(false);
    expect(readJson<QueueFile>(s.queueFile).magnets).toEqual([]);
  });
});

describe('watch', () => {
  it('picks up a foreign old-format queue write and places it; SIGTERM exits 0 within a few seconds', async () => {
    const s = sandbox();
    const w = spawnCli(['watch'], { env: s.env(liveEnv()), cwd: s.cwd });
    try {
      await w.waitFor(/watching 2 instance\(s\)/, 10_000);
      const m = randomMagnet();
      const t0 = Date.now();
      writeOldQueueFile(s.queueFile, [m.magnet]);
      const took = await waitForHashes(a, [m.infohash], 5_000);
      console.info(`[figure] watch: foreign queue write placed in ${Date.now() - t0} ms (seen after ${took} ms of polling)`);
      const deadline = Date.now() + 3_000;
      while (readJson<QueueFile>(s.queueFile).magnets.length && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
      expect(readJson<QueueFile>(s.queueFile).magnets).toEqual([]);

      const t1 = Date.now();
      w.child.kill('SIGTERM');
      const end = await Promise.race([w.exited, new Promise<null>((res) => setTimeout(() => res(null), 5_000))]);
      console.info(`[figure] watch: SIGTERM → exit in ${Date.now() - t1} ms`);
      expect(end, w.output()).toEqual({ code: 0, signal: null });
    } finally {
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    }
  });
});
