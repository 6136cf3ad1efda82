import type { Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY_META } from '../shared/csp.js';

/**
 * Writes the one Content-Security-Policy (`shared/csp.ts`) into the renderer's `index.html` at
 * build time, as the first `<meta>` of `<head>`, so the HTML never holds a hand-written copy.
 * Used by both renderer builds (build/electron.vite.config.ts, renderer/vite.config.ts) and by the
 * electronegativity gate (test/security/electronegativity.mjs), which scans the HTML as built.
 */

/** The `<meta http-equiv="Content-Security-Policy">` element. */
export function cspMetaTag(): string {
  return `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY_META}" />`;
}

/**
 * `html` with the CSP `<meta>` inserted right after `<meta charset>` (or `<head>` when there is
 * none): before any script or style, so it governs them all.
 * @throws Error when `html` already holds a CSP `<meta>` (a second, hand-written policy) or has no `<head>`
 */
export function withCspMeta(html: string): string {
  if (/http-equiv=["']?Content-Security-Policy/i.test(html)) {
    throw new Error('index.html must not hold its own Content-Security-Policy <meta>: the policy lives in shared/csp.ts');
  }
  const anchor = /<meta\s+charset[^>]*>/i.exec(html) ?? /<head[^>]*>/i.exec(html);
  if (!anchor) throw new Error('index.html has no <head> to put the Content-Security-Policy <meta> in');
  const at = anchor.index + anchor[0].length;
  return `${html.slice(0, at)}\n    ${cspMetaTag()}${html.slice(at)}`;
}

/** Vite plugin: {@link withCspMeta} on `index.html`, in development and in the build. */
export function cspMeta(): Plugin {
  return { name: 'qbf-csp-meta', transformIndexHtml: { order: 'pre', handler: (html) => withCspMeta(html) } };
}
