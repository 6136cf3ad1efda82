import type { QbitError } from './errors';

/** Shapes of the WebUI client's options and of the qBittorrent answers it returns. */

/** TLS policy (mirrors the settings schema's `tls`): system CAs, a pinned SHA-256 fingerprint, or none. */
export interface TlsOptions {
  mode: 'system' | 'pinned' | 'insecure';
  /** SHA-256 fingerprint of the server certificate, hex with or without colons (required for `pinned`). */
  fingerprint256?: string;
}

/** Remembers failed logins across clients so a bad password or ban is not retried blindly. */
export interface LoginGuard {
  /** Return an error to throw instead of sending a login (remembered bad credentials, a ban in force), or null to go ahead. */
  check(): Promise<QbitError | null>;
  /** Told after a login answered bad credentials or a ban. */
  onFailure(code: 'AUTH_FAILED' | 'BANNED'): Promise<void>;
  /** Told after a login succeeded. */
  onSuccess(): Promise<void>;
}

/** Options of `new QbitClient(...)`. */
export interface QbitClientOptions {
  /** WebUI base URL, e.g. `http://127.0.0.1:8080` (a path prefix behind a reverse proxy is kept). */
  url: string;
  username: string;
  password: string;
  /** TCP (+TLS) connect timeout, ms (default 3 000). */
  connectTimeoutMs?: number;
  /** Whole-request timeout including the body, ms (default 10 000). */
  requestTimeoutMs?: number;
  /** Default `{ mode: 'system' }`. */
  tls?: TlsOptions;
  loginGuard?: LoginGuard;
}

/** Options of one add request; each maps to a `torrents/add` form field. */
export interface AddParams {
  /** Category; qBittorrent creates a missing one. */
  category?: string;
  /** `savepath`. */
  savePath?: string;
  /** Trimmed, empties dropped, joined with `,` (qBittorrent itself does not trim). */
  tags?: string[];
  /** Sends both `paused` (4.x) and `stopped` (API ≥ 2.11). */
  paused?: boolean;
}

/** Result of an add: `accepted` is true when every request was answered `Ok.` (or, on 5.2, no failures). */
export interface AddResult {
  accepted: boolean;
  /** How many HTTP requests the add took (batches split under the 64 MiB body limit). */
  requests: number;
}

/** One torrent from `torrents/info` (fields used by the engine; the rest passes through). */
export interface TorrentInfo {
  /** Lowercase hex; for v2-only torrents the first 40 hex digits of the SHA-256 infohash. */
  hash: string;
  name: string;
  /** e.g. `metaDL`, `downloading`, `pausedDL` (4.x) / `stoppedDL` (5.x), `uploading`, `error`. */
  state: string;
  /** 0..1. */
  progress: number;
  category: string;
  /** Comma-separated (`"a, b"` on 4.x). */
  tags: string;
  save_path: string;
  /** Unix time, seconds. */
  added_on: number;
  /** Bytes selected for download (0 while metadata is unknown). */
  size: number;
  /** Bytes still to download. */
  amount_left: number;
  [key: string]: unknown;
}

/** `transfer/info`: connection state and totals. */
export interface TransferInfo {
  /** `connected` | `firewalled` | `disconnected`. */
  connection_status: string;
  dht_nodes: number;
  [key: string]: unknown;
}

/** One entry of `torrents/categories`. */
export interface CategoryInfo {
  name: string;
  savePath: string;
}

/** Counters of what the client sent (for tests and the idle-cost benchmark). */
export interface ClientStats {
  /** Login requests sent. */
  logins: number;
  /** All HTTP requests sent, logins included. */
  requests: number;
}

/** Filter of `torrents/info`. */
export interface InfoFilter {
  /** Infohashes (hex); an empty list returns `[]` without asking the server. */
  hashes?: string[];
  category?: string;
  tag?: string;
  /** qBittorrent's state filter: `all`, `downloading`, `paused`/`stopped`, `completed`, … */
  filter?: string;
}

/**
 * `sync/maindata?rid=N`: incremental state. Pass the returned `rid` back to get only changes;
 * `full_update` means start over (first call, new session, or server restart).
 */
export interface MainData {
  rid: number;
  full_update?: boolean;
  /** Changed torrents by hash (partial rows after the first answer). */
  torrents?: Record<string, Partial<TorrentInfo>>;
  torrents_removed?: string[];
  categories?: Record<string, CategoryInfo>;
  categories_removed?: string[];
  tags?: string[];
  tags_removed?: string[];
  /** `connection_status`, `dht_nodes`, `free_space_on_disk` (bytes), speeds, … (changed keys only). */
  server_state?: { connection_status?: string; free_space_on_disk?: number; [key: string]: unknown };
  [key: string]: unknown;
}

/** Per-call options. */
export interface CallOptions {
  /** Whole-request timeout of this call's requests, ms (default: the client's `requestTimeoutMs`; a login keeps the client's). */
  timeoutMs?: number;
}
