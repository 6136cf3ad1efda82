import type { Agent } from 'undici';
import { QbitError, httpError } from './errors';
import { magnetBodies, torrentBodies } from './form';
import { createAgent, send, type HttpResponse } from './http';
import { Session } from './session';
import type {
  AddParams,
  AddResult,
  CallOptions,
  CategoryInfo,
  ClientStats,
  InfoFilter,
  MainData,
  QbitClientOptions,
  TorrentInfo,
  TransferInfo,
} from './types';

/** HTTP error statuses 400–599: {@link QbitClient.request} returns them all instead of throwing. */
const EVERY_ERROR_STATUS = Array.from({ length: 200 }, (_, i) => 400 + i);

/** Hashes per `torrents/info` request (a 500-hash query string is ~20 KB). */
const INFO_CHUNK = 500;

/** Compares dotted versions numerically (`2.9.10` > `2.9.2`); negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/i, '').split('.').map((n) => parseInt(n, 10) || 0);
  const pb = b.replace(/^v/i, '').split('.').map((n) => parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The engine's session with one qBittorrent instance over the WebUI API (v2), on undici.
 * Logs in lazily on the first call and reuses the cookie; a 403 triggers one re-login and
 * one retry. Every method throws {@link QbitError} on failure.
 */
export class QbitClient {
  /** Counters of requests sent (logins included). */
  readonly stats: ClientStats = { logins: 0, requests: 0 };
  /** Base URL without trailing slash. */
  readonly url: string;
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  /** API key (5.2+): when set, every call carries `Authorization: Bearer` and no login is ever sent. */
  private readonly apiKey: string | null;
  private readonly name: string | null;
  private readonly session: Session;
  private apiVersion: Promise<string> | null = null;
  /** Whether a login has succeeded before (see `onLogin`). */
  private loggedIn = false;

