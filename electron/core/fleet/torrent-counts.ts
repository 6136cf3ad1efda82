/**
 * Keeps per-instance torrent counts from qBittorrent's incremental `sync/maindata?rid=N`, so a
 * health poll costs ONE request (server state incl. `connection_status`, plus only the torrents
 * that changed) instead of a full `torrents/info` listing.
 */
export interface MainDataLike {
  rid: number;
  full_update?: boolean;
  torrents?: Record<string, { name?: string; category?: string; progress?: number; amount_left?: number; state?: string; infohash_v1?: string; infohash_v2?: string }>;
  torrents_removed?: string[];
  server_state?: { connection_status?: string; [k: string]: unknown };
}

interface Row {
  name: string;
  category: string;
  complete: boolean;
  /** Its last known `state` (a diff carries only what changed), '' when not yet reported. */
  state: string;
  /** Whether it was complete at any time we watched it (a recheck dips below 1 and back: not a new finish). */
  wasComplete: boolean;
  v1: string | null;
  v2: string | null;
}

/** A torrent seen reaching completion (see {@link TorrentCounts.takeFinished}). */
export interface FinishedTorrent {
  /** The id qBittorrent lists it under (lowercase hex; a hybrid's is its truncated v2). */
  hash: string;
  name: string;
  category: string;
  /** Its v1 / full v2 infohashes when qBittorrent reports them (4.4+); null otherwise. */
  v1: string | null;
  v2: string | null;
}

/**
 * States in which qBittorrent has the whole torrent (seeding, paused/stopped complete, queued for
 * upload, forced upload); a diff may carry the state without `progress`.
 */
const COMPLETE_STATES = new Set(['uploading', 'stalledUP', 'pausedUP', 'stoppedUP', 'queuedUP', 'forcedUP']);

/**
 * States in which `progress` is the hash check's progress, not the data's (qBittorrent's
 * `TorrentImpl::progress()` returns libtorrent's check progress while checking): a check reaching
 * 1 says nothing about the torrent being complete.
 */
const CHECKING_STATES = new Set(['checkingDL', 'checkingUP', 'checkingResumeData']);

/** Torrent counts for one instance, optionally restricted to one category; also notices torrents finishing. */
export class TorrentCounts {
  private rid = 0;
  private rows = new Map<string, Row>();
  /**
   * The rows known before a {@link reset} (a failed poll, a new session): the next full answer is
   * compared with them, so a torrent that finished while the instance was unreachable is still
   * reported, and one that was complete already is not.
   */
  private before: Map<string, Row> | null = null;
  /** Torrents seen finishing since the last {@link takeFinished}. */
  private finished: FinishedTorrent[] = [];
  /**
   * Whether an answer was applied before (kept across {@link reset}): from then on, a torrent that
   * appears already complete was added since the last answer and finished between two polls (a
   * small download finishes well within one poll interval), so it is reported. Only the very
   * first answer is the library as it was, reported never.
   */
  private watching = false;
  /** v1 / full v2 infohash → the id the torrent is listed under, for hybrids (their `hash` is the truncated v2). */
  private aliases = new Map<string, string>();
  connectionStatus: string | null = null;
  private externalV4: string | null = null;
  private externalV6: string | null = null;
  /** When the last answer was applied, ms since epoch (0 = never). */
  updatedAt = 0;

  /** The `rid` to send with the next `sync/maindata` request. */
  get nextRid(): number {
    return this.rid;
  }

  /** Forget everything (new session, or the server restarted). */
  reset(): void {
    this.rid = 0;
    if (this.rows.size) this.before = this.rows;
    this.rows = new Map();
    this.aliases.clear();
    this.connectionStatus = null;
    this.externalV4 = null;
    this.externalV6 = null;
  }

