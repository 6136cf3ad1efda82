/**
 * Speed rows of the benchmark: flush of 1 000 queued magnets, one warm add (p50/p95), and the
 * old tool's login-per-magnet method. Each figure is measured beside its direct reference in
 * the same run, on fresh loopback qbittorrent-nox instances.
 */
import { engineInternals, createEngine, type Engine } from '../../electron/core/engine';
import { FileSecretStore } from '../../electron/core/config/secret-store';
import { QbitClient } from '../../electron/core/qbittorrent';
import { randomMagnet } from '../harness/inputs';
import { listTorrents } from '../harness/direct';
import {
  benchEngine, breakdownJson, directClient, disposeAll, fmtMs, fmtRatio, instrument, percentile, since, startInstances,
  stopEngines, timed, waitVisible, writeHome, type Breakdown, type Row,
} from './lib';

const CLIENT_METHODS = ['info', 'addMagnets', 'webapiVersion', 'syncMaindata', 'appVersion'];
const QUEUE_METHODS = ['load', 'add', 'remove', 'recordAttempt'];

/** One direct batch: ONE `torrents/add` of N magnets on a fresh instance, then `info` until all listed. */
async function directBatch(n: number): Promise<{ ms: number; polls: number }> {
  const [q] = await startInstances('flush-direct');
  try {
    const c = await directClient(q);
    const dm = Array.from({ length: n }, () => randomMagnet());
    const r = await timed(async () => {
      await c.addMagnets(dm.map((m) => m.magnet));
      return waitVisible(c, dm.map((m) => m.infohash));
    });
    await c.close();
    return { ms: r.ms, polls: r.value };
  } finally {
    await disposeAll([q]);
  }
}

/** One engine flush of N queued magnets on a fresh instance (health checked first); checks all landed. */
async function engineFlush(n: number, acc: Breakdown): Promise<{ ms: number; ok: boolean; detail: string }> {
  const [q] = await startInstances('flush-engine');
  try {
    const engine = await benchEngine('flush', [{ name: 'primary', q }]);
    const em = Array.from({ length: n }, () => randomMagnet());
    await engineInternals(engine).queue.add(em.map((m) => ({ infohash: m.infohash, name: null, kind: 'magnet' as const, magnet: m.magnet, reason: 'bench' })));
    await engine.checkAll();
    if (engineInternals(engine).instances[0]!.health.status !== 'OK') throw new Error(`flush engine: primary ${engineInternals(engine).instances[0]!.health.status}`);
    acc.clear();
    instrument(engineInternals(engine).instances[0]!.client, 'client', CLIENT_METHODS, acc);
    instrument(engineInternals(engine).queue, 'queue', QUEUE_METHODS, acc);
    instrument(engineInternals(engine).uncertain, 'uncertain', ['list', 'record', 'markPlaced'], acc);
    const flush = await timed(() => engine.flush());
    await stopEngines(engine);
    const present = (await listTorrents(q, em.map((m) => m.infohash))).length;
    const ok = flush.value.placed.length === n && flush.value.queueLength === 0 && present === n;
    return { ms: flush.ms, ok, detail: `placed ${flush.value.placed.length}, queue ${flush.value.queueLength}, on server ${present}` };
  } finally {
    await disposeAll([q]);
  }
}

/**
 * Flush of 1 000 queued magnets vs one direct `torrents/add` of 1 000 + `info` until all are
 * listed. Three rounds in alternating order, each side on its own fresh instance that is
 * disposed before the other side runs (a qBittorrent digesting 1 000 new torrents eats CPU);
 * the figure compares the medians.
 */
export async function flushRow(rounds = 3): Promise<Row> {
  const N = 1_000;
  const d: { ms: number; polls: number }[] = [];
  const e: { ms: number; ok: boolean; detail: string }[] = [];
  const acc: Breakdown = new Map();
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      d.push(await directBatch(N));
      e.push(await engineFlush(N, acc));
    } else {
      e.push(await engineFlush(N, acc));
      d.push(await directBatch(N));
    }
  }
  const dMed = percentile(d.map((x) => x.ms), 50);
  const eMed = percentile(e.map((x) => x.ms), 50);
  const bad = e.filter((x) => !x.ok);
  const limit = Math.min(1.5 * dMed, 3_000);
  return {
    id: 'flush1000',
    figure: `flush ${N} queued magnets, confirmed (median of ${rounds})`,
    value: fmtMs(eMed),
    reference: `${fmtMs(dMed)} (1 add + info until listed)`,
    ratio: fmtRatio(eMed, dMed),
    target: '≤ 1.5× direct, < 3 s',
    pass: bad.length === 0 && eMed <= 1.5 * dMed && eMed < 3_000,
    note:
      `engine ${e.map((x) => fmtMs(x.ms)).join(', ')}; direct ${d.map((x) => fmtMs(x.ms)).join(', ')}; limit this run ${fmtMs(limit)}` +
      (bad.length ? `; NOT all confirmed: ${bad.map((x) => x.detail).join('; ')}` : ''),
    metric: eMed,
    ratioNum: eMed / dMed,
    data: { engineMs: e.map((x) => x.ms), directMs: d.map((x) => x.ms), directPolls: d.map((x) => x.polls), lastRoundBreakdownMs: breakdownJson(acc) },
  };
}

/**
 * One warm add, N times, interleaved with the direct reference (add + one `info`) so load from
 * other processes hits both alike. Engine: primary + secondary (dedupe asks both), and an
 * engine with only a primary for comparison.
 */
