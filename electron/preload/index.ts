import { contextBridge, ipcRenderer } from 'electron';
import { makeApi } from './make-api';

/**
 * Sandboxed preload (bundled as CommonJS, `out/preload/index.cjs`): exposes `window.qbitFailover`
 * with exactly the shared contract's methods and `subscribe`. No `ipcRenderer`, no `process`,
 * no Node API reaches the page
 * (https://www.electronjs.org/docs/latest/tutorial/security#20-do-not-expose-electron-apis-to-untrusted-web-content).
 */
contextBridge.exposeInMainWorld(
  'qbitFailover',
  makeApi({
    invoke: (channel, arg) => ipcRenderer.invoke(channel, arg),
    on: (channel, listener) => {
      // Strip the IpcRendererEvent: it carries `sender` (= ipcRenderer) and must not leak.
      const handler = (_event: Electron.IpcRendererEvent, payload: unknown) => listener(payload);
      ipcRenderer.on(channel, handler);
      return () => {
        ipcRenderer.removeListener(channel, handler);
      };
    },
  }),
);
