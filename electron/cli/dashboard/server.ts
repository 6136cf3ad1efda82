import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isApiMethod, validateApiArg, type ApiBackend } from '../../../shared/contract';
import { toWireError } from '../../../shared/wire-error';
import { createAuth, dashboardToken, isLoopbackHost, TOKEN_COOKIE, TOKEN_HEADER, type DashboardAuth } from './auth';
import { streamEvents } from './events';
import { sendHelpPage } from './help-page';
import { ROTATE_TOKEN_PATH, type RotatedToken } from '../../../shared/dashboard-wire';
import { HttpError, readBody, sendError, sendJson, setSecurityHeaders } from './http';
import { serveStatic } from './static';

/**
 * The headless dashboard: serves the built renderer ({@link serveStatic}) and bridges the shared
 * API contract over HTTP — `POST /api/<method>` (JSON) and `GET /api/events` (server-sent events,
 * {@link streamEvents}) — to an {@link ApiBackend}. Who may call is decided in `auth.ts`; errors
 * reach the wire through the shared mapping (shared/wire-error.ts), as over Electron IPC.
 * Loopback only unless `allowNonLoopback`.
 */

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
  /**
   * Where the token is kept (`serve`: the `dashboard-token` file, see token-file.ts). With it the
   * settings view can rotate the token (`POST /api/dashboard-token/rotate`), and a rotation by
   * another process (`qbit-failover dashboard-token --rotate`) is picked up. Without it the token
   * lives as long as the server and cannot be rotated.
   */
  tokenStore?: DashboardTokenStore;
  /** Serve HTTPS with this PEM certificate and key (node:https); plain HTTP when omitted. */
  tls?: DashboardTls;
}

