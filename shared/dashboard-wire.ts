/**
 * What the headless dashboard's server (electron/cli/dashboard) and its page (renderer/src/api)
 * agree on beyond the API contract: the event stream's heartbeat and the token-rotation call.
 */

/**
 * Interval of the event stream's heartbeat, ms: the server sends the named SSE event `heartbeat`
 * this often; the page treats a stream silent for {@link STREAM_SILENT_MS} as lost.
 */
export const HEARTBEAT_MS = 15_000;

/** Silence after which the page gives up on an open stream and reconnects, ms (2.5 heartbeats). */
export const STREAM_SILENT_MS = HEARTBEAT_MS * 2.5;

/** Name of the heartbeat SSE event. */
export const HEARTBEAT_EVENT = 'heartbeat';

/** Path of the rotate call (POST, token header required; 404 when the server keeps no token file). */
export const ROTATE_TOKEN_PATH = '/api/dashboard-token/rotate';

/** Reply of {@link ROTATE_TOKEN_PATH}: the new token and the page link carrying it. */
export interface RotatedToken {
  token: string;
  url: string;
}
