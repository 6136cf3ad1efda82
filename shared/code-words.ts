import type { Failure } from './failure';

/**
 * The one table of words for the product's codes (status codes of an instance or an add, and the
 * typed error codes of calls), used by the dashboard, the tray and the CLI's human lines. Codes
 * stay on the wire, in `--json` and in the `[HEALTH]` lines scripts grep; a person reads these
 * words instead. Sentence case: {@link codeInSentence} lowers the first letter inside a sentence.
 */
export const CODE_WORDS: Readonly<Record<string, string>> = {
  OK: 'OK',
  HTTP_404: 'Not found (HTTP 404)',
  HTTP_403: 'Forbidden (HTTP 403)',
  TIMEOUT: 'Timed out',
  VPN_DOWN: 'VPN down',
  NOT_CONFIGURED: 'Not configured',
  UNKNOWN: 'Unknown',
  AUTH_FAILED: 'Wrong username or password',
  BANNED: 'IP banned by qBittorrent',
  CONNECTION_REFUSED: 'Connection refused',
  TLS_ERROR: 'TLS certificate error',
  NO_PASSWORD: 'No password stored',
  NO_SESSION: 'Not asked (no session; no login outside the VPN)',
  REFUSED: 'Refused by qBittorrent',
  // Typed errors of calls and of the queue file (engine, dashboard bridge, IPC).
  INVALID_INPUT: 'Not a magnet link or .torrent',
  INVALID_ARGUMENT: 'Invalid request',
  INTERNAL: 'Internal error',
  QUEUE_WRITE_FAILED: 'Could not write the queue file',
  QUEUE_READ_FAILED: 'Could not read the queue file',
  QUEUE_BUSY: 'Another flush is running',
  QUEUE_CORRUPT: 'Queue file corrupt',
  QUEUE_UNREADABLE: 'Queue file unreadable',
  COMMAND_LOCKED: 'Can only be changed on the computer running qbit-failover',
  CONFIG_INVALID: 'Settings file invalid',
  ENCRYPTION_UNAVAILABLE: 'No encryption available to store passwords',
  TLS_INVALID: 'TLS certificate or key invalid',
  PAYLOAD_TOO_LARGE: 'Too large',
  BAD_JSON: 'Malformed request',
  BAD_REPLY: 'Unexpected reply',
  UNKNOWN_METHOD: 'Unknown request',
  INVALID_COMMAND: 'Invalid command',
};

/** True when `code` is a code with words: one of {@link CODE_WORDS}, or `HTTP_<3 digits>`. */
export function isKnownCode(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(CODE_WORDS, code) || /^HTTP_\d{3}$/.test(code);
}

/**
 * Words for a code, sentence case: `TIMEOUT` → "Timed out", `HTTP_502` → "Server error (HTTP 502)".
 * An unknown code becomes lowercase words (`SOME_CODE` → "Some code"): a raw code never reaches a person.
 */
export function describeCode(code: string): string {
  if (Object.prototype.hasOwnProperty.call(CODE_WORDS, code)) return CODE_WORDS[code]!;
  const http = /^HTTP_(\d{3})$/.exec(code);
  if (http) return http[1]!.startsWith('5') ? `Server error (HTTP ${http[1]})` : `Unexpected answer (HTTP ${http[1]})`;
  const words = code.toLowerCase().replace(/_+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : 'Unknown';
}

/** {@link describeCode} inside a sentence: "connection refused", "timed out" (`OK`, "VPN", "IP", "TLS" stay). */
export function codeInSentence(code: string): string {
  return describeCode(code).replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase());
}

/**
 * Typed failures in words, one per instance: `primary: connection refused; secondary: timed out`.
 * A refusal, a 4xx answer or a code without words keeps the server's message (the user needs its words).
 */
export function failuresInWords(failures: readonly Failure[]): string {
  return failures
    .map((f) => {
      const keepMessage = (f.code === 'REFUSED' || f.code.startsWith('HTTP_4') || !isKnownCode(f.code)) && !!f.message;
      return `${f.instance}: ${keepMessage ? textInWords(f.message) : codeInSentence(f.code)}`;
    })
    .join('; ');
}

/** Longest known code first, so `HTTP_4` never matches inside `HTTP_404` and a prefix never wins. */
const CODE_ALTERNATION = [...Object.keys(CODE_WORDS).sort((a, b) => b.length - a.length), 'HTTP_\\d{3}'].join('|');
/** `CODE: words` at the start, after `(` or after `; `: the words are already there, the code goes. */
const CODE_PREFIX = new RegExp(`(^|\\(|; )(?:${CODE_ALTERNATION}): (?=\\S)`, 'g');
/** A code where the engine writes one: at the start, after `<instance>: `, or alone in parentheses. */
const CODE_TOKEN = new RegExp(`(^|: |\\()(${CODE_ALTERNATION})(?=$|[;),.:])`, 'g');

/**
 * Engine text in words: a code where the engine writes one (`primary: CONNECTION_REFUSED`,
 * `NOT_CONFIGURED: no qBittorrent instance configured`, `… (QUEUE_BUSY)`) becomes words
 * (`primary: connection refused`, `no qBittorrent instance configured`, `… (another flush is
 * running)`); the same word inside a torrent name or a variable name (`QBITTORRENT_URL`) stays.
 * For text only (activity lines, entries written by old versions); prefer {@link failuresInWords}.
 */
export function textInWords(text: string): string {
  const out = text
    .replace(CODE_PREFIX, '$1')
    .replace(CODE_TOKEN, (_m, before: string, code: string) => `${before}${before === '' ? describeCode(code) : codeInSentence(code)}`);
  return out;
}

/**
 * Whether two texts say the same once in words (case, spacing and a trailing period aside): the
 * queue view shows an entry's last error only when it adds something to its reason.
 */
export function sameWords(a: string | null, b: string | null): boolean {
  const norm = (s: string | null): string => (s ?? '').trim().replace(/\s+/g, ' ').replace(/\.$/, '').toLowerCase();
  return norm(a) === norm(b);
}

/**
 * A failed call in words for a toast or a log line: its message with codes in words, else its
 * code in words (never the raw code). `err`: anything thrown (an ApiError, an Error with `code`).
 */
export function errorInWords(err: unknown): string {
  const e = (err && typeof err === 'object' ? err : {}) as { code?: unknown; message?: unknown };
  const msg = typeof e.message === 'string' ? textInWords(e.message) : typeof err === 'string' ? textInWords(err) : '';
  return msg || (typeof e.code === 'string' ? describeCode(e.code) : 'failed');
}
