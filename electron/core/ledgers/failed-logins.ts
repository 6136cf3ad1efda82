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
 * Failed logins to one server (any password) after which no automatic login is tried any more
 * until one succeeds: 3, leaving 2 of qBittorrent's default 5 (`WebUI\MaxAuthenticationFailCount`)
 * for the user's own browser. The same limit stops one pair's retries. A login that got no answer
 * counts too: qBittorrent may have read it.
 */
export const MAX_AUTO_LOGIN_FAILURES = 3;
/**
 * Failed logins to one server (any password) from which no login is sent at all, not even after
 * the user enters a password again: 4, one below qBittorrent's default ban at 5
 * (`WebUI\MaxAuthenticationFailCount`; its count is per client IP and resets only on a successful
 * login, a restart, or the end of a ban). Between {@link MAX_AUTO_LOGIN_FAILURES} and this, each
 * time the user enters a password buys exactly one login.
 */
export const MAX_SERVER_FAILURES = 4;
/** How long a failing pair (and a "try now" not yet used) is remembered, ms (30 days). A server's count is kept until a success or a ban. */
const CREDENTIAL_MEMORY_MS = 30 * 86_400_000;
/**
 * How long past its own timeout a pending login of another process is waited for, ms. After
 * that its process is taken as dead (SIGKILL mid-login) and the login as a failure.
 */
const PENDING_GRACE_MS = 5_000;
/** How often a login waiting for another one to the same server looks again, ms. */
const WAIT_POLL_MS = 100;
/** Length of the per-install HMAC key, bytes. */
const KEY_BYTES = 32;

/** A login sent (or about to be) whose answer is not known yet; held by the server's record. */
interface Pending {
  id: string;
  /** Epoch ms it was reserved. */
  since: number;
  /** Epoch ms after which it counts as a failure whoever sent it (its timeout plus a grace). */
  until: number;
  /** Record key (`cred:`) of the pair it was sent with: a stale one counts there too. */
  cred?: string;
  /** Whether it spent the user's "try now" (given back when the login never reached the server). */
  granted?: boolean;
}

/** The user's one login allowed past {@link MAX_AUTO_LOGIN_FAILURES}: entering a password again. */
interface Grant {
  /** Record key (`cred:`) of the pair entered. */
  cred: string;
  /** Epoch ms it was entered. */
  at: number;
}

/** One remembered pair (`cred:`) or server (`ban:`). */
interface Entry {
  /** Consecutive failed or unanswered logins: with these credentials (`cred:`), or to this server since its last success, any credentials (`ban:`). */
  failures?: number;
  /** Epoch ms of the last of them. */
  failedAt?: number;
  /** Whether the last of them got no answer (it may or may not have been a wrong password). */
  unanswered?: boolean;
  /** The login in flight to this server (`ban:` only; in version 2 it was on `cred:`). */
  pending?: Pending;
  /** Epoch ms until which qBittorrent bans this machine's IP (`ban:` only). */
  bannedUntil?: number;
  /** The user's one "try now" (`ban:` only). */
  grant?: Grant;
}

/**
 * Contents of `auth-failures.json`, version 3 (version 2 had no per-server count and kept the
 * pending login per pair). `legacy` holds a version-1 file (unkeyed SHA-256 keys) and `fromV2`
 * marks a version-2 file, until {@link FailedLoginMemory} migrates them under the key.
 */
