import type { Failure } from './failure';
import type { StatusCode, VpnState } from './status';
import type { RoutingPolicy } from './settings';

/** Health of one instance as last probed (authenticated `app/webapiVersion` + `transfer/info`). */
export interface InstanceHealth {
  name: string;
  url: string;
  requiresVpn: boolean;
  status: StatusCode;
  /** Whether adds may go here now (status OK, and VPN up when `requiresVpn`). */
  usable: boolean;
  /** Round-trip of the probe, ms; null before the first check or on failure. */
  latencyMs: number | null;
  /** qBittorrent version, e.g. `v4.5.2`. */
  version: string | null;
  /** WebUI API version, e.g. `2.8.19`. */
  apiVersion: string | null;
  /** `transfer/info` `connection_status`: `connected` | `firewalled` | `disconnected`. */
  connectionStatus: string | null;
  /**
   * The address the instance's peers see (qBittorrent 5.1+ `last_external_address_v4`, else
   * `_v6`, from the `sync/maindata` the poll reads anyway): on a VPN-bound seedbox, an address that
   * is not the VPN's shows a leak. Null when unknown (4.x, not yet learned); absent in old snapshots.
   */
  externalAddress?: string | null;
  /** Torrents in the instance's configured category (all when none), and how many are incomplete. */
  torrents: { total: number; incomplete: number } | null;
  /**
   * Every torrent on the instance, whatever its category ("4 in tv · 15 in all"); null when
   * unknown. Absent in old snapshots.
   */
  torrentsAll?: { total: number; incomplete: number } | null;
  /** The category `torrents` counts (the instance's configured one); null or absent: all torrents. */
  category?: string | null;
  /**
   * ISO 8601 time of the last successful check; null when never seen. While `status` is not OK,
   * `version`, `apiVersion`, `connectionStatus`, `externalAddress` and the counts are as of this
   * time, not current (a UI shows them as "last seen …"). Absent in old snapshots.
   */
  lastSeenAt?: string | null;
  /** Last error message, in words. */
  error: string | null;
  /** ISO 8601 time of the last check; null before the first. */
  checkedAt: string | null;
}

/** State of the VPN probe. */
export interface VpnHealth {
  state: VpnState;
  /** The configured probe: `ping`, `interface:<name>` or `none`. */
  check: string;
  /** Gateway address for `ping`, interface name for `interface:`, null for `none`. */
  target: string | null;
  error: string | null;
  checkedAt: string | null;
}

/**
 * Kind of a queued payload: a magnet URI, a `.torrent` file kept beside the queue file, or the
 * http(s) URL of a `.torrent` that could not be downloaded yet (network down): it is downloaded
 * at flush time. A `url` entry's `infohash` is a stand-in key (SHA-1 of the URL, see
 * `urlEntryKey`) until the file is downloaded; its `magnet` field holds the URL.
 */
export type QueueEntryKind = 'magnet' | 'torrent' | 'url';

/** One entry of the durable queue, as shown to users. */
export interface QueueEntryView {
  id: string;
  /** Lowercase hex infohash (v1: 40 hex digits; v2-only: 64). */
  infohash: string;
  name: string | null;
  kind: QueueEntryKind;
  /** Magnet URI (for a `.torrent` payload: built from its infohash and name). */
  magnet: string;
  /** Why it was queued, one line (the queue file's old-format text; see `failures` for the typed list). */
  reason: string | null;
  /**
   * Why no instance took it at the latest attempt (when queued, then at each flush), one typed
   * failure per instance; null for entries written by old versions or by other programs, and
   * for failures that are not an instance's (a missing `.torrent` payload: see `lastError`).
   */
  failures: Failure[] | null;
  queuedAt: string;
  attempts: number;
  lastError: string | null;
  lastAttempt: string | null;
}

/** Outcome of one input handed to the engine. */
export type AddOutcome = 'added' | 'duplicate' | 'queued' | 'rejected';

/** Result of one input: where it ended up, or why it was refused. */
export interface AddResult {
  /** The input as given (a `.torrent` file by its path or name). */
  input: string;
  outcome: AddOutcome;
  infohash: string | null;
  name: string | null;
  /** Instance that holds it (`added`, `duplicate`). */
  instance: string | null;
  /** Why it was queued (`queued`), one line of text. */
  reason: string | null;
  /** Why it was queued (`queued`), typed: one failure per instance tried or unusable; null otherwise. */
  failures: Failure[] | null;
  /** Why it was refused (`rejected`) — a typed code and words. */
  error: { code: string; message: string } | null;
}

/** Counts per outcome. */
export interface AddSummary {
  added: number;
  duplicate: number;
  queued: number;
  rejected: number;
}

/** Result of an add call: one result per input, in input order. */
export interface AddResponse {
  results: AddResult[];
  summary: AddSummary;
}

/** Result of a flush: queue entries placed (confirmed by infohash) and those still queued. */
export interface FlushResponse {
  /** Entries that left the queue: `added` (confirmed after our add) or `duplicate` (it was already there). */
  placed: { infohash: string; instance: string; name: string | null; outcome: 'added' | 'duplicate' }[];
  /** Entries asked for that are still queued, with the last error. */
  remaining: { infohash: string; name: string | null; error: string | null }[];
  /** Infohashes asked for that are not in the queue (nothing was done for them). */
  notQueued: string[];
  /** Queue length after the flush. */
  queueLength: number;
}

