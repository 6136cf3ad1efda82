import type { QbitFailoverApi } from '../../../shared/contract';
import { createHttpApi, type StreamState } from './http-client';
import { readToken } from './token';

declare global {
  interface Window {
    /** Exposed by the Electron preload through contextBridge; absent in the browser dashboard. */
    qbitFailover?: QbitFailoverApi;
  }
}

/** The chosen transport: Electron IPC (preload) or the dashboard's HTTP bridge. */
export interface Transport {
  kind: 'electron' | 'http';
  api: QbitFailoverApi;
  /** Event-stream state; the IPC transport is always open. */
  onStreamState(listener: (state: StreamState) => void): () => void;
}

/** Picks the transport once at start. */
export function chooseTransport(): Transport {
  if (window.qbitFailover) return { kind: 'electron', api: window.qbitFailover, onStreamState: () => () => {} };
  const api = createHttpApi(readToken());
  return { kind: 'http', api, onStreamState: api.onStreamState };
}

/** Words of a failed call for a toast (typed `code` + message when present). */
export function errorText(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const msg = typeof e?.message === 'string' ? e.message : String(err);
  return typeof e?.code === 'string' && !msg.includes(e.code) ? `${msg} (${e.code})` : msg;
}

export { ApiError, type StreamState } from './http-client';
