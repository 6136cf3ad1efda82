/**
 * Text from the outside world (a magnet's `dn`, a torrent's name, a server's error message, a
 * file name) made safe to print on a terminal or into a log line.
 *
 * Why: a magnet such as `dn=%1b%5b2J…%0d%0a%5bADDED%5d%20fake` decodes to ESC/CR/LF bytes that
 * clear the screen, retitle the window and forge an `[ADDED]` line. Terminals act on C0 (U+0000–
 * U+001F), DEL (U+007F) and C1 (U+0080–U+009F; U+009B is a one-character CSI in 8-bit mode), and
 * bidi overrides (U+202A–U+202E, U+2066–U+2069) reorder what the user reads ("Trojan Source",
 * CVE-2021-42574). Sanitise after percent-decoding: `%1b` is harmless until decoded.
 */

/** Characters a terminal would act on instead of showing: C0, DEL, C1, bidi embeddings/overrides/isolates. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** What each unsafe character becomes in {@link safeText}: U+FFFD, visible and inert. */
export const REPLACEMENT_CHAR = '\uFFFD';

/**
 * `text` with every C0/DEL/C1 control and bidi override replaced by U+FFFD, so one value prints as
 * one inert run of characters (no escape sequence, no new line, no carriage return). Non-strings
 * are converted with `String()` first (`null`/`undefined` → `''`).
 */
export function safeText(text: unknown): string {
  if (text === null || text === undefined) return '';
  return String(text).replace(UNSAFE, REPLACEMENT_CHAR);
}

/**
 * Multi-line text (e.g. commander's usage message) made safe line by line: lines split on `\n`
 * stay lines, everything else unsafe inside a line is replaced as in {@link safeText}.
 */
export function safeLines(text: string): string {
  return text
    .split('\n')
    .map((line) => safeText(line))
    .join('\n');
}

/**
 * JSON text (from `JSON.stringify`) safe for a terminal and still the same JSON value:
 * `JSON.stringify` already escapes C0 characters, this also writes DEL, C1 and bidi overrides
 * as `\uXXXX` escapes. Lossless: `JSON.parse` gives back the original strings.
 */
export function terminalSafeJson(json: string): string {
  return json.replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