/** Persistence of the dashboard token (see {@link DashboardServerOptions.tokenStore}). */
export interface DashboardTokenStore {
  /** Stores a new random token and returns it. @throws the storage error (the old token stays). */
  rotate(): Promise<string>;
  /** Calls `onChange` with the new token when it was changed elsewhere; returns a stop function. */
  watch(onChange: (token: string) => void): () => void;
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
  /** Page URL with the current token, e.g. `http://127.0.0.1:41234/?token=…` (`https://` with `tls`). */
  readonly url: string;
  /** Page URL without the token, e.g. `http://127.0.0.1:41234/`. */
  readonly base: string;
  port: number;
  /** The current token (changes when rotated). */
  readonly token: string;
  /** Ends open event streams and stops listening. */
  close(): Promise<void>;
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
  let token = dashboardToken(opts.token);
  const scheme = opts.tls ? 'https' : 'http';
  const streams = new Set<ServerResponse>();
  let port = 0;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const base = (): string => `${scheme}://${urlHost}:${port}/`;
  const auth = createAuth({ token: () => token, tls: !!opts.tls, allowNonLoopback: !!opts.allowNonLoopback, port: () => port });
  /** A new token applies at once: open event streams were opened with the old one, so they end. */
  const useToken = (next: string): void => {
    if (next === token) return;
    token = next;
    for (const s of streams) s.end();
    streams.clear();
  };
  const rotate = opts.tokenStore
    ? async (): Promise<RotatedToken> => {
        useToken(await opts.tokenStore!.rotate());
        return { token, url: `${base()}?token=${token}` };
      }
    : null;
  const handle = (req: IncomingMessage, res: ServerResponse) => route(req, res, { opts, auth, token: () => token, scheme, streams, rotate });

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
  const unwatch = opts.tokenStore?.watch(useToken) ?? (() => undefined);
  return {
    get url() {
      return `${base()}?token=${token}`;
    },
    get base() {
      return base();
    },
    port,
    get token() {
      return token;
    },
    close: () =>
      new Promise<void>((ok) => {
        unwatch();
        for (const s of streams) s.end();
        streams.clear();
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

/** What {@link route} needs of its server. */
interface RouteContext {
  opts: DashboardServerOptions;
  auth: DashboardAuth;
  token: () => string;
  scheme: string;
  streams: Set<ServerResponse>;
  /** Rotates the token (null without a token store). */
  rotate: (() => Promise<RotatedToken>) | null;
}

/**
 * One request: Host and Origin checks, then POST `/api/<method>` (token header required), the
 * `?token=` → cookie swap, GET `/api/events`, or a static file (cookie required). A page request
 * without a valid token gets the help page (help-page.ts); API requests get `{ error }` JSON.
 */
async function route(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): Promise<void> {
  const { auth } = ctx;
  setSecurityHeaders(res);
  // DNS rebinding: a foreign name resolving to 127.0.0.1 must not reach us.
  if (!auth.hostOk(req)) return sendError(res, 403, 'FORBIDDEN', 'unexpected Host header');
  if (!auth.originOk(req)) return sendError(res, 403, 'FORBIDDEN', 'cross-origin request refused');
  let url: URL;
  try {
    url = new URL(req.url ?? '/', `${ctx.scheme}://${req.headers.host}`);
  } catch {
    return sendError(res, 400, 'BAD_REQUEST', 'malformed URL');
  }
  const cookieOk = auth.cookieOk(req);
  const queryToken = url.searchParams.get('token');
  const isApi = url.pathname === '/api' || url.pathname.startsWith('/api/');

  if (req.method === 'POST') {
    if (!isApi) return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'POST only under /api/');
    if (!auth.headerOk(req)) {
      return cookieOk
        ? sendError(res, 403, 'CSRF', `state-changing calls need the ${TOKEN_HEADER} header`)
        : sendError(res, 401, 'UNAUTHORIZED', 'missing or wrong token');
    }
    if (url.pathname === ROTATE_TOKEN_PATH) return handleRotate(res, ctx);
    return handleCall(req, res, ctx.opts.backend, url.pathname.slice('/api/'.length));
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'method not allowed');
  }
  if (queryToken !== null && !isApi) {
    if (!auth.tokenMatches(queryToken)) return sendHelpPage(res, 'wrong', req.method === 'HEAD');
    // Swap the URL token for a cookie so it leaves the address bar and history.
    url.searchParams.delete('token');
    res.statusCode = 302;
    res.setHeader('Set-Cookie', auth.cookie());
    res.setHeader('Location', `${url.pathname}${url.search}`);
    res.setHeader('Cache-Control', 'no-store');
    return void res.end();
  }
  if (!cookieOk && !(isApi && auth.tokenMatches(queryToken))) {
    if (isApi) return sendError(res, 401, 'UNAUTHORIZED', 'missing or wrong token');
    return sendHelpPage(res, req.headers.cookie?.includes(`${TOKEN_COOKIE}=`) ? 'wrong' : 'missing', req.method === 'HEAD');
  }
  if (url.pathname === '/api/events') return streamEvents(req, res, ctx.opts.backend, ctx.streams);
  if (isApi) return sendError(res, 404, 'NOT_FOUND', 'no such endpoint');
  return serveStatic(res, ctx.opts.staticDir, url.pathname, ctx.token(), req.method === 'HEAD');
}

/**
 * `POST /api/dashboard-token/rotate`: a new token, handed to this browser as its cookie at once;
 * every other page (and old link) is refused from now on. 404 when the server has no token store.
 */
async function handleRotate(res: ServerResponse, ctx: RouteContext): Promise<void> {
  if (!ctx.rotate) return sendError(res, 404, 'NOT_FOUND', 'this dashboard cannot rotate its token');
  let rotated: RotatedToken;
  try {
    rotated = await ctx.rotate();
  } catch (err) {
    return sendError(res, 500, 'TOKEN_NOT_SAVED', `the new token could not be saved: ${(err as Error).message}`);
  }
  res.setHeader('Set-Cookie', ctx.auth.cookie());
  sendJson(res, 200, rotated);
}

/** `POST /api/<method>`: JSON argument → validation → backend call (always `remote`) → JSON result or the shared `{ error }`. */
async function handleCall(req: IncomingMessage, res: ServerResponse, backend: ApiBackend, method: string): Promise<void> {
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
    sendJson(res, 200, await backend.call(method, checked.value, { remote: true }));
  } catch (err) {
    const wire = toWireError(err);
    sendJson(res, wire.status, wire.body);
  }
}
