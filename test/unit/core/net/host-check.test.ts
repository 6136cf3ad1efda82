import { describe, expect, it } from 'vitest';
import { hostHeaderOk, isLoopbackHost } from '../../../../electron/core/net/host-check';

/**
 * The one Host rule of the dashboard and the gateway (DNS rebinding): on loopback only a loopback
 * name on our own port; served on a network address (--allow-remote) any Host.
 */
describe('hostHeaderOk', () => {
  const loopback = { allowAny: false, tls: false, port: 8089 };

  it('on loopback accepts 127.0.0.1, localhost and [::1] on our port only', () => {
    for (const h of ['127.0.0.1:8089', 'localhost:8089', 'LOCALHOST:8089', '[::1]:8089', '127.1.2.3:8089']) expect([h, hostHeaderOk(h, loopback)]).toEqual([h, true]);
    for (const h of ['evil.example:8089', '127.0.0.1', '127.0.0.1:8090', 'localhost.evil.example:8089', '[::1]', '::1:8089', '', undefined]) {
      expect([h, hostHeaderOk(h, loopback)]).toEqual([h, false]);
    }
  });

  it('a Host without port means the scheme default port', () => {
    expect(hostHeaderOk('localhost', { allowAny: false, tls: false, port: 80 })).toBe(true);
    expect(hostHeaderOk('localhost', { allowAny: false, tls: true, port: 443 })).toBe(true);
    expect(hostHeaderOk('localhost', { allowAny: false, tls: true, port: 80 })).toBe(false);
  });

  it('with allowAny (--allow-remote) accepts any present Host', () => {
    expect(hostHeaderOk('nas.lan:8089', { ...loopback, allowAny: true })).toBe(true);
    expect(hostHeaderOk(undefined, { ...loopback, allowAny: true })).toBe(false);
  });

  it('isLoopbackHost knows loopback names and addresses', () => {
    expect(['localhost', '127.0.0.1', '[::1]', '::1', '::ffff:127.0.0.1'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '192.0.2.1', 'example.com', '::'].some(isLoopbackHost)).toBe(false);
  });
});
