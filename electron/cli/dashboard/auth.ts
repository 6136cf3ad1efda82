import type { IncomingMessage } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hostHeaderOk, isLoopbackHost } from '../../core/net/host-check';

/**
 * Who may talk to the dashboard: a random bearer token on every request (first as `?token=`,
 * swapped for an HttpOnly SameSite=Strict cookie), the token again in {@link TOKEN_HEADER} on
 * every POST (a cross-site form cannot set headers: CSRF), our own `Host` only (DNS rebinding)
 * and our own `Origin` only. Mirrors https://www.electronjs.org/docs/latest/tutorial/security
 * for a web page.
 */

/** Name of the auth cookie. */
export const TOKEN_COOKIE = 'qbf_token';
/** Header that must carry the token on every POST (CSRF defence). */
export const TOKEN_HEADER = 'x-qbf-token';
/** Lifetime of the auth cookie, s: 400 days, the most Chromium keeps (RFC 6265bis caps Max-Age there). */
export const COOKIE_MAX_AGE_S = 400 * 24 * 3600;
/** Shape of a token: 16–512 base64url characters. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,512}$/;

/** True for addresses that only this machine can reach (the shared rule, electron/core/net/host-check.ts). */
export { isLoopbackHost };

/** The given token, or 32 random bytes in base64url. @throws Error when the given one is not 16–512 base64url characters. */
export function dashboardToken(given?: string): string {
  const token = given ?? randomBytes(32).toString('base64url');
  if (!TOKEN_SHAPE.test(token)) throw new Error('dashboard token must be 16–512 base64url characters');
  return token;
}

/** The checks of one server, bound to its token, scheme and (once listening) port. */
export interface DashboardAuth {
  /** Constant-time comparison with the token. */
  tokenMatches(candidate: string | null | undefined): boolean;
  /** The request carries the token in its cookie. */
  cookieOk(req: IncomingMessage): boolean;
  /** The request carries the token in {@link TOKEN_HEADER}. */
  headerOk(req: IncomingMessage): boolean;
  /** `Host` names this server (loopback + our port) unless non-loopback serving was allowed. */
  hostOk(req: IncomingMessage): boolean;
  /** No `Origin`, or exactly ours (`<scheme>://<Host>`). */
  originOk(req: IncomingMessage): boolean;
  /** `Set-Cookie` value handing the token to the browser (Secure over HTTPS). */
  cookie(): string;
}

/**
 * Builds the checks. `port()` is read on each request (the port is known only after listening);
 * `token()` too, so a rotated token applies from the next request on.
 */
export function createAuth(opts: { token: () => string; tls: boolean; allowNonLoopback: boolean; port: () => number }): DashboardAuth {
  const scheme = opts.tls ? 'https' : 'http';
  const tokenMatches = (candidate: string | null | undefined): boolean => {
    if (!candidate) return false;
    const tokenBuf = Buffer.from(opts.token(), 'utf8');
    const c = Buffer.from(candidate, 'utf8');
    return c.length === tokenBuf.length && timingSafeEqual(c, tokenBuf);
  };
  return {
    tokenMatches,
    cookieOk: (req) => tokenMatches(parseCookies(req.headers.cookie).get(TOKEN_COOKIE)),
    headerOk: (req) => tokenMatches(req.headers[TOKEN_HEADER] as string | undefined),
    hostOk: (req) => hostHeaderOk(req.headers.host, { allowAny: opts.allowNonLoopback, tls: opts.tls, port: opts.port() }),
    originOk: (req) => req.headers.origin === undefined || req.headers.origin === `${scheme}://${req.headers.host}`,
    // Persistent (the token survives restarts), so a bookmark of the bare address keeps working.
    cookie: () => `${TOKEN_COOKIE}=${opts.token()}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${COOKIE_MAX_AGE_S}${opts.tls ? '; Secure' : ''}`,
  };
}

/** `name=value` pairs of a `Cookie` header. */
function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}
