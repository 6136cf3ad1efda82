import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { sha256Hex } from '../digest';
import { JsonLedger } from './json-ledger';
import { BAN_DURATION_MS, QbitError, type LoginAttempt, type LoginGuard, type LoginPermit } from '../qbittorrent';

/**
 * Waits before the same failing username/password pair is tried again, ms, by consecutive
 * failures: 5 min after the first, 30 min after the second. qBittorrent bans an IP after 5
 * failed logins (`WebUI\MaxAuthenticationFailCount`) and its count never decays with time — only
 * a successful login or a server restart resets it — so a fixed 5-min retry would reach a ban
 * after ~20 min of polling with a wrong password.
 */
export const AUTH_RETRY_SCHEDULE_MS = [5 * 60_000, 30 * 60_000] as const;
/**
 * Failed logins with the same credentials after which no automatic login is tried any more
 * (until the credentials change or are entered again): 3, leaving 2 of qBittorrent's default 5
 * for the user's own browser. A login that got no answer counts too: qBittorrent may have read it.
 */
export const MAX_AUTO_LOGIN_FAILURES = 3;
/** How long a failing pair is remembered, ms (30 days). */
const CREDENTIAL_MEMORY_MS = 30 * 86_400_000;
/**
 * How long past its own timeout a pending login of another process is waited for, ms. After
 * that its process is taken as dead (SIGKILL mid-login) and the login as a failure.
 */
const PENDING_GRACE_MS = 5_000;
/** How often a login waiting for another one with the same credentials looks again, ms. */
const WAIT_POLL_MS = 100;
/** Length of the per-install HMAC key, bytes. */
const KEY_BYTES = 32;

/** A login sent (or about to be) whose answer is not known yet. */
interface Pending {
  id: string;
  /** Epoch ms it was reserved. */
  since: number;
  /** Epoch ms after which it counts as a failure whoever sent it (its timeout plus a grace). */
  until: number;
}

/** One remembered pair (`cred:`) or URL (`ban:`). */
interface Entry {
  /** Consecutive failed or unanswered logins with these credentials. */
  failures?: number;
  /** Epoch ms of the last of them. */
  failedAt?: number;
  /** Whether the last of them got no answer (it may or may not have been a wrong password). */
  unanswered?: boolean;
  pending?: Pending;
  /** Epoch ms until which qBittorrent bans this machine's IP (`ban:` entries). */
  bannedUntil?: number;
}

/** Contents of `auth-failures.json`. `legacy` holds a version-1 file (unkeyed SHA-256 keys) until migrated. */
interface MemoryFile {
  version: 2;
  entries: Record<string, Entry>;
  legacy?: Record<string, Entry>;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function decode(raw: unknown): MemoryFile {
  if (isObject(raw) && raw.version === 2 && isObject(raw.entries)) {
    return { version: 2, entries: raw.entries as Record<string, Entry>, ...(isObject(raw.legacy) ? { legacy: raw.legacy as Record<string, Entry> } : {}) };
  }
  // Version 1 was a flat object keyed by unkeyed SHA-256 digests.
  if (isObject(raw) && Object.keys(raw).length > 0) return { version: 2, entries: {}, legacy: raw as Record<string, Entry> };
  return { version: 2, entries: {} };
}

/** Credentials a guard was made for (kept in memory only, as the client keeps them). */
interface Identity {
  url: string;
  username: string;
  password: string;
}

/** The HMAC input of a pair: url, username and password separated by newlines (none may hold one unescaped in practice). */
const pairText = (i: Identity): string => `${i.url}\n${i.username}\n${i.password}`;

/**
 * Memory of failed logins shared by every process of this install (`<home>/auth-failures.json`),
 * so a user running `qbit-failover status` ten times with a wrong password — or six `add`s at
 * once — never reaches qBittorrent's 5-failure ban. Every decision and its record is one step
 * under the ledger's lock: a login is reserved as *pending* (a possible failure) before it is
 * sent, so at most one login per instance and credentials is in flight across all processes,
 * and one that never got an answer (a frozen server reads it when it wakes) still counts.
 *
 * Entries are keyed by an HMAC-SHA256 of url + username + password under a random per-install
 * key (`<home>/auth-failures.key`, 32 bytes, mode 0600) — the password is never written and the
 * file alone cannot be brute-forced — so changing the credentials retries at once. Bans are per
 * IP, so they are keyed by url alone.
 */
export class FailedLoginMemory {
  /** The memory file (`auth-failures.json`). */
  readonly file: string;
  /** The HMAC key file (`auth-failures.key`). */
  readonly keyFile: string;
  private readonly ledger: JsonLedger<MemoryFile>;
  private key: Buffer | null = null;
  /** Pairs guarded by this process: the version-1 records of exactly these are migrated. */
  private readonly identities = new Map<string, Identity>();

  /** `now` gives epoch ms (tests fake it). */
  constructor(home: string, private readonly now: () => number = Date.now) {
    this.file = path.join(home, 'auth-failures.json');
    this.keyFile = path.join(home, 'auth-failures.key');
    this.ledger = new JsonLedger(this.file, decode);
  }

