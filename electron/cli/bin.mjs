#!/usr/bin/env node
// `qbit-failover` command: runs the CLI bundle built by `npm ci` / `npm install` (prepare script).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

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
    return readFileSync(fileURLToPath(new URL('../../out/cli/help.txt', import.meta.url)), 'utf8');
  } catch {
    return null;
  }
}

/** The prerendered help with this user's config.json path in place of the build's mark (see electron/cli/help-text.ts). */
async function withConfigPath(text) {
  const { configFile, resolveHome } = await import('../core/config/home-dir.mjs');
  return text.replaceAll('@@QBF_CONFIG_JSON@@', configFile(resolveHome(process.env)));
}

/**
 * The daemons (`watch`, `serve`) run for days holding the queue: V8's young generation starts
 * at 1 MB semi-spaces and grows to 16 MB each after the first big allocation (reading the queue
 * file). Kept at 1 MB, the daemon's resident memory stays near what it holds, for a few more,
 * cheap, scavenges (issue 8: `watch` with 10 000 queued, measured 129 → 109 MB). Set before
 * anything is loaded; one-shot commands keep V8's defaults (they end in a second).
 */
const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
if (command === 'watch' || command === 'serve') {
  v8.setFlagsFromString('--max-semi-space-size=1');
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}

const help = prerenderedHelp();
if (help) {
  process.stdout.on('error', () => undefined); // `| head -1` closes the pipe early: end quietly
  process.stdout.write(await withConfigPath(help));
} else {
  await import(bundle);
}
