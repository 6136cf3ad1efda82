import { app, session } from 'electron';
import type { Logger } from '../engine/types';
import { isAllowedNavigation, isPermissionAllowed, windowOpenDecision } from './policy';

/**
 * Process-wide guards applied to every web contents, ours or any other that might appear
 * (https://www.electronjs.org/docs/latest/tutorial/security#13-disable-or-limit-navigation and
 * #14, #5, #12). Decisions come from `policy.ts`.
 */

/** Installs navigation/window-open/webview guards and denies every permission; call once after `ready`. */
export function setupSecurityGuards(logger: Logger): void {
  // https://www.electronjs.org/docs/latest/tutorial/security#5-handle-session-permission-requests-from-remote-content
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => {
    logger.warn('permission request denied', { permission });
    callback(isPermissionAllowed(permission));
  });
  session.defaultSession.setPermissionCheckHandler((_wc, permission, origin) => isPermissionAllowed(permission, origin));

  app.on('web-contents-created', (_event, contents) => {
    // https://www.electronjs.org/docs/latest/tutorial/security#13-disable-or-limit-navigation
    const guardNavigation = (event: { preventDefault(): void }, url: string) => {
      if (!isAllowedNavigation(url)) {
        event.preventDefault();
        logger.warn('navigation blocked', { url });
      }
    };
    contents.on('will-navigate', guardNavigation);
    contents.on('will-redirect', guardNavigation);
    contents.on('will-frame-navigate', (event) => guardNavigation(event, event.url));
    // https://www.electronjs.org/docs/latest/tutorial/security#14-disable-or-limit-creation-of-new-windows
    contents.setWindowOpenHandler(({ url }) => {
      logger.warn('window.open denied', { url });
      return windowOpenDecision(url);
    });
    // https://www.electronjs.org/docs/latest/tutorial/security#12-verify-webview-options-before-creation
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
      logger.warn('webview refused');
    });
  });
}
