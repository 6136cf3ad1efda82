import type { WindowBounds } from '../desktop/desktop-data';
import { BrowserWindow, screen } from 'electron';
import type { Rectangle } from 'electron';
import type { EngineEvent } from '../../../shared/model';
import type { Logger } from '../engine/types';
import { APP_INDEX_URL } from '../security/policy';
import { boundsOnScreen, isPopoverPlatform, mainWindowOptions, positionNearTray } from './options';

/**
 * The one app window: created lazily, hidden (not destroyed) on close so the app keeps living in
 * the tray; on macOS/Windows a popover that hides on blur unless `ui.pinWindow` is on.
 */

/** Renderer views the shell opens by hash (`#/<view>`). */
export type WindowView = 'settings' | 'recent' | 'add-prompt';

/** Controls the main window; safe to call before it exists. */
export interface MainWindowController {
  /** Shows and focuses the window, creating it if needed; `view` selects a renderer view by hash (`add-prompt`: the add dialog). */
  show(view?: WindowView): void;
  /** Shows the window if hidden, hides it if visible (tray click). */
  toggle(): void;
  /** `webContents.id` of our windows (for the IPC sender check). */
  webContentsIds(): ReadonlySet<number>;
  /** Sends an engine event to our windows (`IPC_EVENT_CHANNEL`). */
  send(channel: string, event: EngineEvent): void;
  /** Lets the window really close (on quit). */
  allowClose(): void;
}

/**
 * Creates the controller.
 * @param opts.preloadPath absolute path of `out/preload/index.cjs`
 * @param opts.trayBounds current tray icon bounds (empty rectangle when unknown)
 * @param opts.pinned whether the popover stays open on blur (`ui.pinWindow`)
 */
export function createMainWindowController(opts: {
  platform: NodeJS.Platform;
  preloadPath: string;
  trayBounds: () => Rectangle | null;
  pinned: () => boolean;
  /** Saved bounds of the framed (Linux) window: restored on creation, saved when it is closed (hidden). */
  bounds?: { initial: WindowBounds | null; save: (b: WindowBounds) => void };
  logger: Logger;
}): MainWindowController {
  let win: BrowserWindow | null = null;
  let quitting = false;
  const popover = isPopoverPlatform(opts.platform);

  const create = (): BrowserWindow => {
    // The scanner cannot see through mainWindowOptions(): secureWebPreferences() sets contextIsolation and sandbox
    // (tested in window-options.test.ts), and security/guards.ts denies every window.open/middle-click new window.
    const restored = popover ? null : boundsOnScreen(opts.bounds?.initial, screen.getAllDisplays().map((d) => d.workArea));
    const w = new BrowserWindow({ ...mainWindowOptions(opts.platform, opts.preloadPath), ...(restored ?? {}) }); // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK -- set in secureWebPreferences; new windows denied
    w.on('close', (e) => {
      if (!popover && opts.bounds) opts.bounds.save(w.getBounds());
      if (!quitting) {
        e.preventDefault(); // keep living in the tray
        w.hide();
      }
    });
    w.on('closed', () => {
      win = null;
    });
    if (popover) w.on('blur', () => !opts.pinned() && !w.webContents.isDevToolsOpened() && w.hide());
    w.webContents.on('render-process-gone', (_e, d) => opts.logger.error('renderer gone', { reason: d.reason }));
    void w.loadURL(APP_INDEX_URL).catch((err: Error) => opts.logger.error('cannot load renderer', { error: err.message }));
    return w;
  };

  const place = (w: BrowserWindow) => {
    if (!popover) return;
    const tb = opts.trayBounds();
    const size = w.getBounds();
    const area = tb && tb.width > 0 ? screen.getDisplayMatching(tb).workArea : screen.getPrimaryDisplay().workArea;
    const at = positionNearTray(tb ?? { x: 0, y: 0, width: 0, height: 0 }, size, area);
    w.setPosition(at.x, at.y);
  };

  const show = (view?: WindowView) => {
    const w = win ?? (win = create());
    if (view) void w.loadURL(`${APP_INDEX_URL}#/${view}`).catch(() => {});
    place(w);
    if (w.webContents.isLoading()) w.once('ready-to-show', () => (w.show(), w.focus()));
    else {
      w.show();
      w.focus();
    }
  };

  return {
    show,
    toggle() {
      if (win && win.isVisible()) win.hide();
      else show();
    },
    webContentsIds() {
      return new Set(win && !win.isDestroyed() ? [win.webContents.id] : []);
    },
    send(channel, event) {
      if (win && !win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(channel, event);
    },
    allowClose() {
      quitting = true;
    },
  };
}
