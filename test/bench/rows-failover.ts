/**
 * Failover rows of the benchmark: a warm engine (primary + secondary, both health OK and with
 * open sessions), then the primary is killed (connection refused) or frozen (SIGSTOP: the
 * kernel still accepts connections, nothing answers), then `engine.add([magnet])` is timed
 * until it returns confirmed on the secondary. Each trial restores the primary afterwards.
 */
import { engineInternals } from '../../electron/core/engine';
import { listTorrents } from '../harness/direct';
import { randomMagnet } from '../harness/inputs';
import type { QbtProcess } from '../harness/qbittorrent';
import { benchEngine, breakdownJson, disposeAll, fmtMs, instrument, since, startInstances, stopEngines, type Breakdown, type Row } from './lib';

/** Default connect timeout of an instance (shared/settings.ts), ms. */
const CONNECT_TIMEOUT_MS = 3_000;

/** Runs `trials` failovers of one kind; the figure is the worst trial. */
export async function failoverRow(kind: 'kill' | 'freeze', trials: number): Promise<Row> {
  const [p, s] = await startInstances(`fo-${kind}-primary`, `fo-${kind}-secondary`);
  const times: number[] = [];
  const acc: Breakdown = new Map();
  const problems: string[] = [];
  try {
    const engine = await benchEngine(`fo-${kind}`, [
      { name: 'primary', q: p },
      { name: 'secondary', q: s },
    ]);
    instrument(engineInternals(engine).instances[0]!.client, 'primary', ['info', 'addMagnets'], acc);
    instrument(engineInternals(engine).instances[1]!.client, 'secondary', ['info', 'addMagnets'], acc);
    acc.clear();
    for (let t = 0; t < trials; t++) {
      await engine.checkAll();
      const st = engineInternals(engine).instances.map((i) => i.health.status);
      if (st.some((x) => x !== 'OK')) throw new Error(`failover ${kind}: not healthy before trial ${t}: ${st.join(', ')}`);
      const warm = await engine.add([randomMagnet().magnet]);
      if (warm.results[0]?.instance !== 'primary') throw new Error(`failover ${kind}: warm add went to ${warm.results[0]?.instance}`);
      acc.clear();
      if (kind === 'kill') await p.kill();
      else p.freeze();
      const m = randomMagnet();
      const t0 = performance.now();
      const r = await engine.add([m.magnet]);
      const ms = since(t0);
      times.push(ms);
      const res = r.results[0];
      if (res?.outcome !== 'added' || res.instance !== 'secondary') problems.push(`trial ${t}: ${res?.outcome} on ${res?.instance} (${res?.reason ?? res?.error?.message})`);
      else if ((await listTorrents(s, [m.infohash])).length !== 1) problems.push(`trial ${t}: not on the secondary`);
      await restore(p, kind);
    }
    await stopEngines(engine);
  } finally {
    try {
      p.thaw();
    } catch {
      /* not running */
    }
    await disposeAll([p, s]);
  }
  const worst = Math.max(...times);
  const limit = kind === 'kill' ? 500 : CONNECT_TIMEOUT_MS + 500;
  const pass = problems.length === 0 && worst <= limit;
  return {
    id: kind === 'kill' ? 'failoverRefused' : 'failoverFrozen',
    figure: `failover, primary ${kind === 'kill' ? 'refused (killed)' : 'frozen (SIGSTOP)'}: next add confirmed on secondary (worst of ${trials})`,
    value: fmtMs(worst),
    reference: '—',
    ratio: '—',
    target: kind === 'kill' ? '≤ 0.5 s' : `≤ ${CONNECT_TIMEOUT_MS / 1000} s + 0.5 s`,
    pass,
    note: `trials ${times.map((x) => fmtMs(x)).join(', ')}` + (problems.length ? `; PROBLEMS: ${problems.join('; ')}` : ''),
    metric: worst,
    data: { trialsMs: times, problems, lastTrialBreakdownMs: breakdownJson(acc) },
  };
}

/** Brings the primary back (restart after a kill, thaw after a freeze). */
async function restore(p: QbtProcess, kind: 'kill' | 'freeze'): Promise<void> {
  if (kind === 'kill') await p.restart();
  else p.thaw();
}
