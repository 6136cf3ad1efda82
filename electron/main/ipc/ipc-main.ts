import { ipcMain } from 'electron';
import { API_METHODS, IPC_EVENT_CHANNEL, ipcChannel } from '../../../shared/contract';
import type { ApiBackend } from '../../../shared/contract';
import type { EngineEvent } from '../../../shared/model';
import type { Logger } from '../engine/types';
import { createIpcDispatcher } from './dispatcher';

/**
 * The only module that touches `ipcMain` (a unit test enforces it, as GitHub Desktop's lint rule
 * does): one `ipcMain.handle` per contract method on `qbf:<method>`, each going through the pure
 * dispatcher (sender check, argument validation, typed error values), and engine events pushed to
 * our windows on `IPC_EVENT_CHANNEL`
 * (https://www.electronjs.org/docs/latest/tutorial/security#17-validate-the-sender-of-all-ipc-messages).
 */

/**
 * Registers the handlers and the event forwarding; returns a function removing both.
 * @param opts.ourWebContentsIds ids of our windows' web contents, read on every call
 * @param opts.send delivers an event to our windows
 */
export function setupIpc(opts: {
  backend: ApiBackend;
  ourWebContentsIds: () => ReadonlySet<number>;
  send: (channel: string, event: EngineEvent) => void;
  logger: Logger;
}): () => void {
  const dispatch = createIpcDispatcher({
    backend: opts.backend,
    ourWebContentsIds: opts.ourWebContentsIds,
    onRejected: (reason, meta) => opts.logger.warn(`IPC call rejected: ${reason}`, meta),
  });
  for (const method of API_METHODS) {
    ipcMain.handle(ipcChannel(method), (event, arg: unknown) =>
      dispatch({ webContentsId: event.sender.id, frameUrl: event.senderFrame?.url }, method, arg),
    );
  }
  const unsubscribe = opts.backend.subscribe((e) => opts.send(IPC_EVENT_CHANNEL, e));
  return () => {
    unsubscribe();
    for (const method of API_METHODS) ipcMain.removeHandler(ipcChannel(method));
  };
}
