import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';

/**
 * Pure window options and placement. Security-relevant `webPreferences` are spelled out even where
 * they equal Electron's defaults, so a future default change cannot weaken them
 * (https://www.electronjs.org/docs/latest/tutorial/security, items 2–4, 6, 9, 10, 12).
 */

/** Popover size on macOS/Windows, px. */
export const POPOVER_SIZE = { width: 420, height: 600 } as const;
/** Normal window size on Linux, px. */
export const LINUX_SIZE = { width: 900, height: 680 } as const;

/** True where the window is a frameless popover next to the tray (macOS, Windows). */
export function isPopoverPlatform(platform: NodeJS.Platform): boolean {
  return platform === 'darwin' || platform === 'win32';
}

/** The locked-down `webPreferences` of every window of ours. */
export function secureWebPreferences(preloadPath: string): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload: preloadPath,
    // https://www.electronjs.org/docs/latest/tutorial/security#4-enable-process-sandboxing
    sandbox: true,
    // https://www.electronjs.org/docs/latest/tutorial/security#3-enable-context-isolation
    contextIsolation: true,
    // https://www.electronjs.org/docs/latest/tutorial/security#2-do-not-enable-nodejs-integration-for-remote-content
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    // https://www.electronjs.org/docs/latest/tutorial/security#6-do-not-disable-websecurity
    webSecurity: true,
    // https://www.electronjs.org/docs/latest/tutorial/security#8-do-not-enable-allowrunninginsecurecontent
    allowRunningInsecureContent: false,
    // https://www.electronjs.org/docs/latest/tutorial/security#9-do-not-enable-experimental-features
    experimentalFeatures: false,
    // https://www.electronjs.org/docs/latest/tutorial/security#11-do-not-use-webviews
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/**
 * Options of the main window. macOS/Windows: frameless 420×600 popover placed near the tray,
 * hidden from the taskbar (it hides on blur unless pinned — see `window.ts`). Linux: a normal
 * framed, resizable window, because tray bounds are usually unknown there (`Tray.getBounds()` is
 * empty with StatusNotifier) and tray-relative placement does not fit.
 * @param preloadPath absolute path of the bundled CommonJS preload (`out/preload/index.cjs`)
 */
export function mainWindowOptions(platform: NodeJS.Platform, preloadPath: string): BrowserWindowConstructorOptions {
  const common: BrowserWindowConstructorOptions = {
    title: 'qbit-failover',
    show: false,
    backgroundColor: '#1e1e1e',
    webPreferences: secureWebPreferences(preloadPath),
  };
  if (isPopoverPlatform(platform)) {
    return {
      ...common,
      ...POPOVER_SIZE,
      frame: false,
      resizable: false,
      movable: false,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
      skipTaskbar: true,
      alwaysOnTop: false,
    };
  }
  return { ...common, ...LINUX_SIZE, minWidth: 420, minHeight: 480, frame: true, resizable: true, autoHideMenuBar: true };
}

/** Size of a window, px. */
export interface Size {
  width: number;
  height: number;
}

/** Gap between the tray icon and the popover, px. */
const GAP = 4;

/**
 * Top-left corner for a popover next to the tray icon, inside `workArea` (all in screen DIPs).
 * Centred horizontally on the icon; below it when the icon is in the top half of the screen
 * (macOS menu bar, top panels), above it otherwise (Windows taskbar at the bottom); beside it
 * when the taskbar is vertical. Clamped into the work area. An empty `trayBounds` (Linux, or an
 * unknown position) centres the window in the work area.
 */
export function positionNearTray(trayBounds: Rectangle, windowSize: Size, workArea: Rectangle): { x: number; y: number } {
  const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(v, Math.max(lo, hi)));
  const maxX = workArea.x + workArea.width - windowSize.width;
  const maxY = workArea.y + workArea.height - windowSize.height;
  if (trayBounds.width <= 0 || trayBounds.height <= 0) {
    return {
      x: Math.round(workArea.x + (workArea.width - windowSize.width) / 2),
      y: Math.round(workArea.y + (workArea.height - windowSize.height) / 2),
    };
  }
  const trayCx = trayBounds.x + trayBounds.width / 2;
  const trayCy = trayBounds.y + trayBounds.height / 2;
  // Vertical taskbar: the tray sits left or right of the work area.
  if (trayBounds.x + trayBounds.width <= workArea.x) {
    return { x: Math.round(workArea.x + GAP), y: Math.round(clamp(trayCy - windowSize.height / 2, workArea.y, maxY)) };
  }
  if (trayBounds.x >= workArea.x + workArea.width) {
    return { x: Math.round(maxX - GAP), y: Math.round(clamp(trayCy - windowSize.height / 2, workArea.y, maxY)) };
  }
  const x = clamp(trayCx - windowSize.width / 2, workArea.x, maxX);
  const inTopHalf = trayCy < workArea.y + workArea.height / 2;
  const y = inTopHalf ? trayBounds.y + trayBounds.height + GAP : trayBounds.y - windowSize.height - GAP;
  return { x: Math.round(x), y: Math.round(clamp(y, workArea.y, maxY)) };
}

/**
 * Saved window bounds to restore, or null to use the default placement: only when the saved
 * window's centre lies inside one of the current displays' work areas (a monitor it was on may be
 * gone, which would open the window out of sight).
 */
export function boundsOnScreen(saved: Rectangle | null | undefined, workAreas: readonly Rectangle[]): Rectangle | null {
  if (!saved) return null;
  const cx = saved.x + saved.width / 2;
  const cy = saved.y + saved.height / 2;
  return workAreas.some((a) => cx >= a.x && cx < a.x + a.width && cy >= a.y && cy < a.y + a.height) ? saved : null;
}
