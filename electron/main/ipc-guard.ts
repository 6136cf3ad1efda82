import { isApiMethod, validateApiArg } from '../../shared/contract';
import type { ApiBackend, ApiErrorBody, ApiMethod, ApiResults } from '../../shared/contract';
import type { IpcReply } from '../preload/make-api';
import { isAppUrl } from './security/policy';

/**
 * Pure IPC decisions: who may call, what reaches the backend, and how failures look on the wire.
 * Modelled on Electron Fiddle's `src/main/ipc.ts` (drop messages not from our own windows) and the
 * Electron checklist (https://www.electronjs.org/docs/latest/tutorial/security#17-validate-the-sender-of-all-ipc-messages).
 */

/** The parts of an `IpcMainInvokeEvent` the sender check looks at. */
export interface SenderInfo {
  /** `event.sender.id` */
  webContentsId: number;
  /** `event.senderFrame?.url`; null when the frame is gone (navigated or destroyed). */
  frameUrl: string | null | undefined;
}

/** True only for our own window (`webContentsId` in `ours`) showing our own page (`app://qbit-failover/…`). */
export function checkSender(sender: SenderInfo, ours: ReadonlySet<number>): boolean {
  return ours.has(sender.webContentsId) && typeof sender.frameUrl === 'string' && isAppUrl(sender.frameUrl);
}

/** Error codes the IPC layer itself produces (besides the backend's own). */
export type IpcErrorCode = 'FORBIDDEN' | 'INVALID_ARGUMENT' | 'UNKNOWN_METHOD' | 'INTERNAL';

/** An `{ error }` reply; never includes a stack trace. */
export function errorReply(code: string, message: string): ApiErrorBody {
  return { error: { code, message } };
}

/**
 * Converts anything thrown by the backend into `{ error: { code, message } }`: keeps a string
 * `code` that looks like a status code (`AUTH_FAILED`, `HTTP_502`), otherwise `INTERNAL`; the
 * message is the error's message (or the string thrown), capped at 2 000 characters.
 */
export function toErrorReply(err: unknown): ApiErrorBody {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = e && typeof e.code === 'string' && /^[A-Z][A-Z0-9_]{1,63}$/.test(e.code) ? e.code : 'INTERNAL';
  const message =
    e && typeof e.message === 'string' ? e.message : typeof err === 'string' ? err : 'internal error in the main process';
  return errorReply(code, message.slice(0, 2000));
}

/** Called after each successful call (e.g. to apply `ui` settings after `saveSettings`). */
export type AfterCall = <M extends ApiMethod>(method: M, result: ApiResults[M]) => void;

/**
 * Builds the one function every IPC handler runs: sender check → method check → argument
 * validation (`validateApiArg`) → `backend.call` → `{ result }` or `{ error }`. The backend is
 * never called for a foreign sender or an invalid argument. Never throws.
 */
export function createIpcDispatcher(opts: {
  backend: Pick<ApiBackend, 'call'>;
  ourWebContentsIds: () => ReadonlySet<number>;
  afterCall?: AfterCall;
  onRejected?: (reason: string, meta: object) => void;
}): (sender: SenderInfo, method: string, arg: unknown) => Promise<IpcReply> {
  return async (sender, method, arg) => {
    if (!checkSender(sender, opts.ourWebContentsIds())) {
      opts.onRejected?.('foreign sender', { method, webContentsId: sender.webContentsId, frameUrl: sender.frameUrl });
      return errorReply('FORBIDDEN', 'caller is not a window of this app');
    }
    if (!isApiMethod(method)) return errorReply('UNKNOWN_METHOD', `unknown method ${method}`);
    const valid = validateApiArg(method, arg);
    if (!valid.ok) {
      opts.onRejected?.('invalid argument', { method, message: valid.error.message });
      return { error: valid.error };
    }
    try {
      const result = await opts.backend.call(method, valid.value);
      try {
        opts.afterCall?.(method, result);
      } catch {
        // A side effect (e.g. login item) failing must not turn a saved call into an error.
      }
      return { result };
    } catch (err) {
      return toErrorReply(err);
    }
  };
}
