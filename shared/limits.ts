/**
 * Every size cap of the product, in one place: what the UIs, the dashboard, the Electron shell and
 * the engine refuse, and how large a request to qBittorrent may grow. Each value says its unit
 * and why it is what it is; code everywhere imports it from here and never restates it.
 */

/** Bytes in one mebibyte (MiB); for turning the byte caps below into words ("10 MiB"). */
export const MIB = 1024 * 1024;

/** Caps on inputs (a magnet URI, a `.torrent` file, pasted text, one add call), checked before anything reaches qBittorrent. */
export const LIMITS = {
  /**
   * Longest magnet URI accepted, characters (64 Ki). A magnet with dozens of trackers is a few KiB;
   * anything longer is not a link a user pasted, and is refused rather than stored.
   */
  maxMagnetChars: 65_536,
  /**
   * Largest `.torrent` file accepted, bytes (10 MiB), whether read from disk, downloaded from a
   * URL, dropped, or handed over at launch. Real `.torrent` files are KiB to a few MiB (piece
   * hashes of a very large torrent); the cap keeps a bogus download from filling memory.
   */
  maxTorrentBytes: 10 * MIB,
  /** Most characters of pasted or dropped text in one add call (1 Mi characters: ~10 000 magnets). */
  maxTextChars: 1_048_576,
  /** Most inputs (magnets, infohashes) in one call. */
  maxInputs: 10_000,
} as const;

/**
 * Longest base64 text of a `.torrent` file accepted by the API (`addTorrentFile.dataBase64`),
 * characters: base64 turns every 3 bytes into 4 characters, plus up to 4 characters of padding.
 */
export const MAX_TORRENT_BASE64_CHARS = Math.ceil((LIMITS.maxTorrentBytes * 4) / 3) + 4;

/**
 * Largest request body the headless dashboard reads (`POST /api/<method>`), bytes (16 MiB): the
 * biggest call is one `.torrent` at {@link MAX_TORRENT_BASE64_CHARS} (~13.4 MiB) plus JSON and
 * options; beyond it the server answers 413 without reading further.
 */
export const DASHBOARD_BODY_MAX_BYTES = 16 * MIB;

/**
 * Largest `torrents/add` request body we send to one qBittorrent instance, bytes (60 MiB). The
 * WebUI refuses bodies above exactly 64 MiB (HTTP 400 with an empty body and a closed
 * connection, measured on 4.5–5.3), so batches of magnets or `.torrent` files are split to
 * stay below it with room for headers and multipart framing.
 */
export const QBITTORRENT_ADD_BODY_MAX_BYTES = 60 * MIB;

/**
 * Largest request body the qBittorrent-compatible gateway reads, bytes (64 MiB): qBittorrent's
 * own WebUI limit (above it qBittorrent answers 400 and closes the connection), so a client that
 * works against qBittorrent works against the gateway.
 */
export const GATEWAY_BODY_MAX_BYTES = 64 * MIB;

/**
 * Largest body of a gateway endpoint open without authentication (`auth/login`), bytes (64 KiB):
 * a username and a password; a stranger cannot make the gateway buffer 64 MiB.
 */
export const GATEWAY_PUBLIC_BODY_MAX_BYTES = 64 * 1024;

/**
 * Size at which the Electron shell's log file (`main.log`) is rotated, bytes (5 MiB): weeks of
 * normal activity, small enough to attach to a bug report.
 */
export const LOG_FILE_MAX_BYTES = 5 * MIB;
