import { clipboard, Notification, shell } from 'electron';
import type { ApiBackend } from '../../../shared/contract';
import type { Logger } from '../engine/types';
import type { TrayAction } from './state';
import type { MainWindowController } from '../window/window';

/**
 * What each tray menu action does. Every engine action goes through the same `ApiBackend` the
 * renderer uses, so tray and window behave alike.
 */

/** True when text holds something the engine can add (a magnet URI or a `.torrent` URL). */
export function looksAddable(text: string): boolean {
  return /magnet:\?/i.test(text) || /https?:\/\/\S+\.torrent\b/i.test(text);
}

/** Builds the tray action handler; `quit` and `openLogs` are supplied by the lifecycle. */
export function createTrayActions(opts: {
  backend: ApiBackend;
  windows: MainWindowController;
  logDir: string;
  quit: () => void;
  logger: Logger;
}): (action: TrayAction, arg?: string) => void {
  const { backend, logger } = opts;
  const run = (what: string, p: Promise<unknown>) =>
    void p.catch((err: Error) => logger.error(`tray: ${what} failed`, { error: err.message }));
  const say = (title: string, body: string) => Notification.isSupported() && new Notification({ title, body }).show();
  return (action, arg) => {
    switch (action) {
      case 'resend-recent':
        if (!arg) return;
        return run(
          'send again',
          backend.call('resendRecentAdd', { id: arg }).then((res) => {
            const s = res.summary;
            say('Sent again', `${s.added} added, ${s.duplicate} already there, ${s.queued} queued, ${s.rejected} rejected.`);
          }),
        );
      case 'open-recent':
        return opts.windows.show('recent');
      case 'add-clipboard':
        return run(
          'add from clipboard',
          // clipboard.readText is async in this Electron version; await covers a sync one too.
          Promise.resolve(clipboard.readText()).then(async (text) => {
            if (!looksAddable(text)) {
              say('Nothing to add', 'The clipboard holds no magnet link or .torrent URL.');
              return;
            }
            const s = (await backend.call('addText', { text })).summary;
            say('Clipboard added', `${s.added} added, ${s.duplicate} already there, ${s.queued} queued, ${s.rejected} rejected.`);
          }),
        );
      case 'flush':
        return run('flush', backend.call('flush', {}));
      case 'check-now':
        return run('check', backend.call('checkNow', {}));
      case 'pause-monitoring':
        return run('pause', backend.call('setMonitoringPaused', { paused: true }));
      case 'resume-monitoring':
        return run('resume', backend.call('setMonitoringPaused', { paused: false }));
      case 'open':
        return opts.windows.show();
      case 'settings':
        return opts.windows.show('settings');
      case 'open-logs':
        return run('open logs', shell.openPath(opts.logDir));
      case 'quit':
        return opts.quit();
    }
  };
}