/** Entries placed on one instance by a flush (added, or found already there). */
export interface FlushPlacedOn {
  instance: string;
  placed: number;
}

/**
 * Progress of one flush (the `flushProgress` event): `placed` of `total` entries so far, per
 * instance in the order they took entries. `done` on the last event of the flush: `left` is then
 * the count of entries it was asked to place that are still queued.
 */
export interface FlushProgress {
  /** Increases with each flush this engine runs: a UI tells one flush's events from the next. */
  flushId: number;
  /** Entries this flush works on (the whole queue, or the infohashes asked for that are queued). */
  total: number;
  /** Entries placed so far (confirmed by infohash, or already on an instance). */
  placed: number;
  /** Per instance, entries placed there so far (instances with none are left out). */
  perInstance: FlushPlacedOn[];
  /** Entries not placed: 0 until `done`, then what stays queued. */
  left: number;
  done: boolean;
}

/** Where the next add would go: primary (first usable in priority order), a fallback, or the queue. */
export interface RouteState {
  kind: 'primary' | 'fallback' | 'queue' | 'unconfigured' | 'paused';
  instance: string | null;
}

/** Most activity items the engine keeps and a UI shows (newest first); older ones drop off. */
export const ACTIVITY_LIMIT = 200;

/** One line of the activity log (recent adds and status changes). */
export interface ActivityItem {
  id: number;
  at: string;
  /**
   * `add`: placed on an instance; `duplicate`: already there (nothing added); `rejected`: an input
   * that is not a magnet/torrent (or was refused); `foreign`: an entry another program wrote into
   * the queue file; the rest: status changes, VPN, flushes, queue changes, errors.
   */
  kind: 'add' | 'status' | 'vpn' | 'flush' | 'queue' | 'error' | 'rejected' | 'duplicate' | 'foreign';
  message: string;
}

/**
 * Something wrong with the queue file that the user must hear about (CLI stderr and `--json`,
 * dashboard banner, tray). `QUEUE_CORRUPT`: the file is not a queue file we can read (not JSON,
 * `magnets` not a list); `movedTo` is where it was moved aside (never deleted), or null when it
 * was left in place (read-only commands never move it). `QUEUE_UNREADABLE`: the path could not
 * be read at all (a folder, no permission, I/O error); `movedTo` is then always null.
 */
export interface QueueProblem {
  code: 'QUEUE_CORRUPT' | 'QUEUE_UNREADABLE';
  /** One sentence with the queue file's path and what happened. */
  message: string;
  movedTo: string | null;
}

/**
 * The queue in a few numbers, carried by every snapshot (the entries themselves travel as `queue`
 * events and `getQueue`, so a health change does not resend 10 000 entries).
 */
export interface QueueSummary {
  /** Entries queued now. */
  length: number;
  /** Bumped on every change of the entries; a {@link QueueListing} with this revision is current. */
  revision: number;
  /** Entries that appeared in the queue since the engine started (queued by us or written by another program). */
  arrived: number;
  /** `queuedAt` of the oldest entry (ISO 8601); null when empty. */
  oldestQueuedAt: string | null;
}

/** Every queue entry, in queue order, at one revision (the `queue` event and `getQueue`). */
export interface QueueListing {
  revision: number;
  entries: QueueEntryView[];
}

/** Everything the UI shows at a glance, pushed on every change (small: no queue entries, no activity). */
export interface EngineSnapshot {
  vpn: VpnHealth;
  instances: InstanceHealth[];
  queue: QueueSummary;
  queueFile: string;
  /** Problem with the queue file (see {@link QueueProblem}); null when it reads normally. */
  queueProblem: QueueProblem | null;
  route: RouteState;
  routing: RoutingPolicy;
  /** True while monitoring (polling, auto-flush) is paused by the user. */
  monitoringPaused: boolean;
  /** True while a flush runs. */
  flushing: boolean;
  /** Flushes finished since the engine started that placed at least one entry (a counter: a change means "a flush placed entries"). */
  flushesPlaced: number;
  /**
   * What the settings in force ignored or adjusted, each with its fix: unknown keys of
   * `config.json` (e.g. a `"password"` key, `"instance"` for `"instances"`) and environment URLs
   * given a scheme or trimmed of `/api/v2`. Empty when the settings read as written.
   */
  configWarnings: string[];
}

/**
 * Events pushed from the engine to shells, each from its own store: `snapshot` (health, route,
 * queue summary) on any change; `queue` with every entry when the entries change; `activity`
 * with one new item. A shell that starts late fetches `getSnapshot`, `getQueue` and
 * `getActivity` once, then applies events (a `queue` event replaces the list when its revision
 * is newer; activity items are merged by id).
 */
export type EngineEvent =
  | { type: 'snapshot'; snapshot: EngineSnapshot }
  | { type: 'queue'; queue: QueueListing }
  | { type: 'activity'; item: ActivityItem }
  /**
   * A torrent finished downloading on `instance` (its progress reached 1), seen in the
   * `sync/maindata` the health poll reads; never sent for torrents already complete when first
   * seen. `infohash`: the id qBittorrent lists it under (lowercase hex); `addedHere`: this
   * engine placed it (its record of placed infohashes, kept in the home folder).
   */
  | { type: 'torrentFinished'; instance: string; infohash: string; name: string; category: string; addedHere: boolean }
  /** A flush's progress: once when it starts, after each instance's batch, and once at its end (`done`). */
  | { type: 'flushProgress'; progress: FlushProgress };
