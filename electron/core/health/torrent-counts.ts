/**
 * Keeps per-instance torrent counts from qBittorrent's incremental `sync/maindata?rid=N`, so a
 * health poll costs ONE request (server state incl. `connection_status`, plus only the torrents
 * that changed) instead of a full `torrents/info` listing.
 */
export interface MainDataLike {
  rid: number;
  full_update?: boolean;
  torrents?: Record<string, { category?: string; progress?: number; amount_left?: number; state?: string }>;
  torrents_removed?: string[];
  server_state?: { connection_status?: string; [k: string]: unknown };
}

interface Row {
  category: string;
  complete: boolean;
}

/** Torrent counts for one instance, optionally restricted to one category. */
export class TorrentCounts {
  private rid = 0;
  private rows = new Map<string, Row>();
  connectionStatus: string | null = null;

  /** The `rid` to send with the next `sync/maindata` request. */
  get nextRid(): number {
    return this.rid;
  }

  /** Forget everything (new session, or the server restarted). */
  reset(): void {
    this.rid = 0;
    this.rows.clear();
    this.connectionStatus = null;
  }

  /** Applies one `sync/maindata` answer. */
  apply(data: MainDataLike): void {
    if (data.full_update) this.rows.clear();
    for (const [hash, t] of Object.entries(data.torrents ?? {})) {
      const prev = this.rows.get(hash) ?? { category: '', complete: false };
      // `progress` first: a magnet still fetching metadata reports `amount_left: 0` (size unknown,
      // `total_size: -1`) with `progress: 0`, and is not complete. `amount_left` only arrives
      // alone in a diff when metadata came in (0 → size), which also means incomplete.
      const complete =
        t.progress !== undefined ? t.progress >= 1 : t.amount_left !== undefined ? t.amount_left === 0 && prev.complete : prev.complete;
      this.rows.set(hash, { category: t.category ?? prev.category, complete });
    }
    for (const hash of data.torrents_removed ?? []) this.rows.delete(hash);
    if (data.server_state?.connection_status !== undefined) this.connectionStatus = String(data.server_state.connection_status);
    this.rid = data.rid;
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
