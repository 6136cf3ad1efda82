import type { AddOptions } from '../../../shared/contract';
import { failureText, type Failure } from '../../../shared/failure';
import type { FlushProgress, FlushResponse } from '../../../shared/model';
import type { QueueEntry, QueueStore } from '../queue';
import { parseMagnet, parseTorrent, type ParsedInput } from '../inputs/parse';
import { DownloadFailed, downloadTorrent } from '../inputs/resolve-input';
import { emptyPlacement, failuresOf, ledgerAlongside, noteConfirmed, notePlaced, placeContext, reasonOf, type FlowDeps } from './flow';
import { place, type Placement } from './placer';

/**
 * A queue entry back as a parsed input, through the same parsers `add` used (the magnet, the
 * `.torrent` payload kept beside the queue file, or — for a `url` entry — the file downloaded
 * now), so hybrids keep both hashes — nothing is patched by hand: where the parsed infohash is
 * not the entry's key (a `url` entry), the flush maps it back. `{ failed }` with the reason when
 * the payload is missing, no longer parses, or the URL still cannot be downloaded.
 */
async function entryInput(queue: QueueStore, e: QueueEntry): Promise<ParsedInput | { failed: string }> {
  try {
    if (e.kind === 'url') return parseTorrent(await downloadTorrent(e.magnet), e.magnet);
    if (e.kind === 'torrent') {
      const data = await queue.readTorrent(e);
      // The payload file is gone (deleted by hand): the entry's stand-in magnet carries the same hashes and name.
      if (!data) return parseMagnet(e.magnet);
      return parseTorrent(data, e.magnet);
    }
    return parseMagnet(e.magnet);
  } catch (err) {
    if (e.kind === 'url') return { failed: err instanceof DownloadFailed ? `could not download: ${err.why}` : (err as Error).message };
    return { failed: e.kind === 'torrent' ? 'the .torrent file kept beside the queue is damaged' : 'the magnet URI in the queue does not parse' };
  }
}

/** A flush's progress as {@link flushEntries} reports it (the runner adds the flush's id). */
export type FlushStep = Omit<FlushProgress, 'flushId'>;

/**
 * Counts placed entries per instance as the placement of each batch goes on: the groups done
 * so far plus the running group's placement (the placer tells it after each instance's batch).
 */
class ProgressCounter {
  private readonly done = new Map<string, string>();
  private current: Placement | null = null;

  constructor(
    private readonly total: number,
    private readonly report: ((step: FlushStep) => void) | undefined,
  ) {}

  /** The running group's placement so far. */
  step(sofar: Placement): void {
    this.current = sofar;
    this.emit(0, false);
  }

  /** The running group ended with `part`. */
  groupDone(part: Placement): void {
    for (const [h, on] of [...part.placed, ...part.duplicates]) this.done.set(h, on);
    this.current = null;
  }

  /** Reports where things stand; `left` and `done` for the last report. */
  emit(left: number, done: boolean): void {
    if (!this.report) return;
    const counts = new Map<string, number>();
    const count = (on: string): void => void counts.set(on, (counts.get(on) ?? 0) + 1);
    for (const on of this.done.values()) count(on);
    if (this.current) for (const [h, on] of [...this.current.placed, ...this.current.duplicates]) if (!this.done.has(h)) count(on);
    const perInstance = [...counts].map(([instance, placed]) => ({ instance, placed }));
    this.report({ total: this.total, placed: perInstance.reduce((n, p) => n + p.placed, 0), perInstance, left, done });
  }
}

/**
 * The flush flow. Flushes queue entries (all, or the given infohashes): one batched add per instance, each
 * confirmed by infohash; only confirmed (or already present) entries are removed, the rest get
 * attempts + last error in ONE settle write. A `url` entry is downloaded first and placed by the
 * real infohash of the file. `notQueued` lists asked-for infohashes that are not in the queue.
 * `onProgress` hears where the flush stands: at its start, after each instance's batch, and at
 * its end (`done`, after the queue file is settled) — never when nothing is queued to flush.
 */