  /** Builds the client; nothing is sent until the first call. Throws TypeError on a bad URL or pinned TLS without a fingerprint. */
  constructor(opts: QbitClientOptions) {
    const u = new URL(opts.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError(`unsupported URL scheme ${u.protocol}`);
    this.url = opts.url.replace(/\/+$/, '');
    this.timeoutMs = opts.requestTimeoutMs ?? 10_000;
    this.agent = createAgent({
      connectTimeoutMs: opts.connectTimeoutMs ?? 3_000,
      requestTimeoutMs: this.timeoutMs,
      tls: opts.tls ?? { mode: 'system' },
    });
    this.apiKey = opts.apiKey || null;
    this.name = opts.instanceName ?? null;
    this.session = new Session({
      agent: this.agent,
      baseUrl: this.url,
      username: opts.username,
      password: opts.password,
      timeoutMs: this.timeoutMs,
      stats: this.stats,
      guard: opts.loginGuard,
      instanceName: opts.instanceName,
      // A RE-login may face an upgraded server: forget the cached API version then. Not on the
      // first login, which the first call (often webapiVersion itself) triggers: clearing the
      // cache there dropped that answer and cost one more request at the next health probe.
      onLogin: () => {
        if (this.loggedIn) this.apiVersion = null;
        this.loggedIn = true;
      },
    });
  }

  /** Logs in now (normally implicit). Throws AUTH_FAILED, BANNED, the guard's veto, or a transport error. */
  async login(): Promise<void> {
    await this.session.login();
  }

  /** Epoch ms until which this client refuses to send logins after a ban answer (0 = none). */
  get bannedUntil(): number {
    return this.session.bannedUntilMs;
  }

  /**
   * Sends one API call with the session cookie. On 403 re-logs in once and retries once;
   * other statuses ≥ 400 throw `HTTP_<n>` unless listed in `accept`. `path` may be a function
   * of the server: it is resolved on each attempt AFTER the session is (re)established, so an
   * endpoint chosen by API version follows a server upgraded in place (the re-login forgets the
   * cached version).
   */
  private async call(
    method: 'GET' | 'POST',
    path: string | (() => Promise<string>),
    o: { body?: string | Buffer; contentType?: string; query?: URLSearchParams; accept?: number[]; retry?: boolean; timeoutMs?: number; sessionOnly?: boolean } = {},
  ): Promise<HttpResponse> {
    const qs = o.query && [...o.query].length ? `?${o.query.toString()}` : '';
    if (this.apiKey) {
      // A key is a long-lived credential like a password: never sent where only a held session may go.
      if (o.sessionOnly) throw new QbitError('NO_SESSION', 'an API key is not sent outside the VPN (sessionOnly)');
      return this.callWithKey(this.apiKey, method, path, qs, o);
    }
    for (let attempt = 0; ; attempt++) {
      if (o.sessionOnly && !this.session.held()) throw new QbitError('NO_SESSION', 'no session cookie held; not logging in (sessionOnly)');
      let cookie = await this.session.current();
      const endpoint = typeof path === 'string' ? path : await path();
      // Resolving the endpoint may itself have re-logged in (its own 403): send the newest cookie.
      if (typeof path !== 'string') cookie = await this.session.current();
      const headers: Record<string, string> = { cookie };
      if (o.body !== undefined) headers['content-type'] = o.contentType ?? 'application/x-www-form-urlencoded';
      this.stats.requests++;
      const res = await send(this.agent, { method, url: `${this.url}/api/v2/${endpoint}${qs}`, headers, body: o.body }, o.timeoutMs ?? this.timeoutMs);
      if (res.status === 403 && attempt === 0 && o.retry !== false && !o.sessionOnly) {
        this.session.invalidate(cookie);
        continue;
      }
      if (res.status >= 400 && !o.accept?.includes(res.status)) throw httpError(res.status, res.body, endpoint);
      return res;
    }
  }

  /**
   * One API call authorised by an API key (`Authorization: Bearer qbt_…`, qBittorrent 5.2+): no
   * login, no session cookie, nothing a ban can count. A 403 means the key is wrong (measured on
   * 5.3.0: a wrong key gets 403 and is not counted towards a ban): `AUTH_FAILED`, no retry.
   */
  private async callWithKey(
    key: string,
    method: 'GET' | 'POST',
    path: string | (() => Promise<string>),
    qs: string,
    o: { body?: string | Buffer; contentType?: string; accept?: number[]; timeoutMs?: number },
  ): Promise<HttpResponse> {
    const endpoint = typeof path === 'string' ? path : await path();
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (o.body !== undefined) headers['content-type'] = o.contentType ?? 'application/x-www-form-urlencoded';
    this.stats.requests++;
    const res = await send(this.agent, { method, url: `${this.url}/api/v2/${endpoint}${qs}`, headers, body: o.body }, o.timeoutMs ?? this.timeoutMs);
    if (res.status === 403) {
      throw new QbitError('AUTH_FAILED', `API key refused (HTTP 403): a wrong key, or a qBittorrent older than 5.2 (API keys came in 5.2) — store the right one with \`qbit-failover api-key ${this.name ?? '<instance>'}\``, { httpStatus: 403 });
    }
    if (res.status >= 400 && !o.accept?.includes(res.status)) throw httpError(res.status, res.body, endpoint);
    return res;
  }

  /** Parses a JSON answer; throws UNKNOWN when it is not JSON. */
  private json<T>(res: HttpResponse, path: string): T {
    try {
      return JSON.parse(res.body) as T;
    } catch (err) {
      throw new QbitError('UNKNOWN', `${path}: answer is not JSON`, { httpStatus: res.status, cause: err });
    }
  }

  /** qBittorrent version, e.g. `v4.5.2` (`app/version`, always asked). */
  async appVersion(): Promise<string> {
    return (await this.call('GET', 'app/version')).body.trim();
  }

  /** WebUI API version, e.g. `2.8.19`; read once per session (cached until the next login), unless `refresh`. */
  webapiVersion(opts: { refresh?: boolean } = {}): Promise<string> {
    if (!this.apiVersion || opts.refresh) {
      const p = this.call('GET', 'app/webapiVersion').then((r) => r.body.trim());
      this.apiVersion = p;
      p.catch(() => {
        if (this.apiVersion === p) this.apiVersion = null;
      });
    }
    return this.apiVersion;
  }

  /** `transfer/info`: `connection_status` (`connected`/`firewalled`/`disconnected`), `dht_nodes`, speeds (bytes/s), totals (bytes). */
  async transferInfo(): Promise<TransferInfo> {
    return this.json<TransferInfo>(await this.call('GET', 'transfer/info'), 'transfer/info');
  }

  /** `sync/maindata?rid=N`: incremental state since `rid` (0 = full). One request; see {@link MainData}. */
  async syncMaindata(rid = 0): Promise<MainData> {
    const query = new URLSearchParams({ rid: String(rid) });
    return this.json<MainData>(await this.call('GET', 'sync/maindata', { query }), 'sync/maindata');
  }

  /** Reads an add answer: `Ok.`/`Fails.` (≤ 5.1) or 5.2's JSON with 202 pending / 409 all failed. 415 throws `HTTP_415`. */
  /**
   * What an add answer says: `all` taken, `none` (4.x/5.1 `Fails.` — nothing was new or valid;
   * 5.2+ `409`, or JSON with no success and nothing pending), or `some` (5.2+ JSON with failures
   * beside successes: which ones only `torrents/info` can tell).
   */
  private addAnswer(res: HttpResponse): 'all' | 'some' | 'none' {
    const body = res.body.trim();
    if (res.status === 409) return 'none';
    if (body === 'Ok.') return 'all';
    if (body === 'Fails.') return 'none';
    if (body.startsWith('{')) {
      const j = this.json<{ success_count?: number; failure_count?: number; pending_count?: number }>(res, 'torrents/add');
      const taken = (j.success_count ?? 0) + (j.pending_count ?? 0);
      if (taken === 0) return 'none';
      return (j.failure_count ?? 0) === 0 ? 'all' : 'some';
    }
    return res.status === 200 || res.status === 202 ? 'all' : 'none';
  }

  /**
   * Adds magnet URIs (or torrent URLs): newline-separated in ONE `urls` field per request,
   * split only past ~60 MiB of form body (server limit: 64 MiB). `accepted` is true when
   * every request answered `Ok.`; 4.x answers `Fails.` when none was new, and a batch with one
   * new URI is `Ok.` — confirm each by infohash with {@link info}. No URIs: no request, accepted.
   * `call.timeoutMs` overrides the request timeout of each add request.
   */
  async addMagnets(uris: string[], opts?: AddParams, call: CallOptions = {}): Promise<AddResult> {
    let accepted = true;
    let refusedAll = true;
    let requests = 0;
    for (const body of magnetBodies(uris, opts)) {
      requests++;
      const answer = this.addAnswer(await this.call('POST', 'torrents/add', { body, accept: [409], timeoutMs: call.timeoutMs }));
      if (answer !== 'all') accepted = false;
      if (answer !== 'none') refusedAll = false;
    }
    return { accepted, refusedAll: requests > 0 && refusedAll, requests };
  }

  /**
   * Adds `.torrent` files as multipart `torrents` parts (one per file), split under the body
   * limit. A file qBittorrent cannot parse makes it answer 415 → throws QbitError `HTTP_415`
   * with the server's message (`Error: '<name>' is not a valid torrent file.`).
   * `call.timeoutMs` overrides the request timeout of each add request.
   */
  async addTorrentFiles(files: { name: string; data: Uint8Array }[], opts?: AddParams, call: CallOptions = {}): Promise<AddResult> {
    let accepted = true;
    let refusedAll = true;
    let requests = 0;
    for (const mp of torrentBodies(files, opts)) {
      requests++;
      const res = await this.call('POST', 'torrents/add', { body: mp.body, contentType: mp.contentType, accept: [409], timeoutMs: call.timeoutMs });
      const answer = this.addAnswer(res);
      if (answer !== 'all') accepted = false;
      if (answer !== 'none') refusedAll = false;
    }
    return { accepted, refusedAll: requests > 0 && refusedAll, requests };
  }

  /**
   * `torrents/info`, filtered. Hashes are lowercased, joined with `|`, ~500 per request; an
   * empty `hashes` list returns `[]` without a request (qBittorrent would return everything).
   */
  async info(filter: InfoFilter = {}, call: CallOptions = {}): Promise<TorrentInfo[]> {
    const base = new URLSearchParams();
    if (filter.filter !== undefined) base.set('filter', filter.filter);
    if (filter.category !== undefined) base.set('category', filter.category);
    if (filter.tag !== undefined) base.set('tag', filter.tag);
    if (!filter.hashes) return this.json<TorrentInfo[]>(await this.call('GET', 'torrents/info', { query: base, timeoutMs: call.timeoutMs, sessionOnly: call.sessionOnly }), 'torrents/info');
    const hashes = [...new Set(filter.hashes.map((h) => h.toLowerCase()))];
    const out: TorrentInfo[] = [];
    for (let i = 0; i < hashes.length; i += INFO_CHUNK) {
      const q = new URLSearchParams(base);
      q.set('hashes', hashes.slice(i, i + INFO_CHUNK).join('|'));
      out.push(...this.json<TorrentInfo[]>(await this.call('GET', 'torrents/info', { query: q, timeoutMs: call.timeoutMs, sessionOnly: call.sessionOnly }), 'torrents/info'));
    }
    return out;
  }

  /** POSTs `hashes=h1|h2` (or `all`) to an action (a path, or a function choosing it per attempt); an empty list sends nothing. */
  private async hashAction(path: string | (() => Promise<string>), hashes: string[] | 'all', extra: Record<string, string> = {}): Promise<void> {
    if (hashes !== 'all' && hashes.length === 0) return;
    const value = hashes === 'all' ? 'all' : hashes.map((h) => h.toLowerCase()).join('|');
    await this.call('POST', path, { body: new URLSearchParams({ hashes: value, ...extra }).toString() });
  }

  /**
   * Picks `v211` when the server speaks WebUI API ≥ 2.11 (qBittorrent 5.0+ renamed
   * `pause`/`resume` to `stop`/`start`, no aliases: the old names answer 404), else `older`.
   * Returned as a function for {@link call}, so the choice is made after each (re-)login.
   */
  private byApiVersion(older: string, v211: string): () => Promise<string> {
    return async () => (compareVersions(await this.webapiVersion(), '2.11') >= 0 ? v211 : older);
  }

  /** Pauses torrents: `torrents/pause` below WebUI API 2.11, `torrents/stop` from 2.11. */
  async pause(hashes: string[] | 'all'): Promise<void> {
    await this.hashAction(this.byApiVersion('torrents/pause', 'torrents/stop'), hashes);
  }

  /** Resumes torrents: `torrents/resume` below WebUI API 2.11, `torrents/start` from 2.11. */
  async resume(hashes: string[] | 'all'): Promise<void> {
    await this.hashAction(this.byApiVersion('torrents/resume', 'torrents/start'), hashes);
  }

  /** Deletes torrents (`torrents/delete`), with their downloaded files when `deleteFiles`. */
  async delete(hashes: string[] | 'all', deleteFiles: boolean): Promise<void> {
    await this.hashAction('torrents/delete', hashes, { deleteFiles: String(deleteFiles) });
  }

  /** Categories by name (`torrents/categories`). */
  async categories(): Promise<Record<string, CategoryInfo>> {
    return this.json<Record<string, CategoryInfo>>(await this.call('GET', 'torrents/categories'), 'torrents/categories');
  }

  /** Creates a category; resolves quietly when it already exists (qBittorrent answers 409). */
  async createCategory(name: string, savePath?: string): Promise<void> {
    const body = new URLSearchParams({ category: name, savePath: savePath ?? '' }).toString();
    await this.call('POST', 'torrents/createCategory', { body, accept: [409] });
  }

  /**
   * Any WebUI API call, answered as it came (status, headers, UTF-8 body), for the gateway's
   * pass-through endpoints: `endpoint` like `torrents/trackers` (no `/api/v2/`), `query` for GET,
   * `form` (url-encoded) or `body` + `contentType` for POST. Every status is returned, none thrown
   * (a 403 still re-logs in once, as every call does); transport errors throw {@link QbitError}.
   */
  async request(
    method: 'GET' | 'POST',
    endpoint: string,
    o: { query?: URLSearchParams; form?: URLSearchParams; body?: Buffer; contentType?: string; timeoutMs?: number } = {},
  ): Promise<HttpResponse> {
    const body = o.form ? o.form.toString() : o.body;
    return this.call(method, endpoint, { query: o.query, body, contentType: o.form ? undefined : o.contentType, accept: EVERY_ERROR_STATUS, timeoutMs: o.timeoutMs });
  }

  /** Destroys the dispatcher: open connections close and in-flight requests fail. */
  async close(): Promise<void> {
    await this.agent.destroy();
  }
}
