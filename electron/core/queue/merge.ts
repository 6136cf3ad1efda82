/**
 * Reconciliation of what this process knows with what is on disk. Pure: no I/O.
 *
 * Rules (the file is shared with programs that know nothing of our metadata):
 * - A file whose `qbit_failover` block matches its `magnets` (digest) was last written by a
 *   qbit-failover process under the lock: its entries are authoritative, plus any magnet in
 *   `magnets` that has no entry (adopted).
 * - Otherwise (no block: the old Python tool or a script rewrote it; block carried along
 *   but `magnets` edited; file missing or moved aside as corrupt) every entry of our
 *   last-known state stays — removal happens only through our own `remove()` — plus the
 *   file's magnets, with metadata from the block or our state where the infohash matches.
 * - Always: every entry our journal (`journal.ts`) holds as added and not removed stays, whoever
 *   wrote the file last — this is what makes an entry we reported queued survive any number of
 *   foreign rewrites, in every process, not just the one that remembers it.
 */
import { randomUUID } from 'node:crypto';
import { infohashOfMagnet, isInfohash, isTorrentUrl, nameOfMagnet, nameOfUrl, urlEntryKey } from './magnet';
import { magnetsDigest, parseTimestamp, type ParsedQueueFile } from './file-format';
import type { QueueEntry } from './types';
import { AddOptionsSchema } from '../../../shared/contract';
import { failuresFromJson } from '../../../shared/failure';

/** Result of `reconcile()`. */
export interface Reconciled {
  /** Entries in file order, then kept entries the file lacks, one per infohash. */
  entries: QueueEntry[];
  /** `magnets` items that are not parsable magnet URIs, kept verbatim. */
  unparsed: unknown[];
  /** True when some entry is not in the file's `magnets`: the file should be rewritten. */
  needsRepair: boolean;
}

/** What the journal says (see `journal.ts`): entries accepted and not removed, and removals. */
export interface JournalView {
  live: ReadonlyMap<string, QueueEntry>;
  removed: ReadonlySet<string>;
}

const NO_JOURNAL: JournalView = { live: new Map(), removed: new Set() };

/**
 * Merges the file (null when missing or moved aside) with the last-known entries and the
 * journal (empty when there is none). A last-known entry the journal records as removed is
 * not kept (another of our processes removed it); the file may still re-add it.
 * `now` stamps adopted magnets when the file's `saved_at` does not parse.
 */
export function reconcile(
  file: ParsedQueueFile | null,
  lastKnown: QueueEntry[],
  now: Date,
  journal: JournalView = NO_JOURNAL,
): Reconciled {
  const journaled = journal.live;
  const inFile = new Map<string, string>();
  const unparsed: unknown[] = [];
  for (const item of file?.magnets ?? []) {
    const ih = typeof item === 'string' ? (isTorrentUrl(item) ? urlEntryKey(item) : infohashOfMagnet(item)) : null;
    if (ih === null) unparsed.push(item);
    else if (!inFile.has(ih)) inFile.set(ih, item as string);
  }
  const fromBlock = new Map<string, QueueEntry>();
  for (const raw of file?.block?.entries ?? []) {
    const e = entryFromJson(raw);
    if (e) fromBlock.set(e.infohash, mergeDuplicate(fromBlock.get(e.infohash), e));
  }
  const trusted = file?.block != null && file.block.magnetsDigest === magnetsDigest(file.magnets);
  const known = new Map(lastKnown.map((e) => [e.infohash, e] as const));
  const adoptedAt = (parseTimestamp(file?.savedAt) ?? now).toISOString();

  const out = new Map<string, QueueEntry>();
  for (const [ih, magnet] of inFile) {
    const meta = fromBlock.get(ih) ?? (trusted ? undefined : known.get(ih)) ?? journaled.get(ih);
    out.set(ih, meta ?? adopt(ih, magnet, file?.reason ?? null, adoptedAt));
  }
  let needsRepair = false;
  if (!trusted) {
    for (const e of lastKnown) {
      const prev = out.get(e.infohash);
      if (!prev && journal.removed.has(e.infohash)) continue;
      if (!prev) needsRepair = true;
      out.set(e.infohash, mergeDuplicate(prev, e));
    }
  }
  for (const [ih, e] of journaled) {
    if (out.has(ih)) continue;
    out.set(ih, known.get(ih) ?? e);
    needsRepair = true;
  }
  // Keep ids stable across reloads of a foreign file (adopted entries get fresh ids).
  for (const [ih, e] of out) {
    const k = known.get(ih);
    if (k && k.id !== e.id && !fromBlock.has(ih)) out.set(ih, { ...e, id: k.id });
  }
  return { entries: [...out.values()], unparsed, needsRepair };
}

function adopt(infohash: string, magnet: string, reason: string | null, queuedAt: string): QueueEntry {
  const url = isTorrentUrl(magnet);
  return {
    id: randomUUID(),
    infohash,
    name: url ? nameOfUrl(magnet) : nameOfMagnet(magnet),
    kind: url ? 'url' : 'magnet',
    magnet,
    reason,
    queuedAt,
    attempts: 0,
    lastError: null,
    lastAttempt: null,
  };
}

function metadataScore(e: QueueEntry): number {
  return [e.name, e.reason, e.lastError, e.lastAttempt, e.torrentFile].filter((v) => v != null).length +
    (e.attempts > 0 ? 1 : 0);
}

/**
 * One entry out of two for the same infohash: the one with more metadata (ties: `a`),
 * with the earlier `queuedAt`. Nothing is summed.
 */
export function mergeDuplicate(a: QueueEntry | undefined, b: QueueEntry): QueueEntry {
  if (!a) return b;
  const keep = metadataScore(b) > metadataScore(a) ? b : a;
  const queuedAt = Date.parse(a.queuedAt) <= Date.parse(b.queuedAt) ? a.queuedAt : b.queuedAt;
  return keep.queuedAt === queuedAt ? keep : { ...keep, queuedAt };
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** A block entry from JSON, or null when its identity fields are unusable (it is skipped). */
export function entryFromJson(raw: unknown): QueueEntry | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  const infohash = str(r.infohash)?.toLowerCase();
  const magnet = str(r.magnet);
  if (!infohash || !isInfohash(infohash) || !magnet) return null;
  const kind = r.kind === 'torrent' ? 'torrent' : r.kind === 'url' && isTorrentUrl(magnet) ? 'url' : 'magnet';
  const entry: QueueEntry = {
    id: str(r.id) ?? randomUUID(),
    infohash,
    name: str(r.name),
    kind,
    magnet,
    reason: str(r.reason),
    queuedAt: str(r.queuedAt) ?? new Date().toISOString(),
    attempts: typeof r.attempts === 'number' && Number.isFinite(r.attempts) ? r.attempts : 0,
    lastError: str(r.lastError),
    lastAttempt: str(r.lastAttempt),
  };
  const failures = failuresFromJson(r.failures);
  if (failures) entry.failures = failures;
  const torrentFile = str(r.torrentFile);
  if (torrentFile) entry.torrentFile = torrentFile;
  const options = r.options === undefined ? null : AddOptionsSchema.safeParse(r.options);
  if (options?.success) entry.options = options.data;
  return entry;
}
