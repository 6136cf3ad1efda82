import path from 'node:path';

/**
 * Pure security decisions of the shell, each tied to an item of the Electron security checklist
 * (https://www.electronjs.org/docs/latest/tutorial/security). The Electron-facing wiring lives in
 * `app-scheme.ts` and `guards.ts`; everything decidable without Electron is here. The
 * Content-Security-Policy (checklist item 7) is shared with the dashboard: `shared/csp.ts`.
 */

/** Custom scheme serving the packaged renderer (never a remote URL, never `file://`). */
export const APP_SCHEME = 'app';
/** Host of our origin: `app://qbit-failover/index.html`. */
export const APP_HOST = 'qbit-failover';
/** Origin of our pages, with trailing slash, e.g. for `loadURL`. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}/`;
/** URL the main window loads. */
export const APP_INDEX_URL = `${APP_ORIGIN}index.html`;

/** True when `url` is a page of ours (`app://qbit-failover/…`). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/**
 * `will-navigate` / `will-redirect` / `will-frame-navigate` decision: only our own pages; every
 * other URL (http, https, file, javascript, data) is refused
 * (https://www.electronjs.org/docs/latest/tutorial/security#13-disable-or-limit-navigation).
 */
export function isAllowedNavigation(url: string): boolean {
  return isAppUrl(url);
}

/**
 * `setWindowOpenHandler` decision: always deny, no new windows and no hand-off to the browser
 * (https://www.electronjs.org/docs/latest/tutorial/security#14-disable-or-limit-creation-of-new-windows).
 */
export function windowOpenDecision(_url: string): { action: 'deny' } {
  return { action: 'deny' };
}

/**
 * Permission request/check decision: deny everything (camera, notifications, clipboard-read,
 * openExternal, …). The app needs no web permission; native notifications come from the main
 * process (https://www.electronjs.org/docs/latest/tutorial/security#5-handle-session-permission-requests-from-remote-content).
 */
export function isPermissionAllowed(_permission: string, _origin?: string): boolean {
  return false;
}

/**
 * Maps an `app://qbit-failover/<path>` request to a file under `root` (the built renderer dir), or
 * null when it must be refused: another scheme or host, malformed percent-encoding, NUL bytes, or
 * any path that resolves outside `root` (`..`, encoded `%2e%2e%2f`, absolute Windows paths).
 * `/` maps to `index.html`. Existence is not checked here.
 * @param root absolute directory of the built renderer (`out/renderer`)
 */
export function resolveAppProtocolPath(url: string, root: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0') || rel.includes('\\')) return null;
  if (rel === '' || rel === '/') rel = '/index.html';
  const base = path.resolve(root);
  const full = path.resolve(base, `.${rel}`);
  if (full !== base && !full.startsWith(base + path.sep)) return null;
  if (full === base) return null;
  return full;
}
