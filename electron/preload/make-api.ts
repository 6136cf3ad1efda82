import { API_METHODS, IPC_EVENT_CHANNEL, ipcChannel } from '../../shared/contract';
import type { ApiErrorBody, ApiMethod, QbitFailoverApi } from '../../shared/contract';
import type { EngineEvent } from '../../shared/model';

/**
 * Pure construction of the object the preload exposes as `window.qbitFailover`: exactly the
 * contract's methods plus `subscribe`, built over an invoke/on pair so it can be tested without
 * Electron. `index.ts` supplies `ipcRenderer`-backed functions and never exposes `ipcRenderer`
 * itself (https://www.electronjs.org/docs/latest/tutorial/context-isolation#security-considerations).
 */

/**
 * Reply of every IPC call: `{ result }` on success or the contract's `{ error: { code, message } }`.
 * The success value is wrapped because some results (e.g. `InstanceHealth`) have their own
 * `error` field, so a bare result could be mistaken for a failure.
 */
export type IpcReply<T = unknown> = { result: T } | ApiErrorBody;

/** What the preload needs from `ipcRenderer`, reduced to plain functions. */
export interface IpcTransport {
  /** `ipcRenderer.invoke(channel, arg)`. */
  invoke(channel: string, arg: unknown): Promise<unknown>;
  /** Adds a listener that receives only the payload (never the IPC event); returns a remover. */
  on(channel: string, listener: (payload: unknown) => void): () => void;
}

/** Error thrown to the renderer for an `{ error }` reply; `code` is the contract's error code. */
export class ApiCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    // The code is repeated in the message because contextBridge copies only an Error's message
    // across worlds, not custom properties (https://www.electronjs.org/docs/latest/api/context-bridge#parameter--error--return-type-support).
    super(`${code}: ${message}`);
    this.name = 'ApiCallError';
  }
}

/** Turns an IPC reply into the value, or throws {@link ApiCallError}; a malformed reply is `BAD_REPLY`. */
export function unwrapReply<T>(reply: unknown): T {
  if (reply && typeof reply === 'object') {
    if ('result' in reply) return (reply as { result: T }).result;
    const err = (reply as Partial<ApiErrorBody>).error;
    if (err && typeof err === 'object') {
      throw new ApiCallError(String(err.code ?? 'UNKNOWN'), String(err.message ?? 'call failed'));
    }
  }
  throw new ApiCallError('BAD_REPLY', 'unexpected reply from the main process');
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
