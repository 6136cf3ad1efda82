import { API_METHODS, type ApiMethod, type QbitFailoverApi } from '../../../shared/contract';
import { HEARTBEAT_EVENT, ROTATE_TOKEN_PATH, STREAM_SILENT_MS, type RotatedToken } from '../../../shared/dashboard-wire';
import type { EngineEvent } from '../../../shared/model';
import { ApiError } from '../../../shared/wire-error';

/**
 * Live state of the event stream: `connecting` (first connect), `open`, `closed` (lost: the page
 * retries with back-off), `unauthorized` (the server is back but refuses this page's token: it
 * was rotated; retrying cannot help, the user needs the new link).
 */
export type StreamState = 'connecting' | 'open' | 'closed' | 'unauthorized';

/** Listener of stream-state changes; `lastSeenAt` is when the server was last heard from (ms since epoch), null before the first contact. */
export type StreamStateListener = (state: StreamState, lastSeenAt: number | null) => void;

/** The HTTP bridge client plus what only the dashboard has: the stream state and token rotation. */
export type HttpApi = QbitFailoverApi & {
  onStreamState(listener: StreamStateListener): () => void;
  /** Asks the server for a new token; this page switches to it (the server sets its cookie). @throws ApiError. */
  rotateToken(): Promise<RotatedToken>;
  /** The token this page sends (for showing its link). */
  currentToken(): string | null;
};

/** Reconnect delays after a lost stream, ms: doubling from the first to the last, then staying there. */
export const RECONNECT_BACKOFF_MS = { first: 500, max: 8_000 } as const;

/**
 * Client of the dashboard's HTTP bridge: `POST /api/<method>` with the argument as JSON and the
 * token in `X-QBF-Token`; events from `EventSource('/api/events')` (cookie auth). When the stream
 * is lost (server restarted, network gone, or silent for {@link STREAM_SILENT_MS}) the page asks
 * `getSnapshot` with back-off ({@link RECONNECT_BACKOFF_MS}) until the server answers, then
 * reopens the stream; a 401 there means the token was rotated (state `unauthorized`).
 */
export function createHttpApi(initialToken: string | null, base = ''): HttpApi {
  let token = initialToken;
  const post = async (path: string, arg: unknown): Promise<unknown> => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', ...(token ? { 'X-QBF-Token': token } : {}) },
        body: JSON.stringify(arg ?? {}),
      });
    } catch {
      throw new ApiError('UNREACHABLE', 'the dashboard server cannot be reached', 0);
    }
    const text = await res.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* fall through to the generic error below */
    }
    if (!res.ok) throw ApiError.fromBody(body, res.status) ?? new ApiError(`HTTP_${res.status}`, `HTTP ${res.status}`, res.status);
    return body;
  };
  const call = (method: ApiMethod, arg: unknown): Promise<unknown> => post(`/api/${method}`, arg);

  const listeners = new Set<(e: EngineEvent) => void>();
  const stateListeners = new Set<StreamStateListener>();
  let source: EventSource | null = null;
  let state: StreamState = 'connecting';
  let lastSeenAt: number | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let silenceTimer: ReturnType<typeof setTimeout> | null = null;
  let delay: number = RECONNECT_BACKOFF_MS.first;
  const setState = (s: StreamState): void => {
    state = s;
    stateListeners.forEach((l) => l(s, lastSeenAt));
  };
  /** Heard from the server: note the time and restart the silence watchdog. */
  const heard = (): void => {
    lastSeenAt = Date.now();
    if (silenceTimer) clearTimeout(silenceTimer);
    silenceTimer = setTimeout(() => lost(), STREAM_SILENT_MS);
  };
  const stopTimers = (): void => {
    if (retryTimer) clearTimeout(retryTimer);
    if (silenceTimer) clearTimeout(silenceTimer);
    retryTimer = silenceTimer = null;
  };

  /** The stream is gone: close it (EventSource's own retry cannot tell a refused token) and try again later. */
  const lost = (): void => {
    source?.close();
    source = null;
    stopTimers();
    if (listeners.size === 0) return;
    if (state !== 'unauthorized') setState(lastSeenAt === null && state === 'connecting' ? 'connecting' : 'closed');
    retryTimer = setTimeout(() => void probe(), delay);
    delay = Math.min(delay * 2, RECONNECT_BACKOFF_MS.max);
  };

  /** Is the server back, and does it still take our token? Then reopen the stream. */
  const probe = async (): Promise<void> => {
    retryTimer = null;
    try {
      await call('getSnapshot', {});
    } catch (err) {
      const status = err instanceof ApiError ? err.status : 0;
      // The token was rotated: retrying cannot help, the page says how to get the new link.
      if (status === 401) return setState('unauthorized');
      if (status === 0) return lost();
      // Answered, but the call failed (e.g. 500): the server is there; reopen the stream.
    }
    open();
  };

  const open = (): void => {
    if (source || listeners.size === 0) return;
    if (state !== 'closed' && state !== 'unauthorized') setState('connecting');
    const es = new EventSource(`${base}/api/events`, { withCredentials: true });
    source = es;
    es.onopen = () => {
      delay = RECONNECT_BACKOFF_MS.first;
      heard();
      setState('open');
    };
    es.onerror = () => {
      if (source === es) lost();
    };
    es.addEventListener(HEARTBEAT_EVENT, heard);
    es.onmessage = (msg: MessageEvent<string>) => {
      heard();
      let event: EngineEvent;
      try {
        event = JSON.parse(msg.data) as EngineEvent;
      } catch {
        return;
      }
      listeners.forEach((l) => l(event));
    };
  };

  const api = Object.fromEntries(API_METHODS.map((m) => [m, (arg: unknown) => call(m, arg)])) as unknown as HttpApi;
  api.subscribe = (listener) => {
    listeners.add(listener);
    open();
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) {
        stopTimers();
        source?.close();
        source = null;
      }
    };
  };
  api.onStreamState = (listener) => {
    stateListeners.add(listener);
    return () => stateListeners.delete(listener);
  };
  api.rotateToken = async () => {
    const rotated = (await post(ROTATE_TOKEN_PATH, {})) as RotatedToken;
    token = rotated.token;
    // The server ended every stream opened with the old token, this one included: it reconnects (new cookie).
    return rotated;
  };
  api.currentToken = () => token;
  return api;
}
