import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { primaryVersion, resolveVersion, selectedVersion } from '../../harness/qbt-versions.mjs';

/**
 * Builds the CLI bundle and the renderer once per run (`node build/scripts/build-cli.mjs`), so
 * `serve` runs the code under test, and checks the binaries the specs need are installed:
 * Chromium and the qBittorrent version(s) QBT_VERSION / QBT_PRIMARY_VERSION pick.
 */
export default function globalSetup(): void {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  if (!existsSync('/usr/bin/chromium')) throw new Error('e2e needs /usr/bin/chromium (Debian package chromium)');
  for (const label of new Set([selectedVersion(), primaryVersion()])) {
    const v = resolveVersion(label);
    if (v.missing !== undefined) throw new Error(`e2e needs qBittorrent ${label}: ${v.missing}`);
    process.stdout.write(`e2e: qBittorrent ${label} is ${v.version}\n`);
  }
  const r = spawnSync(process.execPath, [`${root}build/scripts/build-cli.mjs`], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`build failed (exit ${r.status ?? r.signal})`);
}
