import fs from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';

/**
 * One small JSON file on disk shared by several processes (CLI runs, `watch`, `serve`, the tray
 * app) and by several objects inside one process: every read-modify-write runs under an
 * in-process queue AND a cross-process lock (`<file>.lock`, proper-lockfile), and the file is
 * replaced atomically (write-file-atomic: a temp file beside it, fsync'ed, renamed over it), mode
 * 0600 in a 0700 folder. Readers without the lock see either the old or the new file, never a torn one.
 */

/** Lock staleness, ms: a lock whose holder died (SIGKILL) is taken over after this long. proper-lockfile refreshes a held lock every stale/2. */
const STALE_MS = 5_000;
/** Retries while another holder has the lock: backoff 5 ms → 50 ms, ~200 tries (≥ 8 s, longer than a stale lock lives). */
const RETRIES = { retries: 200, minTimeout: 5, maxTimeout: 50, factor: 1.5 };

/**
 * The tail of the in-process queue per absolute file path. proper-lockfile is per process too,
 * but a second lock from the same process only spins on ELOCKED; a queue is cheaper and fair.
 */
const queues = new Map<string, Promise<unknown>>();

/** Runs `fn` after every earlier call for `key` in this process has ended (resolved or not). */
function serialise<R>(key: string, fn: () => Promise<R>): Promise<R> {
  const prev = queues.get(key) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}

/** How a ledger is written. */
export interface LedgerOptions {
  /**
   * fsync each write before it replaces the file (default true: the write survives a power loss
   * once `update` resolved). false only for a ledger nothing relies on after a crash (a courtesy
   * record such as placed-here.json): the write still replaces the file atomically.
   */
  fsync?: boolean;
}

/**
 * A JSON ledger file. `decode` turns whatever the file holds (`undefined` when it is missing or
 * not JSON) into a valid value; it must not throw.
 */
export class JsonLedger<T> {
  /** Absolute path of the ledger file. */
  readonly file: string;
  private readonly fsync: boolean;

  constructor(
    file: string,
    private readonly decode: (raw: unknown) => T,
    options: LedgerOptions = {},
  ) {
    this.file = path.resolve(file);
    this.fsync = options.fsync ?? true;
  }

  /** The current contents, read without the lock (a snapshot; never use it to decide a write). */
  async read(): Promise<T> {
    let raw: unknown;
    try {
      raw = JSON.parse(await fs.readFile(this.file, 'utf8')) as unknown;
    } catch {
      raw = undefined;
    }
    return this.decode(raw);
  }

  /**
   * Runs `fn` holding both locks: this process's queue for the file, then the cross-process
   * lock. `fn` gets the current contents and may change them in place; the file is rewritten
   * only when the JSON text changed. Returns what `fn` returns. Throws when the lock cannot be
   * taken in ~8 s (`ELOCKED`) or the folder cannot be written; nothing is written then.
   */
  update<R>(fn: (data: T) => R | Promise<R>): Promise<R> {
    return serialise(this.file, () => this.locked(fn));
  }

  /** Runs `fn` under both locks without reading the ledger (e.g. to create a companion file once). */
  withLock<R>(fn: () => Promise<R>): Promise<R> {
    return serialise(this.file, async () => {
      const release = await this.lock();
      try {
        return await fn();
      } finally {
        await release().catch(() => undefined);
      }
    });
  }

  private async lock(): Promise<() => Promise<void>> {
    const options = { realpath: false, stale: STALE_MS, onCompromised: () => undefined };
    try {
      // One try first, without a retry schedule: the usual case (folder there, lock free) costs
      // proper-lockfile's mkdir + stat and no `mkdir -p` of the folder before every write.
      return await lockfile.lock(this.file, { ...options, retries: 0 });
    } catch (err) {
      // proper-lockfile retries every mkdir error, ENOENT included: make a missing folder before the retries.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      return lockfile.lock(this.file, { ...options, retries: RETRIES });
    }
  }

  private async locked<R>(fn: (data: T) => R | Promise<R>): Promise<R> {
    const release = await this.lock();
    try {
      const data = await this.read();
      const before = JSON.stringify(data);
      const result = await fn(data);
      const after = JSON.stringify(data);
      // write-file-atomic costs ~0.5 ms more per write than a bare temp+fsync+rename (measured
      // 2.09 vs 1.52 ms p50 per recent-adds record, loaded 2-core machine): a well-kept library
      // over our own file code, as the project's rule is.
      if (after !== before) await writeFileAtomic(this.file, after, { mode: 0o600, fsync: this.fsync });
      return result;
    } finally {
      await release().catch(() => undefined);
    }
  }
}
