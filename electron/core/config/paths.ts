import os from 'node:os';
import path from 'node:path';

/** The application's folder name in the OS config directory (matches Electron's `userData` for productName `qbit-failover`). */
export const APP_DIR_NAME = 'qbit-failover';

/**
 * The home directory holding `config.json`, secrets, and the auth-failure memory:
 * `QBIT_FAILOVER_HOME` if set, else the OS config directory the desktop app uses
 * (Linux `$XDG_CONFIG_HOME` or `~/.config`, macOS `~/Library/Application Support`, Windows `%APPDATA%`).
 */
export function resolveHome(env: Record<string, string | undefined> = process.env, platform = process.platform): string {
  if (env.QBIT_FAILOVER_HOME) return path.resolve(env.QBIT_FAILOVER_HOME);
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), APP_DIR_NAME);
}

/** Default queue file: `<user home>/qbittorrent_queue.json`, where the old Python tool wrote it. */
export function defaultQueueFile(): string {
  return path.join(os.homedir(), 'qbittorrent_queue.json');
}

/** Path of `config.json` in a home directory. */
export function configFile(home: string): string {
  return path.join(home, 'config.json');
}
