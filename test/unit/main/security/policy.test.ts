import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_INDEX_URL,
  isAllowedNavigation,
  isPermissionAllowed,
  resolveAppProtocolPath,
  windowOpenDecision,
} from '../../../../electron/main/security/policy';
import { CONTENT_SECURITY_POLICY } from '../../../../shared/csp';

const root = path.resolve('/app/out/renderer');

describe('navigation, window.open and permissions', () => {
  it('allows navigation only within app://qbit-failover/', () => {
    expect(isAllowedNavigation(APP_INDEX_URL)).toBe(true);
    expect(isAllowedNavigation('app://qbit-failover/index.html#/settings')).toBe(true);
    for (const url of ['https://evil.example/', 'http://localhost:8080/', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,hi', 'app://other-host/index.html', 'not a url']) {
      expect(isAllowedNavigation(url), url).toBe(false);
    }
  });

  it('denies every window.open, https included', () => {
    expect(windowOpenDecision('https://github.com/')).toEqual({ action: 'deny' });
    expect(windowOpenDecision(APP_INDEX_URL)).toEqual({ action: 'deny' });
  });

  it('denies every permission', () => {
    for (const p of ['media', 'notifications', 'clipboard-read', 'openExternal', 'geolocation', 'fileSystem']) {
      expect(isPermissionAllowed(p, 'app://qbit-failover')).toBe(false);
    }
  });

  it('CSP allows only our own scripts, no eval, no frames or plugins', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval/);
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });
});

describe('resolveAppProtocolPath', () => {
  it('maps our URLs to files under the renderer folder; / is index.html', () => {
    expect(resolveAppProtocolPath('app://qbit-failover/', root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppProtocolPath('app://qbit-failover/assets/index-1.js', root)).toBe(path.join(root, 'assets', 'index-1.js'));
    expect(resolveAppProtocolPath('app://qbit-failover/assets/a%20b.css?v=1#x', root)).toBe(path.join(root, 'assets', 'a b.css'));
  });

  it('refuses path traversal in every spelling', () => {
    // Encoded separators survive URL parsing and would climb out after decoding: refused.
    for (const url of [
      'app://qbit-failover/..%2f..%2fetc%2fpasswd',
      'app://qbit-failover/assets/..%2F..%2F..%2Fsecrets.enc.json',
      'app://qbit-failover/..%5c..%5cwindows%5cwin.ini',
      'app://qbit-failover/a%00.js',
      'app://qbit-failover/%E0%A4%A',
    ]) {
      expect(resolveAppProtocolPath(url, root), url).toBeNull();
    }
    // Literal and %2e-encoded dot segments are normalised by the URL parser itself: whatever
    // comes out stays under the root (and then 404s), never /etc/passwd.
    for (const url of ['app://qbit-failover/../../etc/passwd', 'app://qbit-failover/%2e%2e/%2e%2e/etc/passwd']) {
      const r = resolveAppProtocolPath(url, root);
      expect(r === null || r.startsWith(root + path.sep), url).toBe(true);
    }
  });

  it('refuses other hosts and schemes', () => {
    expect(resolveAppProtocolPath('app://evil/index.html', root)).toBeNull();
    expect(resolveAppProtocolPath('file:///app/out/renderer/index.html', root)).toBeNull();
    expect(resolveAppProtocolPath('https://qbit-failover/index.html', root)).toBeNull();
  });
});
