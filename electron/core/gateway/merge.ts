import type { TorrentInfo } from '../qbittorrent';
import type { QueueEntry } from '../queue';

/**
 * Merging the answers of several qBittorrent instances into one, as a qBittorrent 5.1 would
 * answer: states and filter names in 5.x spelling, queue entries shown as `queuedDL` torrents,
 * sorting and paging done after the merge.
 */

/** 4.x state names → 5.x (qBittorrent 5.0 renamed paused* to stopped*). */
const STATE_V5: Record<string, string> = { pausedDL: 'stoppedDL', pausedUP: 'stoppedUP' };

/** A row with its state in 5.x spelling (the gateway presents itself as 5.1). */
export function presentRow<T extends { state?: unknown }>(row: T): T {
  const s = typeof row.state === 'string' ? STATE_V5[row.state] : undefined;
  return s ? { ...row, state: s } : row;
}

/** {@link presentRow} on an instance's `torrents/info` JSON text (qBittorrent writes it compact: `"state":"pausedDL"`). */
export function presentStatesText(json: string): string {
  return json.replace(/"state":"paused(DL|UP)"/g, '"state":"stopped$1"');
}

/** A `filter` value for a backend: 5.x names `stopped`/`running`, 4.x `paused`/`resumed`; either spelling is accepted. */
export function filterFor(filter: string | undefined, v5: boolean): string | undefined {
  if (filter === undefined) return undefined;
  if (v5) return filter === 'paused' ? 'stopped' : filter === 'resumed' ? 'running' : filter;
  return filter === 'stopped' ? 'paused' : filter === 'running' ? 'resumed' : filter;
}

/** State filters under which a queued torrent (`queuedDL`) is listed, as qBittorrent classifies that state. */
const QUEUED_FILTERS = new Set(['all', 'downloading', 'inactive', 'resumed', 'running']);

/** The hash a queue entry is listed under (a v2-only infohash truncated to 40 digits, as qBittorrent lists it). */
export function listedHash(e: Pick<QueueEntry, 'infohash'>): string {
  return e.infohash.slice(0, 40);
}

/** Whether `hash` (any case; v1, listed or full v2) names queue entry `e`. */
export function namesEntry(e: Pick<QueueEntry, 'infohash'>, hash: string): boolean {
  const h = hash.toLowerCase();
  return h === e.infohash || h === listedHash(e);
}

/** A queue entry as a `torrents/info` row: state `queuedDL`, progress 0, size 0, its name, category, tags and save path. */
export function queuedRow(e: QueueEntry): TorrentInfo {
  const o = e.options ?? {};
  const addedOn = Math.floor(Date.parse(e.queuedAt) / 1000) || 0;
  const savePath = o.savePath ?? '';
  return {
    hash: listedHash(e),
    infohash_v1: e.infohash.length === 40 ? e.infohash : '',
    infohash_v2: e.infohash.length === 64 ? e.infohash : '',
    name: o.rename ?? e.name ?? e.infohash,
    magnet_uri: e.magnet,
    state: 'queuedDL',
    progress: 0,
    category: o.category ?? '',
    tags: (o.tags ?? []).join(', '),
    save_path: savePath,
    content_path: savePath,
    download_path: '',
    added_on: addedOn,
    completion_on: -1,
    size: 0,
    total_size: 0,
    amount_left: 0,
    downloaded: 0,
    uploaded: 0,
    dlspeed: 0,
    upspeed: 0,
    eta: 8_640_000,
    ratio: 0,
    ratio_limit: o.ratioLimit ?? -2,
    seeding_time: 0,
    seeding_time_limit: o.seedingTimeLimit ?? -2,
    inactive_seeding_time_limit: o.inactiveSeedingTimeLimit ?? -2,
    max_ratio: -1,
    max_seeding_time: -1,
    num_seeds: 0,
    num_leechs: 0,
    num_complete: 0,
    num_incomplete: 0,
    priority: 0,
    force_start: false,
    auto_tmm: o.autoTMM ?? false,
    seq_dl: o.sequentialDownload ?? false,
    f_l_piece_prio: o.firstLastPiecePrio ?? false,
    super_seeding: false,
    dl_limit: o.dlLimit ?? -1,
    up_limit: o.upLimit ?? -1,
    availability: 0,
    tracker: '',
    trackers_count: 0,
    last_activity: addedOn,
    time_active: 0,
    private: false,
  };
}

