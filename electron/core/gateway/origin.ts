import type { IncomingMessage } from 'node:http';

/**
 * qBittorrent's cross-site request check (webapplication.cpp `isCrossSiteRequest`): when the
 * request carries `Origin` (else `Referer`), its host and port must be the `Host` header's; a
 * mismatch is answered 401 `Unauthorized` on every endpoint. No header at all is allowed (API
 * clients send none). Unlike qBittorrent, `X-Forwarded-Host` is not trusted.
 */
export function isCrossSite(req: IncomingMessage, tls: boolean): boolean {
  const origin = header(req, 'origin');
  const referer = header(req, 'referer');
  const claimed = origin ?? referer;
  if (claimed === undefined) return false;
  const host = header(req, 'host');
  if (!host) return true;
  const scheme = tls ? 'https' : 'http';
  const target = hostPort(`${scheme}://${host}`, tls);
  const source = hostPort(claimed, tls);
  return !target || !source || target !== source;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
}

/** `host:port` of a URL (default port made explicit), or null when it does not parse (`null`, `app://x` without host). */
function hostPort(url: string, tls: boolean): string | null {
  try {
    const u = new URL(url);
    if (!u.hostname) return null;
    const port = u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : tls ? '443' : '80');
    return `${u.hostname.toLowerCase()}:${port}`;
  } catch {
    return null;
  }
}
