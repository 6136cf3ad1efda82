import { stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';
import type { Logger } from '../engine/types';
import { CONTENT_SECURITY_POLICY } from '../../../shared/csp';
import { APP_SCHEME, resolveAppProtocolPath } from './policy';

/**
 * The `app://qbit-failover/` scheme serving the built renderer from disk, with the one CSP
 * (`shared/csp.ts`) on every response: never a remote URL and never `file://`
 * (https://www.electronjs.org/docs/latest/tutorial/security#18-avoid-usage-of-the-file-protocol-and-prefer-usage-of-custom-protocols).
 */

/**
 * Registers `app:` as standard + secure (so it has an origin, `fetch` and CSP work as for https).
 * Must run before `app` is ready (https://www.electronjs.org/docs/latest/api/protocol#protocolregisterschemesasprivilegedcustomschemes).
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/**
 * Serves files under `rendererRoot` (absolute path of `out/renderer`) on `app://qbit-failover/…`
 * with the CSP header; path traversal and other hosts get 404, non-GET requests 405.
 */
export function setupAppScheme(rendererRoot: string, logger: Logger): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('method not allowed', { status: 405 });
    const file = resolveAppProtocolPath(request.url, rendererRoot);
    if (!file || !(await stat(file).then((s) => s.isFile(), () => false))) {
      logger.warn('app protocol: refused', { url: request.url });
      return new Response('not found', { status: 404 });
    }
    const res = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(res.body, { status: res.status, headers });
  });
}
