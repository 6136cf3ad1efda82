import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SettingsInput } from '../../../shared/settings';
import { startQbittorrent, type QbtProcess } from '../../harness/qbittorrent';

/**
 * The system under test for the e2e specs: real qbittorrent-nox instances on loopback and the
 * real `qbit-failover serve` child (engine + HTTP bridge + built renderer) in a sandbox with a
 * fresh HOME / QBIT_FAILOVER_HOME and an environment built from scratch.
 */

/** The CLI entry point (loads out/cli/qbit-failover.mjs, built by the global setup). */
const CLI_BIN = fileURLToPath(new URL('../../../electron/cli/bin.mjs', import.meta.url));
/** How long `serve` may take to print its URL, ms. */
const SERVE_READY_MS = 20_000;
/** How long `serve` may take to exit after SIGTERM before SIGKILL, ms. */
const SERVE_STOP_MS = 5_000;

/** Options of {@link startStack}. */
export interface StackOptions {
  /**
   * Which instances to start and hand to `serve` through the old tool's variables
   * (`QBITTORRENT_URL` → `primary`, `QBITTORRENT_SECONDARY_URL` → `secondary`). Default both;
   * `[]` gives a first run (no instance configured).
   */
  instances?: ('primary' | 'secondary')[];
  /**
   * Extra `config.json` content, merged over `{ version: 1, pollIntervalMs: 1000, maxBackoffMs: 2000 }`
   * (a light changes within a second; a server back after a long outage is re-probed within 2 s).
   */
  config?: Partial<SettingsInput>;
  /** Text of the queue file written before `serve` starts (a queue left from before), e.g. 10 000 entries. */
  queueFileText?: string;
}

/** A running stack; `stop()` ends every process it started and deletes its folders. */
export interface Stack {
  /** Dashboard URL with the token, as printed by `serve`. */
  url: string;
  /** `QBIT_FAILOVER_HOME` of the child. */
  home: string;
  queueFile: string;
  primary: QbtProcess;
  secondary: QbtProcess;
  /** The environment `serve` was started with (to start another `serve` on the same home: support/serve-again.ts). */
  serveEnv: Record<string, string>;
  /** Last ~64 KiB of the `serve` child's stdout+stderr. */
  logs(): string;
  /** SIGTERMs the `serve` child only (the dashboard's backend goes away; instances stay). */
  stopServe(): Promise<void>;
  /** Infohashes of the queue file's `magnets` list as the engine wrote it ([] when absent). */
  queuedOnDisk(): string[];
  stop(): Promise<void>;
}

/** Resolves when the child has exited. */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts two qbittorrent-nox instances (always both, so a test can bring one in later) and
 * `node electron/cli/bin.mjs serve --port 0`, and waits for its `Dashboard: <url>` line.
 * The VPN probe is `interface:lo` (up; never pings a real gateway).
 * @throws Error with the child's output when it exits or prints no URL within 20 s.
 */
export async function startStack(o: StackOptions = {}): Promise<Stack> {
  const wanted = o.instances ?? ['primary', 'secondary'];
  const started = await Promise.allSettled([startQbittorrent({ name: 'e2e-primary', role: 'primary' }), startQbittorrent({ name: 'e2e-secondary' })]);
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((r) => (r.status === 'fulfilled' ? r.value.dispose() : undefined)));
    throw failed.reason;
  }
  const [primary, secondary] = started.map((r) => (r as PromiseFulfilledResult<QbtProcess>).value) as [QbtProcess, QbtProcess];
  const home = mkdtempSync(join(tmpdir(), 'qbf-e2e-home-'));
  const queueFile = join(home, 'queue.json');
  writeFileSync(join(home, 'config.json'), JSON.stringify({ version: 1, pollIntervalMs: 1000, maxBackoffMs: 2000, ...o.config }, null, 2));
  if (o.queueFileText !== undefined) writeFileSync(queueFile, o.queueFileText);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    QBIT_FAILOVER_HOME: home,
    QBIT_FAILOVER_QUEUE_FILE: queueFile,
    VPN_CHECK: 'interface:lo',
  };
  if (wanted.length) {
    env.QBITTORRENT_USERNAME = primary.username;
    env.QBITTORRENT_PASSWORD = primary.password;
  }
  if (wanted.includes('primary')) env.QBITTORRENT_URL = primary.url;
  if (wanted.includes('secondary')) env.QBITTORRENT_SECONDARY_URL = secondary.url;

  const child = spawn(process.execPath, [CLI_BIN, 'serve', '--port', '0'], { cwd: home, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (d: Buffer): void => {
    output = (output + d.toString('utf8')).slice(-65_536);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  const stopServe = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), SERVE_STOP_MS);
    await exited(child);
    clearTimeout(timer);
  };
  const dispose = async (): Promise<void> => {
    await stopServe();
    await Promise.all([primary.dispose(), secondary.dispose()]);
    rmSync(home, { recursive: true, force: true });
  };

  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve printed no URL within ${SERVE_READY_MS} ms:\n${output}`)), SERVE_READY_MS);
      const onData = (): void => {
        const m = /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          resolve(m[1]!);
        }
      };
      child.stdout.on('data', onData);
      child.once('exit', (code, sig) => {
        clearTimeout(timer);
        reject(new Error(`serve exited early (${code ?? sig}):\n${output}`));
      });
    });
  } catch (e) {
    await dispose();
    throw e;
  }

  return {
    url,
    home,
    queueFile,
    primary,
    secondary,
    serveEnv: env,
    logs: () => output,
    stopServe,
    queuedOnDisk() {
      if (!existsSync(queueFile)) return [];
      const magnets = (JSON.parse(readFileSync(queueFile, 'utf8')) as { magnets?: unknown[] }).magnets ?? [];
      return magnets.map((m) => /btih:([0-9a-f]{40})/i.exec(String(m))?.[1]?.toLowerCase() ?? String(m));
    },
    stop: dispose,
  };
}
