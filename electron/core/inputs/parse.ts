import { hashes, info } from '@ctrl/torrent-file';
import { LIMITS } from '../../../shared/limits';
import { canonicalMagnet, parseMagnetUri } from './magnet-uri';

export { base32ToHex } from './magnet-uri';

/** An input that parsed: what to send to qBittorrent and how to confirm it. */
export interface ParsedInput {
  /** The input as the user gave it (a path or URL for `.torrent` payloads). */
  input: string;
  kind: 'magnet' | 'torrent';
  /** Lowercase hex infohash: v1 (40 digits) when the torrent has one, else v2 (64 digits). The queue key. */
  infohash: string;
  /** v1 infohash (40 hex) or null for a v2-only torrent. */
  v1: string | null;
  /** v2 infohash (64 hex, full length) or null for a v1-only torrent; both set = hybrid. */
  v2: string | null;
  name: string | null;
  /** The canonical magnet URI to send and to queue (for a payload: built from its hashes and name). */
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
 * Parses a magnet URI with the product's one parser ({@link parseMagnetUri}): BEP 9 `btih`
 * (40 hex or 32 base32), BEP 52 `btmh:1220` + 64 hex, hybrids with both; every `xt` checked.
 * `magnet` is the canonical form. @throws InvalidInput with the reason.
 */
export function parseMagnet(uri: string): ParsedInput {
  const r = parseMagnetUri(uri);
  if (!r.ok) throw new InvalidInput(r.reason);
  return { input: uri, kind: 'magnet', infohash: r.infohash, v1: r.v1, v2: r.v2, name: r.name, magnet: r.magnet };
}

/**
 * Parses `.torrent` bytes (bencoded metainfo, BEP 3 / BEP 52). @throws InvalidInput when the
 * file is over {@link LIMITS.maxTorrentBytes}, not bencode, or has no info dictionary.
 */
export function parseTorrent(data: Uint8Array, input: string): ParsedInput {
  if (data.byteLength > LIMITS.maxTorrentBytes) throw new InvalidInput(`.torrent file larger than ${LIMITS.maxTorrentBytes} bytes`);
  if (data.byteLength === 0) throw new InvalidInput('.torrent file is empty');
  let h: ReturnType<typeof hashes>;
  let name: string | null = null;
  try {
    h = hashes(data);
    name = info(data).name ?? null;
  } catch {
    // The parser's own messages are JS internals ("Cannot read properties of undefined"): not for users.
    throw new InvalidInput('not a valid .torrent file (not bencoded metainfo with an info dictionary)');
  }
  const v1 = /^[0-9a-f]{40}$/i.test(h.infoHash ?? '') ? h.infoHash!.toLowerCase() : null;
  const v2 = /^[0-9a-f]{64}$/i.test(h.infoHashV2 ?? '') ? h.infoHashV2!.toLowerCase() : null;
  if (!v1 && !v2) throw new InvalidInput('not a valid .torrent file (no infohash)');
  const safeName = typeof name === 'string' && name.length ? name.slice(0, 1024) : null;
  return { input, kind: 'torrent', infohash: (v1 ?? v2)!, v1, v2, name: safeName, magnet: canonicalMagnet(v1, v2, safeName), torrent: data };
}

/** A magnet URI or an `http(s)` URL inside text. */
const LINK_IN_TEXT = /magnet:\?[^\s"'<>]+|https?:\/\/[^\s"'<>]+/gi;

/**
 * Splits pasted or dropped text into inputs, in order: every magnet URI and `http(s)` URL in it,
 * plus each line without one that is a single word (a garbage line among magnets is rejected
 * with a reason, never dropped: every line of a paste gets a result); a line of words around the
 * links ("grab these:") is not an input. With no link at all, each non-empty line is one.
 */
export function splitText(text: string): string[] {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (text.search(LINK_IN_TEXT) < 0) return lines;
  const out: string[] = [];
  for (const line of lines) {
    const links = line.match(LINK_IN_TEXT);
    if (links) out.push(...links);
    else if (!/\s/.test(line)) out.push(line);
  }
  return out;
}
