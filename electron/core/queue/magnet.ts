/**
 * Magnet URI helpers for the queue, all delegating to the product's ONE parser
 * (`../inputs/magnet-uri.ts`), so an entry `add` queued is read back from the file the same way:
 * infohash extraction, names, magnets built for `.torrent` payloads, and the view shape.
 */
import type { QueueEntryView } from '../../../shared/model';
import { sha1Hex } from '../digest';
import { canonicalMagnet, parseMagnetUri } from '../inputs/magnet-uri';
import type { QueueEntry } from './types';

const V1_HEX = /^[0-9a-f]{40}$/;
const V2_HEX = /^[0-9a-f]{64}$/;

/** True for a lowercase hex infohash: 40 digits (v1, SHA-1) or 64 (v2-only, SHA-256). */
export function isInfohash(value: string): boolean {
  return V1_HEX.test(value) || V2_HEX.test(value);
}

/**
 * The queue key of a `.torrent` URL that could not be downloaded yet: SHA-1 of the URL as 40
 * hex digits (the torrent's own infohash is unknown until the file is fetched at flush time).
 */
export function urlEntryKey(url: string): string {
  return sha1Hex(`url:${url.trim()}`);
}

/** True for an http(s) URL a queue file may list in `magnets` (qBittorrent's `urls` takes those too). */
export function isTorrentUrl(item: string): boolean {
  return /^https?:\/\/\S+$/i.test(item.trim()) && item.length <= 4096;
}

/** A short display name for a URL entry: its last path segment (decoded), else its host. */
export function nameOfUrl(url: string): string {
  try {
    const u = new URL(url);
    const last = decodeURIComponent(u.pathname.split('/').filter(Boolean).pop() ?? '');
    return (last || u.host).slice(0, 200);
  } catch {
    return url.slice(0, 200);
  }
}

/**
 * Infohash of a magnet URI as lowercase hex (the v1 for a hybrid, as `add` keys it), or null
 * when the string is not a magnet URI the product accepts. Never throws.
 */
export function infohashOfMagnet(uri: string): string | null {
  const r = parseMagnetUri(uri);
  return r.ok ? r.infohash : null;
}

/** Display name (`dn`) of a magnet URI, or null. Never throws. */
export function nameOfMagnet(uri: string): string | null {
  const r = parseMagnetUri(uri);
  return r.ok ? r.name : null;
}

/**
 * Magnet URI standing in for a `.torrent` payload in the file's `magnets` list, so old
 * readers still see one magnet per entry: `magnet:?xt=urn:btih:<hex>&dn=<name>` for a v1
 * (40-digit) infohash, `magnet:?xt=urn:btmh:1220<hex>&dn=<name>` for a v2-only (64-digit)
 * one. `name` is percent-encoded; omitted when null or empty.
 */
export function magnetForPayload(infohash: string, name: string | null): string {
  const hex = infohash.toLowerCase();
  return hex.length === 64 ? canonicalMagnet(null, hex, name) : canonicalMagnet(hex, null, name);
}

/** The `QueueEntryView` of `shared/model.ts` for an entry (drops the payload file name). */
export function toEntryView(e: QueueEntry): QueueEntryView {
  return {
    id: e.id,
    infohash: e.infohash,
    name: e.name,
    kind: e.kind,
    magnet: e.magnet,
    reason: e.reason,
    failures: e.failures ?? null,
    queuedAt: e.queuedAt,
    attempts: e.attempts,
    lastError: e.lastError,
    lastAttempt: e.lastAttempt,
  };
}
