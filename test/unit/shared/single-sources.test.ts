import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withCspMeta } from '../../../build/vite-csp';
import { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_META } from '../../../shared/csp';
import { DASHBOARD_BODY_MAX_BYTES, LIMITS, MAX_TORRENT_BASE64_CHARS, MIB, QBITTORRENT_ADD_BODY_MAX_BYTES } from '../../../shared/limits';

/**
 * One source per constant and rule (issue 8): the Content-Security-Policy lives in shared/csp.ts,
 * every size cap in shared/limits.ts, the SHA-1 digest in electron/core/digest.ts. A copy anywhere
 * else is how the dashboard once sent a weaker CSP than the Electron window, and how
 * `MAX_BODY_BYTES` came to mean 60 MiB in one file and 16 MiB in another.
 */
const repo = path.resolve(__dirname, '../../..');
const SCANNED = ['electron', 'shared', 'renderer', 'build'];
const SKIP = new Set(['node_modules', 'tools', 'out', 'dist']);

/** Source files (repository-relative) under the scanned folders, with their text. */
function sources(): { file: string; text: string }[] {
  const walk = (dir: string): { file: string; text: string }[] =>
    readdirSync(path.join(repo, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) return SKIP.has(e.name) ? [] : walk(rel);
      return /\.(?:[cm]?[jt]sx?|html)$/.test(e.name) ? [{ file: rel, text: readFileSync(path.join(repo, rel), 'utf8') }] : [];
    });
  return SCANNED.flatMap(walk);
}
/** Code without comments (so a comment may name a value it explains). */
const code = (t: string) => t.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1').replace(/<!--[\s\S]*?-->/g, '');
const filesMatching = (re: RegExp) => sources().filter((f) => re.test(code(f.text))).map((f) => f.file);

describe('one source per constant', () => {
  it('the CSP is written once (shared/csp.ts): no policy text and no <meta> policy anywhere else', () => {
    expect(filesMatching(/default-src|script-src|frame-ancestors/)).toEqual(['shared/csp.ts']);
    // Only the build step that writes the <meta> from shared/csp.ts names it.
    expect(filesMatching(/http-equiv=["']?Content-Security-Policy/i)).toEqual(['build/vite-csp.ts']);
  });

  it('the renderer HTML gets exactly that policy at build time (header-only directives left out)', () => {
    const html = withCspMeta(readFileSync(path.join(repo, 'renderer/index.html'), 'utf8'));
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY_META}" />`);
    expect(CONTENT_SECURITY_POLICY).toContain(CONTENT_SECURITY_POLICY_META.split('; ')[0]!);
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY_META).not.toContain('frame-ancestors');
    // A hand-written second policy in the HTML is refused, not merged.
    expect(() => withCspMeta(html)).toThrow(/shared\/csp\.ts/);
  });

  it('every byte size is defined in shared/limits.ts: no MiB arithmetic and no MAX_BODY_BYTES elsewhere', () => {
    expect(filesMatching(/1024\s*\*\s*1024|1_048_576|\bMAX_BODY_BYTES\b/)).toEqual(['shared/limits.ts']);
    expect(filesMatching(/maxTorrentBytes\s*:/)).toEqual(['shared/limits.ts']);
  });

  it('one home for content digests (electron/core/digest.ts): no other createHash', () => {
    expect(filesMatching(/\bcreateHash\(/)).toEqual(['electron/core/digest.ts']);
  });

  it('the caps fit each other: a largest .torrent fits one dashboard call and one qBittorrent request', () => {
    expect(MAX_TORRENT_BASE64_CHARS).toBeGreaterThanOrEqual((LIMITS.maxTorrentBytes / 3) * 4);
    expect(DASHBOARD_BODY_MAX_BYTES).toBeGreaterThan(MAX_TORRENT_BASE64_CHARS + 4096);
    expect(QBITTORRENT_ADD_BODY_MAX_BYTES).toBeGreaterThan(LIMITS.maxTorrentBytes);
    // qBittorrent refuses bodies above exactly 64 MiB (../shared/qbittorrent-facts.md: request body limit).
    expect(QBITTORRENT_ADD_BODY_MAX_BYTES).toBeLessThan(64 * MIB);
  });
});