/** `torrents/info` filters the gateway applies itself (to queue entries, and to the merged list). */
export interface InfoQuery {
  filter?: string;
  category?: string;
  tag?: string;
  hashes?: string[];
  sort?: string;
  reverse?: boolean;
  limit?: number;
  offset?: number;
}

/** Queue entries that match `q` as qBittorrent would filter a `queuedDL` torrent (entries of `.torrent` URLs not yet fetched have no infohash: left out). */
export function queuedRows(entries: readonly QueueEntry[], q: InfoQuery): TorrentInfo[] {
  if (q.filter !== undefined && !QUEUED_FILTERS.has(q.filter)) return [];
  return entries
    .filter((e) => e.kind !== 'url')
    .filter((e) => q.category === undefined || (e.options?.category ?? '') === q.category)
    .filter((e) => q.tag === undefined || (q.tag === '' ? !(e.options?.tags ?? []).length : (e.options?.tags ?? []).includes(q.tag)))
    .filter((e) => !q.hashes || q.hashes.some((h) => namesEntry(e, h)))
    .map(queuedRow);
}

/**
 * Rows of every backend plus queued rows, one per hash (a torrent on an instance wins over its
 * queue entry), then sorted (`sort` field, `reverse`) and paged (`offset`, `limit`; a negative
 * offset counts from the end, as qBittorrent).
 */
export function mergeInfo(lists: TorrentInfo[][], queued: TorrentInfo[], q: InfoQuery): TorrentInfo[] {
  const byHash = new Map<string, TorrentInfo>();
  for (const list of lists) for (const t of list) if (!byHash.has(t.hash)) byHash.set(t.hash, presentRow(t));
  const ids = new Set([...byHash.values()].flatMap((t) => [t.hash, t.infohash_v1, t.infohash_v2].filter(Boolean) as string[]));
  for (const t of queued) if (!ids.has(t.hash) && !byHash.has(t.hash)) byHash.set(t.hash, t);
  let rows = [...byHash.values()];
  if (q.sort) {
    const key = q.sort;
    rows.sort((a, b) => compareField(a[key], b[key]));
    if (q.reverse) rows.reverse();
  }
  if (q.offset !== undefined || q.limit !== undefined) {
    let start = q.offset ?? 0;
    if (start < 0) start = Math.max(0, rows.length + start);
    const end = q.limit !== undefined && q.limit > 0 ? start + q.limit : undefined;
    rows = rows.slice(start, end);
  }
  return rows;
}

function compareField(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return String(a ?? '').localeCompare(String(b ?? ''));
}

/** `transfer/info` of several instances: speeds, totals and DHT nodes summed; `connected` when any is. */
export function sumTransfer(infos: Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {
    connection_status: 'disconnected',
    dht_nodes: 0,
    dl_info_data: 0,
    dl_info_speed: 0,
    dl_rate_limit: 0,
    up_info_data: 0,
    up_info_speed: 0,
    up_rate_limit: 0,
  };
  const rank = ['disconnected', 'firewalled', 'connected'];
  for (const info of infos) {
    for (const [k, v] of Object.entries(info)) {
      if (k === 'connection_status') {
        if (rank.indexOf(String(v)) > rank.indexOf(String(out[k]))) out[k] = v;
      } else if (typeof v === 'number') out[k] = (typeof out[k] === 'number' ? (out[k] as number) : 0) + v;
      else if (!(k in out)) out[k] = v;
    }
  }
  return out;
}
