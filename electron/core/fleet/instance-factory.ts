import type { InstanceSettings, Settings } from '../../../shared/settings';
import { apiKeyName, originOf, type SecretStore } from '../config/secret-store';
import type { FailedLoginMemory } from '../ledgers/failed-logins';
import type { Logger } from '../logger';
import { QbitError, type LoginGuard } from '../qbittorrent';
import { InstanceRuntime } from './instance';

/** Stands in for a withheld stored password; never sent (the {@link refusingGuard} vetoes every login). */
const WITHHELD_PASSWORD = '\u0000withheld';

/** A login guard that vetoes every login with `err` (the stored password is not for this address). */
function refusingGuard(err: QbitError): LoginGuard {
  return { begin: async () => ({ allowed: false, error: err }) };
}

/**
 * The one place where an instance's settings meet its password: builds {@link InstanceRuntime}s
 * whose logins go through the failed-login memory, and owns the rule that a stored password is
 * sent only to the origin (scheme://host:port) it was saved for.
 */
export class InstanceFactory {
  constructor(
    /** Passwords (for the CLI: the secrets file overlaid with the environment's). */
    private secrets: SecretStore,
    private readonly auth: FailedLoginMemory,
  ) {}

  /** Uses `store` for stored passwords from now on (the environment's overlay, once read). */
  useSecrets(store: SecretStore): void {
    this.secrets = store;
  }

  /**
   * A runtime for `s` with a typed password, else the stored one — but a stored password only
   * when it was saved for the origin of `s.url`. Otherwise no login is ever sent: the runtime's
   * login guard answers NO_PASSWORD "the stored password belongs to <origin>; enter it again…".
   */
  async make(s: InstanceSettings, password?: string | null): Promise<InstanceRuntime> {
    if (password != null) return new InstanceRuntime(s, password, this.auth.guardFor(s.url, s.username, password));
    // An API key for this origin wins: no login is ever sent, so the instance can never be banned.
    const key = await this.storedSecretFor(apiKeyName(s.name), s.url, 'API key');
    if (typeof key === 'string') return new InstanceRuntime(s, null, undefined, key);
    const stored = await this.storedPasswordFor(s);
    // A placeholder, not the secret: the session reaches the guard (which refuses) only with a non-empty password.
    if (stored instanceof QbitError) return new InstanceRuntime(s, WITHHELD_PASSWORD, refusingGuard(stored));
    return new InstanceRuntime(s, stored, this.auth.guardFor(s.url, s.username, stored ?? ''));
  }

  /** Whether `s` has a stored password that may be sent to its current URL (for the settings view). */
  async hasUsablePassword(s: InstanceSettings): Promise<boolean> {
    return typeof (await this.storedPasswordFor(s)) === 'string';
  }

  /**
   * Stores `password` for instance `name`, bound to `origin`. When `current` runs at that origin,
   * the failed-login memory of these credentials is cleared (entering the password again is the
   * user's "try now") and a runtime with the new password is returned to replace it; else null.
   */
  async storePassword(name: string, password: string, origin: string, current?: InstanceRuntime): Promise<InstanceRuntime | null> {
    await this.secrets.set(name, password, origin);
    if (!current || originOf(current.settings.url) !== origin) return null;
    await this.auth.forgetCredentials(current.settings.url, current.settings.username, password);
    return this.make(current.settings, password);
  }

  /**
   * Stores a WebUI API key (5.2+) for instance `name`, bound to `origin`. Returns a runtime using
   * it to replace `current` when `current` runs at that origin; else null. An empty key removes it.
   */
  async storeApiKey(name: string, key: string, origin: string, current?: InstanceRuntime): Promise<InstanceRuntime | null> {
    if (key) await this.secrets.set(apiKeyName(name), key, origin);
    else await this.secrets.delete(apiKeyName(name));
    if (!current || originOf(current.settings.url) !== origin) return null;
    return this.make(current.settings);
  }

  /** The stored password of `s.name` when bound to `s.url`'s origin; null when none; a QbitError saying why it is withheld. */
  private storedPasswordFor(s: InstanceSettings): Promise<string | null | QbitError> {
    return this.storedSecretFor(s.name, s.url, 'password');
  }

  /** A stored secret (password or API key) under `key` when bound to `url`'s origin; null when none; a QbitError when withheld. */
  private async storedSecretFor(key: string, url: string, what: 'password' | 'API key'): Promise<string | null | QbitError> {
    const entry = await this.secrets.getEntry(key);
    if (!entry) return null;
    const origin = originOf(url);
    if (entry.origin === origin) return entry.password;
    return new QbitError(
      'NO_PASSWORD',
      entry.origin
        ? `the stored ${what} belongs to ${entry.origin}; enter it again for the new address ${origin}`
        : `the stored ${what} was saved without its address; enter it again for ${origin}`,
    );
  }
}

/**
 * Secret-store migration: a password saved before passwords carried their origin is bound to
 * the origin of its instance's URL in `config.json`. Passwords of instances not in `config.json`
 * stay unbound (never sent; the user is asked to enter them again). Never throws (a failure is logged).
 */
export async function bindLegacyPasswords(secrets: SecretStore, settings: Settings, logger: Logger): Promise<void> {
  for (const inst of settings.instances) {
    try {
      const entry = await secrets.getEntry(inst.name);
      if (entry && entry.origin === null) await secrets.set(inst.name, entry.password, originOf(inst.url));
    } catch (err) {
      logger.warn(`could not bind the stored password of ${inst.name} to its address: ${(err as Error).message}`);
    }
  }
}
