import type { AddOptions } from '../../../shared/contract';
import type { QbitError } from './errors';
import type { EXTRA_ADD_FIELDS } from './form';

/** Shapes of the WebUI client's options and of the qBittorrent answers it returns. */

/** TLS policy (mirrors the settings schema's `tls`): system CAs, a pinned SHA-256 fingerprint, or none. */
export interface TlsOptions {
  mode: 'system' | 'pinned' | 'insecure';
  /** SHA-256 fingerprint of the server certificate, hex with or without colons (required for `pinned`). */
  fingerprint256?: string;
}

/**
 * How one reserved login ended; exactly one method is called, once. qBittorrent counts every
 * login it RECEIVES with wrong credentials toward its ban (`WebUI\MaxAuthenticationFailCount`,
 * default 5), whether or not the answer reaches us.
 */
export interface LoginAttempt {
  /** The login was answered `Ok.`/204: qBittorrent reset its failure count. */
  succeeded(): Promise<void>;
  /** The login was answered bad credentials (`Fails.`/401) or a ban (403). */
  failed(code: 'AUTH_FAILED' | 'BANNED'): Promise<void>;
  /** The login may have reached the server but got no answer (timeout, reset): counted as a failure. */
  unanswered(): Promise<void>;
  /** The login surely did not reach qBittorrent's login handler (refused, TLS, another HTTP answer): not counted. */
  notSent(): Promise<void>;
}

/** Answer of {@link LoginGuard.begin}: a reserved attempt, or the error to throw instead of logging in. */
export type LoginPermit = { allowed: true; attempt: LoginAttempt } | { allowed: false; error: QbitError };

/**
 * Remembers logins across clients and processes so a bad password or a ban is not retried
 * blindly, and at most one login per server is in flight at a time (qBittorrent counts failed
 * logins per client IP: see electron/core/ledgers/failed-logins.ts).
 */
export interface LoginGuard {
  /**
   * In one atomic step, decides whether a login may be sent now and, if so, records it as
   * pending (a possible failure until told otherwise). Waits up to `loginTimeoutMs` (ms) while
   * another login with the same credentials is in flight, then refuses with `TIMEOUT`.
   */
  begin(loginTimeoutMs: number): Promise<LoginPermit>;
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
  /** The instance's name, used in messages (e.g. how to store a missing password). */
  instanceName?: string;
  /**
   * WebUI API key (qBittorrent 5.2+, `app/rotateAPIKey` → `qbt_…`): sent as
   * `Authorization: Bearer <key>` on every call; the client then never logs in, so it can never
   * be banned. `username`/`password` are ignored.
   */
  apiKey?: string;
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
  /**
   * qBittorrent's other add fields, sent under their WebUI names when set (`skip_checking`,
   * `rename`, `upLimit`/`dlLimit` bytes/s, `ratioLimit`, `seedingTimeLimit`/`inactiveSeedingTimeLimit`
   * minutes, `autoTMM`, `sequentialDownload`, `firstLastPiecePrio`, `contentLayout`).
   */
  extra?: Pick<AddOptions, (typeof EXTRA_ADD_FIELDS)[number][0]>;
}

/** Result of an add: `accepted` is true when every request was answered `Ok.` (or, on 5.2, no failures). */
export interface AddResult {
  accepted: boolean;
  /** True when every request was refused as a whole (`Fails.`, `409`, JSON with nothing taken): nothing was added. */
  refusedAll: boolean;
  /** How many HTTP requests the add took (batches split under the 64 MiB body limit). */
  requests: number;
}

/** One torrent from `torrents/info` (fields used by the engine; the rest passes through). */
export interface TorrentInfo {
  /** Lowercase hex; for v2-only and hybrid torrents the first 40 hex digits of the SHA-256 infohash. */
  hash: string;
  /** v1 infohash (4.4+; empty for a v2-only torrent). */
  infohash_v1?: string;
  /** Full v2 infohash (4.4+; empty for a v1-only torrent). */
  infohash_v2?: string;
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
  /**
   * Use only a session cookie we already hold: never log in (no credentials are sent) and throw
   * QbitError `NO_SESSION` instead. For asking a VPN-bound instance about duplicates while the
   * VPN is down: its WebUI may still answer, but a password must not travel outside the tunnel.
   */
  sessionOnly?: boolean;
}
