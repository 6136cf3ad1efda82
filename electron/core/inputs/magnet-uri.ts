import { LIMITS } from '../../../shared/limits';

/**
 * THE magnet URI parser and builder of the product. `add`, the queue (reading entries back from
 * the file, adopting a foreign writer's magnets) and flush all use this one module, so an input
 * that `add` accepted is read back identically after queue → reload → flush. (Two parsers that
 * disagreed once lost queued magnets: `add` accepted `xt.1=` and lower-case base32, the queue's
 * reader did not, and dropped the entries.)
 *
 * Rules (BEP 9 magnet links, BEP 52 v2 `btmh`, libtorrent's `parse_magnet_uri`):
 * - `magnet:?` then `&`-separated `key=value`; keys are case-insensitive and `xt.N` is an `xt`
 *   (BEP 9 "xt.1, xt.2…"); values are percent-decoded (`urn%3Abtih%3A…` is `urn:btih:…`).
 * - every `xt` in the `urn:btih:` / `urn:btmh:` namespaces must be valid: btih = 40 hex or 32
 *   base32 digits (any case), btmh = multihash `1220` (SHA-256, 32 bytes) + 64 hex. One bad `xt`
 *   rejects the whole URI: qBittorrent refuses it, and sending it only wastes a confirmation wait.
 *   `xt`s of other namespaces (ed2k, sha1…) are ignored, as libtorrent does.
 * - at most one distinct v1 and one distinct v2 infohash; both present = a hybrid torrent.
 * - `dn` is the display name (`+` is a space, then percent-decoding), the first one wins.
 *
 * What is sent to qBittorrent and stored in the queue file is the {@link canonicalMagnet}: the
 * same link with `xt`s rewritten as `xt=urn:btih:<hex>` (+ `&xt=urn:btmh:1220<hex>`) and `dn`
 * re-encoded, every other parameter (`tr`, `ws`, `x.pe`…) kept verbatim — a form every
 * qBittorrent version and the old Python tool read.
 */

/** Longest display name kept, characters. */
export const MAX_NAME_CHARS = 1024;

/** A magnet URI that parsed. Hashes are lowercase hex. */
export interface MagnetParsed {
  ok: true;
  /** v1 infohash (SHA-1, 40 hex) or null for a v2-only link. */
  v1: string | null;
  /** v2 infohash (SHA-256, 64 hex, full length) or null for a v1-only link. */
  v2: string | null;
  /** Identity of the torrent in this product (queue key): `v1 ?? v2`. */
  infohash: string;
  /** Display name (`dn`), decoded, at most {@link MAX_NAME_CHARS}; null when absent. */
  name: string | null;
  /** The canonical magnet URI to send and to store (see the module comment). */
  magnet: string;
}