interface MemoryFile {
  version: 3;
  entries: Record<string, Entry>;
  legacy?: Record<string, Entry>;
  fromV2?: true;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function decode(raw: unknown): MemoryFile {
  if (isObject(raw) && raw.version === 3 && isObject(raw.entries)) {
    return {
      version: 3,
      entries: raw.entries as Record<string, Entry>,
      ...(isObject(raw.legacy) ? { legacy: raw.legacy as Record<string, Entry> } : {}),
      ...(raw.fromV2 === true ? { fromV2: true as const } : {}),
    };
  }
  if (isObject(raw) && raw.version === 2 && isObject(raw.entries)) {
    const entries = raw.entries as Record<string, Entry>;
    // A version-2 login in flight sat on its pair's record; its process cannot settle it in this
    // shape any more, so it counts as an unanswered failure of that pair (the safe side).
    for (const e of Object.values(entries)) {
      const until: unknown = isObject(e) && isObject(e.pending) ? e.pending.until : undefined;
      if (typeof until === 'number') countFailure(e, until, true);
    }
    return { version: 3, entries, fromV2: true, ...(isObject(raw.legacy) ? { legacy: raw.legacy as Record<string, Entry> } : {}) };
  }
  // Version 1 was a flat object keyed by unkeyed SHA-256 digests.
  if (isObject(raw) && raw.version === undefined && Object.keys(raw).length > 0) return { version: 3, entries: {}, legacy: raw as Record<string, Entry> };
  return { version: 3, entries: {} };
}

/** Credentials a guard was made for (kept in memory only, as the client keeps them). */
interface Identity {
  url: string;
  username: string;
  password: string;
}

/** The HMAC input of a pair: url, username and password separated by newlines (none may hold one unescaped in practice). */
const pairText = (i: Identity): string => `${i.url}\n${i.username}\n${i.password}`;

/** Failed logins counted on `e` (0 when none). */
const failuresOf = (e: Entry | undefined): number => (e?.failedAt ? (e.failures ?? 1) : 0);

/**
 * Memory of failed logins shared by every process of this install (`<home>/auth-failures.json`),
 * so a user running `qbit-failover status` ten times with a wrong password — or six `add`s at
 * once, or a second wrong password after a first — never reaches qBittorrent's 5-failure ban.
 * Every decision and its record is one step under the ledger's lock: a login is reserved as
 * *pending* (a possible failure) before it is sent, so at most one login per server is in flight
 * across all processes, and one that never got an answer (a frozen server reads it when it
 * wakes) still counts.
 *
 * Two counts, both needed: qBittorrent counts failed logins per client IP whatever the password
 * (we are one IP to it), so each server (url) keeps one count that only a successful login or a
 * ban resets — automatic logins stop at {@link MAX_AUTO_LOGIN_FAILURES}, entering a password
 * again buys one more login, and nothing is sent from {@link MAX_SERVER_FAILURES}. On top, each
 * username/password pair keeps its retry schedule ({@link AUTH_RETRY_SCHEDULE_MS}).
 *
 * Entries are keyed by an HMAC-SHA256 under a random per-install key (`<home>/auth-failures.key`,
 * 32 bytes, mode 0600) — the password is never written and the file alone cannot be
 * brute-forced: `cred:` of url + username + password, `ban:` of the url alone.
 */
export class FailedLoginMemory {
  /** The memory file (`auth-failures.json`). */
  readonly file: string;
  /** The HMAC key file (`auth-failures.key`). */
  readonly keyFile: string;
  private readonly ledger: JsonLedger<MemoryFile>;
  private key: Buffer | null = null;
  /** Pairs guarded by this process: the version-1 and -2 records of exactly these are migrated. */
  private readonly identities = new Map<string, Identity>();

  /** `now` gives epoch ms (tests fake it). */
  constructor(home: string, private readonly now: () => number = Date.now) {
    this.file = path.join(home, 'auth-failures.json');
    this.keyFile = path.join(home, 'auth-failures.key');
    this.ledger = new JsonLedger(this.file, decode);
  }

  /**
   * The user entered this password (again): forgets this pair's failures and retry schedule,
   * and gives it one login even when the server's count has stopped automatic ones — but never
   * from {@link MAX_SERVER_FAILURES} on, where one more failure would get the IP banned.
   */
  async forgetCredentials(url: string, username: string, password: string): Promise<void> {
    await this.update({ url, username, password }, (data, k) => {
      delete data.entries[k.cred];
      const srv = (data.entries[k.server] ??= {});
      srv.grant = { cred: k.cred, at: this.now() };
    });
  }

  /**
   * The user says qBittorrent's count for the server at `url` was reset by hand (they logged in
   * once in the browser, or restarted qBittorrent — the two ways named in the refusal from
   * {@link MAX_SERVER_FAILURES} on): forgets that server's count, so logins may be tried again.
   * Neither can be seen from here without spending a failed login. Keeps a ban in force and a
   * login in flight. Offered by `qbit-failover login-reset <instance>`.
   */
  async forgetServerCount(url: string): Promise<void> {
    await this.update({ url, username: '', password: '' }, (data, k) => {
      const srv = data.entries[k.server];
      if (!srv) return;
      for (const f of ['failures', 'failedAt', 'unanswered'] as const) delete srv[f];
      tidy(data, k.server);
    });
  }

