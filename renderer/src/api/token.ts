/**
 * Where the dashboard page finds its API token: `?token=` in the URL (then scrubbed from the
 * address bar), the `<meta name="qbf-token">` the dashboard server fills in (its auth cookie is
 * HttpOnly, so scripts cannot read it), or a readable `qbf_token` cookie.
 */

let cached: string | null | undefined;

/** Reads the token once per page load; null when none is available. */
export function readToken(): string | null {
  if (cached !== undefined) return cached;
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    url.searchParams.delete('token');
    // Keep the secret out of history, bookmarks and screenshots.
    window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    return (cached = fromUrl);
  }
  const meta = document.querySelector<HTMLMetaElement>('meta[name="qbf-token"]')?.content;
  if (meta) return (cached = meta);
  const cookie = document.cookie
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith('qbf_token='));
  return (cached = cookie ? decodeURIComponent(cookie.slice('qbf_token='.length)) : null);
}