  /** Applies one `sync/maindata` answer. */
  apply(data: MainDataLike): void {
    // Rows before this answer: on a full answer the old list (or the one kept by reset) is the
    // reference, so only a real change of a known torrent counts as finishing.
    let known = this.rows;
    if (data.full_update) {
      if (this.rows.size === 0 && this.before) known = this.before;
      this.rows = new Map();
      this.aliases.clear();
    }
    this.before = null;
    for (const [hash, t] of Object.entries(data.torrents ?? {})) {
      for (const alt of [t.infohash_v1, t.infohash_v2]) if (alt && alt.toLowerCase() !== hash) this.aliases.set(alt.toLowerCase(), hash);
      const seen = this.rows.get(hash) ?? known.get(hash);
      const prev = seen ?? { name: '', category: '', complete: false, state: '', wasComplete: false, v1: null, v2: null };
      // The diff merged into the row: a state change and a progress change may come in different answers.
      const state = t.state ?? prev.state;
      // While checking, nothing is decided (its `progress` is the check's); then `progress` first:
      // a magnet still fetching metadata reports `amount_left: 0` (size unknown, `total_size: -1`)
      // with `progress: 0`, and is not complete. `amount_left` only arrives alone in a diff when
      // metadata came in (0 → size), which also means incomplete.
      const complete = CHECKING_STATES.has(state)
        ? prev.complete
        : t.progress !== undefined
          ? t.progress >= 1
          : t.state !== undefined && COMPLETE_STATES.has(t.state)
            ? true
            : t.amount_left !== undefined
              ? t.amount_left === 0 && prev.complete
              : prev.complete;
      const row: Row = {
        name: t.name ?? prev.name,
        category: t.category ?? prev.category,
        complete,
        state,
        wasComplete: prev.wasComplete || complete,
        v1: t.infohash_v1?.toLowerCase() || prev.v1,
        v2: t.infohash_v2?.toLowerCase() || prev.v2,
      };
      this.rows.set(hash, row);
      // Finished: complete now, and either known before as never complete, or new since the last
      // answer (added and finished between two polls; an add with its data already there, too).
      // The library in the very first answer is not a finish.
      if (complete && !prev.wasComplete && (seen || this.watching)) this.finished.push({ hash, name: row.name, category: row.category, v1: row.v1, v2: row.v2 });
    }
    for (const hash of data.torrents_removed ?? []) {
      this.rows.delete(hash);
      for (const [alt, id] of this.aliases) if (id === hash) this.aliases.delete(alt);
    }
    if (data.server_state?.connection_status !== undefined) this.connectionStatus = String(data.server_state.connection_status);
    const ss = data.server_state ?? {};
    if (typeof ss.last_external_address_v4 === 'string') this.externalV4 = ss.last_external_address_v4 || null;
    if (typeof ss.last_external_address_v6 === 'string') this.externalV6 = ss.last_external_address_v6 || null;
    this.rid = data.rid;
    this.watching = true;
    this.updatedAt = Date.now();
  }

  /** The address peers see (5.1+ `last_external_address_v4`, else `_v6`); null when unknown. */
  get externalAddress(): string | null {
    return this.externalV4 ?? this.externalV6;
  }

  /**
   * The id a torrent known by `infohash` (v1 40 hex, or full v2 64 hex) is listed under, when
   * the last poll saw it under another one (a hybrid is listed under its truncated v2 hash, so a
   * `hashes=<v1>` query misses it); null when unknown.
   */
  aliasOf(infohash: string): string | null {
    return this.aliases.get(infohash.toLowerCase()) ?? null;
  }

  /** Torrents seen finishing since the last call (a copy; the list is emptied). */
  takeFinished(): FinishedTorrent[] {
    const out = this.finished;
    this.finished = [];
    return out;
  }

  /** Totals for `category` (all torrents when undefined or empty). */
  counts(category?: string): { total: number; incomplete: number } {
    let total = 0;
    let incomplete = 0;
    for (const row of this.rows.values()) {
      if (category && row.category !== category) continue;
      total++;
      if (!row.complete) incomplete++;
    }
    return { total, incomplete };
  }
}
