/**
 * `npm run bench` — performance figures of qbit-failover against real qbittorrent-nox on
 * loopback, each beside a reference measured IN THE SAME RUN. Writes test/bench/results.json
 * and prints a table (figure, reference, ratio, target, PASS/MISS). `--append` keeps earlier
 * runs in results.json and prints the spread (min–max of each row's main number) across them.
 *
 * Method notes
 * - Every row starts its own fresh qbittorrent-nox instances (test/harness, 127.0.0.1 only,
 *   DHT/PeX/LSD off, magnets from randomMagnet without trackers) and its own temp
 *   QBIT_FAILOVER_HOME with `config.json` (VPN probe `none`, queue file inside the home).
 *   Nothing outside 127.0.0.1 is contacted. Instances are disposed (thawed first) in finally.
 * - Direct references use the raw QbitClient (the engine's own undici transport, already
 *   logged in), so a ratio is the engine's overhead over the same HTTP calls, not a
 *   transport comparison. "Visible" means listed by `torrents/info?hashes=`.
 * - flush: direct = ONE `torrents/add` with 1 000 magnets, then `info` at once and every
 *   10 ms until all are listed. Engine = 1 000 entries already in the queue file, health
 *   checked (session open), then `engine.flush()` until it returns; it must report 1 000
 *   placed and an empty queue, and the server must list all 1 000. Three rounds in
 *   alternating order, medians compared; each side gets its own fresh instance, disposed
 *   before the other side runs (a qBittorrent digesting 1 000 new torrents takes CPU from
 *   the next measurement on 2 cores — an early version of this bench was skewed by it).
 *   `info` costs ~0.1 ms per torrent returned on qBittorrent 4.5, so confirming 1 000 takes
 *   100–400 ms whatever the client does; that is the bulk of both figures.
 * - add one: 200 iterations after 10 warm-ups, interleaved direct / engine (primary +
 *   secondary; dedupe asks both) / engine (primary only), so background load hits all alike.
 *   Direct = `torrents/add` + one `info`. Engine = `engine.add([magnet])` returning `added`.
 * - old tool: its method was a fresh login + one add per magnet (no confirmation) and a 2 s
 *   pause between magnets. Measured on 3 magnets (login + add on a fresh connection each);
 *   20 magnets are extrapolated as 20 × mean + 19 × 2 s — the pauses are NOT slept. Ours is
 *   a cold engine (createEngine → add of the 20 → all confirmed), as a CLI `add` is.
 * - failover: engine with primary + secondary, both health OK and used by a warm add; then
 *   the primary is SIGKILLed (refused) or SIGSTOPped (frozen) and `engine.add([magnet])` is
 *   timed until it returns `added` on the secondary (checked on the server). Worst of the
 *   trials is the figure; the primary is restarted / thawed between trials.
 * - idle cost: an engine with DEFAULT settings (15 s poll, queue-file watcher on) is started
 *   at the beginning on its own instance and left idle while the other rows run (≥ 60 s).
 *   Requests and logins after the first check are counted from client.stats and extrapolated
 *   to one hour (and, as a cross-check, requests per poll × 240 polls/h).
 * - watch memory: the CLI is built (`build-cli.mjs --cli-only`), then the real
 *   `node electron/cli/bin.mjs watch` runs in a child (clean env, temp HOME/cwd) with a queue
 *   of 10 000 entries and both instances down (nothing listening), so the queue stays full;
 *   VmRSS from /proc/<pid>/status is sampled for 3 s after a 3 s settle (max reported).
 *   The same is measured with an EMPTY queue as the baseline of the process itself.
 * - results.json also records the git HEAD and which electron/core files were uncommitted
 *   (others work in the same tree), so a figure can be tied to the code it measured.
 * - light processes (rows-cli.ts, issue 8): the real CLI as a child under GNU time
 *   (/usr/bin/time: wall, user+sys CPU, peak RSS), beside a reference run the same way: cold
 *   `add` of one magnet → confirmed vs curl login + add + info (3 curl processes, one cookie
 *   jar); `--help` vs `node -e 0`; 100 000 queued (instances refused): `add` one more → queued,
 *   and `queue --json` read to the end; a frozen (SIGSTOP) primary: the whole CLI `add` with no
 *   daemon, and with a `watch` daemon (poll 1 s) whose health record says the primary is down.
 * - rows-moved.ts: the timings that were limits in tests (whole CLI add with a killed primary
 *   < 2 s, the poller noticing a killed instance < 1.5 s at a 1 s poll, a queue store loading
 *   10 000 entries and appending one < 1 s); the tests assert the behaviour only.
 * - recovery (rows-recovery.ts, issue 11): default probe settings, both instances killed with
 *   20 magnets queued, a 65 s outage, then the primary restarted: seconds from its WebUI answering
 *   again to the queue starting to flush (target 5 s), and to an empty queue.
 * - gateway (rows-gateway.ts): one undici client (keep-alive, SID cookie) calls qBittorrent and
 *   the gateway alike, interleaved, p50 over 200 after 10 warm-ups. `torrents/add` of one magnet:
 *   the gateway answers after the engine confirmed it, so the direct reference is the add plus
 *   `info?hashes=` until listed (the bare add beside it). `torrents/info` with 1 000 torrents on
 *   the instance: the gateway fronting that one instance (and, in the note, it plus an empty one).
 * - The machine has 2 shared cores: run it 2–3 times (`--append`) and read the spread.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { failoverRow } from './rows-failover';
import { startIdleProbe, watchMemoryRow, type IdleProbe } from './rows-idle';
import { addOneRow, flushRow, oldToolRow } from './rows-speed';
import { bigQueueRows, coldAddRow, frozenCliRows, helpRow } from './rows-cli';
import { pollerNoticeRow, queue10kRow, refusedCliRow } from './rows-moved';
import { gatewayAddRow, gatewayInfoRow } from './rows-gateway';
import { recoveryRow } from './rows-recovery';
import { cleanupTemp, disposeAll, stopEngines, type Row } from './lib';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));

interface RunRecord {
  at: string;
  git: { head: string; dirty: string[] };
  node: string;
  loadavgStart: number[];
  loadavgEnd: number[];
  totalMs: number;
  rows: Row[];
}

/** A row for a step that threw: a MISS with the error as the reason. */
function failedRow(id: string, figure: string, err: unknown): Row {
  const msg = (err as Error)?.stack ?? String(err);
  return { id, figure, value: 'error', reference: '—', ratio: '—', target: '—', pass: false, note: `bench error: ${msg.split('\n').slice(0, 3).join(' | ')}`, metric: NaN, data: {} };
}

