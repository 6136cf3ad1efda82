/**
 * Watches one file for changes made by other programs: `fs.watch` on its folder (fast, but
 * unreliable on network shares and after the folder is replaced) plus a stat poll as a
 * fallback, both feeding one debounced callback. The poll also (re)attaches `fs.watch` while it
 * is not attached: the folder may not exist yet, or was removed.
 */
import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

/** Options of `watchFile`; times in ms. */
export interface WatchFileOptions {
  /** Stat poll interval (default 1000). */
  pollMs?: number;
  /** Quiet time before `onChange` runs (default 100): one call per burst of events. */
  debounceMs?: number;
  /** Called when `onChange` rejects, and when `fs.watch` cannot be used. */
  onError: (err: unknown) => void;
}

/**
 * Calls `onChange` (never concurrently with itself) after the file changed, or a file moved
 * aside beside it (`<file>.corrupt-*`, `<file>.writing-*`; `fs.watch` only, not polled). Returns a stop
 * function. Timers are unref'd: watching never keeps a process alive on its own.
 */
export function watchFile(file: string, onChange: () => Promise<void>, opts: WatchFileOptions): () => void {
  const pollMs = opts.pollMs ?? 1000;
  const debounceMs = opts.debounceMs ?? 100;
  const name = basename(file);
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let again = false;
  let lastSig: string | null = null;

  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await onChange().catch(opts.onError);
      } while (again && !stopped);
    } finally {
      running = false;
    }
  };
  const schedule = (): void => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void run();
    }, debounceMs);
    timer.unref();
  };

  let watcher: FSWatcher | null = null;
  /** Inode of the folder `watcher` watches: Linux reports a removed folder as two `rename` events, never an error. */
  let watchedDir: bigint | null = null;
  const dirInode = async (): Promise<bigint | null> => {
    try {
      return (await stat(dirname(file), { bigint: true })).ino;
    } catch {
      return null;
    }
  };
  /**
   * Attaches `fs.watch` to the file's folder. A folder that does not exist yet (a queue file in a
   * folder the first write creates) is not an error: the stat poll covers it, and each poll tries
   * again until the folder is there. Any other failure is reported the first time only (`report`).
   */
  const attach = (report: boolean): void => {
    try {
      const w = fsWatch(dirname(file), { persistent: false }, (_event, changed) => {
        // `changed` may be null on some platforms: then any event in the folder counts. A file
        // moved aside counts too: a paused writer may finish into it (see `lateAside`).
        const n = changed?.toString();
        if (n == null || n === name || n.startsWith(`${name}.corrupt-`) || n.startsWith(`${name}.writing-`)) schedule();
      });
      w.on('error', (err) => {
        // The folder was removed or replaced: the poll re-attaches to the new one.
        w.close();
        if (watcher === w) watcher = null;
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') opts.onError(err);
      });
      watcher = w;
      watchedDir = null;
      void dirInode().then((ino) => {
        if (watcher === w) watchedDir = ino;
      });
    } catch (err) {
      if (report && (err as NodeJS.ErrnoException).code !== 'ENOENT') opts.onError(err);
    }
  };
  attach(true);

  const signature = async (): Promise<string> => {
    try {
      const s = await stat(file, { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch {
      return 'missing';
    }
  };
  void signature().then((s) => {
    lastSig ??= s;
  });
  const poll = setInterval(() => {
    void (async () => {
      // The folder was removed or replaced (another inode): watch the one there now.
      const w = watcher;
      if (w !== null && watchedDir !== null && (await dirInode()) !== watchedDir && watcher === w) {
        w.close();
        watcher = null;
      }
      if (watcher === null && !stopped) attach(false);
    })();
    void signature().then((s) => {
      if (lastSig !== null && s !== lastSig) schedule();
      lastSig = s;
    });
  }, pollMs);
  poll.unref();

  return () => {
    stopped = true;
    clearInterval(poll);
    if (timer) clearTimeout(timer);
    watcher?.close();
  };
}
