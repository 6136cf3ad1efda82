/**
 * How a WebUI URL as a user writes it becomes the base URL the client calls: the one rule for
 * `config.json`, the old tool's variables and the settings editor. The base may carry a path
 * (qBittorrent behind a reverse proxy, e.g. `https://host/qbittorrent`); the client appends
 * `/api/v2/<method>` to it.
 */

/** `/api/v2` (and anything after it, e.g. `/api/v2/` or `/api/v2/auth/login`) at the end of a URL's path. */
const API_SUFFIX = /\/api\/v2(\/[^?#]*)?\/*$/i;

/**
 * `url` without trailing slashes and without an `/api/v2` suffix (the client adds it), e.g.
 * `https://host/qbittorrent/api/v2/` → `https://host/qbittorrent`. Other text is returned trimmed.
 */
export function trimApiSuffix(url: string): string {
  const t = url.trim();
  let out = t.replace(/\/+$/, '');
  try {
    const u = new URL(t);
    if (API_SUFFIX.test(u.pathname)) {
      u.pathname = u.pathname.replace(API_SUFFIX, '') || '/';
      out = u.toString().replace(/\/+$/, '');
    }
  } catch {
    // Not a URL: the schema reports it.
  }
  return out;
}

/** `url` with `http://` in front when it has no scheme (as the old tool's `QB_HOST` was read), e.g. `nas:8080` → `http://nas:8080`. */
export function withScheme(url: string): string {
  const t = url.trim();
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : `http://${t}`;
}