/** A magnet URI that did not parse, with a reason a user can act on. */
export interface MagnetRejected {
  ok: false;
  reason: string;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const BTIH = /^urn:btih:([0-9a-f]{40}|[a-z2-7]{32})$/i;
const BTMH = /^urn:btmh:1220([0-9a-f]{64})$/i;

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Splits a magnet URI's query into `[decoded lower-case key, raw value, raw parameter]`, in order. */
function params(text: string): Array<[string, string, string]> {
  const q = text.slice(text.indexOf('?') + 1);
  return q
    .split('&')
    .filter(Boolean)
    .map((p) => {
      const eq = p.indexOf('=');
      return (eq < 0 ? [decode(p).toLowerCase(), '', p] : [decode(p.slice(0, eq)).toLowerCase(), p.slice(eq + 1), p]) as [string, string, string];
    });
}

const isXt = (key: string): boolean => key === 'xt' || /^xt\.\d+$/.test(key);

/**
 * Parses a magnet URI. Never throws: returns {@link MagnetRejected} with the reason for text
 * that is not a magnet URI, is longer than {@link LIMITS.maxMagnetChars}, holds control characters,
 * has no BitTorrent `xt`, any malformed btih/btmh `xt`, or two different v1 (or v2) infohashes.
 */
export function parseMagnetUri(uri: string): MagnetParsed | MagnetRejected {
  const text = typeof uri === 'string' ? uri.trim() : '';
  if (text.length > LIMITS.maxMagnetChars) return { ok: false, reason: `magnet URI longer than ${LIMITS.maxMagnetChars} characters` };
  if (CONTROL.test(text)) return { ok: false, reason: 'magnet URI contains control characters' };
  if (!/^magnet:\?/i.test(text)) return { ok: false, reason: 'not a magnet URI (must start with magnet:?)' };
  let v1: string | null = null;
  let v2: string | null = null;
  let name: string | null = null;
  let sawXt = false;
  const rest: string[] = [];
  for (const [key, raw, param] of params(text)) {
    if (isXt(key)) {
      sawXt = true;
      const xt = decode(raw).trim();
      if (/^urn:btih:/i.test(xt)) {
        const m = BTIH.exec(xt);
        if (!m) return { ok: false, reason: `invalid btih infohash "${xt.slice(9, 80)}" (40 hex or 32 base32 digits expected)` };
        const hex = m[1]!.length === 40 ? m[1]!.toLowerCase() : base32ToHex(m[1]!);
        if (v1 && v1 !== hex) return { ok: false, reason: 'magnet URI names two different v1 infohashes' };
        v1 = hex;
      } else if (/^urn:btmh:/i.test(xt)) {
        const m = BTMH.exec(xt);
        if (!m) return { ok: false, reason: `invalid btmh infohash "${xt.slice(9, 80)}" (1220 + 64 hex digits expected)` };
        const hex = m[1]!.toLowerCase();
        if (v2 && v2 !== hex) return { ok: false, reason: 'magnet URI names two different v2 infohashes' };
        v2 = hex;
      }
      continue;
    }
    if (key === 'dn') {
      if (name === null) {
        const dn = decode(raw.replace(/\+/g, ' ')).slice(0, MAX_NAME_CHARS);
        name = dn.length ? dn : null;
      }
      continue;
    }
    rest.push(param);
  }
  if (!sawXt) return { ok: false, reason: 'magnet URI has no xt= (exact topic) parameter' };
  if (!v1 && !v2) return { ok: false, reason: 'magnet URI has no BitTorrent infohash (xt=urn:btih: or xt=urn:btmh:)' };
  const infohash = (v1 ?? v2)!;
  return { ok: true, v1, v2, infohash, name, magnet: canonicalMagnet(v1, v2, name, rest) };
}

/**
 * Builds `magnet:?xt=urn:btih:<v1>&xt=urn:btmh:1220<v2>&dn=<name>&<extra…>` (absent parts
 * omitted; `name` percent-encoded; `extra` are raw `key=value` parameters kept as given).
 * @throws TypeError when both hashes are null.
 */
export function canonicalMagnet(v1: string | null, v2: string | null, name: string | null, extra: string[] = []): string {
  if (!v1 && !v2) throw new TypeError('a magnet URI needs a v1 or v2 infohash');
  const parts: string[] = [];
  if (v1) parts.push(`xt=urn:btih:${v1.toLowerCase()}`);
  if (v2) parts.push(`xt=urn:btmh:1220${v2.toLowerCase()}`);
  if (name) parts.push(`dn=${encodeURIComponent(name)}`);
  return `magnet:?${[...parts, ...extra].join('&')}`;
}

/** RFC 4648 base32 (as used in 32-digit btih) to lowercase hex. */
export function base32ToHex(b32: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of b32.toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  let hex = '';
  for (let i = 0; i + 4 <= bits.length; i += 4) hex += parseInt(bits.slice(i, i + 4), 2).toString(16);
  return hex;
}

/** The hashes a torrent is known by: v1 (40 hex) and/or v2 (64 hex), lowercase. */
export interface TorrentHashes {
  v1: string | null;
  v2: string | null;
}

/**
 * The ids qBittorrent may list a torrent under in `torrents/info` (`hash`, and the `hashes=`
 * filter): the v1 infohash, and the v2 infohash truncated to 40 hex digits. qBittorrent ≥ 4.4
 * lists a hybrid under the truncated v2 hash (measured on 4.5.2: `hash` = v2[:40], with
 * `infohash_v1` / `infohash_v2` carrying both) and a v2-only torrent likewise; asking for both
 * ids finds it in every case.
 */
export function listedIds(h: TorrentHashes): string[] {
  const ids: string[] = [];
  if (h.v1) ids.push(h.v1);
  if (h.v2) ids.push(h.v2.slice(0, 40));
  return ids;
}

/** A `torrents/info` row's hash fields (4.4+ send `infohash_v1`/`infohash_v2`; 4.3 only `hash`). */
export interface ListedTorrent {
  hash: string;
  infohash_v1?: string;
  infohash_v2?: string;
}

/**
 * True when a `torrents/info` row is the torrent `h`: its `hash`, `infohash_v1` or
 * `infohash_v2` matches either of our hashes (a hybrid added by its v1-only magnet on one
 * instance and by its full link on another is the same torrent).
 */
export function isSameTorrent(h: TorrentHashes, t: ListedTorrent): boolean {
  const hash = t.hash?.toLowerCase();
  const tv1 = t.infohash_v1?.toLowerCase() || null;
  const tv2 = t.infohash_v2?.toLowerCase() || null;
  if (h.v1 && (hash === h.v1 || tv1 === h.v1)) return true;
  if (h.v2 && (hash === h.v2.slice(0, 40) || tv2 === h.v2)) return true;
  return false;
}
