// Bundles the CLI (electron/cli/main.ts) into out/cli/qbit-failover.mjs with esbuild, and the
// dashboard renderer with Vite when its sources exist. Runs from `npm ci`/`npm install` (prepare).
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));

// ESM with splitting: each module reached only through a dynamic `import()` (the engine, the
// dashboard server) becomes its own chunk under out/cli/chunks/, so `--help` loads the command
// line alone and each command loads what it needs (issue 8, light processes).
const built = await build({
  entryPoints: { 'qbit-failover': `${root}/electron/cli/main.ts` },
  outdir: `${root}/out/cli`,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  define: { __QBF_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
  metafile: true,
});

// Chunk names carry a content hash. A CLI process started before this build still imports the
// chunks of ITS entry file (lazily, e.g. the engine after parsing the command line), so old
// chunks are removed only once they are 10 minutes old and no longer part of this build.
const current = new Set(Object.keys(built.metafile.outputs).map((f) => basename(f)));
for (const f of readdirSync(`${root}/out/cli/chunks`)) {
  const path = `${root}/out/cli/chunks/${f}`;
  if (!current.has(f) && Date.now() - statSync(path).mtimeMs > 10 * 60_000) rmSync(path, { force: true });
}

// The top-level `--help`, rendered once by the bundle itself (not a TTY: commander wraps at 80
// columns), for electron/cli/bin.mjs to print without loading anything.
const help = spawnSync(process.execPath, [`${root}/out/cli/qbit-failover.mjs`, '--help'], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', QBF_HELP_PRERENDER: '1' } });
if (help.status !== 0 || !help.stdout.startsWith('Usage:')) {
  process.stderr.write(`build-cli: the built CLI did not print its help (exit ${help.status}): ${help.stderr}\n`);
  process.exit(1);
}
writeFileSync(`${root}/out/cli/help.txt`, help.stdout);

if (!process.argv.includes('--cli-only') && existsSync(`${root}/renderer/vite.config.ts`)) {
  const r = spawnSync(process.execPath, [`${root}/node_modules/vite/bin/vite.js`, 'build', '--config', `${root}/renderer/vite.config.ts`, '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
