import { createHash } from 'node:crypto';

/**
 * The one content digest of the engine: SHA-1 as 40 lowercase hex digits. Used to tell whether a
 * file's text changed without keeping the text, to fingerprint the queue, and as the queue key of
 * a `.torrent` URL whose infohash is not known yet (SHA-1, so the key has the shape of a v1
 * infohash and the queue file stays readable by the old tool). Not a security boundary.
 */

/** SHA-1 of `text` (UTF-8), 40 lowercase hex digits. */
export function sha1Hex(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
