#!/usr/bin/env node
/**
 * `npm start`: builds the desktop app and launches it with the Electron binary — but first checks
 * that `require('electron')` can resolve that binary. The `electron` package downloads it on first
 * use; where that download cannot happen (offline, a proxy, a blocked mirror) Electron itself
 * prints a stack trace and "delete node_modules/electron". This prints one sentence instead: the
 * cause, and that `npx qbit-failover serve` gives the same UI in a browser; exit code 1.
 *
 * The check runs `require('electron')` in a child Node process with its output captured, so the
 * download attempt (and its stack trace) never reaches the terminal; the child's last error line
 * becomes the cause. Arguments after `npm start --` go to the app (e.g. `--show`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** Longest cause printed, characters (a download error can carry a whole URL). */
const MAX_CAUSE_CHARS = 200;

/**
 * Resolves the Electron executable the way `electron .` would, in a child process.
 * @returns `{ binary }` when it exists on disk, else `{ cause }` (one line, no stack)
 */
function resolveElectron() {
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(String(require('electron')))"], {
    cwd: repo,
    encoding: 'utf8',
    env: process.env,
  });
  const binary = probe.status === 0 ? probe.stdout.trim() : '';
  if (binary && existsSync(binary)) return { binary };
  if (probe.error) return { cause: probe.error.message };
  if (binary) return { cause: `the Electron binary is missing at ${binary}` };
  return { cause: causeFrom(`${probe.stderr}\n${probe.stdout}`) };
}

/** The most telling line of a failed `require('electron')`: the first `…Error: message` line, without "Error:". */
export function causeFrom(output) {
  const lines = output.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  // `@electron/get` fails with e.g. "RequestError: connect ECONNREFUSED 127.0.0.1:9" or "HTTPError: Response code 404";
  // the `electron` package then throws its own "Electron failed to install correctly…" — the first error is the cause.
  const errors = lines.filter((l) => /^([A-Za-z]*Error|Error)(\s*\[[A-Z_]+\])?:\s*\S/.test(l) && !/failed to install correctly/i.test(l));
  const first = errors[0]?.replace(/^[A-Za-z]*Error(\s*\[[A-Z_]+\])?:\s*/, '');
  // Node's fetch says only "fetch failed" when the server cannot be reached at all.
  const cause = !first ? 'the download did not complete' : /^fetch failed$/i.test(first) ? 'the download server could not be reached' : first;
  return cause.length > MAX_CAUSE_CHARS ? `${cause.slice(0, MAX_CAUSE_CHARS - 1)}…` : cause;
}

/** The one sentence printed when Electron cannot run here. */
export function cannotStartSentence(cause) {
  return `qbit-failover cannot start the desktop app: the Electron binary is not installed and could not be downloaded (${cause}); \`npx qbit-failover serve\` gives the same UI in a browser.`;
}

function main() {
  const found = resolveElectron();
  if (!found.binary) {
    process.stderr.write(`${cannotStartSentence(found.cause)}\n`);
    process.exit(1);
  }
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const built = spawnSync(npm, ['run', 'build'], { cwd: repo, stdio: 'inherit', shell: process.platform === 'win32' });
  if (built.status !== 0) process.exit(built.status ?? 1);
  const child = spawn(found.binary, [repo, ...process.argv.slice(2)], { cwd: repo, stdio: 'inherit', windowsHide: false });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
