import path from 'node:path';
import log from 'electron-log/main';
import { LOG_FILE_MAX_BYTES } from '../../../shared/limits';
import { safeText } from '../../../shared/terminal-text';
import type { Logger } from '../engine/types';

/**
 * Main-process logging with electron-log (file in the OS log folder, e.g.
 * `~/.config/qbit-failover/logs/main.log`, `~/Library/Logs/qbit-failover/main.log`).
 * `log.initialize()` is deliberately NOT called: it injects a preload into every session, and
 * the renderer must get nothing beyond the contract API.
 */

/** The logger handed to the engine, and the folder "Open logs" shows. */
export interface ShellLogging {
  logger: Logger;
  /** Absolute directory of the log file. */
  logDir: string;
}

/** Configures electron-log (file level info, rotation at `LOG_FILE_MAX_BYTES`, uncaught errors logged); call once after `ready`. */
export function setupLogging(): ShellLogging {
  log.transports.file.level = 'info';
  log.transports.file.maxSize = LOG_FILE_MAX_BYTES;
  log.transports.console.level = process.env.QBF_DEBUG ? 'debug' : 'warn';
  log.errorHandler.startCatching({ showDialog: false });
  const meta = (m?: object) => (m && Object.keys(m).length ? [m] : []);
  // Messages carry torrent names and server replies: terminal-safe, like the CLI's (shared/terminal-text).
  const logger: Logger = {
    debug: (msg, m) => log.debug(safeText(msg), ...meta(m)),
    info: (msg, m) => log.info(safeText(msg), ...meta(m)),
    warn: (msg, m) => log.warn(safeText(msg), ...meta(m)),
    error: (msg, m) => log.error(safeText(msg), ...meta(m)),
  };
  return { logger, logDir: path.dirname(log.transports.file.getFile().path) };
}
