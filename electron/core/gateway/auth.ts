import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
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
/**
 * Most client addresses whose failed logins are remembered at once; the least recently failing
 * goes first (with --allow-remote, strangers rotating addresses cannot grow memory).
 */
export const MAX_FAILURE_ENTRIES = 10_000;

/**
 * The key failed logins and bans are counted under for a client address: an IPv4 address as it is
 * (also when IPv4-mapped, `::ffff:1.2.3.4`), an IPv6 address by its /64 network (`2001:db8:1:2::/64`)
 * — one subscriber usually holds a whole /64, so rotating addresses inside it still gets banned.
 * Anything else (an empty address) as it is.
 */
export function failureKey(address: string): string {
  const a = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '').toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
  if (mapped) return mapped[1]!;
  if (isIP(a) !== 6) return a;
  // Expand `::` and an embedded IPv4 tail, then keep the first four groups.
  let [head = '', tail = ''] = a.includes('::') ? a.split('::') : [a, ''];
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(tail || head);
  if (v4) {
    const [x1, x2, x3, x4] = v4.slice(1).map(Number) as [number, number, number, number];
    const groups = `${((x1 << 8) | x2).toString(16)}:${((x3 << 8) | x4).toString(16)}`;
    if (tail) tail = tail.replace(v4[0], groups);
    else head = head.replace(v4[0], groups);
  }
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t].map((g) => parseInt(g, 16).toString(16));
  return `${groups.slice(0, 4).join(':')}::/64`;
}
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
  /** {@link failureKey} of a client address → failed logins and, once banned, until when (epoch ms). Map order = least recently failing first. */
  private readonly failures = new Map<string, { count: number; bannedUntil: number }>();

  constructor(private creds: GatewayCredentials) {}

  /** How many client addresses (by {@link failureKey}) have failed logins remembered now; at most {@link MAX_FAILURE_ENTRIES}. */
  get trackedAddresses(): number {
    return this.failures.size;
  }

  /**
   * Takes new credentials (changed in the app or by `qbit-failover gateway-password` in another
   * process). A new username or password ends every session, as a qBittorrent restart would; the
   * failed-login counts and bans stay. No password (removed) refuses every request — logins,
   * Basic, the API key — until one is set again.
   */
  update(next: GatewayCredentials): void {
    if (next.username !== this.creds.username || next.password !== this.creds.password || next.password === null) this.sessions.clear();
    this.creds = next;
  }

  /** Whether `address` is banned now. */
  isBanned(address: string): boolean {
    const key = failureKey(address);
    const f = this.failures.get(key);
    if (!f || f.bannedUntil === 0) return false;
    if (Date.now() < f.bannedUntil) return true;
    this.failures.delete(key);
    return false;
  }

  /** Counts a failed login from `address`; the {@link MAX_FAILED_LOGINS}th bans it for {@link BAN_DURATION_MS}. */
  private fail(address: string): void {
    const key = failureKey(address);
    const f = this.failures.get(key) ?? { count: 0, bannedUntil: 0 };
    f.count++;
    if (f.count >= MAX_FAILED_LOGINS) f.bannedUntil = Date.now() + BAN_DURATION_MS;
    this.failures.delete(key);
    this.failures.set(key, f);
    if (this.failures.size > MAX_FAILURE_ENTRIES) this.failures.delete(this.failures.keys().next().value as string);
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
    // No password (removed while running): nothing logs in, and nothing is counted against the client.
    if (this.creds.password === null) return { status: 200, text: 'Fails.' };
    if (this.sessionOf(req)) return { status: 200, text: 'Ok.' };
    if (this.isBanned(address)) return { status: 403, text: BANNED_TEXT };
    if (!this.matches(username, password)) {
      this.fail(address);
      return { status: 200, text: 'Fails.' };
    }
    this.failures.delete(failureKey(address));
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
    if (this.creds.password === null) return { ok: false, status: 403, text: 'Forbidden' };
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
        this.failures.delete(failureKey(address));
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
