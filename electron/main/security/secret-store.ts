import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { Logger, SecretStore, StoredSecret } from '../engine/types';

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

/**
 * Version 2 adds `origins`: the origin (`scheme://host:port`) each password was saved for; the
 * engine sends a password only there. A version-1 file (no `origins`) reads as unbound passwords,
 * which the engine binds to the instance's configured URL at its first load.
 */
interface SecretsFile {
  version: 2;
  /** instance name → base64 of `safeStorage.encryptString(password)` */
  passwords: Record<string, string>;
  /** instance name → origin the password belongs to (not secret, stored in clear). */
  origins: Record<string, string>;
}

/** One entry as held in the file: the encrypted password and its origin. */
interface RawEntry {
  enc: string;
  origin: string | null;
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
    return (await this.getEntry(instance))?.password ?? null;
  }

  /** Stored password with the origin it was saved for (null origin: saved by version 1), or null. */
  async getEntry(instance: string): Promise<StoredSecret | null> {
    const entry = (await this.read()).get(instance);
    if (entry === undefined) return null;
    try {
      return { password: this.opts.cipher.decryptString(Buffer.from(entry.enc, 'base64')), origin: entry.origin };
    } catch (err) {
      this.opts.logger?.error('Cannot decrypt a stored password; enter it again', { instance, error: (err as Error).message });
      return null;
    }
  }

  /**
   * Encrypts and stores a password.
   * @throws SecretStoreError `ENCRYPTION_UNAVAILABLE` when `safeStorage` cannot encrypt (nothing is written).
   */
  async set(instance: string, password: string, origin?: string): Promise<void> {
    if (!this.status().encryptionAvailable) {
      throw new SecretStoreError(
        'ENCRYPTION_UNAVAILABLE',
        'Cannot save the password: the operating system offers no encryption for it (no keychain or keyring available). Nothing was stored.',
      );
    }
    const enc = this.opts.cipher.encryptString(password).toString('base64');
    await this.update((m) => m.set(instance, { enc, origin: origin ?? null }));
  }

  /** Removes a stored password (no error when none). */
  async delete(instance: string): Promise<void> {
    await this.update((m) => m.delete(instance));
  }

  /** Instance names with a stored password, sorted. */
  async list(): Promise<string[]> {
    return [...(await this.read()).keys()].sort();
  }

  private update(change: (m: Map<string, RawEntry>) => void): Promise<void> {
    const run = this.chain.then(async () => {
      const m = await this.read();
      change(m);
      const sorted = [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const body: SecretsFile = {
        version: 2,
        passwords: Object.fromEntries(sorted.map(([k, e]) => [k, e.enc])),
        origins: Object.fromEntries(sorted.flatMap(([k, e]) => (e.origin ? [[k, e.origin]] : []))),
      };
      await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      // The temp file is opened with 0600, so the secret is never readable by others, even briefly.
      await writeFileAtomic(this.file, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
    });
    this.chain = run.catch(() => {});
    return run;
  }

  private async read(): Promise<Map<string, RawEntry>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw err;
    }
    try {
      const parsed = JSON.parse(text) as Partial<SecretsFile>;
      const origins = parsed.origins ?? {};
      const entries = Object.entries(parsed.passwords ?? {}).filter(([, v]) => typeof v === 'string');
      return new Map(
        entries.map(([k, enc]) => [k, { enc, origin: Object.prototype.hasOwnProperty.call(origins, k) && typeof origins[k] === 'string' ? origins[k] : null }]),
      );
    } catch {
      const aside = `${this.file}.corrupt-${Date.now()}`;
      await rename(this.file, aside).catch(() => {});
      this.opts.logger?.error('Password file was unreadable and has been moved aside', { file: aside });
      return new Map();
    }
  }
}
