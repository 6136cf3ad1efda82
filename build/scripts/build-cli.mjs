// Bundles the CLI (electron/cli/main.ts) into out/cli/qbit-failover.mjs with esbuild, and the
// dashboard renderer with Vite when its sources exist. Runs from `npm ci`/`npm install` (prepare).
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));

await build({
  entryPoints: [`${root}/electron/cli/main.ts`],
  outfile: `${root}/out/cli/qbit-failover.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  define: { __QBF_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});

if (!process.argv.includes('--cli-only') && existsSync(`${root}/renderer/vite.config.ts`)) {
  const r = spawnSync(process.execPath, [`${root}/node_modules/vite/bin/vite.js`, 'build', '--config', `${root}/renderer/vite.config.ts`, '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
