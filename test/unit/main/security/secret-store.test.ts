import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafeStorageSecretStore, type SafeStorageCipher } from '../../../../electron/main/security/secret-store';

/**
 * The one fake allowed here: a stand-in for Electron's safeStorage (the Electron binary cannot run
 * on this machine). It XORs with a key so the ciphertext never contains the plaintext.
 */
function fakeCipher(over: Partial<SafeStorageCipher> = {}): SafeStorageCipher {
  const key = 0x5a;
  return {
    isEncryptionAvailable: () => true,
    encryptString: (s) => Buffer.concat([Buffer.from('v10'), Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ key))]),
    decryptString: (b) => Buffer.from(b.subarray(3).map((x) => x ^ key)).toString('utf8'),
    getSelectedStorageBackend: () => 'gnome_libsecret',
    ...over,
  };
}

const home = () => mkdtemp(path.join(os.tmpdir(), 'qbf-secrets-'));
const SECRET = 'hunter2-Sup3r$ecret';

describe('SafeStorageSecretStore', () => {
  it('round-trips a password while the file never contains the plaintext (nor its base64)', async () => {
    const store = new SafeStorageSecretStore({ home: await home(), cipher: fakeCipher(), platform: 'linux' });
    await store.set('nas', SECRET);
    await store.set('seedbox', 'other');
    expect(await store.get('nas')).toBe(SECRET);
    expect(await store.list()).toEqual(['nas', 'seedbox']);
    const raw = await readFile(store.path, 'utf8');
    expect(raw).not.toContain(SECRET);
    expect(raw).not.toContain(Buffer.from(SECRET).toString('base64'));
    expect(JSON.parse(raw)).toMatchObject({ version: 2, passwords: { nas: expect.any(String) } });
  });

  it('keeps the origin each password was saved for; a version-1 file reads as unbound passwords (origin null)', async () => {
    const dir = await home();
    const v1 = new SafeStorageSecretStore({ home: dir, cipher: fakeCipher(), platform: 'linux' });
    // A file as version 1 wrote it: passwords only.
    await writeFile(v1.path, JSON.stringify({ version: 1, passwords: { nas: fakeCipher().encryptString(SECRET).toString('base64') } }));
    expect(await v1.getEntry('nas')).toEqual({ password: SECRET, origin: null });
    await v1.set('nas', SECRET, 'http://127.0.0.1:8080');
    expect(await v1.getEntry('nas')).toEqual({ password: SECRET, origin: 'http://127.0.0.1:8080' });
    expect(JSON.parse(await readFile(v1.path, 'utf8'))).toMatchObject({ version: 2, origins: { nas: 'http://127.0.0.1:8080' } });
  });

  it.skipIf(process.platform === 'win32')('writes the file with mode 0600, also after updates', async () => {
    const store = new SafeStorageSecretStore({ home: await home(), cipher: fakeCipher(), platform: 'linux' });
    await store.set('nas', SECRET);
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    await store.delete('nas');
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    expect(await store.get('nas')).toBeNull();
  });

  it('refuses to store when encryption is unavailable, with ENCRYPTION_UNAVAILABLE, and writes nothing', async () => {
    const store = new SafeStorageSecretStore({ home: await home(), cipher: fakeCipher({ isEncryptionAvailable: () => false }), platform: 'darwin' });
    await expect(store.set('nas', SECRET)).rejects.toMatchObject({ code: 'ENCRYPTION_UNAVAILABLE', message: expect.stringMatching(/Cannot save the password/) });
    await expect(stat(store.path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('warns (log + flag) on Linux basic_text, once, but still stores', async () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} };
    const store = new SafeStorageSecretStore({ home: await home(), cipher: fakeCipher({ getSelectedStorageBackend: () => 'basic_text' }), platform: 'linux', logger });
    expect(store.status()).toEqual({ encryptionAvailable: true, backend: 'basic_text', weak: true });
    await store.set('nas', SECRET);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/basic_text/);
    expect(await store.get('nas')).toBe(SECRET);
  });

  it('does not ask for the Linux backend on macOS/Windows', async () => {
    const store = new SafeStorageSecretStore({
      home: await home(),
      cipher: fakeCipher({ getSelectedStorageBackend: () => { throw new Error('Linux only'); } }),
      platform: 'win32',
    });
    expect(store.status()).toEqual({ encryptionAvailable: true, backend: null, weak: false });
  });

  it('returns null for a password that can no longer be decrypted (keyring reset), and survives a corrupt file', async () => {
    const dir = await home();
    const store = new SafeStorageSecretStore({ home: dir, cipher: fakeCipher({ decryptString: () => { throw new Error('bad key'); } }), platform: 'linux' });
    await store.set('nas', SECRET);
    expect(await store.get('nas')).toBeNull();
    await writeFile(store.path, '{not json');
    expect(await store.list()).toEqual([]);
  });

  it('serialises concurrent writes without losing any', async () => {
    const store = new SafeStorageSecretStore({ home: await home(), cipher: fakeCipher(), platform: 'linux' });
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((n) => store.set(n, `pw-${n}`)));
    expect(await store.list()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await store.get('c')).toBe('pw-c');
  });
});
