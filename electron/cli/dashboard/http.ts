import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONTENT_SECURITY_POLICY } from '../../../shared/csp';
import { DASHBOARD_BODY_MAX_BYTES, MIB } from '../../../shared/limits';
import { errorBody } from '../../../shared/wire-error';
import { BodyTooLarge, readBody as readCappedBody } from '../../core/net/read-body';

/**
 * The dashboard's response helpers: security headers on every response, JSON and `{ error }`
 * bodies (the shared wire shape, never a stack), and the capped request-body reader.
 */

/** An error with an HTTP status, thrown inside a request handler and answered as `{ error }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Headers every response carries: the one CSP (shared/csp.ts), no sniffing, no referrer, no
 * framing, same-origin opener and resources
 * (https://www.electronjs.org/docs/latest/tutorial/security#7-define-a-content-security-policy).
 */
export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/** Sends `body` as JSON with `status`, never cached. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(data));
  // Answering before the request body was read (401/403/404 on a POST): close the connection,
  // or a keep-alive client would send its next request into the unread body and get a reset.
  if (res.req && !res.req.complete) res.setHeader('Connection', 'close');
  res.end(data);
}

/** Sends the shared `{ error: { code, message } }` body with `status`. */
export function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, errorBody(code, message));
}

/** Reads the body as UTF-8 up to {@link DASHBOARD_BODY_MAX_BYTES} (the shared reader, electron/core/net/read-body.ts). @throws HttpError 413 beyond. */
export async function readBody(req: IncomingMessage): Promise<string> {
  try {
    return (await readCappedBody(req, DASHBOARD_BODY_MAX_BYTES)).toString('utf8');
  } catch (err) {
    if (err instanceof BodyTooLarge) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `request body larger than ${DASHBOARD_BODY_MAX_BYTES / MIB} MiB`);
    throw err;
  }
}
