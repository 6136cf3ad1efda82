import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSecretStore } from '../../electron/core/config/secret-store';
import { createEngine, type Engine } from '../../electron/core/engine';
import { randomMagnet } from '../harness/inputs';
import { byScale, census, disposeMembers, makeSandbox, queuedHashes, rand, SCALE, sleep, startMembers, writeHome, type Member, type Sandbox } from './support/cluster';

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
        if (Math.random() < 0.7) {
          try {
            const doc = JSON.parse(readFileSync(sb.queueFile, 'utf8')) as { magnets?: unknown[] };
            seen = (doc.magnets ?? []).filter((m): m is string => typeof m === 'string');
          } catch {
            /* missing or half-written: keep the last list, as the old tool would */
          }
        } else staleWrites++;
        const m = randomMagnet();
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
        const batch = Array.from({ length: rand(1, 3) }, () => randomMagnet());
        const res = await eng.add(batch.map((b) => b.magnet));
        for (const r of res.results) if (r.infohash) ours.set(r.infohash, r.outcome);
        await sleep(rand(300, 900));
      }
    })();

    await sleep(PHASE_MS / 2);
    const queuedMidway = (await eng.queue.load()).length;
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
      const left = (await eng.queue.load()).length;
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
