import os from 'node:os';
import path from 'node:path';

// The home-folder rule lives in plain JavaScript (bin.mjs prints it in `--help` without the bundle).
export { APP_DIR_NAME, configFile, resolveHome } from './home-dir.mjs';

/** Default queue file: `<user home>/qbittorrent_queue.json`, where the old Python tool wrote it. */
export function defaultQueueFile(): string {
  return path.join(os.homedir(), 'qbittorrent_queue.json');
}
