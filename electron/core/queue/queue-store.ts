/**
 * The durable queue: one JSON file shared by every qbit-failover process (CLI, watch daemon,
 * tray app) and by foreign programs (the old Python tool, users' scripts), plus our journal
 * beside it (`journal.ts`) so that no foreign rewrite can lose an entry we accepted. Every
 * change is a locked read-reconcile-write-journal; see `merge.ts` for the merge rules.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import type { QueueProblem } from '../../../shared/model';
import type { AddOptions } from '../../../shared/contract';
import type { Failure } from '../../../shared/failure';
import { readdir, stat, unlink } from 'node:fs/promises';
import { jsonArrayDigest, sha1Hex } from '../digest';
import { acquireLock, ensureParentDir, moveAside, PayloadDir, readTextOrNull, writeDurable, textDigest, writeDurableIfUnchanged } from './disk';
import { looksCutShort, parseQueueFile, salvageMagnets, serializeQueueFile, type ParsedQueueFile } from './file-format';
import { watchFile } from './file-watcher';
import { QueueJournal, type JournalRecord, type JournalState } from './journal';
import { isInfohash, isTorrentUrl } from './magnet';
import { reconcile } from './merge';
import {
  QueueInputError,
  QueueReadError,
  QueueWriteError,
  type NewQueueEntry,
  type QueueEntry,
  type QueueReadResult,
} from './types';

/** Options of `QueueStore`. */
export interface QueueStoreOptions {
  /** Queue file path (e.g. `queued_magnets.json`). Its folder is created on first write. */
  path: string;
  /** Age (ms) after which another process's lock is taken over; default 10 000, min 2 000. */
  lockStaleMs?: number;
}

/** A change computed under the lock: the new entries, a result, and work after the write. */
interface Mutation<T> {
  next: QueueEntry[];
  result: T;
  changed: boolean;
  /** Infohashes this mutation removes (journaled as `remove`): only `remove()` sets it. */
  removed?: string[];
  afterWrite?: () => Promise<void>;
  onWriteFailed?: () => Promise<void>;
}

/**
 * The queue file of one path, as seen by this process. Events: `'change'` (entries:
 * QueueEntry[]) whenever the known entries change, by our writes or another program's;
 * `'problem'` (QueueProblem | null) when `problem()` changes;
 * `'warning'` (message: string) for a corrupt file moved aside, unparsable magnets kept,
 * a failed repair or watch error. Operations of one instance run one at a time. A file that
 * cannot be read or parsed is also reported as a typed {@link QueueProblem} (`problem()`).
 */
export class QueueStore extends EventEmitter {
  /** Absolute path of the queue file. */
  readonly path: string;
  private readonly staleMs: number;
  private readonly payloads: PayloadDir;
  private readonly journal: QueueJournal;
  /** The journal as last replayed (what a write must add to it). */
  private journaled: JournalState = { live: new Map(), removed: new Set(), lines: 0, skipped: 0 };
  /** Problem found by the last read (cleared by a clean read). */
  private readProblem: QueueProblem | null = null;
  /** A corrupt file this process moved aside: reported for the life of the process, or until that file is adopted or gone. */
  private movedProblem: QueueProblem | null = null;
  private known: QueueEntry[] = [];
  /** Ids of the entries this store's own {@link add} created that may still be queued (see {@link createdHere}). */
  private readonly created = new Set<string>();
  private unparsed: unknown[] = [];
  private extra: Record<string, unknown> = {};
  /** SHA-1 of the known entries' JSON (the JSON of 10 000 entries is ~4.5 MB: not kept). */
  private fingerprint = sha1Hex('[]');
  /** Digest of the file's text at our last read (null: missing or moved aside), to detect lock-less writers; not the text: 10 000 entries are ~5 MB. */
  private diskDigest: string | null = null;
  private readonly warned = new Set<string>();
  /**
   * Files moved aside as corrupt (`<file>.corrupt-*`, by any process) last seen still corrupt,
   * path → `size:mtimeMs`: read again only when they change (see `lateAside`).
   */
  private readonly asideChecked = new Map<string, string>();
  /** False once a write could not keep the replaced file (no hard links here): then give way more. */
  private hardLinks = true;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(opts: QueueStoreOptions) {
    super();
    this.path = resolve(opts.path);
    this.staleMs = opts.lockStaleMs ?? 10_000;
    this.payloads = new PayloadDir(this.path);
    this.journal = new QueueJournal(this.path);
  }

