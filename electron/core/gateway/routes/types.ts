import type { IncomingMessage } from 'node:http';
import type { GatewayAuth } from '../auth';
import type { Backend, GatewayEngine } from '../backends';
import type { Reply, RequestParams } from '../http-io';

/** What a route handler gets for one request. */
export interface RouteContext {
  engine: GatewayEngine;
  auth: GatewayAuth;
  req: IncomingMessage;
  params: RequestParams;
  /** The client's address (the socket's; proxies' headers are not trusted). */
  address: string;
  /** The client's User-Agent (for the activity log), or '' when it sent none. */
  client: string;
  /** The instances to ask now (see `Engine.gatewayBackends`). */
  backends: Backend[];
  /** Whether the gateway serves HTTPS (the session cookie is then `Secure`). */
  tls: boolean;
  /** The gateway's own username (shown in `app/preferences` in place of the instance's). */
  username: string;
}

/** One endpoint: POST-only ones answer 405 to GET (qBittorrent's `m_allowedMethod`); `public` ones need no authentication. */
export interface Route {
  postOnly?: boolean;
  public?: boolean;
  handle(ctx: RouteContext): Promise<Reply> | Reply;
}

/** Endpoints by `scope/action`, e.g. `torrents/add`. */
export type RouteTable = Record<string, Route>;
