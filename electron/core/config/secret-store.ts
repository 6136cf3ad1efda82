import fs from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/**
 * A stored password and the origin (`scheme://host:port`, see {@link originOf}) it was saved
 * for. The engine sends a stored password only to that origin. `origin` is null for a password
 * saved by an older version (no origin recorded); the engine binds it to the instance's
 * `config.json` URL at its first load.
 */
export interface StoredSecret {
  password: string;
  origin: string | null;
}

/**
 * Where instance passwords live, keyed by instance name, each bound to an origin. The engine only
 * ever reads them to log in; they never go into `config.json`, logs, events or API results. The
 * CLI uses {@link FileSecretStore}; the tray app plugs in an Electron `safeStorage`-backed store.
 */
export interface SecretStore {
  /** The stored password alone (whatever its origin), or null. For tools and tests; the engine uses {@link getEntry}. */
  get(instance: string): Promise<string | null>;
  /** The stored password with its origin, or null. */
  getEntry(instance: string): Promise<StoredSecret | null>;
  /** Stores a password for `origin` (omit only for a legacy, not-yet-bound password). */
  set(instance: string, password: string, origin?: string): Promise<void>;
  delete(instance: string): Promise<void>;
  /** Instance names that have a password stored. */
  list(): Promise<string[]>;
}

/**
 * The secret-store name of an instance's WebUI API key (qBittorrent 5.2+): `<instance>:apikey`.
 * Instance names cannot hold `:`, so it never collides with a password; it is bound to an origin
 * like a password and never sent anywhere else.
 */
export function apiKeyName(instance: string): string {
  return `${instance}:apikey`;
}

/**
 * The origin a password is bound to: `scheme://host[:port]` of a WebUI URL, lower-cased, default
 * port omitted (WHATWG `URL.origin`), e.g. `http://nas:8080`. Path prefixes do not count.
 * @throws TypeError when `url` is not a URL.
 */
export function originOf(url: string): string {
  return new URL(url).origin;
}

/** Reads one stored value: the current `{password, origin}` form, or a legacy bare string (origin null). */
export function toStoredSecret(v: unknown): StoredSecret | null {
  if (typeof v === 'string') return { password: v, origin: null };
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  if (typeof o.password !== 'string') return null;
  return { password: o.password, origin: typeof o.origin === 'string' ? o.origin : null };
}

/**
 * Passwords in `<home>/secrets.json`, written atomically with mode 0600 (owner read/write only):
 * `{ "<instance>": { "password": "…", "origin": "http://host:port" } }`. A legacy file
 * (`{ "<instance>": "…" }`) is read as unbound passwords and rewritten in the new form on the
 * next write. Plain text at rest, protected by file permissions — the same protection
 * qBittorrent's own WebUI config and the old tool's `.env` had; the desktop app encrypts with
 * safeStorage instead.
 */
export class FileSecretStore implements SecretStore {
  readonly file: string;
  constructor(home: string) {
    this.file = path.join(home, 'secrets.json');
  }

  private async read(): Promise<Record<string, StoredSecret>> {
    let data: unknown;
    try {
      data = JSON.parse(await fs.readFile(this.file, 'utf8')) as unknown;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      if (err instanceof SyntaxError) return {};
      throw err;
    }
    if (!data || typeof data !== 'object' || Array.isArray(data)) return {};
    const out: Record<string, StoredSecret> = {};
    for (const [k, v] of Object.entries(data)) {
      const e = toStoredSecret(v);
      if (e) out[k] = e;
    }
    return out;
  }

  private async write(data: Record<string, StoredSecret>): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.file, JSON.stringify(data, null, 2), { mode: 0o600 });
    await fs.chmod(this.file, 0o600);
  }

  async get(instance: string): Promise<string | null> {
    return (await this.getEntry(instance))?.password ?? null;
  }
  async getEntry(instance: string): Promise<StoredSecret | null> {
    const data = await this.read();
    return Object.prototype.hasOwnProperty.call(data, instance) ? data[instance]! : null;
  }
  async set(instance: string, password: string, origin?: string): Promise<void> {
    const data = await this.read();
    data[instance] = { password, origin: origin ?? null };
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
 * `QBITTORRENT_PASSWORD`), each bound to the URL the environment gave with it, win over the
 * stored ones, and are never written to disk.
 */
export class OverlaySecretStore implements SecretStore {
  private readonly overrides: Record<string, StoredSecret> = {};
  /** `overrides`: instance name → password with its origin (a bare string is an unbound password, never sent by the engine). */
  constructor(private readonly base: SecretStore, overrides: Record<string, StoredSecret | string>) {
    for (const [k, v] of Object.entries(overrides)) {
      const e = toStoredSecret(v);
      if (e) this.overrides[k] = e;
    }
  }
  async get(instance: string): Promise<string | null> {
    return (await this.getEntry(instance))?.password ?? null;
  }
  async getEntry(instance: string): Promise<StoredSecret | null> {
    return Object.prototype.hasOwnProperty.call(this.overrides, instance) ? this.overrides[instance]! : await this.base.getEntry(instance);
  }
  set(instance: string, password: string, origin?: string): Promise<void> {
    delete this.overrides[instance];
    return this.base.set(instance, password, origin);
  }
  delete(instance: string): Promise<void> {
    delete this.overrides[instance];
    return this.base.delete(instance);
  }
  async list(): Promise<string[]> {
    return [...new Set([...(await this.base.list()), ...Object.keys(this.overrides)])];
  }
}
