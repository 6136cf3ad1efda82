import type { QueueEntryView } from '../../../shared/model';
import { lastAttemptError, queuedBecause } from './format';

/**
 * The queue view's rows: each entry with its words computed once per queue revision (reason and
 * last error in words, the last error left out when it repeats the reason), filtered by a search
 * and sorted — pure functions, so 10 000 entries cost one pass per change, not one per frame.
 */

/** One row of the queue table. */
export interface QueueRow {
  entry: QueueEntryView;
  /** Name, or the short infohash when the entry has none. */
  label: string;
  /** Why it was queued, in words ('' when unknown). */
  reason: string;
  /** The last attempt's error in words, only when it says something the reason does not; null otherwise. */
  lastError: string | null;
  /** `queuedAt` in ms since epoch (NaN when the file holds no valid time). */
  queuedMs: number;
  /** Lowercase name + infohash, what the search looks in. */
  haystack: string;
}

/** Columns the table sorts by; `queue` is the queue file's order. */
export type QueueSortKey = 'queue' | 'age' | 'attempts' | 'reason';
/** A sort: key and direction. For `age`, `desc` = oldest first (the longest wait on top). */
export interface QueueSort {
  key: QueueSortKey;
  dir: 'asc' | 'desc';
}

/** Rows for every entry, in queue order. `label(e)` names an entry without a name. */
export function toRows(entries: readonly QueueEntryView[], label: (e: QueueEntryView) => string): QueueRow[] {
  return entries.map((e) => ({
    entry: e,
    label: label(e),
    reason: queuedBecause(e) ?? '',
    lastError: lastAttemptError(e),
    queuedMs: Date.parse(e.queuedAt),
    haystack: `${(e.name ?? '').toLowerCase()}\n${e.infohash}`,
  }));
}

/** Rows whose name or infohash contains `query` (case-insensitive; blank = all). */
export function filterRows(rows: readonly QueueRow[], query: string): readonly QueueRow[] {
  const q = query.trim().toLowerCase();
  return q ? rows.filter((r) => r.haystack.includes(q)) : rows;
}

/** Rows sorted by `sort` (stable: equal rows keep queue order). */
export function sortRows(rows: readonly QueueRow[], sort: QueueSort): readonly QueueRow[] {
  if (sort.key === 'queue') return sort.dir === 'asc' ? rows : [...rows].reverse();
  const sign = sort.dir === 'asc' ? 1 : -1;
  const cmp = (a: QueueRow, b: QueueRow): number => {
    switch (sort.key) {
      case 'attempts':
        return a.entry.attempts - b.entry.attempts;
      case 'age':
        // Older = larger age: ascending age is newest first.
        return (b.queuedMs || 0) - (a.queuedMs || 0);
      default:
        return a.reason.localeCompare(b.reason);
    }
  };
  return rows
    .map((r, i) => [r, i] as const)
    .sort(([a, i], [b, j]) => sign * cmp(a, b) || i - j)
    .map(([r]) => r);
}
