import path from 'node:path';
import { RECENT_ADDS_LIMIT, recentOutcomeOf, type RecentAdd } from '../../../shared/desktop';
import { failuresInWords, textInWords } from '../../../shared/code-words';
import type { AddResponse, AddResult } from '../../../shared/model';

/**
 * Pure: the recent adds list (newest first, at most {@link RECENT_ADDS_LIMIT}) built from add
 * responses, each entry with its outcome in words and what "send again" sends.
 */

/** How an add reached the engine, which decides what can be sent again. */
export type AddSource =
  /** Text (magnets, `.torrent` URLs): each result's `input` is sent again as is. */
  | { kind: 'text' }
  /** A `.torrent` file read from this path (a launch, `open-file`): the path is read again. */
  | { kind: 'file'; path: string }
  /** A `.torrent` file's bytes (a drop): the bytes are not kept, so it cannot be sent again. */
  | { kind: 'bytes' };

/** Longest label, characters (a long magnet without `dn` is cut). */
const MAX_LABEL_CHARS = 80;

/** One line for a result, codes in words (shared/code-words.ts): `placed on nas`, `queued — nas: timed out`, `duplicate (already on nas)`, `rejected — <why>`. */
export function detailOf(r: AddResult): string {
  switch (r.outcome) {
    case 'added':
      return `placed on ${r.instance ?? '?'}`;
    case 'duplicate':
      return r.instance ? `duplicate (already on ${r.instance})` : 'duplicate (given twice)';
    case 'queued':
      return `queued — ${r.failures?.length ? failuresInWords(r.failures) : r.reason ? textInWords(r.reason) : 'no instance usable'}`;
    default:
      return `rejected — ${r.error?.message ? textInWords(r.error.message) : 'not a magnet link or .torrent'}`;
  }
}

/** The torrent's name when known, else the input shortened (a path by its file name). */
export function labelOf(r: Pick<AddResult, 'name' | 'input'>, source: AddSource): string {
  const raw = r.name || (source.kind === 'file' ? path.basename(source.path) : r.input);
  return raw.length > MAX_LABEL_CHARS ? `${raw.slice(0, MAX_LABEL_CHARS - 1)}…` : raw;
}

/**
 * Recent-add entries for one response (in result order).
 * @param newId a fresh unique id per entry
 * @param now the time of the add
 */
export function recentFromResponse(response: AddResponse, source: AddSource, now: Date, newId: () => string): RecentAdd[] {
  return response.results.map((r) => ({
    id: newId(),
    at: now.toISOString(),
    label: labelOf(r, source),
    resend: source.kind === 'file' ? { kind: 'file', path: source.path } : source.kind === 'text' ? { kind: 'text', text: r.input } : null,
    outcome: recentOutcomeOf(r.outcome),
    instance: r.outcome === 'added' || r.outcome === 'duplicate' ? r.instance : null,
    detail: detailOf(r),
    infohash: r.infohash,
  }));
}

/** A `.torrent` file that could not be read at all: a rejected entry that can be sent again (the file may be back). */
export function unreadableRecent(file: string, reason: string, now: Date, id: string): RecentAdd {
  return { id, at: now.toISOString(), label: labelOf({ name: null, input: file }, { kind: 'file', path: file }), resend: { kind: 'file', path: file }, outcome: 'rejected', instance: null, detail: `rejected — cannot read the file: ${reason}`, infohash: null };
}

/** `items` put in front of `list` (newest first), cut to `limit` entries. */
export function pushRecent(list: readonly RecentAdd[], items: readonly RecentAdd[], limit = RECENT_ADDS_LIMIT): RecentAdd[] {
  return [...[...items].reverse(), ...list].slice(0, limit);
}

/** Tray submenu label of an entry: `ubuntu.iso — placed on nas`. */
export function recentMenuLabel(r: RecentAdd): string {
  const short = r.detail.length > 60 ? `${r.detail.slice(0, 59)}…` : r.detail;
  return `${r.label} — ${short}`;
}
