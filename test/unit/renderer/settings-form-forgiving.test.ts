import { describe, expect, it } from 'vitest';
import { connectionKey, draftOf, extraErrorText, mergeFieldErrors, newInstance, recheckInstanceErrors } from '../../../renderer/src/lib/settings-form';

/** Issue 11: the settings form's rules for a result that no longer applies, a fixed field, and a message said once. */
describe('settings form', () => {
  it('a Test connection result depends on the URL and password, not on the category', () => {
    const d = draftOf(newInstance([]), true);
    const key = connectionKey(d);
    expect(connectionKey({ ...d, value: { ...d.value, category: 'tv' } })).toBe(key);
    expect(connectionKey({ ...d, value: { ...d.value, url: 'http://nas:8080' } })).not.toBe(key);
    expect(connectionKey({ ...d, password: 'x' })).not.toBe(key);
  });

  it('a fixed field loses its error, a still-wrong one keeps it, other fields are not flagged while typing', () => {
    const d = draftOf(newInstance([]), true);
    const errors = { 'instances.0.url': 'url must be a full http(s) URL', 'vpn.check': 'bad' };
    expect(mergeFieldErrors(errors, recheckInstanceErrors(errors, { ...d.value, url: 'http://nas:8080' }, 'instances.0'))).toEqual({ 'vpn.check': 'bad' });
    expect(recheckInstanceErrors(errors, { ...d.value, url: 'nope' }, 'instances.0')).toEqual({ 'instances.0.url': 'url must be a full http(s) URL' });
    expect(recheckInstanceErrors({}, { ...d.value, url: 'nope', name: '' }, 'instances.0')).toEqual({});
  });

  it('an error that repeats its status is not shown twice; extra words are kept', () => {
    expect(extraErrorText('Wrong username or password', 'wrong username or password')).toBeNull();
    expect(extraErrorText('Wrong username or password', 'wrong username or password; 1 failed login counted')).toBe('1 failed login counted');
    expect(extraErrorText('TLS error', 'this server speaks http, not https — use http://nas:8080')).toBe('this server speaks http, not https — use http://nas:8080');
    expect(extraErrorText('OK', null)).toBeNull();
  });
});
