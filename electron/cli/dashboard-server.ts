import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { isApiMethod, validateApiArg, type ApiBackend } from '../../shared/contract';
import type { EngineEvent } from '../../shared/model';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';
import { DASHBOARD_BODY_MAX_BYTES } from '../../shared/limits';

/**
 * The headless dashboard: serves the built renderer and bridges the shared API contract over
 * HTTP (`POST /api/<method>`, `GET /api/events`) to an {@link ApiBackend}.
 *
 * Security model (mirrors https://www.electronjs.org/docs/latest/tutorial/security for a web
 * page): loopback only by default; a random bearer token is required on every request (first as
 * `?token=`, swapped for an HttpOnly SameSite=Strict cookie); state-changing POSTs must also
 * carry the token in `X-QBF-Token` (a cross-site form cannot set headers); foreign `Origin` and
 * unknown `Host` (DNS rebinding) are refused; strict CSP on every response.
 */

/** Interval of the SSE heartbeat comment, ms. */
export const HEARTBEAT_MS = 15_000;
/** Name of the auth cookie. */
export const TOKEN_COOKIE = 'qbf_token';
/** Header that must carry the token on every POST (CSRF defence). */
export const TOKEN_HEADER = 'x-qbf-token';

/** Options of {@link startDashboardServer}. */
export interface DashboardServerOptions {
  backend: ApiBackend;
  /** Address to bind; default `127.0.0.1`. */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** Must be true to bind anything but loopback (the token then travels in clear text). */
  allowNonLoopback?: boolean;
  /** Folder of the built renderer (`out/renderer`). */
  staticDir: string;
  /** Bearer token (≥ 16 base64url characters); default 32 random bytes, base64url. */
  token?: string;
  /** Serve HTTPS with this PEM certificate and key (node:https); plain HTTP when omitted. */
  tls?: DashboardTls;
}

/** PEM certificate (chain) and private key of an HTTPS dashboard. */
export interface DashboardTls {
  cert: string | Buffer;
  key: string | Buffer;
}

/** The `tls` option's certificate or key could not be used (not PEM, key does not match, …). */
export class DashboardTlsError extends Error {
  readonly code = 'TLS_INVALID';
  constructor(detail: string) {
    super(`the TLS certificate/key cannot be used: ${detail}`);
    this.name = 'DashboardTlsError';
  }
}

/** A running dashboard server. */
export interface DashboardServer {
  /** Page URL with the token, e.g. `http://127.0.0.1:41234/?token=…` (`https://` with `tls`). */
  url: string;
  port: number;
  token: string;
  /** Ends open event streams and stops listening. */
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** True for addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** An error with an HTTP status, thrown inside the request handler. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
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

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

/** Reads the body up to {@link DASHBOARD_BODY_MAX_BYTES}; 413 beyond. */
async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > DASHBOARD_BODY_MAX_BYTES) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', 'request body larger than 16 MiB');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > DASHBOARD_BODY_MAX_BYTES) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', 'request body larger than 16 MiB');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Maps a thrown backend error to a status and a `{code,message}` body (never a stack). */
function errorBody(err: unknown): { status: number; code: string; message: string } {
  const e = (err ?? {}) as { code?: unknown; message?: unknown; httpStatus?: unknown };
  const code = typeof e.code === 'string' && e.code ? e.code : 'INTERNAL';
  const message = typeof e.message === 'string' && e.message ? e.message.slice(0, 2000) : 'internal error';
  const hs = typeof e.httpStatus === 'number' ? e.httpStatus : 0;
  return { status: hs >= 400 && hs < 600 ? hs : 500, code, message };
}

/**
 * Starts the dashboard server.
 * @throws Error when `host` is not loopback and `allowNonLoopback` is not set, or the token is
 * malformed; {@link DashboardTlsError} when `tls` holds no usable certificate/key pair; the
 * listen error (`EADDRINUSE`, …) when the port cannot be bound.
 */