  /** Forgets failures of these credentials (the user entered the password again: try at once). */
  async forgetCredentials(url: string, username: string, password: string): Promise<void> {
    await this.update({ url, username, password }, (data, k) => {
      const e = data.entries[k.cred];
      if (!e) return;
      // A login in flight stays reserved: it is still on the wire.
      if (e.pending) data.entries[k.cred] = { pending: e.pending };
      else delete data.entries[k.cred];
    });
  }

  /** What is remembered about a pair (diagnostics and tests): failures counted, a login in flight, the ban's end (epoch ms, 0 = none). */
  async stateOf(url: string, username: string, password: string): Promise<{ failures: number; pending: boolean; bannedUntil: number }> {
    return this.update({ url, username, password }, (data, k) => {
      const e = data.entries[k.cred];
      return { failures: e?.failedAt ? (e.failures ?? 1) : 0, pending: !!e?.pending, bannedUntil: data.entries[k.ban]?.bannedUntil ?? 0 };
    });
  }

  /** A {@link LoginGuard} for one instance's url and credentials. */
  guardFor(url: string, username: string, password: string): LoginGuard {
    const who: Identity = { url, username, password };
    this.identities.set(pairText(who), who);
    return { begin: (loginTimeoutMs) => this.begin(who, loginTimeoutMs) };
  }

  private async begin(who: Identity, loginTimeoutMs: number): Promise<LoginPermit> {
    // performance.now, not Date: tests fake the wall clock, and a wait must still end.
    const deadline = performance.now() + loginTimeoutMs;
    // A refusal needs no lock (it writes nothing): pollers with a remembered failure stay cheap.
    const early = await this.peek(who, loginTimeoutMs);
    if (early) return early;
    for (;;) {
      const decision = await this.update(who, (data, k) => this.decide(data, k, who, loginTimeoutMs));
      if (decision !== 'wait') return decision;
      const left = deadline - performance.now();
      if (left <= 0) {
        return {
          allowed: false,
          error: new QbitError(
            'TIMEOUT',
            `another login to this instance with the same credentials (maybe from another qbit-failover process) has not been answered within ${Math.round(loginTimeoutMs / 1000)} s; no second login was sent`,
          ),
        };
      }
      await new Promise((r) => setTimeout(r, Math.min(WAIT_POLL_MS, left)));
    }
  }

  /** The refusal {@link decide} would give now, judged on a lock-free snapshot (null: ask under the lock). */
  private async peek(who: Identity, loginTimeoutMs: number): Promise<LoginPermit | null> {
    // An existing key may be read without the lock; only creating it needs the lock.
    this.key ??= await fs.readFile(this.keyFile).then(
      (k) => (k.length === KEY_BYTES ? k : null),
      () => null,
    );
    if (!this.key) return null;
    const data = await this.ledger.read();
    if (data.legacy) return null;
    this.sweep(data);
    const decision = this.decide(data, keysOf(this.key, who), who, loginTimeoutMs);
    return decision !== 'wait' && !decision.allowed ? decision : null;
  }

  /** The atomic "may I log in" step; runs under the ledger's lock (or on a snapshot by {@link peek}, which keeps only refusals). */
  private decide(data: MemoryFile, k: Keys, who: Identity, loginTimeoutMs: number): LoginPermit | 'wait' {
    const now = this.now();
    const e = data.entries[k.cred];
    const ban = data.entries[k.ban]?.bannedUntil ?? 0;
    if (ban > now) {
      const mins = Math.ceil((ban - now) / 60_000);
      return { allowed: false, error: new QbitError('BANNED', `IP banned by qBittorrent after failed logins; no login is tried for ${mins} more min`) };
    }
    if (e?.pending) return 'wait';
    const failures = e?.failedAt ? (e.failures ?? 1) : 0;
    const code = e?.unanswered ? 'TIMEOUT' : 'AUTH_FAILED';
    const what = e?.unanswered ? 'the last login got no answer (qBittorrent may still count it as a failed login)' : 'wrong username or password';
    if (failures >= MAX_AUTO_LOGIN_FAILURES) {
      return {
        allowed: false,
        error: new QbitError(code, `${what}; not retried after ${failures} failed or unanswered logins (qBittorrent bans after 5) — enter the password again to retry`),
      };
    }
    const wait = failures ? AUTH_RETRY_SCHEDULE_MS[Math.min(failures, AUTH_RETRY_SCHEDULE_MS.length) - 1]! : 0;
    if (e?.failedAt && e.failedAt + wait > now) {
      const secs = Math.ceil((e.failedAt + wait - now) / 1000);
      return { allowed: false, error: new QbitError(code, `${what} (not retried for ${secs} s to avoid qBittorrent's ban; enter the password again to retry now)`) };
    }
    const pending: Pending = { id: crypto.randomUUID(), since: now, until: now + loginTimeoutMs + PENDING_GRACE_MS };
    data.entries[k.cred] = { ...e, pending };
    return { allowed: true, attempt: this.attempt(who, pending.id) };
  }