  /**
   * What is wrong with the queue file, or null: the last read's problem (the file unreadable,
   * or corrupt and left in place), else a corrupt file this process moved aside.
   */
  problem(): QueueProblem | null {
    const p = this.readProblem ?? this.movedProblem;
    return p ? { ...p } : null;
  }

  /** Reads and reconciles the file (see `loadDetailed`). Missing file = empty queue. Throws QueueReadError. */
  async load(opts: { repair?: boolean } = {}): Promise<QueueEntry[]> {
    return (await this.loadDetailed(opts)).entries;
  }

  /**
   * Reads the file and the journal, with the warnings of this read. If the file lacks entries
   * we accepted (a foreign rewrite) or is corrupt, it is repaired under the lock — a corrupt
   * file is then moved aside — unless `repair: false` (read-only commands: nothing on disk
   * changes; the problem is still reported by `problem()`). A failed repair is a warning: the
   * entries stay known in memory. Throws QueueReadError when the file cannot be read.
   */
  async loadDetailed(opts: { repair?: boolean } = {}): Promise<QueueReadResult> {
    return this.serial(async () => {
      const warnings: string[] = [];
      const read = await this.readFresh(false, warnings);
      if ((read.corrupt || read.needsRepair) && opts.repair !== false) {
        try {
          await this.locked(warnings, async (entries) => ({ next: entries, result: undefined, changed: false }));
        } catch (err) {
          this.warn(warnings, `Queue file could not be repaired: ${(err as Error).message}`);
        }
      }
      return { entries: this.entries(), warnings };
    });
  }

  /** Last known entries (copies), in queue order, without touching disk. */
  entries(): QueueEntry[] {
    return this.known.map((e) => ({ ...e }));
  }

  /**
   * Appends entries in one locked write, skipping infohashes already queued (also repeats
   * within `items`). Resolves after the file (and `.torrent` payloads, written first) are
   * fsynced. Throws QueueInputError for a bad item (nothing written) and QueueWriteError
   * when the write fails — then nothing is claimed in memory either.
   */
  async add(items: NewQueueEntry[]): Promise<{ added: QueueEntry[]; existing: QueueEntry[] }> {
    const normalized = items.map(validate);
    return this.mutate(async (entries) => {
      const byHash = new Map(entries.map((e) => [e.infohash, e] as const));
      const added: QueueEntry[] = [];
      const existing: QueueEntry[] = [];
      const written: string[] = [];
      const now = new Date().toISOString();
      const rollback = async (): Promise<void> =>
        void (await Promise.all(written.map((f) => this.payloads.delete(f).catch(() => undefined))));
      try {
        for (const item of normalized) {
          const have = byHash.get(item.infohash);
          if (have) {
            existing.push({ ...have });
            continue;
          }
          const entry: QueueEntry = {
            id: randomUUID(), infohash: item.infohash, name: item.name, kind: item.kind, magnet: item.magnet,
            reason: item.reason, queuedAt: now, attempts: 0, lastError: null, lastAttempt: null,
          };
          if (item.failures) entry.failures = item.failures;
          if (item.options && Object.values(item.options).some((v) => v !== undefined)) entry.options = item.options;
          if (item.kind === 'torrent' && item.torrent) {
            entry.torrentFile = await this.payloads.write(item.infohash, item.torrent);
            written.push(entry.torrentFile);
          }
          byHash.set(entry.infohash, entry);
          added.push(entry);
          this.created.add(entry.id);
        }
      } catch (err) {
        await rollback();
        throw new QueueWriteError(`Could not write .torrent payload: ${(err as Error).message}`, err);
      }
      const result = { added: added.map((e) => ({ ...e })), existing };
      return { next: [...entries, ...added], result, changed: added.length > 0, onWriteFailed: rollback };
    });
  }

  /**
   * True when the entry with this `id` was created by this store's own {@link add} (this
   * process queued it), false when it came from the file — written by another program or another
   * process. Exact per entry, unlike a flag around our writes: an entry another program writes
   * while one of ours is being written (or merged into that same write) is still not ours.
   */
  createdHere(id: string): boolean {
    return this.created.has(id);
  }