export async function startDashboardServer(opts: DashboardServerOptions): Promise<DashboardServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && !opts.allowNonLoopback) {
    throw new Error(
      `refusing to serve the dashboard on non-loopback address ${host}: anyone on the network could reach it ` +
        '(allowNonLoopback is not set)',
    );
  }
  const token = opts.token ?? randomBytes(32).toString('base64url');
  if (!/^[A-Za-z0-9_-]{16,512}$/.test(token)) throw new Error('dashboard token must be 16–512 base64url characters');
  const tokenBuf = Buffer.from(token, 'utf8');
  const staticRoot = resolve(opts.staticDir);
  const streams = new Set<ServerResponse>();
  const scheme = opts.tls ? 'https' : 'http';
  let port = 0;

  const tokenMatches = (candidate: string | null | undefined): boolean => {
    if (!candidate) return false;
    const c = Buffer.from(candidate, 'utf8');
    return c.length === tokenBuf.length && timingSafeEqual(c, tokenBuf);
  };

  const allowedHost = (hostHeader: string | undefined): boolean => {
    if (!hostHeader) return false;
    if (opts.allowNonLoopback) return true;
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader);
    return !!m && isLoopbackHost(m[1]!) && Number(m[2] ?? (opts.tls ? 443 : 80)) === port;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    setSecurityHeaders(res);
    const hostHeader = req.headers.host;
    // DNS rebinding: a foreign name resolving to 127.0.0.1 must not reach us.
    if (!allowedHost(hostHeader)) return sendError(res, 403, 'FORBIDDEN', 'unexpected Host header');
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `${scheme}://${hostHeader}`) {
      return sendError(res, 403, 'FORBIDDEN', 'cross-origin request refused');
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `${scheme}://${hostHeader}`);
    } catch {
      return sendError(res, 400, 'BAD_REQUEST', 'malformed URL');
    }
    const cookieOk = tokenMatches(parseCookies(req.headers.cookie).get(TOKEN_COOKIE));
    const queryToken = url.searchParams.get('token');
    const isApi = url.pathname === '/api' || url.pathname.startsWith('/api/');

    if (req.method === 'POST') {
      if (!isApi) return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'POST only under /api/');
      const headerOk = tokenMatches(req.headers[TOKEN_HEADER] as string | undefined);
      if (!headerOk) {
        return cookieOk
          ? sendError(res, 403, 'CSRF', `state-changing calls need the ${TOKEN_HEADER} header`)
          : sendError(res, 401, 'UNAUTHORIZED', 'missing or wrong token');
      }
      return handleCall(req, res, url.pathname.slice('/api/'.length));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'method not allowed');
    }
    if (queryToken !== null && !isApi) {
      if (!tokenMatches(queryToken)) return sendError(res, 401, 'UNAUTHORIZED', 'missing or wrong token');
      // Swap the URL token for a cookie so it leaves the address bar and history.
      url.searchParams.delete('token');
      res.statusCode = 302;
      res.setHeader('Set-Cookie', `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/${opts.tls ? '; Secure' : ''}`);
      res.setHeader('Location', `${url.pathname}${url.search}`);
      res.setHeader('Cache-Control', 'no-store');
      return void res.end();
    }
    if (!cookieOk && !(isApi && tokenMatches(queryToken))) {
      return sendError(res, 401, 'UNAUTHORIZED', 'missing or wrong token');
    }
    if (url.pathname === '/api/events') return handleEvents(req, res);
    if (isApi) return sendError(res, 404, 'NOT_FOUND', 'no such endpoint');
    return serveStatic(res, url.pathname, req.method === 'HEAD');
  };

  const handleCall = async (req: IncomingMessage, res: ServerResponse, method: string): Promise<void> => {
    if (!isApiMethod(method)) return sendError(res, 404, 'UNKNOWN_METHOD', `no API method ${JSON.stringify(method)}`);
    const raw = await readBody(req);
    let arg: unknown = {};
    if (raw.trim() !== '') {
      try {
        arg = JSON.parse(raw);
      } catch {
        return sendError(res, 400, 'BAD_JSON', 'request body is not valid JSON');
      }
    }
    const checked = validateApiArg(method, arg);
    if (!checked.ok) return sendJson(res, 400, { error: checked.error });
    try {
      // Every dashboard call is remote: no reconnect-command changes, no server file paths (see CallContext).
      const result = await opts.backend.call(method, checked.value, { remote: true });
      sendJson(res, 200, result);
    } catch (err) {
      const { status, code, message } = errorBody(err);
      sendError(res, status, code, message);
    }
  };

  const handleEvents = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    streams.add(res);
    const write = (event: EngineEvent): void => void res.write(`data: ${JSON.stringify(event)}\n\n`);
    // Subscribe before reading the snapshot so nothing is lost in between; hold events until it is sent.
    let pending: EngineEvent[] | null = [];
    const unsubscribe = opts.backend.subscribe((event) => (pending ? pending.push(event) : write(event)));
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const cleanup = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    };
    req.on('close', cleanup);
    res.on('close', cleanup);
    try {
      const snapshot = await opts.backend.call('getSnapshot', {});
      write({ type: 'snapshot', snapshot });
    } catch (err) {
      res.write(`event: error\ndata: ${JSON.stringify({ error: { code: errorBody(err).code, message: errorBody(err).message } })}\n\n`);
    }
    const held = pending;
    pending = null;
    held.forEach(write);
  };

  const serveStatic = async (res: ServerResponse, pathname: string, headOnly: boolean): Promise<void> => {
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return sendError(res, 400, 'BAD_REQUEST', 'malformed path');
    }
    if (rel.includes('\0') || rel.split(/[\\/]/).includes('..')) return sendError(res, 403, 'FORBIDDEN', 'path refused');
    if (rel.endsWith('/')) rel += 'index.html';
    const file = resolve(staticRoot, `.${rel}`);
    let real: string;
    try {
      real = await realpath(file);
      const rootReal = await realpath(staticRoot);
      if (real !== rootReal && !real.startsWith(rootReal + sep)) return sendError(res, 403, 'FORBIDDEN', 'path refused');
      if (!(await stat(real)).isFile()) throw new Error('not a file');
    } catch {
      return sendError(res, 404, 'NOT_FOUND', 'not found');
    }
    let body = await readFile(real);
    const ext = extname(real).toLowerCase();
    if (ext === '.html') {
      // The cookie is HttpOnly, so hand the page its CSRF header token in a meta tag (no inline script).
      body = Buffer.from(body.toString('utf8').replace(/(<meta name="qbf-token" content=")[^"]*(")/, `$1${token}$2`));
      res.setHeader('Cache-Control', 'no-store');
    } else {
      res.setHeader('Cache-Control', 'no-cache');
    }
    res.statusCode = 200;
    res.setHeader('Content-Type', CONTENT_TYPES[ext] ?? 'application/octet-stream');
    res.setHeader('Content-Length', body.length);
    res.end(headOnly ? undefined : body);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (err instanceof HttpError) {
        // The unread rest of an oversized body makes the connection unusable: close it.
        res.setHeader('Connection', 'close');
        res.on('finish', () => req.destroy());
        return sendError(res, err.status, err.code, err.message);
      }
      sendError(res, 500, 'INTERNAL', 'internal error');
    });
  };
  let server: Server;
  if (opts.tls) {
    try {
      server = createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, onRequest);
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown };
      throw new DashboardTlsError(`${typeof e.code === 'string' ? `${e.code}: ` : ''}${String(e.message)}`);
    }
  } else {
    server = createServer(onRequest);
  }
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${scheme}://${urlHost}:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((ok) => {
        for (const s of streams) s.end();
        streams.clear();
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
