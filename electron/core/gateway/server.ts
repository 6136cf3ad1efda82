import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '../logger';
import { GatewayAuth } from './auth';
import type { GatewayEngine } from './backends';
import { NO_GATEWAY_PASSWORD, type GatewayCredentials } from './credentials';
import { GATEWAY_BODY_MAX_BYTES, GATEWAY_PUBLIC_BODY_MAX_BYTES } from '../../../shared/limits';
import { BodyTooLarge, readParams, text, writeReply, type Reply } from './http-io';
import { isCrossSite } from './origin';
import { hostHeaderOk, isLoopbackHost } from '../net/host-check';
import { appRoutes } from './routes/app';
import { authRoutes } from './routes/auth';
import { torrentRoutes } from './routes/torrents';
import { transferSyncRoutes } from './routes/transfer-sync';
import type { RouteTable } from './routes/types';

/**
 * The qBittorrent-compatible gateway: serves `/api/v2/*` as qBittorrent 5.1 does, in front of the
 * engine (failover, duplicates, confirmation, the durable queue) — the same engine, never a
 * second one. Sonarr, Radarr, Prowlarr, qbittorrent-api scripts and browser extensions pointed at
 * it work unchanged.
 */

/** How {@link startGateway} is started. Absent fields come from the engine's `gateway` settings and secrets. */
export interface GatewayOptions {
  /** Address to bind (default: settings `gateway.host`, `127.0.0.1`). A non-loopback one needs `allowRemote`. */
  host?: string;
  /** TCP port (default: settings `gateway.port`, 8089); 0 = any free port. */
  port?: number;
  /**
   * Allow a non-loopback `host` (warns when not TLS: passwords would cross the network in clear
   * text). Bound to loopback, the gateway answers only a loopback `Host` on its own port (DNS
   * rebinding: anything else is 401); bound to a network address it answers any `Host`, since the
   * names it is reached by are the user's.
   */
  allowRemote?: boolean;
  /** Serve HTTPS with this PEM certificate and key. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Credentials to require instead of the stored ones (tests, the environment override). */
  username?: string;
  password?: string;
  apiKey?: string;
  logger?: Logger;
}

