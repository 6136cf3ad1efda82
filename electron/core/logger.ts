import { safeText, terminalSafeJson } from '../../shared/terminal-text';

/** Minimal structured logger the engine writes to; shells plug in electron-log or the console. */
export interface Logger {
  debug(msg: string, meta?: object): void;
  info(msg: string, meta?: object): void;
  warn(msg: string, meta?: object): void;
  error(msg: string, meta?: object): void;
}

/** Log levels in increasing severity. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * A logger that writes one line per message to a stream (stderr by default, so CLI `--json`
 * output on stdout stays clean). Messages below `level` are dropped. Every message is passed
 * through {@link safeText} (a torrent name or server reply cannot inject terminal escapes or forge
 * a log line) and `meta` is written as terminal-safe JSON. A failing stream write never throws.
 */
export function createStreamLogger(level: LogLevel = 'info', stream: NodeJS.WritableStream = process.stderr): Logger {
  const write = (l: LogLevel, msg: string, meta?: object): void => {
    if (ORDER[l] < ORDER[level]) return;
    try {
      const tail = meta && Object.keys(meta).length ? ` ${terminalSafeJson(JSON.stringify(meta))}` : '';
      stream.write(`${new Date().toISOString()} ${l.toUpperCase()} ${safeText(msg)}${tail}\n`);
    } catch {
      // A closed stderr (`2>&1 | head`) or an unserialisable meta must not take a daemon down.
    }
  };
  return {
    debug: (m, meta) => write('debug', m, meta),
    info: (m, meta) => write('info', m, meta),
    warn: (m, meta) => write('warn', m, meta),
    error: (m, meta) => write('error', m, meta),
  };
}

/** A logger that drops everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
