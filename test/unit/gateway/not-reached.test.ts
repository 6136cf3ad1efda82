import { describe, expect, it } from 'vitest';
import { notReached } from '../../../electron/core/gateway/engine-side';
import { QbitError } from '../../../electron/core/qbittorrent';

/** Which failed gateway calls take an instance off the routing: not reached at all yes, a slow or refused-by-status answer no. */
describe('notReached', () => {
  const sys = (code: string, name = 'Error'): Error => Object.assign(new Error(code), { code, name });

  it('counts a refused connection, a connect timeout, a reset before any answer and login trouble', () => {
    expect(notReached(sys('ECONNREFUSED'))).toBe(true);
    expect(notReached(new Error('fetch failed', { cause: sys('UND_ERR_CONNECT_TIMEOUT') }))).toBe(true);
    expect(notReached(new Error('fetch failed', { cause: sys('ECONNRESET') }))).toBe(true);
    expect(notReached(new QbitError('AUTH_FAILED', 'login refused'))).toBe(true);
  });

  it('does not count a slow answer (our request timer, headers or body timeout), an HTTP status or a VPN refusal', () => {
    expect(notReached(Object.assign(new Error('aborted'), { name: 'TimeoutError' }))).toBe(false);
    expect(notReached(new Error('fetch failed', { cause: sys('UND_ERR_HEADERS_TIMEOUT') }))).toBe(false);
    expect(notReached(new Error('fetch failed', { cause: sys('UND_ERR_BODY_TIMEOUT') }))).toBe(false);
    expect(notReached(new QbitError('HTTP_500', 'server error'))).toBe(false);
    expect(notReached(new QbitError('VPN_DOWN', 'not contacted'))).toBe(false);
  });
});
