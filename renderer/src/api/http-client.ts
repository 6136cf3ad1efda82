import { API_METHODS, type ApiMethod, type QbitFailoverApi } from '../../../shared/contract';
import type { EngineEvent } from '../../../shared/model';
import { ApiError } from '../../../shared/wire-error';

/** Live state of the event stream, for a "disconnected" hint. */
export type StreamState = 'connecting' | 'open' | 'closed';

/** The HTTP bridge client plus a stream-state hook the Electron transport does not need. */
export type HttpApi = QbitFailoverApi & { onStreamState(listener: (state: StreamState) => void): () => void };

/**
 * Client of the dashboard's HTTP bridge: `POST /api/<method>` with the argument as JSON and the
 * token in `X-QBF-Token`; events from `EventSource('/api/events')` (cookie auth).
 */
export function createHttpApi(token: string | null, base = ''): HttpApi {
  const call = async (method: ApiMethod, arg: unknown): Promise<unknown> => {
    let res: Response;
    try {
      res = await fetch(`${base}/api/${method}`, {
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

  const listeners = new Set<(e: EngineEvent) => void>();
  const stateListeners = new Set<(s: StreamState) => void>();
  let source: EventSource | null = null;
  const setState = (s: StreamState): void => stateListeners.forEach((l) => l(s));

  const open = (): void => {
    if (source) return;
    setState('connecting');
    source = new EventSource(`${base}/api/events`, { withCredentials: true });
    source.onopen = () => setState('open');
    // EventSource reconnects by itself; the server sends a fresh snapshot first on each connect.
    source.onerror = () => setState(source?.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
    source.onmessage = (msg: MessageEvent<string>) => {
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
      if (listeners.size === 0 && source) {
        source.close();
        source = null;
      }
    };
  };
  api.onStreamState = (listener) => {
    stateListeners.add(listener);
    return () => stateListeners.delete(listener);
  };
  return api;
}
