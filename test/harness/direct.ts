/**
 * An independent, minimal WebUI client for test assertions: plain `fetch` from Node (no
 * Origin/Referer), sharing no code with electron/core/qbittorrent, so a test can check what
 * a server really holds without trusting the client under test.
 */

/** The part of a harness instance this helper needs. */
export interface DirectTarget {
  url: string;
  username: string;
  password: string;
}

/** Cookies by server URL, so repeated assertions reuse one session. */
const cookies = new Map<string, string>();

/**
 * POSTs a login with the given (default: the instance's) credentials. Returns the raw answer
 * (`status`, `body`) and, on success, stores the `name=value` cookie from Set-Cookie.
 */
export async function directLogin(
  q: DirectTarget,
  creds: { username?: string; password?: string } = {},
): Promise<{ status: number; body: string; cookie: string | null }> {
  const res = await fetch(`${q.url}/api/v2/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: creds.username ?? q.username, password: creds.password ?? q.password }),
    signal: AbortSignal.timeout(5_000),
  });
  const body = await res.text();
  const set = res.headers.get('set-cookie');
  const cookie = set ? (set.split(';')[0] ?? null) : null;
  if (cookie && (body === 'Ok.' || res.status === 204)) cookies.set(q.url, cookie);
  return { status: res.status, body, cookie };
}

/** GET an API path with the stored session, logging in (once) when needed. */
async function get(q: DirectTarget, path: string): Promise<Response> {
  for (let attempt = 0; attempt < 2; attempt++) {
    if (!cookies.has(q.url)) {
      const r = await directLogin(q);
      if (!r.cookie) throw new Error(`direct login to ${q.url} failed: ${r.status} ${r.body}`);
    }
    const res = await fetch(`${q.url}${path}`, {
      headers: { cookie: cookies.get(q.url) ?? '' },
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status !== 403) return res;
    await res.arrayBuffer();
    cookies.delete(q.url);
  }
  throw new Error(`direct GET ${path} on ${q.url}: 403 after re-login`);
}

/** Torrents on the server (`torrents/info`), optionally filtered by hashes. */
export async function listTorrents(q: DirectTarget, hashes?: string[]): Promise<Record<string, unknown>[]> {
  const qs = hashes ? `?hashes=${hashes.join('|')}` : '';
  const res = await get(q, `/api/v2/torrents/info${qs}`);
  if (!res.ok) throw new Error(`torrents/info: HTTP ${res.status}`);
  return (await res.json()) as Record<string, unknown>[];
}

/** Lowercase hex infohashes of every torrent on the server. */
export async function listHashes(q: DirectTarget): Promise<string[]> {
  return (await listTorrents(q)).map((t) => String(t.hash).toLowerCase());
}

/**
 * Polls (every 50 ms) until every hash is present on the server; returns the time taken, ms.
 * Throws listing the missing ones after `timeoutMs`.
 */
export async function waitForHashes(q: DirectTarget, hashes: string[], timeoutMs = 5_000): Promise<number> {
  const start = Date.now();
  const want = hashes.map((h) => h.toLowerCase());
  let missing = want;
  for (;;) {
    const have = new Set(await listHashes(q));
    missing = want.filter((h) => !have.has(h));
    if (missing.length === 0) return Date.now() - start;
    if (Date.now() - start > timeoutMs) {
      throw new Error(`${missing.length} of ${want.length} hashes missing on ${q.url} after ${timeoutMs} ms: ${missing.slice(0, 5).join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Forgets the stored session of a server (e.g. after its restart). */
export function forgetDirectSession(q: DirectTarget): void {
  cookies.delete(q.url);
}
