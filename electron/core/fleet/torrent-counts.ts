/**
 * Keeps per-instance torrent counts from qBittorrent's incremental `sync/maindata?rid=N`, so a
 * health poll costs ONE request (server state incl. `connection_status`, plus only the torrents
 * that changed) instead of a full `torrents/info` listing.
 */
export interface MainDataLike {
  rid: number;
  full_update?: boolean;
  torrents?: Record<string, { category?: string; progress?: number; amount_left?: number; state?: string; infohash_v1?: string; infohash_v2?: string }>;
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
    this.rows.clear();
    this.aliases.clear();
    this.connectionStatus = null;
    this.externalV4 = null;
    this.externalV6 = null;
  }

  /** Applies one `sync/maindata` answer. */
  apply(data: MainDataLike): void {
    if (data.full_update) {
      this.rows.clear();
      this.aliases.clear();
    }
    for (const [hash, t] of Object.entries(data.torrents ?? {})) {
      for (const alt of [t.infohash_v1, t.infohash_v2]) if (alt && alt.toLowerCase() !== hash) this.aliases.set(alt.toLowerCase(), hash);
      const prev = this.rows.get(hash) ?? { category: '', complete: false };
      // `progress` first: a magnet still fetching metadata reports `amount_left: 0` (size unknown,
      // `total_size: -1`) with `progress: 0`, and is not complete. `amount_left` only arrives
      // alone in a diff when metadata came in (0 → size), which also means incomplete.
      const complete =
        t.progress !== undefined ? t.progress >= 1 : t.amount_left !== undefined ? t.amount_left === 0 && prev.complete : prev.complete;
      this.rows.set(hash, { category: t.category ?? prev.category, complete });
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
