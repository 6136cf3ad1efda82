import type { ServerResponse } from 'node:http';
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { sendError } from './http';

/**
 * Serves the built renderer (`out/renderer`) to the dashboard: files under the root only (no
 * `..`, no NUL, symlinks resolved and re-checked), `index.html` for a folder, the CSRF token
 * written into the page's `<meta name="qbf-token">` (the cookie is HttpOnly, and no inline
 * script is allowed by the CSP).
 */

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Answers a GET/HEAD for `pathname` from `root`: 200 with the file, 403 for a path that leaves
 * the root, 404 for anything else that is not a file. HTML is never cached (it carries the token).
 */
export async function serveStatic(res: ServerResponse, root: string, pathname: string, token: string, headOnly: boolean): Promise<void> {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return sendError(res, 400, 'BAD_REQUEST', 'malformed path');
  }
  if (rel.includes('\0') || rel.split(/[\\/]/).includes('..')) return sendError(res, 403, 'FORBIDDEN', 'path refused');
  if (rel.endsWith('/')) rel += 'index.html';
  const staticRoot = resolve(root);
  const file = resolve(staticRoot, `.${rel}`);
  let real: string;
  try {
    real = await realpath(file);
    const rootReal = await realpath(staticRoot);
    if (real !== rootReal && !real.startsWith(rootReal + sep)) return sendError(res, 403, 'FORBIDDEN', 'path refused');
    if (!(await stat(real)).isFile()) throw new Error('not a file');
  } catch {
    return sendError(res, 404, 'NOT_FOUND', 'not found');
  }
  let body = await readFile(real);
  const ext = extname(real).toLowerCase();
  if (ext === '.html') {
    // The cookie is HttpOnly, so hand the page its CSRF header token in a meta tag (no inline script).
    body = Buffer.from(body.toString('utf8').replace(/(<meta name="qbf-token" content=")[^"]*(")/, `$1${token}$2`));
    res.setHeader('Cache-Control', 'no-store');
  } else {
    res.setHeader('Cache-Control', 'no-cache');
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', CONTENT_TYPES[ext] ?? 'application/octet-stream');
  res.setHeader('Content-Length', body.length);
  res.end(headOnly ? undefined : body);
}
