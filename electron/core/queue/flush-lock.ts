import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';

/** A flush of this queue file is running in another process, and did not end in time. */
export class FlushBusyError extends Error {
  readonly code = 'QUEUE_BUSY';
  constructor(file: string) {
    super(`another qbit-failover process is flushing ${file}; try again in a moment`);
    this.name = 'FlushBusyError';
  }
}

/** Lock staleness, ms: a lock whose holder died (SIGKILL) is taken over after this long. */
const STALE_MS = 4_000;

/**
 * Runs `fn` holding a cross-process lock on flushing `queueFile` (`<file>.flush.lock`), so the CLI,
 * `watch` and the tray app never flush the same entries at once — two flushes with different views
 * of instance health could otherwise place one magnet on two instances. With `wait: false` (auto-flush)
 * a held lock means "someone else is on it": returns null at once. With `wait: true` (a user's flush)
 * waits up to ~20 s. @throws FlushBusyError when the wait runs out.
 */
export async function withFlushLock<T>(queueFile: string, wait: boolean, fn: () => Promise<T>): Promise<T | null> {
  let release: () => Promise<void>;
  // proper-lockfile retries every mkdir error, ENOENT included: with the queue's folder not
  // made yet, a flush would spend its whole retry budget (~20 s) before failing.
  await mkdir(dirname(queueFile), { recursive: true });
  try {
    release = await lockfile.lock(`${queueFile}.flush`, {
      realpath: false,
      stale: STALE_MS,
      retries: wait ? { retries: 60, minTimeout: 100, maxTimeout: 400 } : 0,
      onCompromised: () => undefined,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    if (!wait) return null;
    throw new FlushBusyError(queueFile);
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}