export async function flushEntries(deps: FlowDeps, infohashes?: string[], onProgress?: (step: FlushStep) => void): Promise<FlushResponse> {
  const all = await deps.queue.load();
  const wanted = infohashes ? new Set(infohashes.map((h) => h.toLowerCase())) : null;
  const entries = wanted ? all.filter((e) => wanted.has(e.infohash)) : all;
  const notQueued = wanted ? [...wanted].filter((h) => !all.some((e) => e.infohash === h)) : [];
  if (entries.length === 0) return { placed: [], remaining: [], notQueued, queueLength: all.length };
  const progress = new ProgressCounter(entries.length, onProgress);
  progress.emit(0, false);
  const failed = new Map<string, string>();
  /** Infohash placed → its queue entry (the entry's key differs for a `url` entry). */
  const entryOf = new Map<string, QueueEntry>();
  const nameOf = new Map<string, string | null>();
  const run = ledgerAlongside(deps.uncertain);
  const placement = emptyPlacement();
  // The entries' torrents are held from here to the end of their placement (an edit of a queued
  // torrent, Engine.updateQueuedOptions, waits for it), and their add options are read now, after
  // any edit made since the load: an edit is either placed with the torrent or sent to the
  // instance that took it — never acknowledged and lost.
  const held = new Set(entries.map((e) => e.infohash));
  await deps.inflight.around([...held], async () => {
    const current = new Map(deps.queue.entries().map((e) => [e.infohash, e] as const));
    // Entries queued with different add options (category, save path…) go in separate batches.
    const groups = new Map<string, { options: AddOptions | undefined; items: ParsedInput[] }>();
    for (const e of entries.map((x) => current.get(x.infohash) ?? x)) {
      const item = await entryInput(deps.queue, e);
      if ('failed' in item) {
        failed.set(e.infohash, item.failed);
        continue;
      }
      if (entryOf.has(item.infohash)) continue;
      entryOf.set(item.infohash, e);
      nameOf.set(item.infohash, item.name);
      const key = JSON.stringify(e.options ?? {});
      const g = groups.get(key) ?? { options: e.options, items: [] };
      g.items.push(item);
      groups.set(key, g);
    }
    const candidates = await deps.fleet.candidates();
    for (const g of groups.values()) {
      const ctx = { ...placeContext(deps, candidates, run, g.options), onStep: (sofar: Placement) => progress.step(sofar) };
      const part = await deps.inflight.around(g.items.map((i) => i.infohash).filter((h) => !held.has(h)), () => place(g.items, ctx));
      progress.groupDone(part);
      await noteConfirmed(deps, g.items, part.placed, g.options);
      for (const k of ['placed', 'duplicates', 'refused', 'failed'] as const) {
        for (const [h, v] of part[k] as Map<string, never>) (placement[k] as Map<string, unknown>).set(h, v);
      }
    }
  });
  const done = new Map([...placement.placed, ...placement.duplicates]);
  await notePlaced(deps.uncertain, done, run);
  const keyOf = (h: string): string => entryOf.get(h)?.infohash ?? h;
  const typed = new Map<string, Failure[]>();
  for (const [h, failures] of placement.failed) {
    failed.set(keyOf(h), reasonOf(deps, failures));
    const list = failuresOf(deps, failures);
    if (list.length) typed.set(keyOf(h), list);
  }
  for (const [h, f] of placement.refused) {
    failed.set(keyOf(h), failureText([f]));
    typed.set(keyOf(h), [f]);
  }
  await deps.queue.settle([...done.keys()].map(keyOf), failed, typed);
  const byKey = new Map(entries.map((e) => [e.infohash, e] as const));
  progress.emit(failed.size, true);
  return {
    placed: [...done].map(([infohash, instance]) => ({
      infohash,
      instance,
      name: nameOf.get(infohash) ?? entryOf.get(infohash)?.name ?? null,
      outcome: placement.placed.has(infohash) ? ('added' as const) : ('duplicate' as const),
    })),
    remaining: [...failed].map(([key, error]) => ({ infohash: key, name: byKey.get(key)?.name ?? null, error })),
    notQueued,
    queueLength: deps.queue.entries().length,
  };
}