/** `--only id,id`: run only these steps (ids as in the table), e.g. to re-measure one figure. */
const ONLY = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',') ?? null;

async function step(rows: Row[], id: string, figure: string, fn: () => Promise<Row | Row[]>): Promise<void> {
  if (ONLY && !ONLY.includes(id)) return;
  const t0 = performance.now();
  process.stderr.write(`… ${figure}\n`);
  try {
    rows.push(...[await fn()].flat());
  } catch (err) {
    rows.push(failedRow(id, figure, err));
  }
  process.stderr.write(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}

function buildCli(): void {
  const r = spawnSync(process.execPath, [`${ROOT}/build/scripts/build-cli.mjs`, '--cli-only'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`CLI build failed (${r.status})`);
}

/** HEAD and the uncommitted source files under electron/ and shared/ at the end of the run. */
function gitState(): RunRecord['git'] {
  const git = (args: string[]): string => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
  const dirty = git(['status', '--porcelain', '--', 'electron', 'shared']).split('\n').filter(Boolean).map((l) => l.slice(3));
  return { head: git(['rev-parse', '--short', 'HEAD']), dirty };
}

function printTable(rows: Row[]): void {
  const head = ['figure', 'ours', 'reference (same run)', 'ratio', 'target', 'result'];
  const body = rows.map((r) => [r.figure, r.value, r.reference, r.ratio, r.target, r.pass === null ? 'REPORT' : r.pass ? 'PASS' : 'MISS']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const b of body) console.log(line(b));
  console.log('');
  for (const r of rows) console.log(`- ${r.id}: ${r.note}`);
}

function printSpread(runs: RunRecord[]): void {
  if (runs.length < 2) return;
  console.log(`\nSpread over ${runs.length} runs (main number per row, min – max; PASS count):`);
  const ids = [...new Set(runs.flatMap((r) => r.rows.map((x) => x.id)))];
  for (const id of ids) {
    const rs = runs.map((r) => r.rows.find((x) => x.id === id)).filter((x): x is Row => !!x);
    const m = rs.map((x) => x.metric).filter(Number.isFinite);
    const passes = rs.filter((x) => x.pass === true).length;
    const unit = id === 'watchMemory' ? ' MB' : id === 'idleCost' ? ' req/h' : id === 'cliHelp' ? ' ms CPU' : ' ms';
    const range = m.length ? `${Math.min(...m).toFixed(1)} – ${Math.max(...m).toFixed(1)}${unit}` : 'n/a';
    const ratios = rs.map((x) => x.ratioNum).filter((x): x is number => x !== undefined && Number.isFinite(x));
    const ratio = ratios.length ? `, ratio ${Math.min(...ratios).toFixed(2)}× – ${Math.max(...ratios).toFixed(2)}×` : '';
    console.log(`- ${id}: ${range}${ratio}; ${rs[0]!.pass === null ? 'report only' : `PASS ${passes}/${rs.length}`}`);
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const loadavgStart = loadavg().map((x) => Math.round(x * 100) / 100);
  const rows: Row[] = [];
  let idle: IdleProbe | null = null;
  try {
    buildCli();
    try {
      if (!ONLY || ONLY.includes('idleCost')) idle = await startIdleProbe();
    } catch (err) {
      rows.push(failedRow('idleCost', 'idle cost per instance per hour', err));
    }
    await step(rows, 'cliAddCold', 'CLI add of one magnet, cold process', () => coldAddRow(5));
    await step(rows, 'cliHelp', 'CLI --help vs node -e 0', () => helpRow(20));
    await step(rows, 'watchMemory', 'memory of watch with 10 000 queued', () => watchMemoryRow(10_000));
    await step(rows, 'bigQueueAdd', '100 000 queued: CLI add one more, queue --json', () => bigQueueRows(100_000, 2));
    await step(rows, 'addOne', 'add one magnet, warm', () => addOneRow(200));
    await step(rows, 'frozenCliNoRecord', 'frozen primary, whole CLI add (without / with a health record)', frozenCliRows);
    await step(rows, 'flush1000', 'flush 1000 queued magnets', flushRow);
    await step(rows, 'oldTool', 'old tool method vs ours (20 magnets)', oldToolRow);
    await step(rows, 'failoverRefused', 'failover, primary refused', () => failoverRow('kill', 3));
    await step(rows, 'failoverFrozen', 'failover, primary frozen', () => failoverRow('freeze', 2));
    // Timings that were limits in tests (rows-moved.ts).
    await step(rows, 'refusedCli', 'killed primary, whole CLI add', () => refusedCliRow(3));
    await step(rows, 'pollerNotice', 'poller notices a killed instance', () => pollerNoticeRow(3));
    await step(rows, 'queue10k', 'queue store at 10 000 entries', () => queue10kRow(3));
    // The qBittorrent-compatible gateway (rows-gateway.ts, issue 10).
    await step(rows, 'gatewayAdd', 'gateway torrents/add, confirmed', () => gatewayAddRow(200));
    await step(rows, 'gatewayInfo', 'gateway torrents/info, 1 000 torrents', () => gatewayInfoRow(200));
    // Issue 11: recovery after a long outage (rows-recovery.ts; ~70 s, most of it the outage).
    await step(rows, 'recovery', 'instance back after a long outage → queue flushing', () => recoveryRow(65_000, 20));
    if (idle) {
      const probe = idle;
      idle = null;
      await step(rows, 'idleCost', 'idle cost (finishing)', () => probe.finish(60_000));
    }
  } finally {
    await stopEngines();
    await disposeAll();
    cleanupTemp();
  }
  const run: RunRecord = {
    at: new Date().toISOString(),
    git: gitState(),
    node: process.version,
    loadavgStart,
    loadavgEnd: loadavg().map((x) => Math.round(x * 100) / 100),
    totalMs: Math.round(performance.now() - t0),
    rows,
  };
  let runs: RunRecord[] = [run];
  if (process.argv.includes('--append') && existsSync(RESULTS)) {
    try {
      const prev = JSON.parse(readFileSync(RESULTS, 'utf8')) as { runs?: RunRecord[] };
      runs = [...(prev.runs ?? []), run];
    } catch {
      /* unreadable: start over */
    }
  }
  // A partial run (--only) is printed but does not replace the recorded results.
  if (!ONLY) writeFileSync(RESULTS, `${JSON.stringify({ latest: run, runs }, null, 2)}\n`);
  console.log(`\nqbit-failover bench — ${run.at}, Node ${run.node}, load avg ${loadavgStart.join(' ')} → ${run.loadavgEnd.join(' ')}, ${(run.totalMs / 1000).toFixed(0)} s`);
  console.log(`git ${run.git.head}${run.git.dirty.length ? ` + uncommitted: ${run.git.dirty.join(', ')}` : ''}\n`);
  printTable(rows);
  printSpread(runs);
  if (rows.some((r) => r.pass === false)) process.exitCode = 1;
}

await main();
