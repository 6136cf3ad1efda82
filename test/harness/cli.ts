import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { QbtProcess } from './qbittorrent';

/**
 * Runs the built `qbit-failover` CLI (electron/cli/bin.mjs → out/cli/qbit-failover.mjs) as a
 * child process in a sandbox: a fresh HOME, QBIT_FAILOVER_HOME and working directory per
 * sandbox, and an environment built from scratch so nothing of the developer's leaks in.
 */

/** The CLI entry point. */
export const CLI_BIN = fileURLToPath(new URL('../../electron/cli/bin.mjs', import.meta.url));
/** The bundle the entry point loads (built by `node build/scripts/build-cli.mjs --cli-only`). */
export const CLI_BUNDLE = fileURLToPath(new URL('../../out/cli/qbit-failover.mjs', import.meta.url));

/** What a finished CLI run returns; `ms` is the wall time of the whole child process. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Options of {@link runCli}. */
export interface RunOptions {
  /** Environment of the child, used as is (see {@link Sandbox.env}). */
  env: Record<string, string>;
  cwd: string;
  /** Written to the child's stdin, then stdin is closed (closed at once when omitted). */
  input?: string;
  /** SIGKILL after this many ms (default 30 000); the test then fails on `code === null`. */
  timeoutMs?: number;
}

/** Throws a clear error when the CLI bundle has not been built. */
export function assertCliBuilt(): void {
  if (!existsSync(CLI_BUNDLE)) throw new Error(`CLI not built: run "node build/scripts/build-cli.mjs --cli-only" (missing ${CLI_BUNDLE})`);
}

/** Runs `qbit-failover <args>` to completion. */
export function runCli(args: string[], o: RunOptions): Promise<CliResult> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: o.cwd, env: o.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  child.stdin.on('error', () => undefined);
  child.stdin.end(o.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 30_000);
  return new Promise((resolve, reject) => {
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Math.round(performance.now() - t0) });
    });
  });
}

/** A long-running CLI child (`watch`, `serve`) with its output collected so far. */
export interface CliChild {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal) once the child has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when `pattern` shows in stdout+stderr; rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/** Starts `qbit-failover <args>` and returns without waiting for it to end. Kill it in a finally. */
export function spawnCli(args: string[], o: Omit<RunOptions, 'input' | 'timeoutMs'>): CliChild {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const waiters = new Set<() => void>();
  const collect = (d: Buffer): void => {
    out += d.toString('utf8');
    for (const w of waiters) w();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = (pattern: RegExp, timeoutMs = 10_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (pattern.test(out)) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern} in CLI output:\n${out}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { child, output: () => out, exited, waitFor };
}

/** A per-test sandbox: its own HOME, QBIT_FAILOVER_HOME and working directory. */
export interface Sandbox {
  root: string;
  /** QBIT_FAILOVER_HOME (config.json, secrets.json, auth-failures.json). */
  home: string;
  /** HOME of the child (the default queue file would land here). */
  userHome: string;
  /** Working directory of the child (a `.env` here is read). */
  cwd: string;
  /** Queue file path given through QBIT_FAILOVER_QUEUE_FILE. */
  queueFile: string;
  /** A child environment from scratch: PATH, HOME, QBIT_FAILOVER_HOME, the queue file, plus `extra`. */
  env(extra?: Record<string, string | undefined>): Record<string, string>;
  /** Runs the CLI in this sandbox. */
  run(args: string[], extra?: Record<string, string | undefined>, input?: string): Promise<CliResult>;
  /** Deletes the sandbox. */
  dispose(): void;
}

/** Makes a fresh sandbox under the OS temp folder. */
export function makeSandbox(label = 'cli'): Sandbox {
  const root = mkdtempSync(join(tmpdir(), `qbf-${label}-`));
  const home = join(root, 'qbf-home');
  const userHome = join(root, 'home');
  const cwd = join(root, 'cwd');
  for (const d of [home, userHome, cwd]) mkdirSync(d, { recursive: true });
  const queueFile = join(root, 'queue', 'qbittorrent_queue.json');
  const env = (extra: Record<string, string | undefined> = {}): Record<string, string> => {
    const base: Record<string, string | undefined> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: userHome,
      TMPDIR: tmpdir(),
      QBIT_FAILOVER_HOME: home,
      QBIT_FAILOVER_QUEUE_FILE: queueFile,
      ...extra,
    };
    return Object.fromEntries(Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined));
  };
  return {
    root,
    home,
    userHome,
    cwd,
    queueFile,
    env,
    run: (args, extra, input) => runCli(args, { env: env(extra), cwd, input }),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** The old tool's variables for a primary (+ optional secondary) harness instance. */
export function legacyEnv(
  primary: Pick<QbtProcess, 'url' | 'username' | 'password'> | { url: string; username: string; password: string },
  secondary?: { url: string },
  vpn: 'up' | 'down' = 'up',
): Record<string, string> {
  const env: Record<string, string> = {
    QBITTORRENT_URL: primary.url,
    QBITTORRENT_USERNAME: primary.username,
    QBITTORRENT_PASSWORD: primary.password,
    VPN_CHECK: vpn === 'up' ? 'interface:lo' : 'interface:qbfnone0',
  };
  if (secondary) env.QBITTORRENT_SECONDARY_URL = secondary.url;
  return env;
}

/** A URL on 127.0.0.1 where nothing listens (a port bound then closed). */
export function deadUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}

/** Reads and parses a JSON file. */
export function readJson<T = Record<string, unknown>>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** Writes a queue file the way the old Python tool did: the four keys only. */
export function writeOldQueueFile(file: string, magnets: string[], savedAt = '2025-11-28T02:30:00.000000'): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(
    file,
    JSON.stringify(
      {
        saved_at: savedAt,
        reason: 'Both qBittorrent instances unreachable',
        magnets,
        instructions: 'Run the script again when qBittorrent is reachable to add these magnets.',
      },
      null,
      2,
    ),
  );
}

/** A tiny HTTP server on 127.0.0.1 serving fixed bodies by path (404 otherwise). */
export async function serveFiles(files: Record<string, Buffer>): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const body = files[req.url ?? ''];
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-bittorrent', 'content-length': String(body.length) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
