import type { StatusCode } from '../../../shared/status';

/**
 * Typed errors of the WebUI client. Every failure a caller sees is a {@link QbitError} whose
 * `code` is a shared {@link StatusCode}, so the UI can show it without parsing messages.
 */

/** An error from talking to one qBittorrent instance, with a status code the UI can show. */
export class QbitError extends Error {
  override readonly name = 'QbitError';
  /** `AUTH_FAILED`, `BANNED`, `TIMEOUT`, `CONNECTION_REFUSED`, `TLS_ERROR`, `HTTP_<n>` or `UNKNOWN`. */
  readonly code: StatusCode;
  /** HTTP status of the answer, when there was one. */
  readonly httpStatus?: number;

  /** `cause` keeps the original undici/system error for logs. */
  constructor(code: StatusCode, message: string, options: { httpStatus?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.httpStatus !== undefined) this.httpStatus = options.httpStatus;
  }
}

/** Raised by the pinned-certificate connector when the peer's SHA-256 fingerprint differs. */
export class CertificatePinError extends Error {
  override readonly name = 'CertificatePinError';
  /** Fixed code so {@link toQbitError} maps it to `TLS_ERROR`. */
  readonly code = 'ERR_QBF_CERT_PIN_MISMATCH';
}

/** The HTTP status as a status code: `HTTP_404`, `HTTP_403`, `HTTP_502`, … */
export function httpStatusCode(status: number): StatusCode {
  return `HTTP_${status}` as StatusCode;
}

/**
 * Error for an unexpected HTTP answer. The server's own words (first 200 characters of the
 * body, e.g. qBittorrent's 415 "Error: 'x' is not a valid torrent file.") go in the message.
 */
export function httpError(status: number, body: string, what: string): QbitError {
  const text = body.trim().slice(0, 200);
  return new QbitError(httpStatusCode(status), `${what}: HTTP ${status}${text ? ` — ${text}` : ''}`, { httpStatus: status });
}

/** Node's TLS verification error codes (openssl `X509_V_ERR_*` names) and wrapper codes. */
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|ERR_QBF_CERT_PIN|EPROTO$)|CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH/;
const UNREACHABLE = new Set(['ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EADDRNOTAVAIL']);
const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT', 'ABORT_ERR']);

/** Yields `err` and its `cause` chain (bounded), so wrapped system errors are found. */
function* chain(err: unknown): Generator<{ code?: unknown; name?: unknown; message?: unknown }> {
  let cur: unknown = err;
  for (let depth = 0; depth < 6 && cur && typeof cur === 'object'; depth++) {
    yield cur as { code?: unknown; name?: unknown; message?: unknown };
    cur = (cur as { cause?: unknown }).cause;
  }
}

/**
 * Maps anything thrown while talking to an instance to a {@link QbitError}:
 * ECONNREFUSED (and unreachable/DNS failures) → `CONNECTION_REFUSED`; connect, headers or
 * body timeouts and our own request timer (`AbortSignal.timeout`) → `TIMEOUT`; certificate,
 * TLS handshake and pin mismatches → `TLS_ERROR`; anything else → `UNKNOWN`.
 * A `QbitError` is returned unchanged.
 */
export function toQbitError(err: unknown): QbitError {
  if (err instanceof QbitError) return err;
  const first = chain(err).next().value as { message?: unknown } | undefined;
  const msg = typeof first?.message === 'string' && first.message ? first.message : String(err);
  for (const e of chain(err)) {
    const code = typeof e.code === 'string' ? e.code : '';
    const name = typeof e.name === 'string' ? e.name : '';
    if (code === 'ECONNREFUSED') return new QbitError('CONNECTION_REFUSED', `connection refused (${msg})`, { cause: err });
    if (UNREACHABLE.has(code)) return new QbitError('CONNECTION_REFUSED', `unreachable: ${code} (${msg})`, { cause: err });
    if (TIMEOUTS.has(code) || name === 'TimeoutError') return new QbitError('TIMEOUT', `timed out (${msg})`, { cause: err });
    if (code && TLS_CODE.test(code)) return new QbitError('TLS_ERROR', `TLS error: ${code} (${msg})`, { cause: err });
  }
  for (const e of chain(err)) {
    // An abort that is not our timer (e.g. the client was closed) is not a timeout.
    const code = typeof e.code === 'string' ? e.code : '';
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
      return new QbitError('UNKNOWN', `connection reset by the server (${msg})`, { cause: err });
    }
  }
  return new QbitError('UNKNOWN', msg, { cause: err });
}

/** The `code`s along an error's `cause` chain, outermost first (at most 6 levels), e.g. `['UND_ERR_CONNECT_TIMEOUT']` under undici's "fetch failed". */
export function causeCodes(err: unknown): string[] {
  return [...chain(err)].flatMap((e) => (typeof e.code === 'string' ? [e.code] : []));
}
