import type { Dispatcher } from 'undici';
import { QbitError, causeCodes, httpError, toQbitError } from './errors';
import { send, type HttpResponse } from './http';
import type { ClientStats, LoginAttempt, LoginGuard, LoginPermit } from './types';

/**
 * The session cookie of one client: lazy login, one shared in-flight login for concurrent
 * callers, ban memory, and the login guard. Rules from ../shared/qbittorrent-facts.md.
 * Another way to authenticate (e.g. an API key sent as `Authorization: Bearer`) would skip
 * {@link Session.login}'s exchange; the guard only ever sees password logins.
 */

/** qBittorrent's default `WebUI\BanDuration`, ms: a banned IP gets 403 on every login for an hour. */
export const BAN_DURATION_MS = 3_600_000;

/** Picks `name=value` of the session cookie from Set-Cookie (`SID` on 4.x, `QBT_SID_<port>` on 5.2). */
export function sessionCookie(setCookie: string | string[] | undefined): string | null {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const pairs = list.map((c) => (c.split(';')[0] ?? '').trim()).filter((p) => /^[^=\s]+=/.test(p));
  return pairs.find((p) => /sid/i.test(p.slice(0, p.indexOf('=')))) ?? pairs[0] ?? null;
}

/** Transport details the session needs from its client. */
export interface SessionDeps {
  agent: Dispatcher;
  baseUrl: string;
  username: string;
  password: string;
  timeoutMs: number;
  stats: ClientStats;
  guard?: LoginGuard;
  /** The instance's name, for messages. */
  instanceName?: string;
  /** Called after every successful login (e.g. to forget cached versions). */
  onLogin?: () => void;
}

/** One client's WebUI session. */
export class Session {
  private cookie: string | null = null;
  private inFlight: Promise<string> | null = null;
  /** Epoch ms until which logins are refused locally (after a ban answer). */
  private bannedUntil = 0;

  /** `deps` supplies the agent, credentials and counters. */
  constructor(private readonly deps: SessionDeps) {}

  /** The current cookie, logging in first if there is none (concurrent callers share one login). */
  async current(): Promise<string> {
    if (this.cookie) return this.cookie;
    return this.login();
  }

  /**
   * Logs in now (joining a login already in flight). Throws QbitError `BANNED` without
   * sending anything while a remembered ban lasts, `NO_PASSWORD` without sending anything when
   * no password is stored, the guard's error when it vetoes (or cannot decide: `UNKNOWN`),
   * `TIMEOUT`/`CONNECTION_REFUSED`/`TLS_ERROR` from the transport,
   * `AUTH_FAILED` on `Fails.`/401, `BANNED` on a 403 mentioning a ban, `HTTP_<n>` otherwise.
   */
  login(): Promise<string> {
    if (!this.inFlight) {
      this.inFlight = this.doLogin().finally(() => {
        this.inFlight = null;
      });
    }
    return this.inFlight;
  }

  /** The session cookie held now, or null; never logs in. */
  held(): string | null {
    return this.cookie;
  }

  /** Drops `cookie` if it is still the current one (a 403 showed it expired). */
  invalidate(cookie: string): void {
    if (this.cookie === cookie) this.cookie = null;
  }

  /** Epoch ms until which logins are refused locally (0 = no ban known). */
  get bannedUntilMs(): number {
    return this.bannedUntil;
  }

  private async doLogin(): Promise<string> {
    const d = this.deps;
    if (Date.now() < this.bannedUntil) {
      const mins = Math.ceil((this.bannedUntil - Date.now()) / 60_000);
      throw new QbitError('BANNED', `IP banned by qBittorrent after too many failed logins; not retrying for ${mins} min`);
    }
    // An empty password is a wrong one on any server that asks for one: it would spend one of
    // qBittorrent's 5 failed logins for nothing.
    if (!d.password) throw noPasswordError(d.instanceName);
    const permit = await this.permit();
    if (!permit.allowed) throw permit.error;
    return this.exchange(permit.attempt);
  }

