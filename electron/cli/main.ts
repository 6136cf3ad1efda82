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
  try {
    await buildProgram(version).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? EXIT.OK : EXIT.REJECTED;
      return;
    }
    const e = (err ?? {}) as Error & { code?: unknown };
    const code = typeof e.code === 'string' && e.code ? `${e.code}: ` : '';
    printErr(`[ERROR] ${code}${typeof e.message === 'string' ? e.message : String(err)}`);
    if (process.env.QBF_DEBUG) printErr(String(e.stack).split('\n'));
    process.exitCode = EXIT.INTERNAL;
  }
}

void main();
