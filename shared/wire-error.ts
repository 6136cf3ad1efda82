/**
 * The one mapping of a failure to the wire, used by both shells (Electron IPC replies, the
 * dashboard's HTTP bridge), and the one error class a UI sees for a failed call. Nothing here
 * carries a stack trace: only a typed code, words, and (over HTTP) a status.
 */

/** Error returned by a call: a typed code and words, never a stack trace. */
export interface ApiErrorBody {
  error: { code: string; message: string };
}

/**
 * Reply of every IPC call: `{ result }` on success or `{ error: { code, message } }`. The success
 * value is wrapped because some results (e.g. `InstanceHealth`) have their own `error` field, so a
 * bare result could be mistaken for a failure.
 */
export type IpcReply<T = unknown> = { result: T } | ApiErrorBody;

/** Longest message sent on the wire, characters (a longer one is cut). */
export const WIRE_MESSAGE_MAX_CHARS = 2_000;

/** Shape of an error code on the wire: a status code such as `AUTH_FAILED`, `HTTP_502`, `QUEUE_WRITE_FAILED`. */
const CODE = /^[A-Z][A-Z0-9_]{1,63}$/;

/** A mapped failure: the HTTP status (400–599; 500 unless the error names one) and the body. */
export interface WireError {
  status: number;
  body: ApiErrorBody;
}

/** An `{ error }` body from a code and words (message cut at {@link WIRE_MESSAGE_MAX_CHARS}). */
export function errorBody(code: string, message: string): ApiErrorBody {
  return { error: { code, message: message.slice(0, WIRE_MESSAGE_MAX_CHARS) } };
}

/**
 * Maps anything thrown by the backend to the wire: keeps a string `code` that looks like a status
 * code, else `INTERNAL`; the message is the error's (or the string thrown), else "internal error";
 * `httpStatus` (400–599) when the error carries one (`COMMAND_LOCKED` → 403, `NOT_CONFIGURED` → 404),
 * else 500. Never throws, never includes a stack.
 */
export function toWireError(err: unknown): WireError {
  const e = (err && typeof err === 'object' ? err : {}) as { code?: unknown; message?: unknown; httpStatus?: unknown };
  const code = typeof e.code === 'string' && CODE.test(e.code) ? e.code : 'INTERNAL';
  const message =
    typeof e.message === 'string' && e.message ? e.message : typeof err === 'string' && err ? err : 'internal error';
  const hs = typeof e.httpStatus === 'number' ? e.httpStatus : 0;
  return { status: hs >= 400 && hs < 600 ? hs : 500, body: errorBody(code, message) };
}

/**
 * A failed call as a UI sees it, whatever the transport: the typed `code`, the words, and the
 * HTTP status (0 over IPC, or when the dashboard server cannot be reached).
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 0,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /**
   * The error of an `{ error }` body, or null when `body` is not one. The message is prefixed with
   * the code when `codeInMessage` (contextBridge copies only an Error's message across worlds, not
   * custom properties: https://www.electronjs.org/docs/latest/api/context-bridge#parameter--error--return-type-support).
   */
  static fromBody(body: unknown, status = 0): ApiError | null {
    const err = body && typeof body === 'object' ? (body as Partial<ApiErrorBody>).error : undefined;
    if (!err || typeof err !== 'object') return null;
    return new ApiError(String(err.code ?? 'UNKNOWN'), String(err.message ?? 'call failed'), status);
  }

  /**
   * An ApiError back from an Error that crossed Electron's contextBridge, whose message is
   * `CODE: words` (see {@link codedMessage}); other errors become `INTERNAL`.
   */
  static fromCrossed(err: unknown): ApiError {
    if (err instanceof ApiError) return err;
    const message = err instanceof Error ? err.message : String(err);
    // Electron prefixes an error rethrown from a preload with "Error invoking remote method …: " in some versions.
    const m = /(?:^|: )([A-Z][A-Z0-9_]{1,63}): ([\s\S]*)$/.exec(message);
    return m ? new ApiError(m[1]!, m[2]!) : new ApiError('INTERNAL', message);
  }
}

/** `CODE: words`: the message of an error that must keep its code across Electron's contextBridge. */
export function codedMessage(code: string, message: string): string {
  return `${code}: ${message}`;
}