  /**
   * What is remembered (diagnostics and tests): this pair's failures, whether a login to the
   * server is in flight, the server's failed logins since its last success, the ban's end (epoch
   * ms, 0 = none).
   */
  async stateOf(url: string, username: string, password: string): Promise<{ failures: number; pending: boolean; serverFailures: number; bannedUntil: number }> {
    return this.update({ url, username, password }, (data, k) => {
      const srv = data.entries[k.server];
      return { failures: failuresOf(data.entries[k.cred]), pending: !!srv?.pending, serverFailures: failuresOf(srv), bannedUntil: srv?.bannedUntil ?? 0 };
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
            `another login to this instance (maybe from another qbit-failover process) has not been answered within ${Math.round(loginTimeoutMs / 1000)} s; no second login was sent`,
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
    if (data.legacy || data.fromV2) return null;
    this.sweep(data);
    const decision = this.decide(data, keysOf(this.key, who), who, loginTimeoutMs);
    return decision !== 'wait' && !decision.allowed ? decision : null;
  }

  /** The atomic "may I log in" step; runs under the ledger's lock (or on a snapshot by {@link peek}, which keeps only refusals). */
  private decide(data: MemoryFile, k: Keys, who: Identity, loginTimeoutMs: number): LoginPermit | 'wait' {
    const now = this.now();
    const e = data.entries[k.cred];
    const srv = data.entries[k.server];
    const ban = srv?.bannedUntil ?? 0;
    if (ban > now) {
      const mins = Math.ceil((ban - now) / 60_000);
      return { allowed: false, error: new QbitError('BANNED', `IP banned by qBittorrent after failed logins; no login is tried for ${mins} more min`) };
    }
    if (srv?.pending) return 'wait';
    const failures = failuresOf(e);
    const serverFailures = failuresOf(srv);
    const unanswered = e ? !!e.unanswered : !!srv?.unanswered;
    const code = unanswered ? 'TIMEOUT' : 'AUTH_FAILED';
    const what = unanswered ? 'the last login got no answer (qBittorrent may still count it as a failed login)' : 'wrong username or password';
    if (serverFailures >= MAX_SERVER_FAILURES) {
      return {
        allowed: false,
        error: new QbitError(
          code,
          `${what}; ${serverFailures} failed or unanswered logins to this server since its last successful one, so no login is sent: qBittorrent would ban this address after one more failure; log in once in the browser or restart qBittorrent to reset its count, then run \`qbit-failover login-reset <instance>\``,
        ),
      };
    }
    const granted = srv?.grant?.cred === k.cred;
    if (serverFailures >= MAX_AUTO_LOGIN_FAILURES && !granted) {
      return {
        allowed: false,
        error: new QbitError(
          code,
          `${what}; not retried after ${serverFailures} failed or unanswered logins to this server since its last successful one (qBittorrent bans after 5) — enter the password again to try once more`,
        ),
      };
    }
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
    const pending: Pending = { id: crypto.randomUUID(), since: now, until: now + loginTimeoutMs + PENDING_GRACE_MS, cred: k.cred, ...(granted ? { granted: true } : {}) };
    const record = (data.entries[k.server] ??= {});
    record.pending = pending;
    if (granted) delete record.grant;
    return { allowed: true, attempt: this.attempt(who, pending.id) };
  }

  /** How one reserved login ended, recorded under the lock. */
  private attempt(who: Identity, id: string): LoginAttempt {
    /** Takes our pending record off the server's record; null when it is gone (settled as a failure by another process). */
    const release = (srv: Entry | undefined): Pending | null => {
      const p = srv?.pending;
      if (p?.id !== id) return null;
      delete srv!.pending;
      return p;
    };
    return {
      succeeded: () =>
        this.update(who, (data, k) => {
          // A success resets qBittorrent's per-IP count whatever password failed before.
          delete data.entries[k.cred];
          const srv = data.entries[k.server];
          if (!srv) return;
          release(srv);
          for (const f of ['failures', 'failedAt', 'unanswered', 'bannedUntil', 'grant'] as const) delete srv[f];
          tidy(data, k.server);
        }),
      failed: (code) =>
        this.update(who, (data, k) => {
          const srv = (data.entries[k.server] ??= {});
          const mine = release(srv);
          if (code === 'BANNED') {
            // The ban is in force for BAN_DURATION_MS; when it ends qBittorrent forgets the IP's count.
            for (const f of ['failures', 'failedAt', 'unanswered', 'grant'] as const) delete srv[f];
            srv.bannedUntil = this.now() + BAN_DURATION_MS;
            tidy(data, k.cred);
            return;
          }
          const e = data.entries[k.cred];
          // Not ours any more but still counted (its pending record went stale): do not count twice.
          if (!mine && e?.failedAt) e.unanswered = false;
          else countFailure(e ?? (data.entries[k.cred] = {}), this.now(), false);
          if (!mine && srv.failedAt) srv.unanswered = false;
          else countFailure(srv, this.now(), false);
        }),
      unanswered: () =>
        this.update(who, (data, k) => {
          const srv = data.entries[k.server];
          if (!release(srv)) return;
          countFailure(srv!, this.now(), true);
          countFailure((data.entries[k.cred] ??= {}), this.now(), true);
        }),
      notSent: () =>
        this.update(who, (data, k) => {
          const srv = data.entries[k.server];
          const mine = release(srv);
          if (!mine) return;
          // qBittorrent saw nothing: the user's "try now" is still unspent.
          if (mine.granted && !srv!.grant) srv!.grant = { cred: k.cred, at: this.now() };
          tidy(data, k.server);
        }),
    };
  }

  /**
   * Runs `fn` on the memory under the ledger's lock with the record keys of `who`, after
   * loading (or creating, once) the HMAC key, migrating version-1 and -2 records of the pairs
   * this process guards and dropping expired records. @throws when the lock or the files fail.
   */
  private update<R>(who: Identity, fn: (data: MemoryFile, k: Keys) => R): Promise<R> {
    return this.ledger.update(async (data) => {
      const key = await this.loadKey(data);
      if (data.legacy || data.fromV2) this.migrate(data, key);
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

  /**
   * Moves version-1 records of the pairs guarded here to keyed ones and drops the rest (they held
   * unkeyed password digests). Versions 1 and 2 had no per-server count: each guarded pair's
   * failures become its server's count at least (other passwords' failures cannot be told apart
   * from the digests; the pair about to be tried is the one that matters).
   */
  private migrate(data: MemoryFile, key: Buffer): void {
    const legacy = data.legacy ?? {};
    const sha = sha256Hex;
    for (const who of this.identities.values()) {
      const k = keysOf(key, who);
      const oldCred = legacy[`cred:${sha(pairText(who))}`];
      const oldBan = legacy[`ban:${sha(who.url)}`];
      if (oldCred?.failedAt && !data.entries[k.cred]) data.entries[k.cred] = { failures: oldCred.failures ?? 1, failedAt: oldCred.failedAt };
      if (oldBan?.bannedUntil && !data.entries[k.server]?.bannedUntil) (data.entries[k.server] ??= {}).bannedUntil = oldBan.bannedUntil;
      const cred = data.entries[k.cred];
      const srv = data.entries[k.server];
      if (failuresOf(cred) > failuresOf(srv) && !((srv?.bannedUntil ?? 0) > this.now())) {
        const into = (data.entries[k.server] ??= {});
        into.failures = failuresOf(cred);
        into.failedAt = cred!.failedAt;
        into.unanswered = !!cred!.unanswered;
      }
    }
    delete data.legacy;
    delete data.fromV2;
  }

  /**
   * Counts pending logins past their time as failures of their server and pair (their process
   * died mid-login, or froze: the server may have read them), then drops pair records older than
   * the memory lasts (a server's count stays until a success or a ban; a record with a login in
   * flight or a ban in force always stays).
   */
  private sweep(data: MemoryFile): void {
    const now = this.now();
    const cutoff = now - CREDENTIAL_MEMORY_MS;
    for (const v of Object.values(data.entries)) {
      const p = v.pending;
      if (p && p.until <= now) {
        countFailure(v, p.until, true);
        if (p.cred) countFailure((data.entries[p.cred] ??= {}), p.until, true);
      }
    }
    for (const [k, v] of Object.entries(data.entries)) {
      if (v.grant && v.grant.at < cutoff) delete v.grant;
      if (v.bannedUntil !== undefined && v.bannedUntil <= now) delete v.bannedUntil;
      if (k.startsWith('ban:')) tidy(data, k);
      else if ((v.failedAt ?? 0) < cutoff) delete data.entries[k];
    }
  }
}

/** Record keys of one pair: `cred:` HMAC of url + username + password; `server` (`ban:`, its name since version 2) HMAC of the url. */
interface Keys {
  cred: string;
  server: string;
}

function keysOf(key: Buffer, who: Identity): Keys {
  const mac = (text: string): string => crypto.createHmac('sha256', key).update(text).digest('hex');
  return { cred: `cred:${mac(pairText(who))}`, server: `ban:${mac(`ban\n${serverOf(who.url)}`)}` };
}

/**
 * The server a count belongs to: the URL's origin (scheme, lower-cased host, port; default port
 * dropped), so `http://NAS:8080/` and `http://nas:8080` share one count — qBittorrent counts per
 * client IP, whatever path or spelling we used. A URL that does not parse counts as written.
 */
function serverOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** Drops record `key` when it holds nothing: no failure, login in flight, ban in force or "try now". */
function tidy(data: MemoryFile, key: string): void {
  const e = data.entries[key];
  if (e && !e.pending && !e.failedAt && !e.grant && !e.bannedUntil) delete data.entries[key];
}

/** Adds one failed (or unanswered, maybe failed) login to `e`, at `at` epoch ms, and clears its pending record. */
function countFailure(e: Entry, at: number, unanswered: boolean): void {
  e.failures = failuresOf(e) + 1;
  e.failedAt = at;
  e.unanswered = unanswered;
  delete e.pending;
}
