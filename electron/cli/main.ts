import { CommanderError } from 'commander';
import { buildProgram } from './program';
import { EXIT, printErr, tolerateClosedOutput } from './output';

declare const __QBF_VERSION__: string;

/**
 * CLI entry: runs the command line. A usage error (unknown option or command, missing or invalid
 * argument) has already been explained by commander and exits 2; `--help`/`--version` exit 0; an
 * unexpected error prints one line with its code (e.g. `CONFIG_INVALID`) to stderr and exits 1 —
 * never a stack trace unless QBF_DEBUG is set. A closed stdout (`| head -1`) ends quietly.
 */
export async function main(argv: string[] = process.argv): Promise<void> {
  const version = typeof __QBF_VERSION__ === 'string' ? __QBF_VERSION__ : '0.0.0-dev';
  tolerateClosedOutput();
  oneLineOnCrash();
  try {
    await buildProgram(version).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? EXIT.OK : EXIT.REJECTED;
      return;
    }
    reportError(err);
    process.exitCode = EXIT.INTERNAL;
  }
}

/** `[ERROR] <CODE>: <message>` on stderr; the stack only when QBF_DEBUG is set. */
function reportError(err: unknown, prefix = ''): void {
  const e = (err ?? {}) as Error & { code?: unknown };
  const code = typeof e.code === 'string' && e.code ? `${e.code}: ` : '';
  printErr(`[ERROR] ${prefix}${code}${typeof e.message === 'string' ? e.message : String(err)}`);
  if (process.env.QBF_DEBUG) printErr(String(e.stack).split('\n'));
}

/**
 * Last resort for a one-shot command: an error that escaped every handler prints one line (never
 * Node's stack dump) and exits 1. `watch` and `serve` replace the rejection handler with one that
 * logs and keeps running (see long-running.ts); an uncaught exception always ends the process, as
 * its state can no longer be trusted.
 */
function oneLineOnCrash(): void {
  process.on('unhandledRejection', (reason) => {
    reportError(reason, 'internal error: ');
    process.exitCode = EXIT.INTERNAL;
  });
  process.on('uncaughtException', (err) => {
    reportError(err, 'internal error: ');
    process.exit(EXIT.INTERNAL);
  });
}

void main();
