import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '../digest';
import type { IncomingMessage } from 'node:http';
import { BAN_DURATION_MS } from '../qbittorrent';
import type { GatewayCredentials } from './credentials';

/**
 * The gateway's authentication, as qBittorrent 5.1's WebUI does it (src/webui/webapplication.cpp,
 * src/webui/api/authcontroller.cpp): a `SID` session cookie from `auth/login`, plus
 * `Authorization: Basic` (Sonarr sends it pre-emptively) and `Authorization: Bearer <API key>`
 * (qBittorrent 5.2's API keys). Failed logins are counted per client address and ban it.
 */

/** qBittorrent's session cookie name up to 5.1 (5.2+ uses `QBT_SID_<port>`; old clients read `SID` with a regex). */
export const SESSION_COOKIE = 'SID';
/** Failed logins from one address before it is banned (qBittorrent's default `WebUI\MaxAuthenticationFailCount`). */
export const MAX_FAILED_LOGINS = 5;
/** A session unused this long ends, ms (qBittorrent's default `WebUI\SessionTimeout`, 3 600 s). */
export const SESSION_TIMEOUT_MS = 3_600_000;
/** Most sessions kept at once; the least recently used goes first (a client logging in on every call cannot grow memory). */
const MAX_SESSIONS = 10_000;
/** qBittorrent's 403 text to a banned address (authcontroller.cpp). */
export const BANNED_TEXT = 'Your IP address has been banned after too many failed authentication attempts.';

/** Equal strings in constant time (both hashed first, so lengths do not leak). */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(sha256Hex(a), 'hex'), Buffer.from(sha256Hex(b), 'hex'));
}

/** The value of cookie `name` in a `Cookie` header, or null. */
function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** How a request stands: authenticated, or refused with qBittorrent's status and text. */
export type AuthCheck = { ok: true } | { ok: false; status: number; text: string };

/** Sessions, failed-login counts and bans of one gateway (in memory, like qBittorrent's: a restart clears them). */
export class GatewayAuth {
  /** Session id → last use (epoch ms). Map order = least recently used first. */
  private readonly sessions = new Map<string, number>();
  /** Client address → failed logins and, once banned, until when (epoch ms). */
  private readonly failures = new Map<string, { count: number; bannedUntil: number }>();

  constructor(private creds: GatewayCredentials) {}

  /**
   * Takes new credentials (changed in the app or by `qbit-failover gateway-password` in another
   * process). A new username or password ends every session, as a qBittorrent restart would; the
   * failed-login counts and bans stay.
   */
  update(next: GatewayCredentials): void {
    if (next.username !== this.creds.username || next.password !== this.creds.password) this.sessions.clear();
    this.creds = next;
  }

  /** Whether `address` is banned now. */
  isBanned(address: string): boolean {
    const f = this.failures.get(address);
    if (!f || f.bannedUntil === 0) return false;
    if (Date.now() < f.bannedUntil) return true;
    this.failures.delete(address);
    return false;
  }

  /** Counts a failed login from `address`; the {@link MAX_FAILED_LOGINS}th bans it for {@link BAN_DURATION_MS}. */
  private fail(address: string): void {
    const f = this.failures.get(address) ?? { count: 0, bannedUntil: 0 };
    f.count++;
    if (f.count >= MAX_FAILED_LOGINS) f.bannedUntil = Date.now() + BAN_DURATION_MS;
    this.failures.set(address, f);
  }

  /** Whether `username`/`password` are the gateway's (constant time). */
  private matches(username: string, password: string): boolean {
    const userOk = sameSecret(username, this.creds.username);
    const passOk = this.creds.password !== null && sameSecret(password, this.creds.password);
    return userOk && passOk;
  }

  /**
   * Whether a Basic credential (`user:password` bytes) is the gateway's. RFC 7617 leaves the
   * charset open: read as UTF-8, and as ISO-8859-1 — what .NET clients send (Sonarr/Radarr's
   * pre-emptive header, ManagedHttpDispatcher.cs): a non-ASCII password in Latin-1 would otherwise
   * fail on every proxy refresh and get the address banned.
   */
  private basicMatches(raw: Buffer): boolean {
    for (const decoded of new Set([raw.toString('utf8'), raw.toString('latin1')])) {
      const colon = decoded.indexOf(':');
      if (colon >= 0 && this.matches(decoded.slice(0, colon), decoded.slice(colon + 1))) return true;
    }
    return false;
  }

  /**
   * `auth/login`: `Ok.` with a new session id, `Fails.` (counted), or the ban's 403. A request
   * that already holds a valid session gets `Ok.` without a new one (as qBittorrent).
   */
  login(address: string, username: string, password: string, req: IncomingMessage): { status: number; text: string; sid?: string } {
    if (this.sessionOf(req)) return { status: 200, text: 'Ok.' };
    if (this.isBanned(address)) return { status: 403, text: BANNED_TEXT };
    if (!this.matches(username, password)) {
      this.fail(address);
      return { status: 200, text: 'Fails.' };
    }
    this.failures.delete(address);
    const sid = randomBytes(24).toString('base64url');
    this.sessions.set(sid, Date.now());
    if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value as string);
    return { status: 200, text: 'Ok.', sid };
  }

  /** `auth/logout`: ends the request's session. */
  logout(req: IncomingMessage): void {
    const sid = this.sessionOf(req);
    if (sid) this.sessions.delete(sid);
  }

  /** The request's valid session id (refreshing its last use), or null. */
  private sessionOf(req: IncomingMessage): string | null {
    const sid = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (!sid) return null;
    const last = this.sessions.get(sid);
    if (last === undefined) return null;
    this.sessions.delete(sid);
    if (Date.now() - last > SESSION_TIMEOUT_MS) return null;
    this.sessions.set(sid, Date.now());
    return sid;
  }

  /**
   * Whether a request (other than `auth/login`) may go on: a valid session cookie, the API key as
   * `Authorization: Bearer` (a wrong key: 403, not counted — as qBittorrent 5.2+), or the right
   * credentials as `Authorization: Basic` (wrong ones count as a failed login; a banned address
   * gets the ban's 403). Otherwise 403 `Forbidden`, as qBittorrent.
   */
  check(req: IncomingMessage, address: string): AuthCheck {
    if (this.sessionOf(req)) return { ok: true };
    const header = req.headers.authorization ?? '';
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (bearer) {
      if (this.creds.apiKey !== null && sameSecret(bearer[1]!, this.creds.apiKey)) return { ok: true };
      return { ok: false, status: 403, text: 'Forbidden' };
    }
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (basic) {
      if (this.isBanned(address)) return { ok: false, status: 403, text: BANNED_TEXT };
      if (this.basicMatches(Buffer.from(basic[1]!, 'base64'))) {
        this.failures.delete(address);
        return { ok: true };
      }
      this.fail(address);
    }
    return { ok: false, status: 403, text: 'Forbidden' };
  }
}

/** The `Set-Cookie` value of a new session (qBittorrent 5.1: HttpOnly, path=/, SameSite=Strict; `Secure` over HTTPS). */
export function sessionCookieHeader(sid: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${sid}; HttpOnly; SameSite=Strict; path=/${secure ? '; Secure' : ''}`;
}
