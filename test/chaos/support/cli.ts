import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The built `qbit-failover` CLI as child processes for chaos tests: start, optionally SIGKILL
 * at a chosen moment, and parse the human result lines printed so far.
 */

export const CLI_BIN = fileURLToPath(new URL('../../../electron/cli/bin.mjs', import.meta.url));
export const CLI_BUNDLE = fileURLToPath(new URL('../../../out/cli/qbit-failover.mjs', import.meta.url));

/** Every CLI child still running, SIGKILLed by {@link killAllCli}. */
const live = new Set<ChildProcess>();

/** Throws when the CLI bundle is missing. */
export function assertCliBuilt(): void {
  if (!existsSync(CLI_BUNDLE)) throw new Error(`CLI not built: run "node build/scripts/build-cli.mjs --cli-only" (missing ${CLI_BUNDLE})`);
}

/** A finished (or killed) CLI run. */
export interface CliRun {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when we SIGKILLed it on purpose. */
  killed: boolean;
  ms: number;
}

/** Options of {@link runCli}. */
export interface CliOptions {
  env: Record<string, string>;
  cwd: string;
  /** SIGKILL this many ms after spawn. */
  killAfterMs?: number;
  /** SIGKILL once stdout holds at least this many bytes. */
  killAfterBytes?: number;
  /** Safety net: SIGKILL after this long (default 60 s); counted as not `killed`. */
  timeoutMs?: number;
}

/** A running CLI child. */
export interface CliHandle {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** SIGKILLs it now (a no-op when it already ended). */
  kill(): void;
  done: Promise<CliRun>;
}

/** Starts `qbit-failover <args>`. */
export function startCli(args: string[], o: CliOptions): CliHandle {
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let stdout = '';
  let stderr = '';
  let killed = false;
  let ended = false;
  const kill = (): void => {
    if (ended) return;
    killed = true;
    child.kill('SIGKILL');
  };
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
    if (o.killAfterBytes !== undefined && Buffer.byteLength(stdout) >= o.killAfterBytes) kill();
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const timers: NodeJS.Timeout[] = [];
  if (o.killAfterMs !== undefined) timers.push(setTimeout(kill, o.killAfterMs));
  const safety = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
  const done = new Promise<CliRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      ended = true;
      live.delete(child);
      for (const t of timers) clearTimeout(t);
      clearTimeout(safety);
      resolve({ args, code, signal, stdout, stderr, killed, ms: Math.round(performance.now() - t0) });
    });
  });
  child.once('exit', () => {
    ended = true;
  });
  return { child, stdout: () => stdout, stderr: () => stderr, kill, done };
}

/** Runs `qbit-failover <args>` to its end (or planned kill). */
export function runCli(args: string[], o: CliOptions): Promise<CliRun> {
  return startCli(args, o).done;
}

/** SIGKILLs every CLI child still running (afterAll). */
export function killAllCli(): void {
  for (const c of live) {
    try {
      c.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
  live.clear();
}

/** One result line as printed by `add` or `flush`. */
export interface ReportLine {
  kind: 'ADDED' | 'QUEUED' | 'DUPLICATE' | 'REJECTED';
  infohash: string;
  instance: string | null;
}

/**
 * Parses the COMPLETE lines (ending in `\n`) of `add`/`flush` output: `[ADDED] name (hash) → inst`,
 * `[ADDED] hash → inst`, `[DUPLICATE] name (hash) already on inst`, `[QUEUED] name (hash): why`,
 * `[REJECTED] input: message (CODE)`. A line cut by a kill is ignored: it was not reported.
 */
export function parseReport(stdout: string): ReportLine[] {
  const end = stdout.lastIndexOf('\n');
  const complete = end < 0 ? '' : stdout.slice(0, end);
  const out: ReportLine[] = [];
  for (const line of complete.split('\n')) {
    const m = /^\[(ADDED|QUEUED|DUPLICATE|REJECTED)\] (.*)$/.exec(line);
    if (!m) continue;
    const kind = m[1] as ReportLine['kind'];
    const rest = m[2]!;
    const hash = /\b([0-9a-f]{40})\b/.exec(rest)?.[1];
    if (!hash) continue;
    let instance: string | null = null;
    if (kind === 'ADDED') instance = /→ (\S+)$/.exec(rest)?.[1] ?? null;
    if (kind === 'DUPLICATE') instance = /already on (\S+)$/.exec(rest)?.[1] ?? null;
    out.push({ kind, infohash: hash, instance });
  }
  return out;
}
