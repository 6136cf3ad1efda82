import type { Dispatcher } from 'undici';
import { QbitError, httpError } from './errors';
import { send, type HttpResponse } from './http';
import type { ClientStats, LoginGuard } from './types';

/**
 * The session cookie of one client: lazy login, one shared in-flight login for concurrent
 * callers, ban memory, and the login guard. Rules from ../shared/qbittorrent-facts.md.
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
   * sending anything while a remembered ban lasts, the guard's error when it vetoes,
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

  /** Drops `cookie` if it is still the current one (a 403 showed it expired). */
  invalidate(cookie: string): void {
    if (this.cookie === cookie) this.cookie = null;
  }

  /** Forgets the session locally (after logout). */
  clear(): void {
    this.cookie = null;
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
    const veto = d.guard ? await d.guard.check() : null;
    if (veto) throw veto;
    d.stats.logins++;
    d.stats.requests++;
    // Node sends no Origin/Referer: qBittorrent answers 401 to a foreign origin.
    const res: HttpResponse = await send(
      d.agent,
      {
        method: 'POST',
        url: `${d.baseUrl}/api/v2/auth/login`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: d.username, password: d.password }).toString(),
      },
      d.timeoutMs,
    );
    const body = res.body.trim();
    if (res.status === 204 || (res.status === 200 && body === 'Ok.')) {
      const cookie = sessionCookie(res.headers['set-cookie']);
      if (!cookie) throw new QbitError('UNKNOWN', 'login answered Ok. but set no session cookie', { httpStatus: res.status });
      this.cookie = cookie;
      d.onLogin?.();
      await d.guard?.onSuccess();
      return cookie;
    }
    if (res.status === 401 || (res.status === 200 && body === 'Fails.')) {
      await d.guard?.onFailure('AUTH_FAILED');
      throw new QbitError('AUTH_FAILED', 'wrong username or password', { httpStatus: res.status });
    }
    if (res.status === 403 && /bann/i.test(body)) {
      this.bannedUntil = Date.now() + BAN_DURATION_MS;
      await d.guard?.onFailure('BANNED');
      throw new QbitError('BANNED', `IP banned by qBittorrent: ${body.slice(0, 200)}`, { httpStatus: 403 });
    }
    throw httpError(res.status, res.body, 'login');
  }
}