  /** Asks the guard (if any) for a login slot; a guard that cannot decide refuses (fail closed). */
  private async permit(): Promise<LoginPermit> {
    const d = this.deps;
    if (!d.guard) return { allowed: true, attempt: NO_GUARD };
    try {
      return await d.guard.begin(d.timeoutMs);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return { allowed: false, error: new QbitError('UNKNOWN', `the failed-login memory could not be read or written (${why}); no login was tried`, { cause: err }) };
    }
  }

  /** Sends `auth/login` and tells `attempt` how it ended. Throws as {@link login} does. */
  private async exchange(attempt: LoginAttempt): Promise<string> {
    const d = this.deps;
    // Telling the guard may fail (its file is locked too long): the pending record it already
    // holds then counts as a failure, which errs on the safe side. The login's own result wins.
    const tell = (p: () => Promise<void>): Promise<void> => p().catch(() => undefined);
    d.stats.logins++;
    d.stats.requests++;
    let res: HttpResponse;
    try {
      // Node sends no Origin/Referer: qBittorrent answers 401 to a foreign origin.
      res = await send(
        d.agent,
        {
          method: 'POST',
          url: `${d.baseUrl}/api/v2/auth/login`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ username: d.username, password: d.password }).toString(),
        },
        d.timeoutMs,
      );
    } catch (err) {
      const e = toQbitError(err);
      await tell(() => (mayHaveReachedServer(e) ? attempt.unanswered() : attempt.notSent()));
      throw e;
    }
    const body = res.body.trim();
    if (res.status === 204 || (res.status === 200 && body === 'Ok.')) {
      await tell(() => attempt.succeeded());
      const cookie = sessionCookie(res.headers['set-cookie']);
      if (!cookie) throw new QbitError('UNKNOWN', 'login answered Ok. but set no session cookie', { httpStatus: res.status });
      this.cookie = cookie;
      d.onLogin?.();
      return cookie;
    }
    if (res.status === 401 || (res.status === 200 && body === 'Fails.')) {
      await tell(() => attempt.failed('AUTH_FAILED'));
      throw new QbitError('AUTH_FAILED', 'wrong username or password', { httpStatus: res.status });
    }
    if (res.status === 403 && /bann/i.test(body)) {
      this.bannedUntil = Date.now() + BAN_DURATION_MS;
      await tell(() => attempt.failed('BANNED'));
      throw new QbitError('BANNED', `IP banned by qBittorrent: ${body.slice(0, 200)}`, { httpStatus: 403 });
    }
    await tell(() => attempt.notSent());
    throw httpError(res.status, res.body, 'login');
  }
}

/** The attempt used without a guard: nothing to record. */
const NO_GUARD: LoginAttempt = {
  succeeded: async () => undefined,
  failed: async () => undefined,
  unanswered: async () => undefined,
  notSent: async () => undefined,
};

/**
 * Whether a failed `send` may still have delivered the login to qBittorrent, which then counts
 * it if the password is wrong: true for a timeout or a reset after connecting (a frozen server
 * reads its socket when it wakes), false when no connection was made (refused, unreachable, TLS
 * handshake, connect timeout).
 */
export function mayHaveReachedServer(err: QbitError): boolean {
  if (err.code === 'CONNECTION_REFUSED' || err.code === 'TLS_ERROR') return false;
  if (err.code === 'TIMEOUT') return !causeCodes(err).includes('UND_ERR_CONNECT_TIMEOUT');
  return true;
}

/** `NO_PASSWORD`: no login is sent, and the message says where to store the password. */
export function noPasswordError(instanceName?: string): QbitError {
  const name = instanceName ?? '<instance>';
  return new QbitError(
    'NO_PASSWORD',
    `no WebUI password is stored for ${instanceName ?? 'this instance'}, so no login was tried — set it with \`qbit-failover password ${name}\` or in the app's Settings`,
  );
}
