import { resolveHome } from '../core/config/paths';
import type { Engine } from '../core/engine';
import { createStreamLogger, silentLogger } from '../core/logger';
import { isLostNotice } from '../core/failover/lost-notice';
import { configWarningLines } from './config-warnings';
import { printErr } from './output';

/**
 * The CLI's engine: home from `QBIT_FAILOVER_HOME` or the OS config directory, passwords in
 * `<home>/secrets.json` (mode 0600), the old tool's environment variables and `.env` applied.
 */
export async function cliEngine(o: { verbose?: boolean; watchQueueFile?: boolean } = {}): Promise<Engine> {
  const home = resolveHome(process.env);
  // Loaded on first use (its own chunk in the bundle): `--help` and usage errors never load the engine.
  const [{ createEngine }, { FileSecretStore }] = await Promise.all([import('../core/engine'), import('../core/config/secret-store')]);
  const engine = await createEngine({
    home,
    secrets: new FileSecretStore(home),
    env: process.env,
    cwd: process.cwd(),
    logger: o.verbose ? createStreamLogger('info') : silentLogger,
    watchQueueFile: o.watchQueueFile,
  });
  // Every command tells what config.json or the environment held that was ignored, with the fix
  // (stderr: a `--json` reader's stdout stays one JSON document; it carries `configWarnings`).
  // A verbose engine has logged them already.
  const notes = configWarningLines(engine.configWarnings());
  if (!o.verbose && notes.length) printErr(notes);
  // Torrents qBittorrent forgot after a crash and this run queued again: always told (a verbose engine logs them).
  if (!o.verbose) engine.on('event', (ev) => ev.type === 'activity' && isLostNotice(ev.item.message) && printErr([ev.item.message]));
  return engine;
}

/** Reads stdin to the end (for `add -`), one input per non-empty line. */
export async function readStdinLines(): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Runs `fn` with a loaded engine and always stops it. */
export async function withEngine<T>(fn: (e: Engine) => Promise<T>, o?: { verbose?: boolean }): Promise<T> {
  const engine = await cliEngine(o);
  try {
    return await fn(engine);
  } finally {
    await engine.stop();
  }
}
