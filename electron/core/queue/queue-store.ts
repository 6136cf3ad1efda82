/**
 * The durable queue: one JSON file shared by every qbit-failover process (CLI, watch daemon,
 * tray app) and by foreign programs (the old Python tool, users' scripts). Every change is a
 * locked read-reconcile-write; see `reconcile.ts` for the merge rules.
 */
import { EventEmitter } from 'node:events';
import { createHash, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { acquireLock, ensureParentDir, moveAside, PayloadDir, readTextOrNull, writeDurable, textDigest, writeDurableIfUnchanged } from './disk';
import { parseQueueFile, serializeQueueFile, type ParsedQueueFile } from './file-format';
import { watchFile } from './file-watcher';
import { isInfohash } from './magnet';
import { reconcile } from './reconcile';
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
  afterWrite?: () => Promise<void>;
  onWriteFailed?: () => Promise<void>;
}

/**
 * The queue file of one path, as seen by this process. Events: `'change'` (entries:
 * QueueEntry[]) whenever the known entries change, by our writes or another program's;
 * `'warning'` (message: string) for a corrupt file moved aside, unparsable magnets kept,
 * a failed repair or watch error. Operations of one instance run one at a time.
 */
export class QueueStore extends EventEmitter {
  /** Absolute path of the queue file. */
  readonly path: string;
  private readonly staleMs: number;
  private readonly payloads: PayloadDir;
  private known: QueueEntry[] = [];
  private unparsed: unknown[] = [];
  private extra: Record<string, unknown> = {};
  /** SHA-1 of the known entries' JSON (the JSON of 10 000 entries is ~4.5 MB: not kept). */
  private fingerprint = digest('[]');
  /** The file's text at the last read (null: missing or moved aside), to detect lock-less writers. */
  /** Digest of the file's text at our last read (not the text: 10 000 entries are ~5 MB). */
  private diskDigest: string | null = null;
  private readonly warned = new Set<string>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(opts: QueueStoreOptions) {
    super();
    this.path = resolve(opts.path);
    this.staleMs = opts.lockStaleMs ?? 10_000;
    this.payloads = new PayloadDir(this.path);
  }

  /** Reads and reconciles the file; creates nothing. Missing file = empty queue. Throws QueueReadError. */
  async load(): Promise<QueueEntry[]> {
    return (await this.loadDetailed()).entries;
  }

