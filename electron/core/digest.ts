import { createHash } from 'node:crypto';

/**
 * The engine's content digests, in one place. SHA-1 as 40 lowercase hex digits tells whether a
 * file's text changed without keeping the text, fingerprints the queue, and keys a `.torrent` URL
 * whose infohash is not known yet (so the key has the shape of a v1 infohash and the queue file
 * stays readable by the old tool). Not a security boundary.
 */

/** SHA-1 of `text` (UTF-8), 40 lowercase hex digits. */
export function sha1Hex(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** SHA-256 of `text` (UTF-8), 64 lowercase hex digits (e.g. the version-1 failed-login record keys). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Hex digest of `JSON.stringify(items)` computed item by item, so 100 000 queue entries never
 * become one 50 MB string (issue 8: the queue at 100 000 entries). Same bytes, same digest.
 */
export function jsonArrayDigest(algorithm: 'sha1' | 'sha256', items: readonly unknown[]): string {
  const hash = createHash(algorithm).update('[');
  let batch = '';
  for (let i = 0; i < items.length; i++) {
    // JSON.stringify writes `null` for an array item it cannot represent (undefined, a function).
    batch += (i ? ',' : '') + (JSON.stringify(items[i]) ?? 'null');
    if (batch.length > 65_536) {
      hash.update(batch);
      batch = '';
    }
  }
  return hash.update(`${batch}]`).digest('hex');
}
