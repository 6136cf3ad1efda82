import { API_METHODS, IPC_EVENT_CHANNEL, ipcChannel } from '../../shared/contract';
import type { ApiMethod, QbitFailoverApi } from '../../shared/contract';
import { ApiError, codedMessage } from '../../shared/wire-error';
import type { EngineEvent } from '../../shared/model';

/**
 * Pure construction of the object the preload exposes as `window.qbitFailover`: exactly the
 * contract's methods plus `subscribe`, built over an invoke/on pair so it can be tested without
 * Electron. `index.ts` supplies `ipcRenderer`-backed functions and never exposes `ipcRenderer`
 * itself (https://www.electronjs.org/docs/latest/tutorial/context-isolation#security-considerations).
 */

/** What the preload needs from `ipcRenderer`, reduced to plain functions. */
export interface IpcTransport {
  /** `ipcRenderer.invoke(channel, arg)`. */
  invoke(channel: string, arg: unknown): Promise<unknown>;
  /** Adds a listener that receives only the payload (never the IPC event); returns a remover. */
  on(channel: string, listener: (payload: unknown) => void): () => void;
}

/** Turns an IPC reply into the value, or throws the shared {@link ApiError} (message `CODE: words`); a malformed reply is `BAD_REPLY`. */
export function unwrapReply<T>(reply: unknown): T {
  if (reply && typeof reply === 'object' && 'result' in reply) return (reply as { result: T }).result;
  const err = ApiError.fromBody(reply) ?? new ApiError('BAD_REPLY', 'unexpected reply from the main process');
  // The code goes into the message too: contextBridge copies only an Error's message across worlds
  // (https://www.electronjs.org/docs/latest/api/context-bridge#parameter--error--return-type-support);
  // the renderer reads it back with ApiError.fromCrossed.
  throw new ApiError(err.code, codedMessage(err.code, err.message));
}

/** Builds the exposed API: one function per `API_METHODS` entry, plus `subscribe`. Nothing else. */
export function makeApi(transport: IpcTransport): QbitFailoverApi {
  const api: Record<string, unknown> = {};
  for (const method of API_METHODS) {
    api[method] = async (arg: unknown) => unwrapReply(await transport.invoke(ipcChannel(method as ApiMethod), arg ?? {}));
  }
  api.subscribe = (listener: (event: EngineEvent) => void): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('subscribe needs a listener function');
    return transport.on(IPC_EVENT_CHANNEL, (payload) => listener(payload as EngineEvent));
  };
  return Object.freeze(api) as unknown as QbitFailoverApi;
}