export async function addOneRow(n = 200): Promise<Row> {
  const [qd, qp, qs, q1] = await startInstances('add-direct', 'add-primary', 'add-secondary', 'add-single');
  const engines: Engine[] = [];
  try {
    const c = await directClient(qd);
    const engine = await benchEngine('add2', [
      { name: 'primary', q: qp },
      { name: 'secondary', q: qs },
    ]);
    const single = await benchEngine('add1', [{ name: 'primary', q: q1 }]);
    engines.push(engine, single);
    await Promise.all([engine.checkAll(), single.checkAll()]);
    const directOnce = async (): Promise<number> => {
      const m = randomMagnet();
      const t0 = performance.now();
      await c.addMagnets([m.magnet]);
      await c.info({ hashes: [m.infohash] });
      return since(t0);
    };
    const engineOnce = async (e: typeof engine): Promise<number> => {
      const m = randomMagnet();
      const t0 = performance.now();
      const r = await e.add([m.magnet]);
      const ms = since(t0);
      if (r.results[0]?.outcome !== 'added') throw new Error(`add-one: ${JSON.stringify(r.results[0])}`);
      return ms;
    };
    for (let i = 0; i < 10; i++) {
      await directOnce();
      await engineOnce(engine);
      await engineOnce(single);
    }
    const acc: Breakdown = new Map();
    instrument(engineInternals(engine).instances[0]!.client, 'primary', ['info', 'addMagnets'], acc);
    instrument(engineInternals(engine).instances[1]!.client, 'secondary', ['info'], acc);
    instrument(engineInternals(engine).uncertain, 'uncertain', ['list'], acc);
    const d: number[] = [];
    const e2: number[] = [];
    const e1: number[] = [];
    for (let i = 0; i < n; i++) {
      d.push(await directOnce());
      e2.push(await engineOnce(engine));
      e1.push(await engineOnce(single));
    }
    const reqs = engineInternals(engine).instances.map((i) => i.client.stats.requests);
    await c.close();
    const s = {
      direct: { p50: percentile(d, 50), p95: percentile(d, 95) },
      engine: { p50: percentile(e2, 50), p95: percentile(e2, 95) },
      single: { p50: percentile(e1, 50), p95: percentile(e1, 95) },
    };
    return {
      id: 'addOne',
      figure: `add one magnet, warm, confirmed (p50 / p95 of ${n})`,
      value: `${fmtMs(s.engine.p50)} / ${fmtMs(s.engine.p95)}`,
      reference: `${fmtMs(s.direct.p50)} / ${fmtMs(s.direct.p95)}`,
      ratio: `${fmtRatio(s.engine.p50, s.direct.p50)} / ${fmtRatio(s.engine.p95, s.direct.p95)}`,
      target: 'p50 ≤ 1.25× direct',
      pass: s.engine.p50 <= 1.25 * s.direct.p50,
      note: `engine = primary + secondary (dedupe asks both); primary-only engine ${fmtMs(s.single.p50)} / ${fmtMs(s.single.p95)} (${fmtRatio(s.single.p50, s.direct.p50)})`,
      metric: s.engine.p50,
      ratioNum: s.engine.p50 / s.direct.p50,
      data: { ...s, breakdownPerAddMs: breakdownJson(acc, n), requestsTotal: reqs },
    };
  } finally {
    for (const e of engines) await stopEngines(e);
    await disposeAll([qd, qp, qs, q1]);
  }
}

/** The old tool: a fresh login + one add per magnet (no confirmation), 2 s pause between magnets. */
export async function oldToolRow(): Promise<Row> {
  const N = 20;
  const MEASURED = 3;
  const PAUSE_MS = 2_000;
  const [qo, qn] = await startInstances('old-method', 'old-ours');
  try {
    const per: number[] = [];
    for (let i = 0; i < MEASURED; i++) {
      const m = randomMagnet();
      const t0 = performance.now();
      const c = new QbitClient({ url: qo.url, username: qo.username, password: qo.password });
      await c.login();
      await c.addMagnets([m.magnet]);
      per.push(since(t0));
      await c.close();
    }
    const mean = per.reduce((a, b) => a + b, 0) / per.length;
    const oldMs = N * mean + (N - 1) * PAUSE_MS;

    // Ours, cold as a CLI `add` is: load config, log in, dedupe, one batched add, confirm all 20.
    const home = await writeHome('old-ours', [{ name: 'primary', q: qn }]);
    const mags = Array.from({ length: N }, () => randomMagnet());
    const t0 = performance.now();
    const engine = await createEngine({ home, secrets: new FileSecretStore(home) });
    const res = await engine.add(mags.map((m) => m.magnet));
    const oursMs = since(t0);
    const warm = await timed(() => engine.add(Array.from({ length: N }, () => randomMagnet().magnet)));
    await engine.stop();
    const ok = res.summary.added === N && warm.value.summary.added === N;
    return {
      id: 'oldTool',
      figure: `${N} magnets: ours (cold engine, confirmed) vs old method`,
      value: fmtMs(oursMs),
      reference: `${fmtMs(oldMs)} (extrapolated)`,
      ratio: `${(oldMs / oursMs).toFixed(0)}× faster`,
      target: 'report',
      pass: ok ? null : false,
      note:
        `old method measured on ${MEASURED} magnets (login+add, fresh connection each: ${per.map((x) => fmtMs(x)).join(', ')}), ` +
        `extrapolated as ${N}×${fmtMs(mean)} + ${N - 1}×2 s pauses (not slept); ours warm ${fmtMs(warm.ms)}` +
        (ok ? '' : `; NOT all added: ${JSON.stringify(res.summary)}`),
      metric: oursMs,
      data: { oursColdMs: oursMs, oursWarmMs: warm.ms, oldPerMagnetMs: per, oldExtrapolatedMs: oldMs, pauses: N - 1 },
    };
  } finally {
    await disposeAll([qo, qn]);
  }
}
