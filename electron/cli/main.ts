import { buildProgram } from './program';
import { EXIT } from './output';

declare const __QBF_VERSION__: string;

/**
 * CLI entry: runs the command line; an unexpected error prints one line with its code
 * (e.g. `CONFIG_INVALID`) to stderr and exits 1 — never a stack trace unless QBF_DEBUG is set.
 */
export async function main(argv: string[] = process.argv): Promise<void> {
  const version = typeof __QBF_VERSION__ === 'string' ? __QBF_VERSION__ : '0.0.0-dev';
  try {
    await buildProgram(version).parseAsync(argv);
  } catch (err) {
    const e = err as Error & { code?: string };
    process.stderr.write(`[ERROR] ${e.code ? `${e.code}: ` : ''}${e.message}\n`);
    if (process.env.QBF_DEBUG) process.stderr.write(`${e.stack}\n`);
    process.exitCode = EXIT.INTERNAL;
  }
}

void main();
