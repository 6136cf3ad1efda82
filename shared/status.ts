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

/** Human words for a status code, for lights, tooltips and the CLI. */
export function describeStatus(code: StatusCode): string {
  switch (code) {
    case 'OK':
      return 'OK';
    case 'HTTP_404':
      return 'Not found (HTTP 404)';
    case 'HTTP_403':
      return 'Forbidden (HTTP 403)';
    case 'TIMEOUT':
      return 'Timed out';
    case 'VPN_DOWN':
      return 'VPN down';
    case 'NOT_CONFIGURED':
      return 'Not configured';
    case 'AUTH_FAILED':
      return 'Wrong username or password';
    case 'BANNED':
      return 'IP banned by qBittorrent';
    case 'CONNECTION_REFUSED':
      return 'Connection refused';
    case 'TLS_ERROR':
      return 'TLS certificate error';
    case 'NO_PASSWORD':
      return 'No password stored';
    case 'NO_SESSION':
      return 'Not asked (no session; no login outside the VPN)';
    case 'REFUSED':
      return 'Refused by qBittorrent';
    case 'UNKNOWN':
      return 'Unknown';
    default:
      return `Server error (HTTP ${code.slice(5)})`;
  }
}
