import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Builds the CLI bundle and the renderer once per run (`node build/scripts/build-cli.mjs`), so
 * `serve` runs the code under test, and checks the binaries the specs need are installed.
 */
export default function globalSetup(): void {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  for (const bin of ['/usr/bin/chromium', process.env.QBF_QBITTORRENT_NOX ?? '/usr/bin/qbittorrent-nox']) {
    if (!existsSync(bin)) throw new Error(`e2e needs ${bin} (Debian packages chromium and qbittorrent-nox)`);
  }
  const r = spawnSync(process.execPath, [`${root}build/scripts/build-cli.mjs`], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`build failed (exit ${r.status ?? r.signal})`);
}
