import { closeSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSecretStore } from '../../electron/core/config/secret-store';
import { engineInternals, createEngine, type Engine } from '../../electron/core/engine';
import { spawnCli, type CliChild } from '../harness/cli';
import { assertCliBuilt, killAllCli, parseReport, runCli, type CliRun } from './support/cli';
import { chaosSeed, makePrng, seededMagnet } from './support/prng';
import { byScale, census, disposeMembers, makeSandbox, queuedHashes, SCALE, sleep, startMembers, writeHome, type Member, type Sandbox } from './support/cluster';

/**
 * Two writers on one queue file: our engine (in-process, watchQueueFile: true — the tray app's
 * and `watch`'s engine) and the old Python tool, modelled as it behaves: every 150–500 ms it
 * writes the file with ONLY its four keys (`saved_at` like `2025-11-28T02:30:00.000000`,
 * `reason`, `magnets`, `instructions`), non-atomically (truncate + write, like `json.dump` to
 * an open file), each time adding one new magnet to whatever magnets it last saw — usually it
 * re-reads the file first, sometimes (30 %) it writes from its stale list, dropping entries we
 * added since (it knows nothing of our block). Meanwhile the engine accepts magnets of its own.
 * Both instances are down for the first half (nothing flushes; our entries are only in the
 * queue), then come up. In the end: no accepted entry lost, every foreign magnet picked up, all
 * on exactly one instance, queue empty.
 */

const PHASE_MS = byScale(16_000, 60_000);

let members: Member[] = [];
let sb: Sandbox;
let engine: Engine | null = null;

beforeAll(async () => {
  members = await startMembers([{ name: 'primary' }, { name: 'secondary' }]);
  sb = makeSandbox('writers');
  writeHome(sb, members.map((m) => ({ name: m.name, url: m.q.url, username: m.q.username, password: m.q.password, requiresVpn: false })), 'none', {
    pollIntervalMs: 1_000,
    maxBackoffMs: 2_000,
  });
  for (const m of members) await m.q.kill();
});

afterAll(async () => {
  await engine?.stop().catch(() => undefined);
  killAllCli();
  await disposeMembers(members);
  sb?.dispose();
});

const stamp = (d: Date): string => {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds() * 1000, 6)}`;
};

describe(`two writers (${SCALE})`, () => {
  it('the old tool rewriting the queue file every few hundred ms never makes us lose an entry or miss one of its magnets', async () => {
    const t0 = Date.now();
    // Every random choice (stale reads, magnets, pauses) from one seeded generator: replay with CHAOS_SEED.
    const rng = makePrng(chaosSeed());
    console.log(`[two-writers ${SCALE}] seed ${rng.seed} (replay with CHAOS_SEED=${rng.seed})`);
    const rand = rng.int;
    engine = await createEngine({ home: sb.home, secrets: new FileSecretStore(sb.home), watchQueueFile: true });
    await engine.start();
    const eng = engine;

    const foreign: string[] = [];
    const ours = new Map<string, string>();
    let stop = false;
    let staleWrites = 0;
    let writes = 0;
    const writer = (async () => {
      let seen: string[] = [];
      while (!stop) {
        if (rng.next() < 0.7) {
          try {
            const doc = JSON.parse(readFileSync(sb.queueFile, 'utf8')) as { magnets?: unknown[] };
            seen = (doc.magnets ?? []).filter((m): m is string => typeof m === 'string');
          } catch {
            /* missing or half-written: keep the last list, as the old tool would */
          }
        } else staleWrites++;
        const m = seededMagnet(rng);
        foreign.push(m.infohash);
        seen = [...seen, m.magnet];
        writeFileSync(
          sb.queueFile,
          JSON.stringify({ saved_at: stamp(new Date()), reason: 'Both qBittorrent instances unreachable', magnets: seen, instructions: 'Run the script again when qBittorrent is reachable to add these magnets.' }, null, 2),
        );
        writes++;
        await sleep(rand(150, 500));
      }
    })();
    const adder = (async () => {
      while (!stop) {
        const batch = Array.from({ length: rand(1, 3) }, () => seededMagnet(rng));
        const res = await eng.add(batch.map((b) => b.magnet));
        for (const r of res.results) if (r.infohash) ours.set(r.infohash, r.outcome);
        await sleep(rand(300, 900));
      }
    })();

    await sleep(PHASE_MS / 2);
    const queuedMidway = (await engineInternals(eng).queue.load()).length;
    for (const m of members) await m.q.restart();
    await sleep(PHASE_MS / 2);
    stop = true;
    await Promise.all([writer, adder]);

    const acceptedOurs = [...ours].filter(([, o]) => o !== 'rejected').map(([h]) => h);
    const want = [...new Set([...foreign, ...acceptedOurs])];
    const settleStart = Date.now();
    let where = await census(members);
    let flushed = false;
    for (;;) {
      where = await census(members);
      const left = (await engineInternals(eng).queue.load()).length;
      if (left === 0 && want.every((h) => where.get(h)?.on.length === 1)) break;
      if (Date.now() - settleStart > 30_000) break;
      if (!flushed && Date.now() - settleStart > 10_000) {
        flushed = true;
        await eng.flush();
      }
      await sleep(300);
    }
    const queueLeft = queuedHashes(sb.queueFile);
    const lostForeign = foreign.filter((h) => !where.has(h) && !queueLeft.has(h));
    const lostOurs = acceptedOurs.filter((h) => !where.has(h) && !queueLeft.has(h));
    const doubled = want.filter((h) => (where.get(h)?.on.length ?? 0) > 1);
    console.log(
      `[two-writers ${SCALE}] foreign writes ${writes} (${staleWrites} from a stale list), foreign magnets ${foreign.length}; ours accepted ${acceptedOurs.length} (${[...ours.values()].filter((o) => o === 'queued').length} queued); queued midway ${queuedMidway}; ` +
        `settled in ${((Date.now() - settleStart) / 1000).toFixed(1)} s${flushed ? ' (manual flush)' : ''}; on instances ${want.filter((h) => where.has(h)).length}/${want.length}; lost foreign ${lostForeign.length}, lost ours ${lostOurs.length}, on two ${doubled.length}, queue left ${queueLeft.size}; ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    expect(lostOurs, 'our accepted entries lost').toEqual([]);
    expect(lostForeign, 'foreign magnets never picked up').toEqual([]);
    expect(doubled).toEqual([]);
    expect(want.filter((h) => !where.has(h)), 'not on an instance').toEqual([]);
    expect(queueLeft.size).toBe(0);
  });
});

