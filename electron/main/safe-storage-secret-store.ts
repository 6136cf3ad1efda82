import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { Logger, SecretStore } from './engine-types';

/**
 * Instance passwords encrypted with Electron `safeStorage` (OS keychain / DPAPI / libsecret),
 * stored base64 in `<home>/secrets.enc.json` with mode 0600. Saving is refused when encryption is
 * unavailable, as Electron Fiddle does (`src/main/github.ts`); on Linux the `basic_text` backend
 * (a hard-coded key, https://www.electronjs.org/docs/latest/api/safe-storage#safestoragegetselectedstoragebackend-linux)
 * is allowed but warned about. No `electron` import: the cipher is passed in.
 */

/** The subset of Electron's `safeStorage` this store uses. */
export interface SafeStorageCipher {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron; not called on other platforms. */
  getSelectedStorageBackend(): string;
}

/** Error codes of this store. */
export type SecretStoreErrorCode = 'ENCRYPTION_UNAVAILABLE';

/** Typed error with a `code` the UI can show. */
export class SecretStoreError extends Error {
  constructor(
    readonly code: SecretStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SecretStoreError';
  }
}

/** How safe the storage is right now. */
export interface SecretStorageStatus {
  encryptionAvailable: boolean;
  /** Linux backend (`gnome_libsecret`, `kwallet5`, `basic_text`, …) or null on macOS/Windows. */
  backend: string | null;
  /** True when passwords are only obfuscated (Linux `basic_text`: no keyring found). */
  weak: boolean;
}

/** File name of the encrypted password file inside the app home. */
export const SECRETS_FILE = 'secrets.enc.json';

interface SecretsFile {
  version: 1;
  /** instance name → base64 of `safeStorage.encryptString(password)` */
  passwords: Record<string, string>;
}

/** {@link SecretStore} over `safeStorage`; writes are serialised and atomic (write-file-atomic, mode 0o600). */
export class SafeStorageSecretStore implements SecretStore {
  private readonly file: string;
  private chain: Promise<unknown> = Promise.resolve();
  private warned = false;

  constructor(
    private readonly opts: { home: string; cipher: SafeStorageCipher; platform?: NodeJS.Platform; logger?: Logger },
  ) {
    this.file = path.join(opts.home, SECRETS_FILE);
  }

  /** Path of the encrypted file. */
  get path(): string {
    return this.file;
  }

  /** Current encryption status; logs a warning (once) when the Linux backend is `basic_text`. */
  status(): SecretStorageStatus {
    const encryptionAvailable = this.opts.cipher.isEncryptionAvailable();
    const backend = (this.opts.platform ?? process.platform) === 'linux' ? this.opts.cipher.getSelectedStorageBackend() : null;
    const weak = backend === 'basic_text';
    if (weak && !this.warned) {
      this.warned = true;
      this.opts.logger?.warn(
        'No OS keyring found (safeStorage backend basic_text): passwords are stored obfuscated, not securely encrypted. Install and unlock GNOME Keyring or KWallet.',
      );
    }
    return { encryptionAvailable, backend, weak };
  }

  /** Stored password, or null when none (or when it can no longer be decrypted, e.g. keyring reset). */
  async get(instance: string): Promise<string | null> {
    const enc = (await this.read()).get(instance);
    if (enc === undefined) return null;
    try {
      return this.opts.cipher.decryptString(Buffer.from(enc, 'base64'));
    } catch (err) {
      this.opts.logger?.error('Cannot decrypt a stored password; enter it again', { instance, error: (err as Error).message });
      return null;
    }
  }

  /**
   * Encrypts and stores a password.
   * @throws SecretStoreError `ENCRYPTION_UNAVAILABLE` when `safeStorage` cannot encrypt (nothing is written).
   */
  async set(instance: string, password: string): Promise<void> {
    if (!this.status().encryptionAvailable) {
      throw new SecretStoreError(
        'ENCRYPTION_UNAVAILABLE',
        'Cannot save the password: the operating system offers no encryption for it (no keychain or keyring available). Nothing was stored.',
      );
    }
    const enc = this.opts.cipher.encryptString(password).toString('base64');
    await this.update((m) => m.set(instance, enc));
  }

  /** Removes a stored password (no error when none). */
  async delete(instance: string): Promise<void> {
    await this.update((m) => m.delete(instance));
  }

  /** Instance names with a stored password, sorted. */
  async list(): Promise<string[]> {
    return [...(await this.read()).keys()].sort();
  }

  private update(change: (m: Map<string, string>) => void): Promise<void> {
    const run = this.chain.then(async () => {
      const m = await this.read();
      change(m);
      const body: SecretsFile = { version: 1, passwords: Object.fromEntries([...m.entries()].sort()) };
      await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      // The temp file is opened with 0600, so the secret is never readable by others, even briefly.
      await writeFileAtomic(this.file, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
    });
    this.chain = run.catch(() => {});
    return run;
  }

  private async read(): Promise<Map<string, string>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw err;
    }
    try {
      const parsed = JSON.parse(text) as Partial<SecretsFile>;
      const entries = Object.entries(parsed.passwords ?? {}).filter(([, v]) => typeof v === 'string');
      return new Map(entries);
    } catch {
      const aside = `${this.file}.corrupt-${Date.now()}`;
      await rename(this.file, aside).catch(() => {});
      this.opts.logger?.error('Password file was unreadable and has been moved aside', { file: aside });
      return new Map();
    }
  }
}
