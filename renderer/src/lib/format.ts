import type { Failure } from '../../../shared/failure';
import type { AddResult, QueueEntryView } from '../../../shared/model';
import { BASE_STATUS_CODES, describeStatus, type StatusCode } from '../../../shared/status';

/** "just now", "5 min ago", "3 h ago", "2 d ago"; "never" for null. `now` in ms since epoch. */
export function relativeTime(iso: string | null, now: number = Date.now()): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.round((now - t) / 1000);
  // `now` ticks every few seconds (useNow), so a fresh poll is often slightly "ahead" of it.
  if (s < -60) return 'in the future';
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** Local date and time for a tooltip. */
export function absoluteTime(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : '';
}

/** `abcdef12…9f0e` for a long infohash. */
export function shortHash(hash: string): string {
  return hash.length > 16 ? `${hash.slice(0, 8)}…${hash.slice(-4)}` : hash;
}

const KNOWN_CODES: ReadonlySet<string> = new Set(BASE_STATUS_CODES);

/** True for a code {@link describeStatus} has words for. */
function isStatusCode(code: string): code is StatusCode {
  return KNOWN_CODES.has(code) || /^HTTP_\d{3}$/.test(code);
}

/** A status code's words inside a sentence: `connection refused`, `timed out` (`OK` stays). */
function codeInWords(code: StatusCode): string {
  return code === 'OK' ? code : describeStatus(code).replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase());
}

/**
 * Typed failures in words, one per instance: `primary: connection refused; secondary: timed out`.
 * A refusal, a 4xx answer or a code without words keeps the server's message (the user needs it).
 */
export function failuresInWords(failures: readonly Failure[]): string {
  return failures
    .map((f) => {
      const keepMessage = f.code === 'REFUSED' || f.code.startsWith('HTTP_4') || !isStatusCode(f.code);
      return `${f.instance}: ${keepMessage ? f.message || f.code : codeInWords(f.code as StatusCode)}`;
    })
    .join('; ');
}

/**
 * A status code right after `<instance>: `, as the engine writes text (not a word inside a torrent
 * name). Only for text: activity lines, and queue entries written by versions before typed
 * failures (their `reason`/`lastError` is all there is).
 */
const STATUS_IN_TEXT = new RegExp(`(?<=: )(${BASE_STATUS_CODES.join('|')}|HTTP_\\d{3})\\b`, 'g');

/**
 * Engine text names statuses by code (`primary: CONNECTION_REFUSED; secondary: TIMEOUT`); shows
 * them in words (`primary: connection refused; secondary: timed out`). Prefer
 * {@link failuresInWords} wherever a typed list exists.
 */
export function statusCodesInWords(text: string): string {
  return text.replace(STATUS_IN_TEXT, (code) => codeInWords(code as StatusCode));
}

type EntryWords = Pick<QueueEntryView, 'failures' | 'reason' | 'lastError' | 'attempts'>;

/**
 * Why a queue entry was queued, in words: from its typed failures while no flush has tried it
 * yet (they are the queue-time ones then), else from its `reason` text (an entry written by an
 * old version or another program has only the text). Null when none.
 */
export function queuedBecause(e: EntryWords): string | null {
  if (e.attempts === 0 && e.failures?.length) return failuresInWords(e.failures);
  return e.reason ? statusCodesInWords(e.reason) : null;
}

/**
 * The last failed attempt in words: its typed failures (`failures` follow the latest attempt),
 * else the `lastError` text (an old version's entry, or a failure that is no instance's: a
 * missing `.torrent` payload, a download that failed). Null before the first attempt.
 */
export function lastAttemptError(e: EntryWords): string | null {
  if (!e.lastError) return null;
  return e.attempts > 0 && e.failures?.length ? failuresInWords(e.failures) : statusCodesInWords(e.lastError);
}

/** Colour class of a status light: ok (green), warn (amber), off (grey) or bad (red). */
export function lightTone(status: StatusCode, usable = status === 'OK'): 'ok' | 'warn' | 'off' | 'bad' {
  if (status === 'OK') return usable ? 'ok' : 'warn';
  if (status === 'VPN_DOWN') return 'warn';
  if (status === 'NOT_CONFIGURED' || status === 'UNKNOWN') return 'off';
  return 'bad';
}

/** One add result in words: "added to primary", "already on secondary (duplicate)", "queued: …", "rejected: …". */
export function describeAddResult(r: AddResult): string {
  switch (r.outcome) {
    case 'added':
      return `added to ${r.instance ?? 'an instance'}`;
    case 'duplicate':
      return `already on ${r.instance ?? 'an instance'} (duplicate)`;
    case 'queued':
      return `queued: ${r.failures?.length ? failuresInWords(r.failures) : r.reason ? statusCodesInWords(r.reason) : 'no instance usable'}`;
    case 'rejected':
      return `rejected: ${r.error?.message ?? 'invalid input'}`;
  }
}

/** "3 added · 1 still queued" for a flush. */
export function flushSummary(placed: number, remaining: number): string {
  const parts = [`${placed} added`];
  if (remaining > 0) parts.push(`${remaining} still queued`);
  return parts.join(' · ');
}
