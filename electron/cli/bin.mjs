#!/usr/bin/env node
// `qbit-failover` command: runs the CLI bundle built by `npm ci` / `npm install` (prepare script).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../../out/cli/qbit-failover.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('qbit-failover is not built yet: run "npm run build:cli" in the project folder.\n');
  process.exit(1);
}

/**
 * The top-level help as the bundle prints it, saved by build-cli.mjs next to the bundle (80
 * columns), or null. Printing it costs no module loading at all (issue 8: `--help` ≤ 2× a bare
 * `node -e 0`); a terminal narrower than 80 columns gets commander's own wrapping instead.
 */
function prerenderedHelp() {
  const args = process.argv.slice(2);
  if (args.length !== 1 || (args[0] !== '--help' && args[0] !== '-h')) return null;
  if (process.stdout.isTTY && process.stdout.columns < 80) return null;
  try {
    return readFileSync(fileURLToPath(new URL('../../out/cli/help.txt', import.meta.url)));
  } catch {
    return null;
  }
}

const help = prerenderedHelp();
if (help) {
  process.stdout.on('error', () => undefined); // `| head -1` closes the pipe early: end quietly
  process.stdout.write(help);
} else {
  await import(bundle);
}