  /** Removes entries by infohash in one write, then deletes their payloads. Returns the removed. Throws QueueWriteError. */
  async remove(infohashes: string[]): Promise<QueueEntry[]> {
    const drop = new Set(infohashes.map((h) => h.toLowerCase()));
    return this.mutate(async (entries) => {
      const removed = entries.filter((e) => drop.has(e.infohash));
      return {
        next: entries.filter((e) => !drop.has(e.infohash)),
        result: removed,
        changed: removed.length > 0,
        removed: removed.map((e) => e.infohash),
        afterWrite: async () => {
          for (const e of removed) {
            if (e.torrentFile) await this.payloads.delete(e.torrentFile).catch((err: Error) => this.warn([], err.message));
          }
        },
      };
    });
  }

  /**
   * Changes the add options kept with entries, in one write (the gateway: tags, a category or a
   * pause set on a queued torrent); the flush places them with the new options. `change` gets a
   * copy of an entry's options and returns the new ones. Returns the changed entries. Throws QueueWriteError.
   */
  async updateOptions(infohashes: string[], change: (options: AddOptions) => AddOptions): Promise<QueueEntry[]> {
    const hit = new Set(infohashes.map((h) => h.toLowerCase()));
    return this.mutate(async (entries) => {
      const updated: QueueEntry[] = [];
      const next = entries.map((e) => {
        if (!hit.has(e.infohash)) return e;
        const options = change({ ...(e.options ?? {}) });
        const u: QueueEntry = { ...e, options };
        if (Object.values(options).every((v) => v === undefined)) delete u.options;
        updated.push(u);
        return u;
      });
      return { next, result: updated, changed: updated.length > 0 };
    });
  }

  /** Records a failed placement: attempts+1, lastError, lastAttempt = now. Throws QueueWriteError. */
  async recordAttempt(infohashes: string[], error: string): Promise<void> {
    const hit = new Set(infohashes.map((h) => h.toLowerCase()));
    await this.mutate(async (entries) => {
      const at = new Date().toISOString();
      const next = entries.map((e) =>
        hit.has(e.infohash) ? { ...e, attempts: e.attempts + 1, lastError: error, lastAttempt: at } : e);
      return { next, result: undefined, changed: entries.some((e) => hit.has(e.infohash)) };
    });
  }

  /**
   * Settles a flush in ONE locked write: removes the placed infohashes (deleting their payloads
   * after the write) and records a failed attempt (attempts+1, lastError, lastAttempt) on each
   * entry of `failed` (infohash → reason), whose typed `failures` become those of `failures`
   * (infohash → list; an entry not in it had a failure that is no instance's, and loses its list).
   * Throws QueueWriteError.
   */
  async settle(placed: string[], failed: Map<string, string>, failures: ReadonlyMap<string, Failure[]> = new Map()): Promise<QueueEntry[]> {
    const drop = new Set(placed.map((h) => h.toLowerCase()));
    if (drop.size === 0 && failed.size === 0) return [];
    return this.mutate(async (entries) => {
      const at = new Date().toISOString();
      const removed = entries.filter((e) => drop.has(e.infohash));
      const next = entries
        .filter((e) => !drop.has(e.infohash))
        .map((e) => {
          const why = failed.get(e.infohash);
          if (why === undefined) return e;
          const tried: QueueEntry = { ...e, attempts: e.attempts + 1, lastError: why, lastAttempt: at };
          const typed = failures.get(e.infohash);
          if (typed) tried.failures = typed;
          else delete tried.failures;
          return tried;
        });
      return {
        next,
        result: removed,
        changed: removed.length > 0 || entries.some((e) => failed.has(e.infohash)),
        removed: removed.map((e) => e.infohash),
        afterWrite: async () => {
          for (const e of removed) {
            if (e.torrentFile) await this.payloads.delete(e.torrentFile).catch((err: Error) => this.warn([], err.message));
          }
        },
      };
    });
  }

  /** Bytes of the `.torrent` payload kept for an entry; null for magnets or a missing file. */
  async readTorrent(entry: QueueEntry): Promise<Uint8Array | null> {
    return entry.torrentFile ? this.payloads.read(entry.torrentFile) : null;
  }

