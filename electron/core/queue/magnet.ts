/**
 * Magnet URI helpers for the queue: infohash extraction (via `@ctrl/magnet-link`), magnets
 * built for `.torrent` payloads, and the view shape of the shared contract.
 */
import { magnetDecode } from '@ctrl/magnet-link';
import type { QueueEntryView } from '../../../shared/model';
import type { QueueEntry } from './types';

const V1_HEX = /^[0-9a-f]{40}$/;
const V2_HEX = /^[0-9a-f]{64}$/;

/** True for a lowercase hex infohash: 40 digits (v1, SHA-1) or 64 (v2-only, SHA-256). */
export function isInfohash(value: string): boolean {
  return V1_HEX.test(value) || V2_HEX.test(value);
}

/**
 * Infohash of a magnet URI as lowercase hex, or null when the string is not a magnet with
 * a valid `xt=urn:btih:` (hex or base32) or `xt=urn:btmh:1220…`. A hybrid magnet is keyed by
 * its v1 infohash, as qBittorrent reports it. Never throws.
 */
export function infohashOfMagnet(uri: string): string | null {
  if (typeof uri !== 'string' || !uri.trim().toLowerCase().startsWith('magnet:?')) return null;
  try {
    const data = magnetDecode(uri.trim());
    const v1 = data.infoHash?.toLowerCase();
    if (v1 && V1_HEX.test(v1)) return v1;
    const v2 = data.infoHashV2?.toLowerCase();
    if (v2 && V2_HEX.test(v2)) return v2;
    return null;
  } catch {
    // base32 decoding throws on characters outside the alphabet.
    return null;
  }
}

/** Display name (`dn`) of a magnet URI, or null. Never throws. */
export function nameOfMagnet(uri: string): string | null {
  try {
    const dn = magnetDecode(uri).dn;
    const name = Array.isArray(dn) ? dn[0] : dn;
    return typeof name === 'string' && name.length > 0 ? name : null;
  } catch {
    return null;
  }
}

/**
 * Magnet URI standing in for a `.torrent` payload in the file's `magnets` list, so old
 * readers still see one magnet per entry: `magnet:?xt=urn:btih:<hex>&dn=<name>` for a v1
 * (40-digit) infohash, `magnet:?xt=urn:btmh:1220<hex>&dn=<name>` for a v2-only (64-digit)
 * one. `name` is percent-encoded; omitted when null or empty.
 */
export function magnetForPayload(infohash: string, name: string | null): string {
  const hex = infohash.toLowerCase();
  const xt = hex.length === 64 ? `urn:btmh:1220${hex}` : `urn:btih:${hex}`;
  const dn = name ? `&dn=${encodeURIComponent(name)}` : '';
  return `magnet:?xt=${xt}${dn}`;
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
    queuedAt: e.queuedAt,
    attempts: e.attempts,
    lastError: e.lastError,
    lastAttempt: e.lastAttempt,
  };
}
