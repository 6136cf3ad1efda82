// Plain JavaScript on purpose: electron/cli/bin.mjs reads it to print the prerendered `--help`
// (with the resolved config.json path) without loading the CLI bundle. paths.ts re-exports it.
import os from 'node:os';
import path from 'node:path';

/** The application's folder name in the OS config directory (matches Electron's `userData` for productName `qbit-failover`). */
export const APP_DIR_NAME = 'qbit-failover';

/**
 * The home directory holding `config.json`, secrets, and the auth-failure memory:
 * `QBIT_FAILOVER_HOME` if set, else the OS config directory the desktop app uses
 * (Linux `$XDG_CONFIG_HOME` or `~/.config`, macOS `~/Library/Application Support`, Windows `%APPDATA%`).
 * @param {Record<string, string | undefined>} [env]
 * @param {string} [platform]
 * @returns {string}
 */
export function resolveHome(env = process.env, platform = process.platform) {
  if (env.QBIT_FAILOVER_HOME) return path.resolve(env.QBIT_FAILOVER_HOME);
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), APP_DIR_NAME);
}

/**
 * Path of `config.json` in a home directory.
 * @param {string} home
 * @returns {string}
 */
export function configFile(home) {
  return path.join(home, 'config.json');
}
