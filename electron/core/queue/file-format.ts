/**
 * The queue file's JSON: a superset of the old Python tool's format. The four old keys
 * (`saved_at`, `reason`, `magnets`, `instructions`) keep their meaning so old readers work;
 * our metadata lives in a `qbit_failover` block that old writers drop when they rewrite.
 */
import { jsonArrayDigest } from '../digest';
import type { QueueEntry } from './types';

/** Version of the `qbit_failover` block we write. */
export const BLOCK_VERSION = 1;

/** Sentence written to `instructions` (old readers show it to users). */
export const INSTRUCTIONS =
  'These magnet links are queued until a qBittorrent instance is reachable; ' +
  'run `qbit-failover flush` (or keep `qbit-failover watch` / the tray app running) to place them.';

/** The file as read: old keys raw, our block (if any) raw, every other key kept verbatim. */
export interface ParsedQueueFile {
  savedAt: string | null;
  reason: string | null;
  /** `magnets` exactly as in the file (strings, and whatever else a foreign writer put). */
  magnets: unknown[];
  /** Our block, or null when absent (a foreign writer) or unusable (see `blockProblem`). */
  block: { entries: unknown[]; magnetsDigest: string | null } | null;
  /** Why a present `qbit_failover` key was ignored. */
  blockProblem: string | null;
  /** Top-level keys we do not own, preserved on write. */
  extra: Record<string, unknown>;
}

const OWN_KEYS = new Set(['saved_at', 'reason', 'magnets', 'instructions', 'qbit_failover']);

/**
 * Parses the queue file text. Returns `{ corrupt }` with a reason when it is not JSON or not
 * an object with (if present) an array `magnets`; never throws.
 */
export function parseQueueFile(text: string): ParsedQueueFile | { corrupt: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { corrupt: `not JSON (${(err as Error).message})` };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { corrupt: 'not a JSON object' };
  }
  const obj = data as Record<string, unknown>;
  const magnets = obj.magnets ?? [];
  if (!Array.isArray(magnets)) return { corrupt: '`magnets` is not a list' };
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!OWN_KEYS.has(k)) extra[k] = v;
  let block: ParsedQueueFile['block'] = null;
  let blockProblem: string | null = null;
  const raw = obj.qbit_failover;
  if (raw !== undefined) {
    const b = raw as Record<string, unknown> | null;
    if (!b || typeof b !== 'object' || !Array.isArray(b.entries)) {
      blockProblem = '`qbit_failover` block has no entries list; treated as written by another program';
    } else if (typeof b.version !== 'number' || b.version > BLOCK_VERSION) {
      blockProblem = `\`qbit_failover\` block version ${String(b.version)} is not understood; treated as foreign`;
    } else {
      block = { entries: b.entries, magnetsDigest: typeof b.magnetsDigest === 'string' ? b.magnetsDigest : null };
    }
  }
  return {
    savedAt: typeof obj.saved_at === 'string' ? obj.saved_at : null,
    reason: typeof obj.reason === 'string' ? obj.reason : null,
    magnets,
    block,
    blockProblem,
    extra,
  };
}

/**
 * Digest of a `magnets` list, stored in our block. A block whose digest does not match the
 * file's `magnets` was carried along by a foreign program that edited the list (e.g. a script
 * that loads all keys, appends, and dumps): its entries are then not authoritative.
 */
export function magnetsDigest(magnets: unknown[]): string {
  return jsonArrayDigest('sha256', magnets).slice(0, 32);
}

/**
 * Serialises the file: old keys first, foreign keys preserved, then our block. `unparsed`
 * are `magnets` items we could not read; they are written back untouched after ours.
 * Pretty-printed with 2 spaces and a final newline.
 */
export function serializeQueueFile(
  entries: QueueEntry[],
  unparsed: unknown[],
  extra: Record<string, unknown>,
  now: Date,
): string {
  const magnets: unknown[] = [...entries.map((e) => e.magnet), ...unparsed];
  let reason: string | null = null;
  for (const e of entries) if (e.reason) reason = e.reason;
  const doc = {
    // `+00:00` rather than `Z`: Python < 3.11 `datetime.fromisoformat` rejects `Z`.
    saved_at: now.toISOString().replace('Z', '+00:00'),
    reason,
    magnets,
    instructions: INSTRUCTIONS,
    ...extra,
    qbit_failover: { version: BLOCK_VERSION, magnetsDigest: magnetsDigest(magnets), entries },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const STAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses an ISO 8601 time as written by Python (`2025-11-28T02:30:00.000000`: no zone,
 * microseconds) or by us. Without a zone it is LOCAL time (Python's `datetime.now()`).
 * Returns null when it does not parse.
 */
export function parseTimestamp(value: string | null | undefined): Date | null {
  if (typeof value !== 'string') return null;
  const m = STAMP.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), ms] as const;
  let t: number;
  if (!zone) {
    t = new Date(...parts).getTime();
  } else {
    t = Date.UTC(...parts);
    if (zone.toUpperCase() !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
  }
  return Number.isNaN(t) ? null : new Date(t);
}

const QUOTED_MAGNET = /"(magnet:\?(?:[^"\\\r\n]|\\.)*)"/g;

/**
 * The magnet URIs still legible in a queue file that does not parse (a write cut short, a
 * hand edit gone wrong): every complete JSON string starting `magnet:?`, unescaped, in order.
 * They are adopted when the file is moved aside, so its magnets are not lost with it.
 */
export function salvageMagnets(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(QUOTED_MAGNET)) {
    try {
      out.push(JSON.parse(`"${m[1]}"`) as string);
    } catch {
      /* a broken escape: skip this one */
    }
  }
  return out;
}

const AT_POSITION = / at position (\d+)/;

/**
 * Whether `text` could be the beginning of a JSON document whose writer is not done yet: it is
 * empty (a writer that truncated the file, e.g. Python's `open(path, 'w')`, and has not written
 * yet) or JSON.parse stops at its end (`Unexpected end of JSON input`, or an error at a
 * position at or past the last non-blank character). Garbage in the middle, or a document
 * that parses but is not a queue file, is not cut short. Pure; never throws.
 */
export function looksCutShort(text: string): boolean {
  const end = text.trimEnd().length;
  if (end === 0) return true;
  try {
    JSON.parse(text);
    return false;
  } catch (err) {
    const message = (err as Error).message;
    if (message.includes('end of JSON input')) return true;
    const at = AT_POSITION.exec(message);
    return at !== null && Number(at[1]) >= end;
  }
}
