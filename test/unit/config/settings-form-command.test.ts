import { describe, expect, it } from 'vitest';
import { commandFromText, commandLineText, draftOf, storedPasswordOriginLeft } from '../../../renderer/src/lib/settings-form';
import { InstanceSchema } from '../../../shared/settings';

describe('settings form: reconnect command and stored-password address', () => {
  it('edits the argv command as one line and back, refusing an unterminated quote', () => {
    expect(commandLineText(['nmcli', 'con', 'up', 'My VPN'])).toBe("nmcli con up 'My VPN'");
    expect(commandFromText("nmcli con up 'My VPN'")).toEqual({ ok: true, value: ['nmcli', 'con', 'up', 'My VPN'] });
    expect(commandFromText('  ')).toEqual({ ok: true, value: undefined });
    expect(commandFromText('say "hi')).toMatchObject({ ok: false, error: expect.stringMatching(/unterminated/) });
    expect(commandLineText(undefined)).toBe('');
  });

  it('tells when an edited URL leaves the origin the stored password belongs to', () => {
    const d = draftOf(InstanceSchema.parse({ name: 'nas', url: 'http://nas:8080' }));
    expect(storedPasswordOriginLeft(d)).toBeNull();
    expect(storedPasswordOriginLeft({ ...d, value: { ...d.value, url: 'http://nas:8080/qbt' } })).toBeNull();
    expect(storedPasswordOriginLeft({ ...d, value: { ...d.value, url: 'http://nas:9090' } })).toBe('http://nas:8080');
    expect(storedPasswordOriginLeft({ ...d, value: { ...d.value, url: 'https://nas:8080' } })).toBe('http://nas:8080');
    expect(storedPasswordOriginLeft({ ...d, value: { ...d.value, url: 'not a url' } })).toBeNull();
    expect(storedPasswordOriginLeft(draftOf(d.value, true))).toBeNull();
  });
});
