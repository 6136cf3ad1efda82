/**
 * Why a `.torrent` URL could not be downloaded, in words a user can act on. `fetch` (undici)
 * throws `TypeError: fetch failed` and keeps the reason in `cause` (a system error code such as
 * `ECONNREFUSED`, or an `AggregateError` of them when a name has several addresses); our own
 * `AbortSignal.timeout` throws a `TimeoutError`.
 */

const WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found (DNS)',
  EAI_AGAIN: 'host name could not be resolved (DNS lookup failed)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
  ECONNRESET: 'connection reset by the server',
  UND_ERR_SOCKET: 'connection closed by the server',
  EPIPE: 'connection closed by the server',
  ETIMEDOUT: 'timed out',
  UND_ERR_CONNECT_TIMEOUT: 'timed out connecting',
  UND_ERR_HEADERS_TIMEOUT: 'timed out waiting for the server',
  UND_ERR_BODY_TIMEOUT: 'timed out during the download',
};

/** Errors in `err`'s `cause` chain and `AggregateError.errors`, breadth-first, bounded. */
function causes(err: unknown): { code?: unknown; name?: unknown; message?: unknown }[] {
  const out: { code?: unknown; name?: unknown; message?: unknown }[] = [];
  const todo: unknown[] = [err];
  while (todo.length && out.length < 12) {
    const cur = todo.shift();
    if (!cur || typeof cur !== 'object') continue;
    out.push(cur as { code?: unknown });
    const c = cur as { cause?: unknown; errors?: unknown };
    if (c.cause) todo.push(c.cause);
    if (Array.isArray(c.errors)) todo.push(...c.errors);
  }
  return out;
}

/**
 * True when a failed download may work later (the network, DNS, a timeout, TLS, a reset): a
 * known system or undici code, or our own timeout, in the cause chain. False for what will never
 * work (fetch's "bad port", a malformed URL).
 */
export function isTransientDownloadError(err: unknown): boolean {
  return causes(err).some((e) => {
    if (e.name === 'TimeoutError') return true;
    const code = typeof e.code === 'string' ? e.code : '';
    return !!WORDS[code] || /^(ERR_TLS_|ERR_SSL_)|CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH|^E[A-Z]+$/.test(code);
  });
}

/**
 * A short reason for a failed download: `connection refused`, `host name not found (DNS)`,
 * `timed out after 15 s`, `TLS error (CERT_HAS_EXPIRED)`, … from the first known code in the
 * error's cause chain; otherwise `network error (<code or message>)`. Never a JS-internal text
 * such as `fetch failed`. `timeoutMs` is the download's own time limit, ms.
 */
export function describeDownloadError(err: unknown, timeoutMs: number): string {
  const all = causes(err);
  for (const e of all) {
    if (e.name === 'TimeoutError') return `timed out after ${Math.round(timeoutMs / 1000)} s`;
    const code = typeof e.code === 'string' ? e.code : '';
    if (WORDS[code]) return WORDS[code]!;
    if (/^(ERR_TLS_|ERR_SSL_)|CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH/.test(code)) return `TLS error (${code})`;
  }
  const coded = all.find((e) => typeof e.code === 'string' && e.code);
  if (coded) return `network error (${String(coded.code)})`;
  const deepest = [...all].reverse().find((e) => typeof e.message === 'string' && e.message && e.message !== 'fetch failed');
  return `network error (${deepest ? String(deepest.message).slice(0, 200) : 'no detail'})`;
}
