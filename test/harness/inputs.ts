import { createHash, randomBytes } from 'node:crypto';

/**
 * Test inputs that can never make a qBittorrent instance talk to the outside world:
 * magnets without `tr=`, and `.torrent` files without trackers, web seeds or DHT nodes.
 */

/** A bencode value: integers, byte strings (string or Buffer), lists and dictionaries. */
export type Bencodable = number | string | Buffer | Uint8Array | Bencodable[] | { [key: string]: Bencodable };

/** Bencodes a value; dictionary keys are sorted by their raw bytes as BEP 3 requires. */
export function bencode(value: Bencodable): Buffer {
  const out: Buffer[] = [];
  const walk = (v: Bencodable): void => {
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) throw new TypeError(`bencode: ${v} is not an integer`);
      out.push(Buffer.from(`i${v}e`));
    } else if (typeof v === 'string' || v instanceof Uint8Array) {
      const b = typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v);
      out.push(Buffer.from(`${b.length}:`), b);
    } else if (Array.isArray(v)) {
      out.push(Buffer.from('l'));
      v.forEach(walk);
      out.push(Buffer.from('e'));
    } else {
      out.push(Buffer.from('d'));
      const keys = Object.keys(v).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      for (const k of keys) {
        walk(k);
        walk(v[k] as Bencodable);
      }
      out.push(Buffer.from('e'));
    }
  };
  walk(value);
  return Buffer.concat(out);
}

/** Returns the index just past the bencoded value that starts at `i` (throws on malformed input). */
function skipValue(buf: Buffer, i: number): number {
  const c = buf[i];
  if (c === undefined) throw new Error('bencode: truncated');
  if (c === 0x69 /* i */) {
    const end = buf.indexOf(0x65, i);
    if (end < 0) throw new Error('bencode: unterminated integer');
    return end + 1;
  }
  if (c === 0x6c /* l */ || c === 0x64 /* d */) {
    let j = i + 1;
    while (buf[j] !== 0x65) {
      if (j >= buf.length) throw new Error('bencode: unterminated list/dict');
      j = skipValue(buf, j);
    }
    return j + 1;
  }
  if (c >= 0x30 && c <= 0x39) {
    const colon = buf.indexOf(0x3a, i);
    if (colon < 0) throw new Error('bencode: bad string length');
    const len = Number(buf.subarray(i, colon).toString('ascii'));
    const end = colon + 1 + len;
    if (!Number.isFinite(len) || end > buf.length) throw new Error('bencode: truncated string');
    return end;
  }
  throw new Error(`bencode: unexpected byte 0x${c.toString(16)} at ${i}`);
}

/** Splits a top-level bencoded dictionary into its keys and the raw bytes of each value. */
export function topLevelEntries(buf: Buffer): { key: string; raw: Buffer }[] {
  if (buf[0] !== 0x64) throw new Error('bencode: not a dictionary');
  const entries: { key: string; raw: Buffer }[] = [];
  let i = 1;
  while (buf[i] !== 0x65) {
    if (i >= buf.length) throw new Error('bencode: unterminated dict');
    const keyEnd = skipValue(buf, i);
    const colon = buf.indexOf(0x3a, i);
    const key = buf.subarray(colon + 1, keyEnd).toString('utf8');
    const valEnd = skipValue(buf, keyEnd);
    entries.push({ key, raw: buf.subarray(keyEnd, valEnd) });
    i = valEnd;
  }
  return entries;
}

/** v1 infohash (lowercase hex SHA-1 of the raw `info` dictionary bytes) of a .torrent file. */
export function torrentInfohash(torrent: Buffer): string {
  const info = topLevelEntries(torrent).find((e) => e.key === 'info');
  if (!info) throw new Error('torrent has no info dictionary');
  return createHash('sha1').update(info.raw).digest('hex');
}

/** Keys outside `info` that would make a client contact trackers, web seeds or DHT nodes. */
const OUTBOUND_KEYS = new Set(['announce', 'announce-list', 'url-list', 'httpseeds', 'nodes']);

/**
 * Removes `announce`/`announce-list` — and also `url-list`, `httpseeds`, `nodes` (web seeds and
 * DHT bootstrap nodes are outbound contacts too) — from a .torrent, copying the `info`
 * dictionary bytes untouched so the infohash does not change.
 */
export function stripTrackers(torrent: Buffer | Uint8Array): Buffer {
  const buf = Buffer.from(torrent);
  const kept = topLevelEntries(buf).filter((e) => !OUTBOUND_KEYS.has(e.key));
  const parts: Buffer[] = [Buffer.from('d')];
  for (const e of kept) parts.push(bencode(e.key), e.raw);
  parts.push(Buffer.from('e'));
  return Buffer.concat(parts);
}

/** A magnet with a random v1 infohash, `dn=` set and no `tr=`. `infohash` is lowercase hex. */
export function randomMagnet(name?: string): { magnet: string; infohash: string } {
  const infohash = randomBytes(20).toString('hex');
  const dn = name ?? `qbf-test-${infohash.slice(0, 8)}`;
  return { magnet: `magnet:?xt=urn:btih:${infohash}&dn=${encodeURIComponent(dn)}`, infohash };
}

