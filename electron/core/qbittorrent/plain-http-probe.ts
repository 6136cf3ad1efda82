import net from 'node:net';
import { QbitError, causeCodes } from './errors';

/**
 * Tells an `https://` URL pointed at a plain-http server (qBittorrent's WebUI without HTTPS) from
 * a server that is down. qBittorrent 4.5–5.x never answers a TLS ClientHello — it waits for the
 * end of an HTTP header that never comes — so the TLS handshake only ends at the connect timeout;
 * other servers answer it with an HTTP 400, which Node reports as `wrong version number`. After
 * such a failure one plain `HEAD /` (no credentials, nothing else) to the same host and port
 * settles it: an answer starting with `HTTP/` means "this server speaks http, not https".
 */

/** Longest wait of the probe (TCP connect + first bytes), ms. */
const PROBE_TIMEOUT_MS = 1_000;
/** How long a "not plain http" answer is remembered per host:port, ms (a down server is not probed at every poll). */
const NEGATIVE_TTL_MS = 300_000;
const notPlain = new Map<string, number>();

/**
 * Whether `head` (the start of an answer to a well-formed `HEAD /`) comes from a plain-http
 * server: an HTTP status line, but not 400 or nginx's 497 — what an HTTPS port says to plain
 * HTTP ("The plain HTTP request was sent to HTTPS port"), which must not pass for plain http.
 */
function isPlainAnswer(head: string): boolean {
  const m = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(head);
  return !!m && m[1] !== '400' && m[1] !== '497';
}

/** True when `host:port` answers a plain HTTP request within `timeoutMs` (see {@link isPlainAnswer}); never throws. */
export function answersPlainHttp(host: string, port: number, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve) => {
    let got = '';
    const socket = net.connect({ host, port });
    const done = (v: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('connect', () => socket.write(`HEAD / HTTP/1.0\r\nHost: ${host.includes(':') ? `[${host}]` : host}:${port}\r\n\r\n`));
    socket.on('data', (chunk: Buffer) => {
      got += chunk.toString('latin1');
      if (got.includes('\n') || got.length >= 64) done(isPlainAnswer(got));
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(isPlainAnswer(got)));
  });
}

/** Whether `err` (from talking to an `https:` URL) may be a TLS handshake with a plain-http server: a connect timeout, or a TLS protocol/reset error. */
function mayBePlainHttp(err: QbitError): boolean {
  if (err.code === 'TIMEOUT') return /Connect Timeout|UND_ERR_CONNECT_TIMEOUT/i.test(`${err.message} ${causeCodes(err).join(' ')}`);
  if (err.code === 'TLS_ERROR') return /wrong.version.number|EPROTO|packet length too long|http request/i.test(`${err.message} ${causeCodes(err).join(' ')}`);
  return err.code === 'UNKNOWN' && /reset|socket/i.test(err.message);
}

/**
 * `err` as it should reach the user for a request to `url`: when `url` is `https:`, the failure
 * looks like a handshake with a plain-http server, and the server answers plain HTTP, a
 * `TLS_ERROR` "this server speaks http, not https — use http://…" (the URL to write instead);
 * otherwise `err` unchanged. Costs at most one probe of {@link PROBE_TIMEOUT_MS} per host:port
 * every {@link NEGATIVE_TTL_MS} when the server is simply down.
 */
export async function explainHttpsToHttp(url: string, err: QbitError): Promise<QbitError> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return err;
  }
  if (u.protocol !== 'https:' || !mayBePlainHttp(err)) return err;
  const port = Number(u.port || 443);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const key = `${host}:${port}`;
  if ((notPlain.get(key) ?? 0) > Date.now()) return err;
  if (!(await answersPlainHttp(host, port))) {
    notPlain.set(key, Date.now() + NEGATIVE_TTL_MS);
    return err;
  }
  notPlain.delete(key);
  const base = new URL(url);
  base.protocol = 'http:';
  // The WebUI base the user should write: the same URL up to (not including) /api/v2.
  const suggestion = base.toString().replace(/\/api\/v2\/.*$/, '').replace(/\/+$/, '');
  return new QbitError('TLS_ERROR', `this server speaks http, not https — use ${suggestion}`, { cause: err });
}