  /** How one reserved login ended, recorded under the lock. */
  private attempt(who: Identity, id: string): LoginAttempt {
    /** Takes our pending record off; false when it is gone (settled as a failure by another process). */
    const release = (e: Entry | undefined): boolean => {
      if (e?.pending?.id !== id) return false;
      delete e.pending;
      return true;
    };
    const tidy = (data: MemoryFile, key: string): void => {
      const e = data.entries[key];
      if (e && !e.pending && !e.failedAt && !e.bannedUntil) delete data.entries[key];
    };
    return {
      succeeded: () =>
        this.update(who, (data, k) => {
          // A success resets qBittorrent's count whatever else was remembered.
          delete data.entries[k.cred];
          delete data.entries[k.ban];
        }),
      failed: (code) =>
        this.update(who, (data, k) => {
          const e = data.entries[k.cred];
          const mine = release(e);
          if (code === 'BANNED') {
            data.entries[k.ban] = { bannedUntil: this.now() + BAN_DURATION_MS };
            tidy(data, k.cred);
            return;
          }
          // Not ours any more but still counted (its pending record went stale): do not count twice.
          if (!mine && e?.failedAt) e.unanswered = false;
          else countFailure(e ?? (data.entries[k.cred] = {}), this.now(), false);
        }),
      unanswered: () =>
        this.update(who, (data, k) => {
          const e = data.entries[k.cred];
          if (release(e)) countFailure(e!, this.now(), true);
        }),
      notSent: () =>
        this.update(who, (data, k) => {
          if (release(data.entries[k.cred])) tidy(data, k.cred);
        }),
    };
  }

  /**
   * Runs `fn` on the memory under the ledger's lock with the record keys of `who`, after
   * loading (or creating, once) the HMAC key, migrating version-1 records of the pairs this
   * process guards and dropping expired records. @throws when the lock or the files fail.
   */
  private update<R>(who: Identity, fn: (data: MemoryFile, k: Keys) => R): Promise<R> {
    return this.ledger.update(async (data) => {
      const key = await this.loadKey(data);
      if (data.legacy) this.migrate(data, key);
      this.sweep(data);
      return fn(data, keysOf(key, who));
    });
  }

  /** Reads the key, or creates it (mode 0600) when missing or damaged — then no record can match: they are dropped. Runs under the lock. */
  private async loadKey(data: MemoryFile): Promise<Buffer> {
    if (this.key) return this.key;
    let key: Buffer | null = null;
    try {
      key = await fs.readFile(this.keyFile);
    } catch {
      key = null;
    }
    if (key?.length !== KEY_BYTES) {
      key = crypto.randomBytes(KEY_BYTES);
      await fs.mkdir(path.dirname(this.keyFile), { recursive: true, mode: 0o700 });
      await fs.writeFile(this.keyFile, key, { mode: 0o600 });
      await fs.chmod(this.keyFile, 0o600).catch(() => undefined);
      data.entries = {};
    }
    this.key = key;
    return key;
  }

  /** Moves version-1 records of the pairs guarded here to keyed ones and drops the rest (they held unkeyed password digests). */
  private migrate(data: MemoryFile, key: Buffer): void {
    const legacy = data.legacy ?? {};
    const sha = sha256Hex;
    for (const who of this.identities.values()) {
      const k = keysOf(key, who);
      const oldCred = legacy[`cred:${sha(pairText(who))}`];
      const oldBan = legacy[`ban:${sha(who.url)}`];
      if (oldCred?.failedAt && !data.entries[k.cred]) data.entries[k.cred] = { failures: oldCred.failures ?? 1, failedAt: oldCred.failedAt };
      if (oldBan?.bannedUntil && !data.entries[k.ban]) data.entries[k.ban] = { bannedUntil: oldBan.bannedUntil };
    }
    delete data.legacy;
  }

  /**
   * Counts pending logins past their time as failures (their process died mid-login, or froze:
   * the server may have read them), then drops records older than the memory lasts (never one
   * with a login in flight or a ban in force).
   */
  private sweep(data: MemoryFile): void {
    const now = this.now();
    const cutoff = now - CREDENTIAL_MEMORY_MS;
    for (const [k, v] of Object.entries(data.entries)) {
      if (v.pending && v.pending.until <= now) countFailure(v, v.pending.until, true);
      if (!v.pending && (v.failedAt ?? 0) < cutoff && (v.bannedUntil ?? 0) < now) delete data.entries[k];
    }
  }
}

/** Record keys of one pair: `cred:` HMAC of url + username + password, `ban:` HMAC of the url. */
interface Keys {
  cred: string;
  ban: string;
}

function keysOf(key: Buffer, who: Identity): Keys {
  const mac = (text: string): string => crypto.createHmac('sha256', key).update(text).digest('hex');
  return { cred: `cred:${mac(pairText(who))}`, ban: `ban:${mac(`ban\n${who.url}`)}` };
}

/** Adds one failed (or unanswered, maybe failed) login to `e`, at `at` epoch ms, and clears its pending record. */
function countFailure(e: Entry, at: number, unanswered: boolean): void {
  e.failures = (e.failedAt ? (e.failures ?? 1) : 0) + 1;
  e.failedAt = at;
  e.unanswered = unanswered;
  delete e.pending;
}
