import type { AddResult, QueueEntryView } from '../../../shared/model';
import { failuresInWords, sameWords, textInWords } from '../../../shared/code-words';
import type { StatusCode } from '../../../shared/status';

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

/** Codes in words: one table for every view, the tray and the CLI (shared/code-words.ts). */
export { failuresInWords } from '../../../shared/code-words';
/** Engine text with its codes in words (see `textInWords`). */
export const statusCodesInWords = textInWords;

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
 * missing `.torrent` payload, a download that failed). Null before the first attempt, and when it
 * says what {@link queuedBecause} says.
 */
export function lastAttemptError(e: EntryWords): string | null {
  if (!e.lastError) return null;
  const words = e.attempts > 0 && e.failures?.length ? failuresInWords(e.failures) : statusCodesInWords(e.lastError);
  // The reason and the last error are never the same text twice.
  return sameWords(words, queuedBecause(e)) ? null : words;
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
      return `rejected: ${r.error?.message ? statusCodesInWords(r.error.message) : 'invalid input'}`;
  }
}

/** "3 added · 1 still queued" for a flush. */
export function flushSummary(placed: number, remaining: number): string {
  const parts = [`${placed} added`];
  if (remaining > 0) parts.push(`${remaining} still queued`);
  return parts.join(' · ');
}