/** A running gateway. */
export interface GatewayHandle {
  /** e.g. `http://127.0.0.1:8089` (no trailing slash). */
  url: string;
  port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/**
 * Why the gateway did not start: `NO_PASSWORD`, `REMOTE_NOT_ALLOWED`, `LISTEN` (port in use,
 * address not here), `TLS` (certificate or key does not load). For `LISTEN` and `TLS`, `cause` is
 * the operating system's or Node's error (its `code`, e.g. `EADDRINUSE`, tells the cases apart).
 */
export class GatewayError extends Error {
  constructor(
    readonly code: 'NO_PASSWORD' | 'REMOTE_NOT_ALLOWED' | 'LISTEN' | 'TLS',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GatewayError';
  }
}

export { isLoopbackHost };

const ROUTES: RouteTable = { ...authRoutes, ...appRoutes, ...torrentRoutes, ...transferSyncRoutes };

/** How often a running gateway re-reads its credentials from the secret store, ms (a password set by another process). */
export const CREDENTIALS_REFRESH_MS = 5_000;

/** `/api/v2/<scope>/<action>`. */
const API_PATH = /^\/api\/v2\/([A-Za-z]+)\/([A-Za-z]+)\/?$/;

/**
 * Starts the gateway on `options.host:options.port` (defaults from settings `gateway`).
 * @throws GatewayError `NO_PASSWORD` when no gateway password is set (stored or in the
 * environment), `REMOTE_NOT_ALLOWED` for a non-loopback host without `allowRemote`, `TLS`,
 * `LISTEN` (the port is in use, the address is not this machine's).
 */
export async function startGateway(engine: GatewayEngine, options: GatewayOptions = {}): Promise<GatewayHandle> {
  const settings = engine.currentSettings().gateway;
  const host = options.host ?? settings.host;
  const port = options.port ?? settings.port;
  const log = options.logger ?? silentLogger;
  if (!isLoopbackHost(host) && !options.allowRemote) {
    throw new GatewayError('REMOTE_NOT_ALLOWED', `refusing to serve the gateway on non-loopback address ${host}: add --allow-remote (with --tls-cert/--tls-key)`);
  }
  const loadCreds = async (): Promise<GatewayCredentials> => {
    const stored = await engine.gatewayCredentials();
    return { username: options.username ?? stored.username, password: options.password ?? stored.password, apiKey: options.apiKey ?? stored.apiKey };
  };
  let creds = await loadCreds();
  if (!creds.password) throw new GatewayError('NO_PASSWORD', NO_GATEWAY_PASSWORD);
  const auth = new GatewayAuth(creds);
  // A password or key changed while running applies at once when changed in this process (the
  // engine's event), and within CREDENTIALS_REFRESH_MS when changed by another (the CLI).
  // A password removed while running stops every request at once (see GatewayAuth.update); the
  // runner (runner.ts) then closes the gateway until a new one is set.
  const onCreds = (): void => {
    void loadCreds().then((c) => {
      creds = c;
      auth.update(c);
    }, () => undefined);
  };
  const tls = !!options.tls;
  /** The port bound (known once listening), for the `Host` check. */
  let boundPort = 0;
  // DNS rebinding: on loopback, only a loopback Host on our port (electron/core/net/host-check.ts).
  // Served on a network address (--allow-remote) the user chose the names it is reached by: any Host.
  const hostRule = (): { allowAny: boolean; tls: boolean; port: number } => ({ allowAny: !isLoopbackHost(host), tls, port: boundPort });
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    void serve(req, res).catch((err: Error) => {
      // The path only: a query string may carry what a client should not have put there.
      log.warn(`gateway: ${req.method} ${(req.url ?? '').split('?')[0]}: ${err.message}`);
      if (!res.headersSent) writeReply(res, text('Internal Server Error', 500));
      else res.destroy();
    });
  };
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const reply = await answer(req);
    writeReply(res, reply);
  };
  const answer = async (req: IncomingMessage): Promise<Reply> => {
    // A foreign Host is refused before anything else: no body read, no login counted.
    if (!hostHeaderOk(req.headers.host, hostRule())) return text('Unauthorized', 401);
    if (isCrossSite(req, tls)) return text('Unauthorized', 401);
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    const m = API_PATH.exec(url.pathname);
    if (!m) return text('Not Found', 404);
    const route = ROUTES[`${m[1]}/${m[2]}`];
    const address = req.socket.remoteAddress ?? '';
    if (!route?.public) {
      const ok = auth.check(req, address);
      if (!ok.ok) return text(ok.text, ok.status);
    }
    // qBittorrent 5.1 answers a bare "Not Found"; later versions say "Endpoint does not exist" (apicontroller.cpp).
    if (!route) return text('Endpoint does not exist', 404);
    if ((req.method !== 'GET' && req.method !== 'POST') || (route.postOnly && req.method !== 'POST')) return text('Method Not Allowed', 405);
    let params;
    try {
      params = await readParams(req, url, route.public ? GATEWAY_PUBLIC_BODY_MAX_BYTES : GATEWAY_BODY_MAX_BYTES);
    } catch (err) {
      // qBittorrent answers a body over its limit with 400 and closes the connection
      // (src/base/http/requestparser.cpp MAX_CONTENT_SIZE, connection.cpp abort()). The rest of
      // the body stays unread (writeReply adds `connection: close`).
      if (err instanceof BodyTooLarge) log.warn(`gateway: ${req.method} ${url.pathname}: ${err.message}, refused`);
      return text('Bad Request', 400);
    }
    const ua = req.headers['user-agent'];
    return route.handle({
      engine,
      auth,
      req,
      params,
      address,
      client: typeof ua === 'string' ? ua : '',
      backends: engine.gatewayBackends(),
      username: creds.username,
      tls,
    });
  };

  let server: Server;
  try {
    server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler) : createHttpServer(handler);
  } catch (err) {
    throw new GatewayError('TLS', `the TLS certificate or key does not load: ${(err as Error).message}`, { cause: err });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? `port ${port} is in use by another program` : err.code === 'EADDRNOTAVAIL' ? `${host} is not an address of this machine` : err.message;
      reject(new GatewayError('LISTEN', `cannot start the gateway on ${host}:${port}: ${why}`, { cause: err }));
    });
    server.listen(port, host, () => resolve());
  });
  server.on('error', (err) => log.warn(`gateway: ${err.message}`));
  engine.on('gatewayCredentials', onCreds);
  const refresh = setInterval(onCreds, CREDENTIALS_REFRESH_MS);
  refresh.unref();
  const bound = (server.address() as AddressInfo).port;
  boundPort = bound;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `${tls ? 'https' : 'http'}://${shownHost}:${bound}`;
  engine.noteGatewayUrl(url);
  if (!isLoopbackHost(host) && !tls) log.warn('the gateway is served over plain HTTP on a network address: its password travels in clear text. Use --tls-cert/--tls-key.');
  return {
    url,
    port: bound,
    close: async () => {
      engine.off('gatewayCredentials', onCreds);
      clearInterval(refresh);
      engine.noteGatewayUrl(null);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
