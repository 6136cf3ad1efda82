import type { IncomingMessage } from 'node:http';

/**
 * Origins of browser extensions (Chromium/Edge, Firefox, Safari). A web page cannot claim one, and
 * extensions that add torrents (Remote Torrent Adder, Torrent Control, …) send theirs from their
 * background page — qBittorrent users must turn its CSRF protection off for them; the gateway
 * accepts them instead, and keeps refusing web pages.
 */
const EXTENSION_ORIGIN = /^(chrome|moz|safari-web)-extension:\/\//i;

/**
 * qBittorrent's cross-site request check (webapplication.cpp `isCrossSiteRequest`): when the
 * request carries `Origin` (else `Referer`), its host and port must be the `Host` header's; a
 * mismatch is answered 401 `Unauthorized` on every endpoint. No header at all is allowed (API
 * clients send none), and so is a browser extension's origin ({@link EXTENSION_ORIGIN}). Unlike
 * qBittorrent, `X-Forwarded-Host` is not trusted.
 */
export function isCrossSite(req: IncomingMessage, tls: boolean): boolean {
  const origin = header(req, 'origin');
  const referer = header(req, 'referer');
  const claimed = origin ?? referer;
  if (claimed === undefined) return false;
  if (EXTENSION_ORIGIN.test(claimed)) return false;
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
