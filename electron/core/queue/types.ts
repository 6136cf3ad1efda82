/**
 * Shapes and typed errors of the durable queue. The queue file is shared with other
 * programs (the old Python tool, shell scripts, other qbit-failover processes), so these
 * types describe what one process believes after reconciling with the file on disk.
 */
import type { AddOptions } from '../../../shared/contract';
import type { Failure } from '../../../shared/failure';
import type { QueueEntryKind } from '../../../shared/model';

/**
 * One queued payload as kept in the `qbit_failover.entries` block of the queue file.
 * Times are ISO 8601 strings (UTC, `Z`); `infohash` is lowercase hex (40 digits for v1,
 * 64 for v2-only), and is the identity of an entry: one entry per infohash.
 */
export interface QueueEntry {
  /** Random id (`crypto.randomUUID()`), stable for the life of the entry. */
  id: string;
  infohash: string;
  name: string | null;
  kind: QueueEntryKind;
  /** Magnet URI; for a `.torrent` payload one built by `magnetForPayload`. */
  magnet: string;
  /** For `kind: 'torrent'`: the payload path relative to the queue file's folder. */
  torrentFile?: string;
  /** The add options given with the input (category, save path, tags, paused), used again at flush. */
  options?: AddOptions;
  /** The old-format one-line reason (old readers show it); `failures` is the typed list. */
  reason: string | null;
  /**
   * Why no instance took it at the latest attempt (when queued, then at each flush): one typed
   * failure per instance. Absent for entries written by old versions or other programs, and
   * when the last failure was not an instance's (then only `lastError` says why).
   */
  failures?: Failure[];
  queuedAt: string;
  /** Failed placement attempts so far. */
  attempts: number;
  lastError: string | null;
  lastAttempt: string | null;
}

/** Input of `QueueStore.add()`: what the failover engine could not place anywhere. */
export interface NewQueueEntry {
  /** Infohash, hex (any case; stored lowercase). */
  infohash: string;
  name: string | null;
  kind: QueueEntryKind;
  magnet: string;
  /** The `.torrent` bytes; required when `kind` is `'torrent'`. */
  torrent?: Uint8Array;
  /** Why it was queued, in words (e.g. "Both qBittorrent instances unreachable"). */
  reason: string;
  /** The same reason typed, one failure per instance (kept in our block beside `reason`). */
  failures?: Failure[];
  /** The add call's options, kept so a flush places it as the user asked. */
  options?: AddOptions;
}

/**
 * The queue could not be written: lock not obtained, unwritable or missing path, disk full.
 * When thrown by `add()` the entries were NOT accepted (the caller must not report them
 * as queued). `cause` holds the underlying Node error.
 */
export class QueueWriteError extends Error {
  readonly code = 'QUEUE_WRITE_FAILED' as const;
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'QueueWriteError';
  }
}

/**
 * The queue file exists but could not be read (permissions, it is a folder, I/O error).
 * A file that reads but does not parse is not this error: it is moved aside and reported
 * as a warning instead.
 */
export class QueueReadError extends Error {
  readonly code = 'QUEUE_READ_FAILED' as const;
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'QueueReadError';
  }
}

/** An input to `add()` that cannot be queued (bad infohash, torrent kind without bytes). */
export class QueueInputError extends Error {
  readonly code = 'INVALID_INPUT' as const;
  constructor(message: string) {
    super(message);
    this.name = 'QueueInputError';
  }
}

/** Result of `QueueStore.loadDetailed()`: the reconciled entries and what went wrong. */
export interface QueueReadResult {
  entries: QueueEntry[];
  /** Human sentences: corrupt file moved aside, unparsable magnets kept, repair failed. */
  warnings: string[];
}