  /**
   * Watches the file (`fs.watch` on its folder + 1 s stat poll, debounced 100 ms) and
   * reloads on change, emitting `'change'` if the entries differ. Returns a stop function.
   */
  watch(): () => void {
    return watchFile(this.path, async () => void (await this.load()), {
      onError: (err) => this.warn([], `Queue watch: ${(err as Error).message}`),
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private mutate<T>(op: (entries: QueueEntry[]) => Promise<Mutation<T>>): Promise<T> {
    return this.serial(() => this.locked([], op));
  }

  /**
   * Lock, read fresh + reconcile, apply `op`, write if anything changed or the file needs
   * repair, then journal (fsynced) every entry written that the journal lacks and the removals
   * — before the lock is released and before the caller reports anything.
   */
  private async locked<T>(warnings: string[], op: (entries: QueueEntry[]) => Promise<Mutation<T>>): Promise<T> {
    let release;
    try {
      await ensureParentDir(this.path);
      release = await acquireLock(this.path, this.staleMs, (err) => this.warn([], `Queue lock lost: ${err.message}`));
    } catch (err) {
      throw new QueueWriteError(`Could not lock queue file ${this.path}: ${(err as Error).message}`, err);
    }
    try {
      // A lock-less writer (the old tool) may write between our read and our rename: then read
      // again and merge instead of overwriting its magnets (a few tries, then overwrite).
      // `done` holds op's result once its write landed; further passes only repair (no-op mutation):
      // they put back magnets a lock-less writer wrote into the file our rename replaced.
      let done: { result: T } | null = null;
      for (let attempt = 0, repairs = 0; ; attempt++) {
        let read;
        try {
          read = await this.readFresh(true, warnings);
        } catch (err) {
          throw new QueueWriteError((err as Error).message, err);
        }
        const before = this.entries();
        const m: Mutation<T> = done ? { next: before, result: done.result, changed: false } : await op(this.entries());
        let lateAdopted = 0;
        if (m.changed || read.needsRepair) {
          const expected = this.diskDigest;
          let res;
          try {
            const text = serializeQueueFile(m.next, this.unparsed, this.extra, new Date());
            const guarded = attempt < (this.hardLinks ? GUARDED_WRITES_WITH_LINKS : MAX_GUARDED_WRITES);
            res = await writeDurableIfUnchanged(this.path, text, guarded ? expected : undefined);
          } catch (err) {
            if (!done) await m.onWriteFailed?.();
            throw new QueueWriteError(`Could not write queue file ${this.path}: ${(err as Error).message}`, err);
          }
          if (!res.written) continue;
          await this.journalWrite(m, before);
          this.commit(m.next);
          if (res.displaced) lateAdopted = await this.adoptDisplaced(res.displaced, expected, m.next);
          else if (expected !== null) this.hardLinks = false;
        }
        if (!done) {
          await m.afterWrite?.();
          done = { result: m.result };
        }
        if (lateAdopted > 0 && repairs++ < MAX_LATE_REPAIRS) continue;
        return done.result;
      }
    } finally {
      await release().catch((err: Error) => this.warn([], `Queue unlock: ${err.message}`));
    }
  }

  /**
   * After our rename: if a lock-less writer wrote into the file we replaced (its text is no
   * longer `expected`), waits for that write to settle, adopts its magnets that `written` lacks
   * (journaled, so the next pass writes them back) and deletes the link. Returns how many were
   * adopted; problems are warnings (the write itself succeeded).
   */
  private async adoptDisplaced(displaced: string, expected: string | null, written: QueueEntry[]): Promise<number> {
    let keep = false;
    try {
      let text = await readTextOrNull(displaced);
      if (textDigest(text) === expected || text === null) return 0;
      // A whole JSON document means that write finished; anything else may still be growing.
      let p = parseQueueFile(text);
      if ('corrupt' in p) {
        text = await this.settledText(displaced, text);
        p = parseQueueFile(text ?? '');
      }
      // Still cut short: its writer is paused (descheduled, a slow disk) and may finish later,
      // through its open descriptor, into this file. Park it where `lateAside` looks, so the
      // magnets of that write are adopted whenever it lands, rather than unlinking them with it.
      if ('corrupt' in p && looksCutShort(text ?? '')) {
        const kept = await moveAside(displaced, new Date(), { base: this.path, kind: 'writing' });
        keep = kept !== null;
        if (kept) this.warn([], `Queue: another program was still writing the queue file when we replaced it; its unfinished file is kept as ${kept} and its magnet links will be queued once it is complete`);
      }
      const magnets = 'corrupt' in p ? salvageMagnets(text ?? '') : p.magnets;
      const have = new Set(written.map((e) => e.infohash));
      const late = reconcile({ savedAt: null, reason: null, magnets, block: null, blockProblem: null, extra: {} }, [], new Date())
        .entries.filter((e) => !have.has(e.infohash) && !this.journaled.live.has(e.infohash));
      await this.journal.append(late.map((entry) => ({ op: 'add', entry })));
      return late.length;
    } catch (err) {
      this.warn([], `Queue: could not check for a write that raced ours: ${(err as Error).message}`);
      return 0;
    } finally {
      if (!keep) await unlink(displaced).catch(() => undefined);
    }
  }

  /**
   * Re-reads `path` until its text stops changing (a writer finishing), see CORRUPT_STABLE_READS.
   * Called under the lock: a writer paused for longer is not waited for (see `adoptDisplaced`).
   */
  private async settledText(path: string, first: string | null): Promise<string | null> {
    let text = first;
    for (let reads = 1, same = 1; same < CORRUPT_STABLE_READS && reads < CORRUPT_MAX_READS; reads++) {
      await new Promise((r) => setTimeout(r, CORRUPT_REREAD_MS));
      const next = await readTextOrNull(path);
      same = next === text ? same + 1 : 1;
      text = next;
    }
    return text;
  }

  /**
   * Journals what a write just put in the file: an `add` for every written entry the journal
   * lacks (ours and adopted foreign magnets alike), a `remove` for `m.removed`. If that fails,
   * the file is put back as it was (best effort) so nothing is claimed that is not journaled.
   */
  private async journalWrite<T>(m: Mutation<T>, before: QueueEntry[]): Promise<void> {
    const records: JournalRecord[] = [];
    for (const e of m.next) if (!this.journaled.live.has(e.infohash)) records.push({ op: 'add', entry: e });
    for (const ih of m.removed ?? []) if (this.journaled.live.has(ih)) records.push({ op: 'remove', infohash: ih });
    try {
      await this.journal.append(records);
    } catch (err) {
      await writeDurable(this.path, serializeQueueFile(before, this.unparsed, this.extra, new Date())).catch(() => undefined);
      await m.onWriteFailed?.();
      throw new QueueWriteError(`Could not write queue journal ${this.journal.path}: ${(err as Error).message}`, err);
    }
    try {
      await this.journal.compactIfLarge(await this.journal.replay());
    } catch (err) {
      this.warn([], `Queue journal not compacted: ${(err as Error).message}`);
    }
  }

  /**
   * Reads the file and the journal and reconciles them into the known state. A corrupt file
   * is moved aside only when `locked` (so a concurrent writer's fresh file is never mistaken
   * for it), after the magnets still legible in it are adopted; an unlocked read of a corrupt
   * file leaves it in place and reports the problem. A file cut short a moment ago is another
   * program's write in progress, not corruption: unlocked, it is re-read until that write ends
   * (or WRITER_GRACE_MS passed); locked — where other processes wait on us — it is parked as
   * `<file>.writing-*` without waiting, and adopted when its writer finishes (see `lateAside`).
   * Throws QueueReadError (and records a `QUEUE_UNREADABLE` problem) when the path cannot be read.
   */
  private async readFresh(locked: boolean, warnings: string[]): Promise<{ corrupt: boolean; needsRepair: boolean }> {
    const before = JSON.stringify(this.problem());
    try {
      return await this.readAndReconcile(locked, warnings);
    } finally {
      if (JSON.stringify(this.problem()) !== before) this.emit('problem', this.problem());
    }
  }

  private async readAndReconcile(locked: boolean, warnings: string[]): Promise<{ corrupt: boolean; needsRepair: boolean }> {
    let parsed: ParsedQueueFile | null = null;
    let corrupt: string | null = null;
    let corruptText = '';
    let writing = false;
    const maxReads = locked ? CORRUPT_MAX_READS : 2 * CORRUPT_MAX_READS;
    for (let attempt = 0, unchanged = 0; attempt < maxReads; attempt++) {
      let text: string | null;
      try {
        text = await readTextOrNull(this.path);
      } catch (err) {
        const message = `Queue file ${this.path} could not be read: ${(err as Error).message}`;
        this.readProblem = { code: 'QUEUE_UNREADABLE', message, movedTo: null };
        throw new QueueReadError(message, err);
      }
      const digestNow = textDigest(text);
      unchanged = digestNow === this.diskDigest && attempt > 0 ? unchanged + 1 : 1;
      this.diskDigest = digestNow;
      if (text === null) {
        corrupt = null;
        break;
      }
      const p = parseQueueFile(text);
      if (!('corrupt' in p)) {
        parsed = p;
        corrupt = null;
        break;
      }
      corrupt = p.corrupt;
      corruptText = text;
      // A foreign writer may be half-way through a non-atomic write (truncate, then write):
      // look again until the same text was read CORRUPT_STABLE_READS times in a row; unlocked,
      // also for as long as it is a document cut short that was written a moment ago.
      if (unchanged >= CORRUPT_STABLE_READS) {
        writing = await stillBeingWritten(this.path, text);
        if (!writing || locked) break;
      }
      await new Promise((r) => setTimeout(r, CORRUPT_REREAD_MS));
    }
    this.readProblem = null;
    if (corrupt !== null) {
      // Its magnets still legible are adopted like a foreign writer's (the file is not lost with them).
      const salvaged = salvageMagnets(corruptText);
      parsed = { savedAt: null, reason: null, magnets: salvaged, block: null, blockProblem: null, extra: {} };
      if (!locked) {
        this.readProblem = {
          code: 'QUEUE_CORRUPT',
          message: `Queue file ${this.path} is corrupt (${corrupt}); left in place — the next change to the queue moves it aside`,
          movedTo: null,
        };
      } else if (writing) {
        // Parked, not reported: its writer may finish into it through its open descriptor.
        const aside = await moveAside(this.path, new Date(), { kind: 'writing' }).catch((err: Error) => {
          throw new QueueWriteError(`Could not move the queue file being written aside: ${err.message}`, err);
        });
        if (aside) {
          this.warn(warnings, `Queue file ${this.path} was being written by another program (${corrupt}); set aside as ${aside} until that ` +
            `write finishes, when its magnet links will be queued` + (salvaged.length ? ` (the ${salvaged.length} legible now already are)` : ''));
        }
        this.diskDigest = null;
      } else {
        const aside = await moveAside(this.path, new Date()).catch((err: Error) => {
          throw new QueueWriteError(`Could not move corrupt queue file aside: ${err.message}`, err);
        });
        if (aside) {
          const message = `Queue file ${this.path} was corrupt (${corrupt}); moved aside to ${aside}` +
            (salvaged.length ? `; the ${salvaged.length} magnet link(s) still legible in it stay queued` : '');
          this.movedProblem = { code: 'QUEUE_CORRUPT', message, movedTo: aside };
          this.warn(warnings, message);
        }
        this.diskDigest = null;
      }
    }
    if (parsed?.blockProblem) this.warnOnce(warnings, parsed.blockProblem);
    try {
      this.journaled = await this.journal.replay();
    } catch (err) {
      this.warnOnce(warnings, `Queue journal ${this.journal.path} could not be read: ${(err as Error).message}`);
    }
    const late = await this.lateAside(locked, warnings);
    if (late.adopted) {
      try {
        this.journaled = await this.journal.replay();
      } catch (err) {
        this.warnOnce(warnings, `Queue journal ${this.journal.path} could not be read: ${(err as Error).message}`);
      }
    }
    if (this.journaled.skipped) {
      this.warnOnce(warnings, `Queue journal ${this.journal.path}: ${this.journaled.skipped} unreadable line(s) skipped (a write cut short by a crash)`);
    }
    const r = reconcile(parsed, this.known, new Date(), this.journaled);
    // Unlocked, a finished late write is not journaled yet: show its magnets now, adopt them under the lock.
    const have = new Set(r.entries.map((e) => e.infohash));
    const shown = [...r.entries, ...late.entries.filter((e) => !have.has(e.infohash) && !this.journaled.removed.has(e.infohash))];
    for (const u of r.unparsed) {
      this.warnOnce(warnings, `Queue file holds an entry that is not a magnet link; kept as is: ${JSON.stringify(u)}`);
    }
    this.unparsed = r.unparsed;
    this.extra = parsed?.extra ?? {};
    this.commit(shown);
    return { corrupt: corrupt !== null, needsRepair: r.needsRepair || shown.length > r.entries.length || late.adopted || late.unfinished || (corrupt !== null && locked) };
  }

  /**
   * Files set aside beside the queue file (`<file>.writing-*` and `<file>.corrupt-*`, by this or
   * another process) that now parse: a lock-less writer paused between truncating the queue file
   * and writing it, which finished through its open descriptor after the file was moved aside
   * (or replaced, see `adoptDisplaced`). Its magnets are returned; `locked`, they are also
   * journaled (except those our `remove()` removed) and the file is deleted when every item in it
   * was adopted, else left in place. A `.writing-` file still cut short after WRITER_GRACE_MS is
   * a write that never finished: renamed `.corrupt-` and reported (`QUEUE_CORRUPT`; unlocked,
   * only reported, and `unfinished` asks for a locked pass). A file
   * still corrupt is left alone and not read again until it changes. Other problems are warnings.
   */
  private async lateAside(locked: boolean, warnings: string[]): Promise<{ entries: QueueEntry[]; adopted: boolean; unfinished: boolean }> {
    const out = { entries: [] as QueueEntry[], adopted: false, unfinished: false };
    const dir = dirname(this.path);
    const corruptPrefix = `${basename(this.path)}.corrupt-`;
    const writingPrefix = `${basename(this.path)}.writing-`;
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => n.startsWith(corruptPrefix) || n.startsWith(writingPrefix));
    } catch {
      return out; // no folder yet: nothing was moved aside
    }
    // The file this process moved aside is gone (adopted by another process, or deleted by the user): nothing left to report.
    const moved = this.movedProblem?.movedTo;
    if (moved && dirname(moved) === dir && !names.includes(basename(moved))) this.movedProblem = null;
    for (const name of names) {
      const aside = join(dir, name);
      try {
        const s = await stat(aside);
        const signature = `${s.size}:${s.mtimeMs}`;
        if (this.asideChecked.get(aside) === signature) continue;
        const text = await readTextOrNull(aside);
        const p = text === null ? null : parseQueueFile(text);
        if (p === null || 'corrupt' in p) {
          if (p !== null && name.startsWith(writingPrefix)) {
            // Its writer may still finish: look again at the next read (not cached) until WRITER_GRACE_MS passed.
            if (await stillBeingWritten(aside, text)) continue;
            const never = `Queue file ${this.path} was being written by another program that never finished (${p.corrupt})`;
            if (!locked) {
              // Read-only: nothing on disk changes; the next locked read renames it.
              this.readProblem ??= { code: 'QUEUE_CORRUPT', message: `${never}; set aside as ${aside}`, movedTo: aside };
              out.unfinished = true;
              continue;
            }
            const moved = await moveAside(aside, new Date(), { base: this.path });
            if (moved) {
              const message = `${never}; moved aside to ${moved}; the magnet links legible in it were queued when it was set aside`;
              this.movedProblem = { code: 'QUEUE_CORRUPT', message, movedTo: moved };
              this.warn(warnings, message);
            }
            continue;
          }
          this.asideChecked.set(aside, signature);
          continue;
        }
        const r = reconcile(p, [], new Date());
        out.entries.push(...r.entries);
        if (!locked) continue;
        const late = r.entries.filter((e) => !this.journaled.live.has(e.infohash) && !this.journaled.removed.has(e.infohash));
        await this.journal.append(late.map((entry) => ({ op: 'add', entry })));
        out.adopted = true;
        const whole = r.unparsed.length === 0;
        if (whole) await unlink(aside);
        else this.asideChecked.set(aside, signature);
        if (this.movedProblem?.movedTo === aside) this.movedProblem = null;
        this.warn(warnings, `Queue file moved aside as ${aside} was still being written by another program, which has finished it since: ` +
          `its ${r.entries.length} magnet link(s) are queued` + (whole ? '; the file is deleted (all of it is in the queue)' : '; the file is kept (it holds items that are not magnet links)'));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // adopted by another process meanwhile
        this.warnOnce(warnings, `Queue: could not check ${aside}: ${(err as Error).message}`);
      }
    }
    return out;
  }

  private commit(next: QueueEntry[]): void {
    const fp = jsonArrayDigest('sha1', next);
    // Unchanged (same JSON): keep the objects already known, which listeners hold copies of, rather
    // than a second parse of the same entries (a daemon re-reads the file; 10 000 entries ~5 MB each).
    if (fp === this.fingerprint) return;
    this.known = next;
    this.fingerprint = fp;
    // Forget created ids that left the queue (placed, removed, or a write that failed) once there
    // can be some: cheap on the usual path, bounded by the queue's length.
    if (this.created.size > next.length) {
      const live = new Set(next.map((e) => e.id));
      for (const id of this.created) if (!live.has(id)) this.created.delete(id);
    }
    this.emit('change', this.entries());
  }

  private warn(warnings: string[], message: string): void {
    warnings.push(message);
    this.emit('warning', message);
  }

  private warnOnce(warnings: string[], message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.warn(warnings, message);
  }
}

/**
 * A file that does not parse is re-read every CORRUPT_REREAD_MS ms until it read the same
 * CORRUPT_STABLE_READS times in a row (a writer that stopped half-way) and — unlocked only —
 * is not a write in progress (WRITER_GRACE_MS). At most CORRUPT_MAX_READS times under the lock
 * (~2 s: a writer still busy then is treated as stopped), twice that unlocked. Whatever such a
 * writer finishes later, into a file moved aside, `lateAside` adopts.
 */
const CORRUPT_REREAD_MS = 50;
/**
 * Writes that give way to a lock-less writer (re-read and merge) before one overwrites. Where
 * hard links work, an overwrite loses nothing (the replaced file is inspected, see
 * `adoptDisplaced`), so giving way once is enough and keeps the lock short for other processes.
 */
const MAX_GUARDED_WRITES = 5;
const GUARDED_WRITES_WITH_LINKS = 1;
/** Extra passes of one locked operation to put back magnets that raced our rename. */
const MAX_LATE_REPAIRS = 3;
const CORRUPT_STABLE_READS = 3;
const CORRUPT_MAX_READS = 40;
/**
 * A file cut short (see `looksCutShort`) modified less than this long ago (ms) is a write in
 * progress, not corruption: a writer that truncated it (`open(path, 'w')`) may be descheduled
 * for a while on a loaded machine before it writes. Unlocked reads wait until it is older;
 * under the lock it is parked as `<file>.writing-*` instead (see `readAndReconcile`).
 */
const WRITER_GRACE_MS = 2_000;

/**
 * Whether a file whose text is `text` (as just read) is probably still being written: it is cut
 * short and its modification time is within WRITER_GRACE_MS of now. A stat error counts as no.
 */
async function stillBeingWritten(path: string, text: string | null): Promise<boolean> {
  if (text === null || !looksCutShort(text)) return false;
  try {
    const { mtimeMs } = await stat(path);
    return Math.abs(Date.now() - mtimeMs) < WRITER_GRACE_MS;
  } catch {
    return false;
  }
}

function validate(item: NewQueueEntry): NewQueueEntry {
  const infohash = String(item.infohash).toLowerCase();
  if (!isInfohash(infohash)) throw new QueueInputError(`Not an infohash: ${item.infohash}`);
  if (item.kind === 'torrent' && !item.torrent) throw new QueueInputError(`Torrent ${infohash} has no .torrent bytes`);
  if (item.kind !== 'torrent' && item.kind !== 'magnet' && item.kind !== 'url') throw new QueueInputError(`Unknown kind: ${String(item.kind)}`);
  if (item.kind === 'url') {
    if (typeof item.magnet !== 'string' || !isTorrentUrl(item.magnet)) throw new QueueInputError(`Not an http(s) URL a queue file can list: ${String(item.magnet)}`);
  } else if (typeof item.magnet !== 'string' || !item.magnet.startsWith('magnet:?')) {
    throw new QueueInputError(`Not a magnet URI for ${infohash}: ${item.magnet}`);
  }
  return { ...item, infohash };
}
