import { describeCode } from './code-words';

/**
 * Status codes shown to the user for an instance or an add attempt.
 *
 * The first eight are the old Python tool's set (kept verbatim so scripts that grep
 * for them keep working); the rest are ours. Any 5xx answer is `HTTP_5xx` with the real
 * number (`HTTP_502`), `HTTP_500` included.
 */
export const BASE_STATUS_CODES = [
  'OK',
  'HTTP_404',
  'HTTP_403',
  'HTTP_500',
  'TIMEOUT',
  'VPN_DOWN',
  'NOT_CONFIGURED',
  'UNKNOWN',
  'AUTH_FAILED',
  'BANNED',
  'CONNECTION_REFUSED',
  'TLS_ERROR',
  'NO_PASSWORD',
  'NO_SESSION',
  'REFUSED',
] as const;

/** One of {@link BASE_STATUS_CODES}, or `HTTP_<status>` for another HTTP answer (e.g. `HTTP_502`). */
export type StatusCode = (typeof BASE_STATUS_CODES)[number] | `HTTP_${number}`;

/** State of the VPN probe: `DISABLED` when the probe is configured as `none`. */
export type VpnState = 'CONNECTED' | 'DOWN' | 'DISABLED';

/** Human words for a status code, for lights, tooltips and the CLI (the one table: `code-words.ts`). */
export function describeStatus(code: StatusCode): string {
  return describeCode(code);
}
