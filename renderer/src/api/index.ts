import { API_METHODS, type QbitFailoverApi } from '../../../shared/contract';
import { ApiError } from '../../../shared/wire-error';
import { createHttpApi, type HttpApi, type StreamStateListener } from './http-client';
import { readToken } from './token';
import { errorInWords } from '../../../shared/code-words';

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
  onStreamState(listener: StreamStateListener): () => void;
  /** The dashboard's own calls (token rotation); absent in the Electron window. */
  dashboard?: Pick<HttpApi, 'rotateToken' | 'currentToken'>;
}

/** Picks the transport once at start. */
export function chooseTransport(): Transport {
  if (window.qbitFailover) return { kind: 'electron', api: typedErrors(window.qbitFailover), onStreamState: () => () => {} };
  const api = createHttpApi(readToken());
  return { kind: 'http', api, onStreamState: api.onStreamState, dashboard: api };
}

/**
 * The preload's API with its failures turned back into {@link ApiError}: an Error crossing
 * contextBridge keeps only its message (`CODE: words`), so the code is read back from it, and
 * the renderer sees one error class whatever the transport.
 */
function typedErrors(preload: QbitFailoverApi): QbitFailoverApi {
  const api: Record<string, unknown> = { subscribe: preload.subscribe.bind(preload) };
  for (const m of API_METHODS) {
    const call = preload[m] as (arg: unknown) => Promise<unknown>;
    api[m] = (arg: unknown) =>
      call(arg).catch((err: unknown) => {
        throw ApiError.fromCrossed(err);
      });
  }
  return api as unknown as QbitFailoverApi;
}

/** Words of a failed call for a toast: its message, else its code in words (never the raw code; shared/code-words.ts). */
export function errorText(err: unknown): string {
  return errorInWords(err);
}

export { ApiError } from '../../../shared/wire-error';
export type { StreamState, StreamStateListener } from './http-client';
