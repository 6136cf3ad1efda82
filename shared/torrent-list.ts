/**
 * The Torrents view's data: every instance's torrents in one listing (`listTorrents`), with the
 * instances that could not be read named as such, and the state groups its filter offers.
 */

/** One torrent as the Torrents view shows it (a subset of qBittorrent's `torrents/info` entry). */
export interface TorrentRow {
  /** The id qBittorrent lists it under (`hash`): lowercase hex, 40 digits (v2-only: the SHA-256 cut to 40). */
  hash: string;
  name: string;
  /** qBittorrent's state word, e.g. `downloading`, `pausedDL` (4.x) / `stoppedDL` (5.x), `uploading`. */
  state: string;
  /** 0..1. */
  progress: number;
  category: string;
  /** Bytes selected for download (0 while the metadata is unknown). */
  size: number;
  /** Unix time, seconds. */
  addedOn: number;
}

/** One instance's part of a listing: its torrents, or why it could not be read. */
export interface InstanceTorrents {
  instance: string;
  /** False when the listing failed: `torrents` is then empty and `error` says why. */
  reachable: boolean;
  error: { code: string; message: string } | null;
  torrents: TorrentRow[];
}

/** Result of `listTorrents`: one part per asked (or configured) instance, in priority order. */
export interface TorrentListing {
  instances: InstanceTorrents[];
  /** When the listing was taken (ISO 8601). */
  at: string;
}

/** What the state filter offers: qBittorrent's many state words grouped as a user thinks of them. */
export type TorrentStateGroup = 'downloading' | 'seeding' | 'paused' | 'queued' | 'checking' | 'stalled' | 'error';

/** The groups in the order the filter lists them. */
export const TORRENT_STATE_GROUPS: readonly TorrentStateGroup[] = ['downloading', 'seeding', 'paused', 'queued', 'checking', 'stalled', 'error'];

/**
 * The group of a qBittorrent state word (WebUI API `torrents/info` `state`; 5.x says `stopped*`
 * where 4.x said `paused*`). Unknown words count as `downloading` when incomplete-looking.
 */
export function torrentStateGroup(state: string): TorrentStateGroup {
  if (state === 'error' || state === 'missingFiles') return 'error';
  if (state.startsWith('paused') || state.startsWith('stopped')) return 'paused';
  if (state.startsWith('queued')) return 'queued';
  if (state.startsWith('checking') || state === 'moving' || state === 'allocating') return 'checking';
  if (state === 'stalledDL') return 'stalled';
  if (state === 'uploading' || state === 'stalledUP' || state === 'forcedUP') return 'seeding';
  return 'downloading';
}

/** True when the state word means the torrent is stopped (paused on 4.x, stopped on 5.x): the view offers Resume. */
export function isStoppedState(state: string): boolean {
  return torrentStateGroup(state) === 'paused';
}