/**
 * What found issue 7 item 2: `watch` running, the VPN down (every instance `requiresVpn`, the
 * probe an interface that does not exist), many concurrent `qbit-failover add` processes — each
 * a short-lived process that queues its magnets and exits — while a script in the old tool's
 * style rewrites the file: read → append one magnet → `json.dump` (truncate + write, no lock, no
 * temp file), sometimes from a stale read (dropping whatever was added since), sometimes torn (a
 * pause half-way through the write). In the end every magnet a CLI reported `[QUEUED]` must be
 * in the queue (`queue --json` and the file itself, once `watch` repaired it), and the script's
 * magnets must have been adopted. Randomness is seeded (`CHAOS_SEED`), and the seed printed.
 */
describe(`two writers: concurrent CLI adds vs a stale, torn, lock-less script (${SCALE})`, () => {
  const ADDERS = byScale(20, 60);
  const PER_ADD = 10;
  const PARALLEL = byScale(6, 8);
  const MIN_FOREIGN_WRITES = byScale(150, 400);

  it('no magnet a CLI `add` reported QUEUED is lost, and the script\'s magnets are adopted', async () => {
    assertCliBuilt();
    const t0 = Date.now();
    const seed = chaosSeed();
    const rng = makePrng(seed);
    console.log(`[two-writers cli ${SCALE}] seed ${seed} (replay with CHAOS_SEED=${seed})`);
    const magnet = (): { magnet: string; infohash: string } => {
      const infohash = rng.hex(20);
      return { magnet: `magnet:?xt=urn:btih:${infohash}&dn=qbf-chaos-${infohash.slice(0, 8)}`, infohash };
    };

    const box = makeSandbox('writers-cli');
    let watch: CliChild | null = null;
    try {
      // Every instance needs the VPN, and the VPN probe looks for an interface that does not exist: all adds queue.
      writeHome(box, members.map((m) => ({ name: m.name, url: m.q.url, username: m.q.username, password: m.q.password, requiresVpn: true })), 'interface:qbfnone0', {
        pollIntervalMs: 1_000,
        maxBackoffMs: 2_000,
      });
      watch = spawnCli(['watch'], { env: box.env(), cwd: box.cwd });
      await watch.waitFor(/watching \d+ instance/, 30_000);

      // The old tool's style, as Python does it: open(path, 'w') truncates, json.dump writes.
      const foreign: string[] = [];
      let seen: string[] = [];
      let writes = 0;
      let stale = 0;
      let torn = 0;
      let addsDone = false;
      const writer = (async () => {
        while (!addsDone || writes < MIN_FOREIGN_WRITES) {
          if (rng.next() < 0.7) {
            try {
              const doc = JSON.parse(readFileSync(box.queueFile, 'utf8')) as { magnets?: unknown[] };
              seen = (doc.magnets ?? []).filter((m): m is string => typeof m === 'string');
            } catch {
              /* missing, or half-written by someone: the script keeps its last list */
            }
          } else stale++;
          const m = magnet();
          foreign.push(m.infohash);
          seen = [...seen, m.magnet];
          const text = JSON.stringify(
            { saved_at: stamp(new Date()), reason: 'Both qBittorrent instances unreachable', magnets: seen, instructions: 'Run the script again when qBittorrent is reachable to add these magnets.' },
            null,
            2,
          );
          const fd = openSync(box.queueFile, 'w');
          try {
            if (rng.next() < 0.15) {
              torn++;
              const cut = rng.int(1, text.length - 1);
              writeSync(fd, text.slice(0, cut));
              await sleep(rng.int(2, 25));
              writeSync(fd, text.slice(cut));
            } else writeSync(fd, text);
          } finally {
            closeSync(fd);
          }
          writes++;
          await sleep(rng.int(10, 60));
        }
      })();

      const batches = Array.from({ length: ADDERS }, () => Array.from({ length: PER_ADD }, magnet));
      const runs: CliRun[] = [];
      let nextBatch = 0;
      const addWorker = async (): Promise<void> => {
        while (nextBatch < batches.length) {
          const b = batches[nextBatch++]!;
          runs.push(await runCli(['add', ...b.map((x) => x.magnet)], { env: box.env(), cwd: box.cwd, timeoutMs: 60_000 }));
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, addWorker));
      addsDone = true;
      await writer;

      const queued = new Set(runs.flatMap((r) => parseReport(r.stdout).filter((l) => l.kind === 'QUEUED').map((l) => l.infohash)));
      // `watch` picks up the script's last write and repairs the file; give it a few seconds.
      const settleStart = Date.now();
      let inFile = queuedHashes(box.queueFile);
      while ([...queued].some((h) => !inFile.has(h)) && Date.now() - settleStart < 10_000) {
        await sleep(250);
        try {
          inFile = queuedHashes(box.queueFile);
        } catch {
          /* mid-write */
        }
      }
      const listed = await runCli(['queue', '--json'], { env: box.env(), cwd: box.cwd });
      const inQueue = new Set(((JSON.parse(listed.stdout) as { entries: { infohash: string }[] }).entries).map((e) => e.infohash));
      const lostOurs = [...queued].filter((h) => !inQueue.has(h));
      const missingFromFile = [...queued].filter((h) => !inFile.has(h));
      const lostForeign = foreign.filter((h) => !inQueue.has(h));
      const badExits = runs.filter((r) => r.code !== 3);
      // Where a lost script magnet went: into a file moved aside as corrupt (a torn write we could not wait out)?
      const asideFiles = readdirSync(dirname(box.queueFile)).filter((f) => f.includes('.corrupt-'));
      const asideText = asideFiles.map((f) => readFileSync(join(dirname(box.queueFile), f), 'utf8')).join('\n');
      const lostForeignAside = lostForeign.filter((h) => asideText.includes(h));
      console.log(
        `[two-writers cli ${SCALE}] seed ${seed}: ${runs.length} add processes × ${PER_ADD} (${PARALLEL} at a time), ${queued.size} reported QUEUED; ` +
          `script writes ${writes} (${stale} stale, ${torn} torn), script magnets ${foreign.length}; ` +
          `lost ours ${lostOurs.length} (missing from the file ${missingFromFile.length}), lost script's ${lostForeign.length} (${lostForeignAside.length} of them in the ${asideFiles.length} file(s) moved aside as corrupt); ` +
          `exit codes ${[...new Set(runs.map((r) => r.code))].join('/')}; ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
      expect(badExits.map((r) => `exit ${r.code}: ${r.stdout.split('\n').filter((l) => l.startsWith('[REJECTED]')).join(' | ').slice(0, 400)} ${r.stderr.slice(0, 300)}`), 'add exits 3 (queued)').toEqual([]);
      expect(queued.size, 'every magnet reported QUEUED').toBe(ADDERS * PER_ADD);
      expect(lostOurs, 'magnets reported QUEUED but gone from the queue').toEqual([]);
      expect(missingFromFile, 'magnets reported QUEUED but not in the queue file after watch repaired it').toEqual([]);
      expect(lostForeign, "the script's magnets not adopted").toEqual([]);
    } finally {
      watch?.child.kill('SIGTERM');
      await watch?.exited;
      box.dispose();
    }
  });
});
