import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Stack } from './stack';

/**
 * A second life of a stack's `serve` (the first one stopped with `stack.stopServe()`): the same
 * home folder, environment and port, as a user restarting the service does. Used to check that
 * the dashboard token and an open tab survive a restart.
 */

const CLI_BIN = fileURLToPath(new URL('../../../electron/cli/bin.mjs', import.meta.url));

/** A restarted `serve`; `stop()` SIGTERMs it (SIGKILL after 5 s) and waits for the exit. */
export interface ServeAgain {
  url: string;
  logs(): string;
  stop(): Promise<void>;
}

/**
 * Starts `serve --port <port>` again for `stack` and waits for its `Dashboard:` line.
 * @throws Error with its output when it exits or prints no URL within 20 s.
 */
export async function serveAgain(stack: Stack, port: number): Promise<ServeAgain> {
  const child = spawn(process.execPath, [CLI_BIN, 'serve', '--port', String(port)], { cwd: stack.home, env: stack.serveEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (d: Buffer): void => {
    output = (output + d.toString('utf8')).slice(-65_536);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve printed no URL within 20 s:\n${output}`)), 20_000);
      child.stdout.on('data', () => {
        const m = /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code, sig) => {
        clearTimeout(timer);
        reject(new Error(`serve exited early (${code ?? sig}):\n${output}`));
      });
    });
    return { url, logs: () => output, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
