import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector, request, type Dispatcher } from 'undici';
import { CertificatePinError, toQbitError } from './errors';
import { explainHttpsToHttp } from './plain-http-probe';
import type { TlsOptions } from './types';

/**
 * Transport of the WebUI client: one undici {@link Agent} per client (keep-alive, TLS policy,
 * connect timeout) and a `send()` that always reads the whole body under one request timer.
 */

/** Connections kept per origin; qBittorrent serves one request at a time per connection. */
const CONNECTIONS = 8;

/** Lowercase hex without colons, for comparing fingerprints. */
export function normaliseFingerprint(fp: string): string {
  return fp.replace(/[^0-9a-f]/gi, '').toLowerCase();
}

/**
 * A connector that accepts any certificate chain but then compares the peer certificate's
 * SHA-256 fingerprint with the pin, failing the connection with {@link CertificatePinError}
 * on mismatch. TLS session resumption is off so every handshake presents the certificate.
 */
function pinnedConnector(connectTimeoutMs: number, pin: string): buildConnector.connector {
  const want = normaliseFingerprint(pin);
  const base = buildConnector({ timeout: connectTimeoutMs, rejectUnauthorized: false, maxCachedSessions: 0 });
  return (opts, callback) => {
    base(opts, (err, socket) => {
      if (err || !socket) return callback(err ?? new Error('no socket'), null);
      if (opts.protocol === 'https:') {
        const got = normaliseFingerprint((socket as TLSSocket).getPeerCertificate?.()?.fingerprint256 ?? '');
        if (got !== want) {
          socket.destroy();
          return callback(new CertificatePinError(`certificate fingerprint ${got || '(none)'} does not match the pinned ${want}`), null);
        }
      }
      callback(null, socket);
    });
  };
}

/**
 * The dispatcher of one client. `system` verifies against the system CAs, `insecure` accepts
 * any certificate, `pinned` accepts only the pinned SHA-256 fingerprint. Throws `TypeError`
 * for `pinned` without a fingerprint. Undici's own headers/body timeouts are only a 10-min
 * backstop: `send()`'s AbortSignal enforces each request's timeout (which a call may override).
 */
export function createAgent(o: { connectTimeoutMs: number; requestTimeoutMs: number; tls: TlsOptions }): Agent {
  // Our per-request AbortSignal governs; undici's own timers only guard against a leak.
  const backstop = Math.max(o.requestTimeoutMs + 1_000, 600_000);
  const common = { connections: CONNECTIONS, headersTimeout: backstop, bodyTimeout: backstop, keepAliveTimeout: 30_000 };
  if (o.tls.mode === 'pinned') {
    if (!o.tls.fingerprint256) throw new TypeError('tls.mode "pinned" needs fingerprint256');
    return new Agent({ ...common, connect: pinnedConnector(o.connectTimeoutMs, o.tls.fingerprint256) });
  }
  return new Agent({
    ...common,
    connect: { timeout: o.connectTimeoutMs, rejectUnauthorized: o.tls.mode !== 'insecure' },
  });
}

/** One HTTP answer, body read in full as UTF-8 text. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** What to send: method, absolute URL, extra headers, and an optional body (string or bytes). */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/**
 * Sends one request through `agent` and reads the whole answer, all within `timeoutMs`
 * (connect, headers and body). Never sends Origin/Referer (qBittorrent answers 401 to a
 * foreign origin). Throws {@link QbitError} (`TIMEOUT`, `CONNECTION_REFUSED`, `TLS_ERROR`,
 * `UNKNOWN`; `TLS_ERROR` "this server speaks http, not https — use http://…" when an https URL
 * reaches a plain-http server); HTTP error statuses are returned, not thrown.
 */
export async function send(agent: Dispatcher, req: HttpRequest, timeoutMs: number): Promise<HttpResponse> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await request(req.url, {
      dispatcher: agent,
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal,
    });
    const body = await res.body.text();
    return { status: res.statusCode, headers: res.headers, body };
  } catch (err) {
    // undici rejects with the signal's reason (a TimeoutError DOMException) or its own abort error.
    const e = toQbitError(signal.aborted ? (signal.reason ?? err) : err);
    // An https:// URL at a plain-http server: say so instead of a timeout (see plain-http-probe.ts).
    throw await explainHttpsToHttp(req.url, e);
  }
}
