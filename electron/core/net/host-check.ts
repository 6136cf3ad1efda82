/**
 * The one rule for which `Host` header a local HTTP server (the dashboard, the qBittorrent-compatible
 * gateway) answers: DNS rebinding defence. A web page at `http://evil.example:8089` whose name
 * is re-pointed at 127.0.0.1 reaches a loopback server with `Host: evil.example:8089` and a
 * matching `Origin`, so the Origin check alone lets it through; the `Host` check does not.
 */

/** Whether `host` (a name or address, IPv6 with or without brackets) is loopback: `127.x.x.x`, `::1`, `localhost`, `::ffff:127.0.0.1`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** How a server's {@link hostHeaderOk} is bound. */
export interface HostRule {
  /** Accept any `Host` (the user allowed serving on a network address: the names it is reached by are theirs). */
  allowAny: boolean;
  /** HTTPS (a `Host` without port then means 443, else 80). */
  tls: boolean;
  /** The port the server listens on (read per request: known only once listening). */
  port: number;
}

/**
 * Whether a request's `Host` header names this server: present, and — unless `rule.allowAny` — a
 * loopback name or address ({@link isLoopbackHost}) on `rule.port` (no port = the scheme's
 * default). An absent or empty header is refused (browsers always send one).
 */
export function hostHeaderOk(hostHeader: string | undefined, rule: HostRule): boolean {
  if (!hostHeader) return false;
  if (rule.allowAny) return true;
  const m = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d+))?$/.exec(hostHeader);
  return !!m && isLoopbackHost(m[1]!) && Number(m[2] ?? (rule.tls ? 443 : 80)) === rule.port;
}
