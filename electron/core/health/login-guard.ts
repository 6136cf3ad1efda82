import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { QbitError, type LoginGuard } from '../qbittorrent';

/**
 * Waits before the same failing username/password pair is tried again, ms, by consecutive
 * failures: 5 min after the first, 30 min after the second. qBittorrent bans an IP after 5
 * failed logins (`WebUI\MaxAuthenticationFailCount`) and its count never decays with time — only
 * a successful login or a server restart resets it — so a fixed 5-min retry would reach a ban
 * after ~20 min of polling with a wrong password.
 */
export const AUTH_RETRY_SCHEDULE_MS = [5 * 60_000, 30 * 60_000] as const;
/** How long a failing username/password pair is first not retried, ms. */
export const AUTH_RETRY_AFTER_MS = AUTH_RETRY_SCHEDULE_MS[0];
/**
 * Failed logins with the same credentials after which no automatic login is tried any more
 * (until the credentials change or are entered again): 3, leaving 2 of qBittorrent's default 5
 * for the user's own browser.
 */
export const MAX_AUTO_LOGIN_FAILURES = 3;
/** How long a failing pair is remembered, ms (30 days). */
const CREDENTIAL_MEMORY_MS = 30 * 86_400_000;
/** qBittorrent's default `WebUI\BanDuration` (3 600 s): no login is tried while a ban can be in force. */
export const BAN_DURATION_MS = 3_600_000;

interface Record_ {
  failedAt?: number;
  /** Consecutive failed logins with these credentials (absent in older files: 1). */
  failures?: number;
  bannedUntil?: number;
}

const credentialKey = (url: string, username: string, password: string): string =>
  'cred:' + crypto.createHash('sha256').update(`${url}\n${username}\n${password}`).digest('hex');

/**
 * Memory of failed logins that survives process restarts (`<home>/auth-failures.json`), so a
 * user running `qbit-failover status` ten times with a wrong password never reaches
 * qBittorrent's 5-failure ban. Entries are keyed by a SHA-256 of url + username + password —
 * the password itself is never written — so changing the credentials retries at once. Bans are
 * per IP, so they are keyed by url alone.
 */
export class AuthMemory {
  readonly file: string;
  constructor(home: string, private readonly now: () => number = Date.now) {
    this.file = path.join(home, 'auth-failures.json');
  }

  private async read(): Promise<Record<string, Record_>> {
    try {
      const data = JSON.parse(await fs.readFile(this.file, 'utf8')) as unknown;
      return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, Record_>) : {};
    } catch {
      return {};
    }
  }

  private async update(fn: (data: Record<string, Record_>) => void): Promise<void> {
    const data = await this.read();
    fn(data);
    const cutoff = this.now() - CREDENTIAL_MEMORY_MS;
    for (const [k, v] of Object.entries(data)) {
      if ((v.failedAt ?? 0) < cutoff && (v.bannedUntil ?? 0) < this.now()) delete data[k];
    }
    await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.file, JSON.stringify(data), { mode: 0o600 });
  }

  /** Forgets failures of these credentials (the user entered the password again: try at once). */
  async forgetCredentials(url: string, username: string, password: string): Promise<void> {
    const key = credentialKey(url, username, password);
    if (!(await this.read())[key]) return;
    await this.update((d) => {
      delete d[key];
    });
  }

  /** A {@link LoginGuard} for one instance's url and credentials. */
  guardFor(url: string, username: string, password: string): LoginGuard {
    const credKey = credentialKey(url, username, password);
    const banKey = 'ban:' + crypto.createHash('sha256').update(url).digest('hex');
    return {
      check: async () => {
        const data = await this.read();
        const ban = data[banKey]?.bannedUntil ?? 0;
        if (ban > this.now()) {
          const mins = Math.ceil((ban - this.now()) / 60_000);
          return new QbitError('BANNED', `IP banned by qBittorrent after failed logins; no login is tried for ${mins} more min`);
        }
        const failedAt = data[credKey]?.failedAt ?? 0;
        const failures = failedAt ? (data[credKey]?.failures ?? 1) : 0;
        if (failures >= MAX_AUTO_LOGIN_FAILURES) {
          return new QbitError(
            'AUTH_FAILED',
            `wrong username or password; not retried after ${failures} failed logins (qBittorrent bans after 5) — enter the password again to retry`,
          );
        }
        const wait = failures ? AUTH_RETRY_SCHEDULE_MS[Math.min(failures, AUTH_RETRY_SCHEDULE_MS.length) - 1]! : 0;
        if (failedAt + wait > this.now()) {
          const secs = Math.ceil((failedAt + wait - this.now()) / 1000);
          return new QbitError(
            'AUTH_FAILED',
            `wrong username or password (not retried for ${secs} s to avoid qBittorrent's ban; change the password to retry now)`,
          );
        }
        return null;
      },
      onFailure: (code) =>
        this.update((data) => {
          if (code === 'BANNED') data[banKey] = { bannedUntil: this.now() + BAN_DURATION_MS };
          else data[credKey] = { failedAt: this.now(), failures: (data[credKey]?.failedAt ? (data[credKey]?.failures ?? 1) : 0) + 1 };
        }),
      onSuccess: async () => {
        const data = await this.read();
        if (!data[credKey] && !data[banKey]) return;
        await this.update((d) => {
          delete d[credKey];
          delete d[banKey];
        });
      },
    };
  }
}
