import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { BANNED_TEXT, GatewayAuth, MAX_FAILED_LOGINS, MAX_FAILURE_ENTRIES, failureKey } from '../../../electron/core/gateway/auth';

/**
 * Failed logins with --allow-remote: counted per IPv4 address or IPv6 /64 (a client rotating
 * addresses inside its /64 is still banned), and remembered for at most MAX_FAILURE_ENTRIES
 * addresses, least recently failing first (strangers cannot grow the gateway's memory).
 */

const creds = { username: 'gw', password: 'right', apiKey: null };
/** A request with no cookie and no Authorization (a plain login). */
const bare = { headers: {} } as IncomingMessage;

describe('GatewayAuth failed logins', () => {
  it('keys IPv6 addresses by their /64 and IPv4 (also IPv4-mapped) by the address', () => {
    expect(failureKey('2001:db8:1:2::a')).toBe('2001:db8:1:2::/64');
    expect(failureKey('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(failureKey('[2001:db8:1:2:3::1]')).toBe('2001:db8:1:2::/64');
    expect(failureKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(failureKey('2001:db8:1:3::a')).not.toBe(failureKey('2001:db8:1:2::a'));
    expect(failureKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(failureKey('192.0.2.7')).toBe('192.0.2.7');
    expect(failureKey('::1')).toBe('0:0:0:0::/64');
  });

  it('bans a client that rotates its IPv6 address inside one /64; a neighbouring /64 is not banned', () => {
    const auth = new GatewayAuth(creds);
    for (let i = 1; i <= MAX_FAILED_LOGINS; i++) expect(auth.login(`2001:db8:1:2::${i.toString(16)}`, 'gw', `guess ${i}`, bare).text).toBe('Fails.');
    expect(auth.login('2001:db8:1:2:ffff:ffff:ffff:ffff', 'gw', 'right', bare)).toEqual({ status: 403, text: BANNED_TEXT });
    expect(auth.login('2001:db8:1:3::1', 'gw', 'right', bare).text).toBe('Ok.');
  });

  it(`remembers at most ${MAX_FAILURE_ENTRIES} addresses, dropping the least recently failing first`, () => {
    const auth = new GatewayAuth(creds);
    const addr = (n: number): string => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) auth.login('192.0.2.1', 'gw', 'guess', bare);
    expect(auth.isBanned('192.0.2.1')).toBe(true);
    for (let n = 0; n < MAX_FAILURE_ENTRIES - 1; n++) auth.login(addr(n), 'gw', 'guess', bare);
    expect([auth.trackedAddresses, auth.isBanned('192.0.2.1')]).toEqual([MAX_FAILURE_ENTRIES, true]);
    // One more stranger: the oldest entry goes, the count stays at the cap.
    auth.login(addr(MAX_FAILURE_ENTRIES), 'gw', 'guess', bare);
    expect(auth.trackedAddresses).toBe(MAX_FAILURE_ENTRIES);
    expect(auth.isBanned('192.0.2.1')).toBe(false);
    for (let n = 0; n < MAX_FAILURE_ENTRIES * 2; n++) auth.login(addr(MAX_FAILURE_ENTRIES + 1 + n), 'gw', 'guess', bare);
    expect(auth.trackedAddresses).toBe(MAX_FAILURE_ENTRIES);
  });
});
