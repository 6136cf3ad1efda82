import { magnetDecode } from '@ctrl/magnet-link';
import { hashes, info } from '@ctrl/torrent-file';
import { magnetForPayload } from '../queue';

/** Size caps on inputs (documented in the README). */
export const INPUT_LIMITS = {
  /** Longest magnet URI accepted, characters. */
  maxMagnetChars: 65_536,
  /** Largest `.torrent` file accepted (from disk, a URL, or a drop), bytes: 10 MiB. */
  maxTorrentBytes: 10 * 1024 * 1024,
} as const;

/** An input that parsed: what to send to qBittorrent and how to confirm it. */
export interface ParsedInput {
  /** The input as the user gave it (a path or URL for `.torrent` payloads). */
  input: string;
  kind: 'magnet' | 'torrent';
  /** Lowercase hex infohash: v1 (40 digits) when the torrent has one, else v2 (64 digits). */
  infohash: string;
  name: string | null;
  /** The magnet URI to send (for a payload: built from its infohash and name, for the queue file). */
  magnet: string;
  /** `.torrent` file bytes, for `kind: 'torrent'`. */
  torrent?: Uint8Array;
}

/** Why an input was refused; never sent to a server. */
export class InvalidInput extends Error {
  readonly code = 'INVALID_INPUT';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidInput';
  }
}

/**
 * The id qBittorrent lists a torrent under in `torrents/info` (`hash`, and `hashes=` filter):
 * the v1 infohash, or for a v2-only torrent the SHA-256 infohash truncated to 40 hex digits
 * (qBittorrent ≥ 4.4 `TorrentID`).
 */
export function torrentId(infohash: string): string {
  return infohash.slice(0, 40).toLowerCase();
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Parses a magnet URI (BEP 9: `xt=urn:btih:` with 40 hex or 32 base32 digits, or BEP 52
 * `xt=urn:btmh:1220` + 64 hex). @throws InvalidInput with the reason.
 */
export function parseMagnet(uri: string): ParsedInput {
  const text = uri.trim();
  if (text.length > INPUT_LIMITS.maxMagnetChars) throw new InvalidInput(`magnet URI longer than ${INPUT_LIMITS.maxMagnetChars} characters`);
  if (CONTROL.test(text)) throw new InvalidInput('magnet URI contains control characters');
  if (!/^magnet:\?/i.test(text)) throw new InvalidInput('not a magnet URI (must start with magnet:?)');
  const xts = [...text.matchAll(/(?:^magnet:\?|&)xt(?:\.\d+)?=([^&]*)/gi)].map((m) => safeDecode(m[1] ?? ''));
  if (xts.length === 0) throw new InvalidInput('magnet URI has no xt= (exact topic) parameter');
  let v1: string | null = null;
  let v2: string | null = null;
  for (const xt of xts) {
    const btih = /^urn:btih:([0-9a-fA-F]{40}|[A-Za-z2-7]{32})$/.exec(xt);
    const btmh = /^urn:btmh:1220([0-9a-fA-F]{64})$/.exec(xt);
    if (btih) v1 = btih[1]!.length === 40 ? btih[1]!.toLowerCase() : base32ToHex(btih[1]!);
    else if (btmh) v2 = btmh[1]!.toLowerCase();
  }
  if (!v1 && !v2) throw new InvalidInput('magnet URI has no valid infohash (btih: 40 hex or 32 base32 digits; btmh: 1220 + 64 hex)');
  let name: string | null = null;
  try {
    const dn = magnetDecode(text).dn;
    name = (Array.isArray(dn) ? dn[0] : dn) ?? null;
  } catch {
    name = null;
  }
  return { input: uri, kind: 'magnet', infohash: (v1 ?? v2)!, name: name ? String(name).slice(0, 1024) : null, magnet: text };
}

/**
 * Parses `.torrent` bytes (bencoded metainfo, BEP 3 / BEP 52). @throws InvalidInput when the
 * file is over {@link INPUT_LIMITS.maxTorrentBytes}, not bencode, or has no info dictionary.
 */
export function parseTorrent(data: Uint8Array, input: string): ParsedInput {
  if (data.byteLength > INPUT_LIMITS.maxTorrentBytes) throw new InvalidInput(`.torrent file larger than ${INPUT_LIMITS.maxTorrentBytes} bytes`);
  if (data.byteLength === 0) throw new InvalidInput('.torrent file is empty');
  let h: ReturnType<typeof hashes>;
  let name: string | null = null;
  try {
    h = hashes(data);
    name = info(data).name ?? null;
  } catch (err) {
    throw new InvalidInput(`not a valid .torrent file (${(err as Error).message})`);
  }
  const infohash = (h.infoHash ?? h.infoHashV2)?.toLowerCase();
  if (!infohash || !/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(infohash)) throw new InvalidInput('not a valid .torrent file (no infohash)');
  return { input, kind: 'torrent', infohash, name, magnet: magnetForPayload(infohash, name), torrent: data };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
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

/**
 * Splits pasted or dropped text into inputs: every magnet URI and `http(s)` URL in it; when
 * there is none, each non-empty line (so a stray word is rejected with a reason, not ignored).
 */
export function splitText(text: string): string[] {
  const found = text.match(/magnet:\?[^\s"'<>]+|https?:\/\/[^\s"'<>]+/gi);
  if (found && found.length) return found;
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}
