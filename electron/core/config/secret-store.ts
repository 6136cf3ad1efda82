import fs from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/**
 * Where instance passwords live, keyed by instance name. The engine only ever reads them to
 * log in; they never go into `config.json`, logs, events or API results. The CLI uses
 * {@link FileSecretStore}; the tray app plugs in an Electron `safeStorage`-backed store.
 */
export interface SecretStore {
  get(instance: string): Promise<string | null>;
  set(instance: string, password: string): Promise<void>;
  delete(instance: string): Promise<void>;
  /** Instance names that have a password stored. */
  list(): Promise<string[]>;
}

/**
 * Passwords in `<home>/secrets.json`, written atomically with mode 0600 (owner read/write only).
 * Plain text at rest, protected by file permissions — the same protection qBittorrent's own
 * WebUI config and the old tool's `.env` had; the desktop app encrypts with safeStorage instead.
 */
export class FileSecretStore implements SecretStore {
  readonly file: string;
  constructor(home: string) {
    this.file = path.join(home, 'secrets.json');
  }

  private async read(): Promise<Record<string, string>> {
    try {
      const data = JSON.parse(await fs.readFile(this.file, 'utf8')) as unknown;
      if (!data || typeof data !== 'object' || Array.isArray(data)) return {};
      return Object.fromEntries(Object.entries(data).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      if (err instanceof SyntaxError) return {};
      throw err;
    }
  }

  private async write(data: Record<string, string>): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.file, JSON.stringify(data, null, 2), { mode: 0o600 });
    await fs.chmod(this.file, 0o600);
  }

  async get(instance: string): Promise<string | null> {
    return (await this.read())[instance] ?? null;
  }
  async set(instance: string, password: string): Promise<void> {
    const data = await this.read();
    data[instance] = password;
    await this.write(data);
  }
  async delete(instance: string): Promise<void> {
    const data = await this.read();
    if (!(instance in data)) return;
    delete data[instance];
    await this.write(data);
  }
  async list(): Promise<string[]> {
    return Object.keys(await this.read());
  }
}

/**
 * A read-through overlay: passwords given by the environment (the old tool's
 * `QBITTORRENT_PASSWORD`) win over the stored ones, and are never written to disk.
 */
export class OverlaySecretStore implements SecretStore {
  constructor(private readonly base: SecretStore, private readonly overrides: Record<string, string>) {}
  async get(instance: string): Promise<string | null> {
    return this.overrides[instance] ?? (await this.base.get(instance));
  }
  set(instance: string, password: string): Promise<void> {
    delete this.overrides[instance];
    return this.base.set(instance, password);
  }
  delete(instance: string): Promise<void> {
    delete this.overrides[instance];
    return this.base.delete(instance);
  }
  async list(): Promise<string[]> {
    return [...new Set([...(await this.base.list()), ...Object.keys(this.overrides)])];
  }
}
