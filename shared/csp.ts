/**
 * THE Content-Security-Policy of the renderer, wherever it is served: the Electron shell sends it
 * on every `app://qbit-failover/` response, the headless dashboard on every HTTP response, and the
 * renderer build writes it into `index.html` as a `<meta>` (build/vite-csp.ts), so a page loaded
 * any other way is still covered. Change it here only
 * (https://www.electronjs.org/docs/latest/tutorial/security#7-define-a-content-security-policy).
 *
 * Only our own files: no eval, no remote scripts or connections, no frames, no plugins, no form
 * posts. Inline styles stay allowed because React and Vite emit `style` attributes; inline scripts
 * do not. `connect-src 'self'` covers the dashboard's `fetch('/api/…')` and its event stream.
 */

/** The policy's directives, in order: name → source list. */
export const CSP_DIRECTIVES: readonly (readonly [directive: string, sources: string])[] = [
  ['default-src', "'none'"],
  ['script-src', "'self'"],
  ['style-src', "'self' 'unsafe-inline'"],
  ['img-src', "'self' data:"],
  ['font-src', "'self'"],
  ['connect-src', "'self'"],
  ['manifest-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-src', "'none'"],
  ['frame-ancestors', "'none'"],
];

/**
 * Directives a browser ignores (and warns about) when the policy comes in a `<meta>` element:
 * they only work as a response header (CSP Level 3, "Integration with HTML": `frame-ancestors`,
 * `report-uri`, `sandbox`).
 */
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

/** The policy as the `Content-Security-Policy` response header value. */
export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.map(([d, s]) => `${d} ${s}`).join('; ');

/** The same policy for `<meta http-equiv="Content-Security-Policy">`, without the header-only directives. */
export const CONTENT_SECURITY_POLICY_META = CSP_DIRECTIVES.filter(([d]) => !HEADER_ONLY.has(d))
  .map(([d, s]) => `${d} ${s}`)
  .join('; ');