/** RFC 4648 base32 (uppercase, no padding needed for 20 bytes). */
function base32(bytes: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** A magnet whose `btih` is base32 (32 chars); `infohash` is the same hash as lowercase hex. */
export function base32Magnet(name?: string): { magnet: string; infohash: string; base32: string } {
  const raw = randomBytes(20);
  const b32 = base32(raw);
  const dn = name ?? `qbf-test-b32-${b32.slice(0, 8)}`;
  return { magnet: `magnet:?xt=urn:btih:${b32}&dn=${encodeURIComponent(dn)}`, infohash: raw.toString('hex'), base32: b32 };
}

/**
 * A v2-only magnet (`btmh` multihash `1220` + 64 hex). `infohash` is the 64-hex SHA-256;
 * `torrentId` is its first 40 hex digits, which is how qBittorrent (libtorrent 2) reports a
 * v2-only torrent's `hash` in `torrents/info`.
 */
export function v2Magnet(name?: string): { magnet: string; infohash: string; torrentId: string } {
  const infohash = randomBytes(32).toString('hex');
  const dn = name ?? `qbf-test-v2-${infohash.slice(0, 8)}`;
  return { magnet: `magnet:?xt=urn:btmh:1220${infohash}&dn=${encodeURIComponent(dn)}`, infohash, torrentId: infohash.slice(0, 40) };
}

/**
 * A valid single-file v1 .torrent without any announce key: piece length 16 384, pieces are
 * SHA-1 of zero-filled pieces of a `sizeBytes` file (default 40 000 bytes). The info dict is
 * `private` (no DHT/PeX/LSD for it) and carries a random `qbf-nonce` so every call gives a new
 * infohash.
 */
export function makeTorrentFile(name: string, sizeBytes = 40_000): { data: Buffer; infohash: string } {
  const pieceLength = 16_384;
  const hashes: Buffer[] = [];
  for (let off = 0; off < sizeBytes; off += pieceLength) {
    const len = Math.min(pieceLength, sizeBytes - off);
    hashes.push(createHash('sha1').update(Buffer.alloc(len)).digest());
  }
  const info = {
    length: sizeBytes,
    name,
    'piece length': pieceLength,
    pieces: Buffer.concat(hashes),
    private: 1,
    'qbf-nonce': randomBytes(8).toString('hex'),
  };
  const data = bencode({ 'created by': 'qbit-failover tests', 'creation date': Math.floor(Date.now() / 1000), info });
  return { data, infohash: createHash('sha1').update(bencode(info)).digest('hex') };
}

/**
 * A hybrid (v1 + v2) magnet with random hashes: `xt=urn:btih:<v1>&xt=urn:btmh:1220<v2>`, `dn=`
 * set, no trackers. qBittorrent ≥ 4.4 lists it under `listedAs` = v2[:40] (measured on 4.5.2).
 */
export function hybridMagnet(name?: string): { magnet: string; v1Magnet: string; v1: string; v2: string; listedAs: string } {
  const v1 = randomBytes(20).toString('hex');
  const v2 = randomBytes(32).toString('hex');
  const dn = encodeURIComponent(name ?? `qbf-test-hybrid-${v1.slice(0, 8)}`);
  return {
    magnet: `magnet:?xt=urn:btih:${v1}&xt=urn:btmh:1220${v2}&dn=${dn}`,
    v1Magnet: `magnet:?xt=urn:btih:${v1}&dn=${dn}`,
    v1,
    v2,
    listedAs: v2.slice(0, 40),
  };
}

/**
 * A valid single-file hybrid (BEP 52 + v1) .torrent, no announce key, `private`: one file of
 * `sizeBytes` (≤ 16 384, one v2 block) zero bytes; v1 `pieces` and the v2 `file tree` with its
 * `pieces root` (SHA-256 of the block). Returns the v1 (SHA-1) and v2 (SHA-256) infohashes.
 */
export function makeHybridTorrentFile(name: string, sizeBytes = 10_000): { data: Buffer; v1: string; v2: string } {
  const pieceLength = 16_384;
  if (sizeBytes > pieceLength) throw new Error('makeHybridTorrentFile: one block at most');
  const block = Buffer.alloc(sizeBytes);
  const info = {
    'file tree': { [name]: { '': { length: sizeBytes, 'pieces root': createHash('sha256').update(block).digest() } } },
    length: sizeBytes,
    'meta version': 2,
    name,
    'piece length': pieceLength,
    pieces: createHash('sha1').update(block).digest(),
    private: 1,
    'qbf-nonce': randomBytes(8).toString('hex'),
  };
  const encoded = bencode(info);
  const data = bencode({ 'created by': 'qbit-failover tests', 'creation date': Math.floor(Date.now() / 1000), info });
  return { data, v1: createHash('sha1').update(encoded).digest('hex'), v2: createHash('sha256').update(encoded).digest('hex') };
}