  /**
   * `load()` with the warnings of this read. If the file lacks entries this process had
   * accepted (a foreign rewrite) or is corrupt, it is repaired under the lock (a failed
   * repair is a warning: the entries stay known in memory).
   */
  async loadDetailed(): Promise<QueueReadResult> {
    return this.serial(async () => {
      const warnings: string[] = [];
      const read = await this.readFresh(false, warnings);
      if (read.corrupt || read.needsRepair) {
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
          if (item.kind === 'torrent' && item.torrent) {
            entry.torrentFile = await this.payloads.write(item.infohash, item.torrent);
            written.push(entry.torrentFile);
          }
          byHash.set(entry.infohash, entry);
          added.push(entry);
        }
      } catch (err) {
        await rollback();
        throw new QueueWriteError(`Could not write .torrent payload: ${(err as Error).message}`, err);
      }
      const result = { added: added.map((e) => ({ ...e })), existing };
      return { next: [...entries, ...added], result, changed: added.length > 0, onWriteFailed: rollback };
    });
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
        afterWrite: async () => {
          for (const e of removed) {
            if (e.torrentFile) await this.payloads.delete(e.torrentFile).catch((err: Error) => this.warn([], err.message));
          }
        },
      };
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

  /** Lock, read fresh + reconcile, apply `op`, write if anything changed or the file needs repair. */
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
      for (let attempt = 0; ; attempt++) {
        let read;
        try {
          read = await this.readFresh(true, warnings);
        } catch (err) {
          throw new QueueWriteError((err as Error).message, err);
        }
        const m = await op(this.entries());
        if (m.changed || read.needsRepair) {
          try {
            const text = serializeQueueFile(m.next, this.unparsed, this.extra, new Date());
            if (attempt < 5) {
              if (!(await writeDurableIfUnchanged(this.path, text, this.diskDigest))) continue;
            } else await writeDurable(this.path, text);
          } catch (err) {
            await m.onWriteFailed?.();
            throw new QueueWriteError(`Could not write queue file ${this.path}: ${(err as Error).message}`, err);
          }
          this.commit(m.next);
        }
        await m.afterWrite?.();
        return m.result;
      }
    } finally {
      await release().catch((err: Error) => this.warn([], `Queue unlock: ${err.message}`));
    }
  }

  /**
   * Reads the file and reconciles it into the known state. A corrupt file is moved aside
   * only when `locked` (so a concurrent writer's fresh file is never mistaken for it); an
   * unlocked read of a corrupt file leaves the state as it is.
   */
  private async readFresh(locked: boolean, warnings: string[]): Promise<{ corrupt: boolean; needsRepair: boolean }> {
    let parsed: ParsedQueueFile | null = null;
    let corrupt: string | null = null;
    for (let attempt = 0; attempt < 2; attempt++) {
      let text: string | null;
      try {
        text = await readTextOrNull(this.path);
      } catch (err) {
        throw new QueueReadError(`Could not read queue file ${this.path}: ${(err as Error).message}`, err);
      }
      this.diskDigest = textDigest(text);
      if (text === null) break;
      const p = parseQueueFile(text);
      if (!('corrupt' in p)) {
        parsed = p;
        corrupt = null;
        break;
      }
      corrupt = p.corrupt;
      // A foreign writer may be half-way through a non-atomic write: look once more.
      if (attempt === 0) await new Promise((r) => setTimeout(r, 50));
    }
    if (corrupt !== null) {
      if (!locked) return { corrupt: true, needsRepair: false };
      const aside = await moveAside(this.path, new Date()).catch((err: Error) => {
        throw new QueueWriteError(`Could not move corrupt queue file aside: ${err.message}`, err);
      });
      if (aside) this.warn(warnings, `Queue file was corrupt (${corrupt}); moved aside to ${aside}`);
      this.diskDigest = null;
    }
    if (parsed?.blockProblem) this.warnOnce(warnings, parsed.blockProblem);
    const r = reconcile(parsed, this.known, new Date());
    for (const u of r.unparsed) {
      this.warnOnce(warnings, `Queue file holds an entry that is not a magnet link; kept as is: ${JSON.stringify(u)}`);
    }
    this.unparsed = r.unparsed;
    this.extra = parsed?.extra ?? {};
    this.commit(r.entries);
    return { corrupt: corrupt !== null, needsRepair: r.needsRepair };
  }

  private commit(next: QueueEntry[]): void {
    this.known = next;
    const fp = digest(JSON.stringify(next));
    if (fp !== this.fingerprint) {
      this.fingerprint = fp;
      this.emit('change', this.entries());
    }
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

const digest = (text: string): string => createHash('sha1').update(text).digest('hex');

function validate(item: NewQueueEntry): NewQueueEntry {
  const infohash = String(item.infohash).toLowerCase();
  if (!isInfohash(infohash)) throw new QueueInputError(`Not an infohash: ${item.infohash}`);
  if (item.kind === 'torrent' && !item.torrent) throw new QueueInputError(`Torrent ${infohash} has no .torrent bytes`);
  if (item.kind !== 'torrent' && item.kind !== 'magnet') throw new QueueInputError(`Unknown kind: ${String(item.kind)}`);
  if (typeof item.magnet !== 'string' || !item.magnet.startsWith('magnet:?')) {
    throw new QueueInputError(`Not a magnet URI for ${infohash}: ${item.magnet}`);
  }
  return { ...item, infohash };
}
