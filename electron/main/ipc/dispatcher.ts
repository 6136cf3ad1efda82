import { isApiMethod, validateApiArg } from '../../../shared/contract';
import type { ApiBackend } from '../../../shared/contract';
import { errorBody, toWireError, type IpcReply } from '../../../shared/wire-error';
import { isAppUrl } from '../security/policy';

/**
 * The IPC dispatcher, pure (no Electron): who may call, what reaches the backend, and how
 * failures look on the wire (`shared/wire-error.ts`, the mapping the dashboard uses too).
 * `ipc-main.ts` registers one handler per method that calls it. Modelled on Electron Fiddle's `src/main/ipc.ts` (drop messages not from our own windows) and the
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

/**
 * Builds the one function every IPC handler runs: sender check → method check → argument
 * validation (`validateApiArg`) → `backend.call` → `{ result }` or `{ error }`. The backend is
 * never called for a foreign sender or an invalid argument. Never throws.
 */
export function createIpcDispatcher(opts: {
  backend: Pick<ApiBackend, 'call'>;
  ourWebContentsIds: () => ReadonlySet<number>;
  onRejected?: (reason: string, meta: object) => void;
}): (sender: SenderInfo, method: string, arg: unknown) => Promise<IpcReply> {
  return async (sender, method, arg) => {
    if (!checkSender(sender, opts.ourWebContentsIds())) {
      opts.onRejected?.('foreign sender', { method, webContentsId: sender.webContentsId, frameUrl: sender.frameUrl });
      return errorBody('FORBIDDEN', 'caller is not a window of this app');
    }
    if (!isApiMethod(method)) return errorBody('UNKNOWN_METHOD', `unknown method ${method}`);
    const valid = validateApiArg(method, arg);
    if (!valid.ok) {
      opts.onRejected?.('invalid argument', { method, message: valid.error.message });
      return { error: valid.error };
    }
    try {
      return { result: await opts.backend.call(method, valid.value) };
    } catch (err) {
      return toWireError(err).body;
    }
  };
}
