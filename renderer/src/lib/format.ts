import type { AddResult } from '../../../shared/model';
import { BASE_STATUS_CODES, describeStatus, type StatusCode } from '../../../shared/status';

/** "just now", "5 min ago", "3 h ago", "2 d ago"; "never" for null. `now` in ms since epoch. */
export function relativeTime(iso: string | null, now: number = Date.now()): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.round((now - t) / 1000);
  // `now` ticks every few seconds (useNow), so a fresh poll is often slightly "ahead" of it.
  if (s < -60) return 'in the future';
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** Local date and time for a tooltip. */
export function absoluteTime(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : '';
}

/** `abcdef12…9f0e` for a long infohash. */
export function shortHash(hash: string): string {
  return hash.length > 16 ? `${hash.slice(0, 8)}…${hash.slice(-4)}` : hash;
}

/** A status code right after `<instance>: `, as the engine writes them (not a word inside a torrent name). */
const STATUS_IN_TEXT = new RegExp(`(?<=: )(${BASE_STATUS_CODES.join('|')}|HTTP_\\d{3})\\b`, 'g');

/**
 * Engine messages name statuses by code (`primary: CONNECTION_REFUSED; secondary: TIMEOUT`);
 * shows them in words (`primary: connection refused; secondary: timed out`).
 */
export function statusCodesInWords(text: string): string {
  return text.replace(STATUS_IN_TEXT, (code) => (code === 'OK' ? code : describeStatus(code as StatusCode).replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase())));
}

/** Colour class of a status light: ok (green), warn (amber), off (grey) or bad (red). */
export function lightTone(status: StatusCode, usable = status === 'OK'): 'ok' | 'warn' | 'off' | 'bad' {
  if (status === 'OK') return usable ? 'ok' : 'warn';
  if (status === 'VPN_DOWN') return 'warn';
  if (status === 'NOT_CONFIGURED' || status === 'UNKNOWN') return 'off';
  return 'bad';
}

/** One add result in words: "added to primary", "already on secondary (duplicate)", "queued: …", "rejected: …". */
export function describeAddResult(r: AddResult): string {
  switch (r.outcome) {
    case 'added':
      return `added to ${r.instance ?? 'an instance'}`;
    case 'duplicate':
      return `already on ${r.instance ?? 'an instance'} (duplicate)`;
    case 'queued':
      return `queued: ${r.reason ? statusCodesInWords(r.reason) : 'no instance usable'}`;
    case 'rejected':
      return `rejected: ${r.error?.message ?? 'invalid input'}`;
  }
}

/** "3 added · 1 still queued" for a flush. */
export function flushSummary(placed: number, remaining: number): string {
  const parts = [`${placed} added`];
  if (remaining > 0) parts.push(`${remaining} still queued`);
  return parts.join(' · ');
}
