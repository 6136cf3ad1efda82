import { request as httpRequest } from 'node:http';

/**
 * A faithful replay of Sonarr's qBittorrent download client, as its source makes the calls
 * (Sonarr/Sonarr @ 49df353, src/NzbDrone.Core/Download/Clients/QBittorrent/QBittorrentProxyV2.cs,
 * QBittorrentProxySelector.cs, QBittorrent.cs, and the HTTP layer in
 * src/NzbDrone.Common/Http/HttpRequestBuilder.cs + Dispatchers/ManagedHttpDispatcher.cs).
 * Written for tests only, sharing no code with the product: it sends the bytes Sonarr sends
 * (headers, form encoding, multipart rule, "True"/"False" booleans) and parses answers the way
 * Sonarr does, so a server that passes this replay is one Sonarr can use unchanged.
 *
 * Line references (`V2:NNN`) point into QBittorrentProxyV2.cs, `QB:NNN` into QBittorrent.cs,
 * `RB:NNN` into HttpRequestBuilder.cs, `MD:NNN` into ManagedHttpDispatcher.cs.
 */

/** Sonarr's settings for one qBittorrent download client (QBittorrentSettings.cs), the parts used here. */
export interface SonarrSettings {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  baseUrl: string;
  username: string;
  password: string;
  /** When set, Sonarr sends `Authorization: Bearer <key>` and never logs in (V2:358-361, V2:380-404). */
  apiKey?: string;
  tvCategory: string;
  tvImportedCategory?: string;
}

/** One HTTP exchange, as seen on the wire. */
export interface Exchange {
  method: string;
  path: string;
  status: number;
  body: string;
  requestHeaders: Record<string, string>;
  contentType: string | null;
}

/** Sonarr's DownloadClientException family, as one typed error (the kind says which). */
export class SonarrClientError extends Error {
  constructor(
    readonly kind: 'DownloadClientException' | 'DownloadClientAuthenticationException' | 'NotSupportedException',
    message: string,
    readonly status?: number,
  ) {
    super(`${kind}: ${message}${status ? ` (HTTP ${status})` : ''}`);
  }
}

/** A .NET `System.Version` compare on dotted numbers ("2.11.4" ≥ "2.11.0"). */
export function versionAtLeast(v: string, min: string): boolean {
  const a = v.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? -1; // System.Version: a missing component is -1 (undefined), less than 0
    const y = b[i] ?? -1;
    if (x !== y) return x > y;
  }
  return true;
}

/** What Sonarr's GetItems makes of a torrent's `state` (QB:275-340), the statuses a user sees in Activity. */
export function sonarrStatus(state: string): 'Paused' | 'Queued' | 'Completed' | 'Warning' | 'Downloading' {
  switch (state) {
    case 'stoppedDL':
    case 'pausedDL':
      return 'Paused';
    case 'queuedDL':
    case 'checkingDL':
    case 'checkingUP':
    case 'checkingResumeData':
      return 'Queued';
    case 'pausedUP':
    case 'stoppedUP':
    case 'uploading':
    case 'stalledUP':
    case 'queuedUP':
    case 'forcedUP':
      return 'Completed';
    case 'error':
    case 'stalledDL':
    case 'missingFiles':
      return 'Warning';
    case 'metaDL':
    case 'forcedMetaDL':
      return 'Queued'; // with DHT on; Warning without (QB:314-327)
    default:
      return 'Downloading';
  }
}

type FormField = { name: string; value: string } | { name: string; fileName: string; data: Buffer };

/** Sonarr's form rule (RB:162): multipart when any field is a file or longer than 1 024 bytes. */
function encodeForm(fields: FormField[]): { body: Buffer; contentType: string } {
  const multipart = fields.some((f) => 'fileName' in f || Buffer.byteLength(f.value) > 1024);
  if (!multipart) {
    // RB:230 — name=Uri.EscapeDataString(value): RFC 3986 escaping, a space is %20 (never '+').
    const escape = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    return { body: Buffer.from(fields.map((f) => `${f.name}=${escape((f as { value: string }).value)}`).join('&')), contentType: 'application/x-www-form-urlencoded' };
  }
  // RB:166-220: boundary "-----------------------------" + DateTime.Now.Ticks hex; no Content-Type on plain fields.
  const boundary = `-----------------------------${(BigInt(Date.now()) * 10_000n + 621_355_968_000_000_000n).toString(16).padStart(14, '0')}`;
  const parts: Buffer[] = [];
  for (const f of fields) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"`;
    if ('fileName' in f) head += `; filename="${f.fileName}"\r\nContent-Type: application/octet-stream`;
    parts.push(Buffer.from(`${head}\r\n\r\n`), 'fileName' in f ? f.data : Buffer.from(f.value), Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** `Convert.ToString(value, InvariantCulture)` (RB:373): a C# bool is "True"/"False", a double "1.5". */
function dotnet(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

/** The replayed proxy: one instance per download client, like Sonarr's cached QBittorrentProxyV2. */
export class SonarrQbitProxy {
  /** Every exchange, in order, for assertions on the sequence. */
  readonly log: Exchange[] = [];
  /** `_authCookieCache` (V2:25): the cookies of the last login, sent on every later request. */
  private cookies: Record<string, string> | null = null;
  /** Sonarr's User-Agent (UserAgentBuilder.cs: `{AppName}/{Version} ({os} {osVersion})`). */
  static readonly userAgent = 'Sonarr/4.0.14.2939 (ubuntu 24.04)';

  constructor(readonly s: SonarrSettings) {}

  /** One request with BuildRequest's headers (V2:350-368): Bearer API key, else Basic sent pre-emptively (MD:75-80). */
  private async send(method: 'GET' | 'POST', path: string, opts: { form?: FormField[]; cookies?: boolean } = {}): Promise<Exchange> {
    const headers: Record<string, string> = { 'User-Agent': SonarrQbitProxy.userAgent };
    if (this.s.apiKey) headers.Authorization = `Bearer ${this.s.apiKey}`;
    else if (this.s.username || this.s.password) {
      // MD:77-80: "Manually set header to avoid initial challenge response", ISO-8859-1 bytes.
      headers.Authorization = `Basic ${Buffer.from(`${this.s.username}:${this.s.password}`, 'latin1').toString('base64')}`;
    }
    if (opts.cookies && this.cookies && Object.keys(this.cookies).length > 0) {
      headers.Cookie = Object.entries(this.cookies).map(([k, v]) => `${k}=${v}`).join('; ');
    }
    let body: Buffer | undefined;
    if (opts.form) {
      const enc = encodeForm(opts.form);
      body = enc.body;
      headers['Content-Type'] = enc.contentType;
      headers['Content-Length'] = String(body.length);
    }
    const url = new URL(this.s.baseUrl + path);
    const ex = await new Promise<Exchange>((resolve, reject) => {
      const req = httpRequest(url, { method, headers, timeout: 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const setCookie = res.headers['set-cookie'] ?? [];
          const exchange: Exchange & { setCookie: string[] } = {
            method,
            path,
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            requestHeaders: headers,
            contentType: res.headers['content-type'] ?? null,
            setCookie,
          };
          resolve(exchange);
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`timeout ${method} ${path}`)));
      req.on('error', reject);
      req.end(body);
    });
    this.log.push(ex);
    return ex;
  }

  /** V2:28-70 — the version probe. Not logged in; 404 → not v2, 403 → v2, 401 → refused, 200 → v2. */
  async isApiSupported(): Promise<boolean> {
    const r = await this.send('GET', '/api/v2/app/webapiVersion');
    if (r.status === 404) return false;
    if (r.status === 403) return true;
    if (r.status === 401) throw new SonarrClientError('DownloadClientException', 'Failed to connect to qBittorrent. Check your settings and qBittorrent configuration.', 401);
    if (r.status >= 400) throw new SonarrClientError('DownloadClientException', 'Failed to connect to qBittorrent, check your settings.', r.status);
    return true;
  }

  /** V2:439-503 — logs in when no cookie is cached (or on re-authentication). */
  private async authenticate(reauthenticate: boolean): Promise<void> {
    if (!this.s.username.trim() || !this.s.password.trim()) {
      if (reauthenticate) throw new SonarrClientError('DownloadClientAuthenticationException', 'Failed to authenticate with qBittorrent.');
      return;
    }
    if (this.cookies && !reauthenticate) return;
    this.cookies = null;
    // V2:461-465: POST username/password as form fields, with the Basic header too (BuildRequest).
    const r = await this.send('POST', '/api/v2/auth/login', {
      form: [
        { name: 'username', value: this.s.username },
        { name: 'password', value: this.s.password },
      ],
    });
    if (r.status === 401 || r.status === 403) throw new SonarrClientError('DownloadClientAuthenticationException', 'Failed to authenticate with qBittorrent.', r.status);
    if (r.status >= 400) throw new SonarrClientError('DownloadClientException', 'Failed to connect to qBittorrent, please check your settings.', r.status);
    // V2:488: an empty body is accepted too; anything but "Ok." ("Fails.") is a refusal.
    if (r.body.trim() !== '' && r.body !== 'Ok.') throw new SonarrClientError('DownloadClientAuthenticationException', 'Failed to authenticate with qBittorrent.');
    // V2:497: response.GetCookies() — every Set-Cookie name=value, whatever the cookie's name.
    const cookies: Record<string, string> = {};
    for (const c of (r as Exchange & { setCookie: string[] }).setCookie) {
      const [pair] = c.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair && eq > 0) cookies[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    this.cookies = cookies;
  }

  /** V2:378-437 — a call with the session: one re-login and retry on 403; any other HTTP error throws. */
  private async process(method: 'GET' | 'POST', path: string, form?: FormField[]): Promise<string> {
    if (this.s.apiKey) {
      const r = await this.send(method, path, { form });
      if (r.status === 401 || r.status === 403) throw new SonarrClientError('DownloadClientAuthenticationException', 'Failed to authenticate with qBittorrent.', r.status);
      if (r.status >= 400) throw new SonarrClientError('DownloadClientException', 'Failed to connect to qBittorrent, check your settings.', r.status);
      return r.body;
    }
    await this.authenticate(false);
    let r = await this.send(method, path, { form, cookies: true });
    if (r.status === 403) {
      await this.authenticate(true);
      r = await this.send(method, path, { form, cookies: true });
    }
    if (r.status >= 400) throw new SonarrClientError('DownloadClientException', 'Failed to connect to qBittorrent, check your settings.', r.status);
    return r.body;
  }

  /** A POST through Sonarr's ProcessRequest (session, 403 → re-login once) with plain form fields. */
  post(path: string, fields: { name: string; value: string }[]): Promise<string> {
    return this.process('POST', path, fields);
  }

  /** A GET through Sonarr's ProcessRequest, parsed as JSON. */
  async getJson<T = unknown>(path: string): Promise<T> {
    return JSON.parse(await this.process('GET', path)) as T;
  }

  /** V2:72-78 — `Version.Parse` of the body (throws on anything but a dotted number). */
  async getApiVersion(): Promise<string> {
    const body = await this.process('GET', '/api/v2/app/webapiVersion');
    if (!/^\d+(\.\d+){1,3}$/.test(body)) throw new SonarrClientError('DownloadClientException', `Version.Parse failed on ${JSON.stringify(body)}`);
    return body;
  }

  /** V2:80-87 — the version with the leading 'v' trimmed. */
  async getVersion(): Promise<string> {
    return (await this.process('GET', '/api/v2/app/version')).replace(/^v+/, '');
  }

  /** V2:89-95 — QBittorrentPreferences (save_path, max_ratio*, max_seeding_time*, queueing_enabled, dht). */
  async getConfig(): Promise<Record<string, unknown>> {
    return JSON.parse(await this.process('GET', '/api/v2/app/preferences')) as Record<string, unknown>;
  }

  /** V2:97-108 — torrents/info?category=<TvCategory>. */
  async getTorrents(): Promise<Record<string, unknown>[]> {
    const qs = this.s.tvCategory.trim() ? `?category=${encodeURIComponent(this.s.tvCategory)}` : '';
    return JSON.parse(await this.process('GET', `/api/v2/torrents/info${qs}`)) as Record<string, unknown>[];
  }

  /** V2:110-126 — properties?hash=; any failure (404 included) means "not loaded". */
  async isTorrentLoaded(hash: string): Promise<boolean> {
    try {
      await this.process('GET', `/api/v2/torrents/properties?hash=${hash}`);
      return true;
    } catch {
      return false;
    }
  }

  /** V2:128-135 — properties (hash, save_path, seeding_time). */
  async getTorrentProperties(hash: string): Promise<Record<string, unknown>> {
    return JSON.parse(await this.process('GET', `/api/v2/torrents/properties?hash=${hash}`)) as Record<string, unknown>;
  }

  /** V2:137-144 — files?hash=. */
  async getTorrentFiles(hash: string): Promise<Record<string, unknown>[]> {
    return JSON.parse(await this.process('GET', `/api/v2/torrents/files?hash=${hash}`)) as Record<string, unknown>[];
  }

  /** V2:243-284 — category, stopped/paused by API version (2.11.0 switch), sequential, first/last, layout. */
  private async downloadFields(initialState: 'Start' | 'Stop' | 'ForceStart'): Promise<FormField[]> {
    const f: FormField[] = [];
    if (this.s.tvCategory.trim()) f.push({ name: 'category', value: this.s.tvCategory });
    if (initialState !== 'ForceStart') {
      // V2:253 — a fresh webapiVersion call on every add.
      const name = versionAtLeast(await this.getApiVersion(), '2.11.0') ? 'stopped' : 'paused';
      f.push({ name, value: dotnet(initialState === 'Stop') });
    }
    return f;
  }

  /** V2:227-241 — ratioLimit / seedingTimeLimit (minutes); -2 means "not set" unless `always`. */
  private static seedFields(seed: { ratio?: number; seedTimeMinutes?: number }, always: boolean): FormField[] {
    const ratio = seed.ratio ?? -2;
    const time = seed.seedTimeMinutes ?? -2;
    const f: FormField[] = [];
    if (ratio !== -2 || always) f.push({ name: 'ratioLimit', value: dotnet(ratio) });
    if (time !== -2 || always) f.push({ name: 'seedingTimeLimit', value: dotnet(time) });
    return f;
  }

  /** V2:146-166 — urls=<magnet>; only the exact body "Fails." is a failure (older versions answer nothing). */
  async addTorrentFromUrl(url: string, initialState: 'Start' | 'Stop' | 'ForceStart', seed?: { ratio?: number; seedTimeMinutes?: number }): Promise<string> {
    const form: FormField[] = [{ name: 'urls', value: url }, ...(await this.downloadFields(initialState))];
    if (seed) form.push(...SonarrQbitProxy.seedFields(seed, false));
    const body = await this.process('POST', '/api/v2/torrents/add', form);
    if (body === 'Fails.') throw new SonarrClientError('DownloadClientException', 'Download client failed to add torrent by url');
    return body;
  }

  /** V2:168-188 — multipart `torrents` file upload (application/octet-stream). */
  async addTorrentFromFile(fileName: string, data: Buffer, initialState: 'Start' | 'Stop' | 'ForceStart', seed?: { ratio?: number; seedTimeMinutes?: number }): Promise<string> {
    const form: FormField[] = [{ name: 'torrents', fileName, data }, ...(await this.downloadFields(initialState))];
    if (seed) form.push(...SonarrQbitProxy.seedFields(seed, false));
    const body = await this.process('POST', '/api/v2/torrents/add', form);
    if (body === 'Fails.') throw new SonarrClientError('DownloadClientException', 'Download client failed to add torrent');
    return body;
  }

  /** V2:190-202 — delete; deleteFiles=true only when asked (never "false"). */
  async removeTorrent(hash: string, removeData: boolean): Promise<void> {
    const form: FormField[] = [{ name: 'hashes', value: hash }];
    if (removeData) form.push({ name: 'deleteFiles', value: 'true' });
    await this.process('POST', '/api/v2/torrents/delete', form);
  }

  /** V2:204-211 — setCategory (post-import category, QB:56-73). */
  async setTorrentLabel(hash: string, label: string): Promise<void> {
    await this.process('POST', '/api/v2/torrents/setCategory', [
      { name: 'hashes', value: hash },
      { name: 'category', value: label },
    ]);
  }

  /** V2:213-219 — createCategory. */
  async addLabel(label: string): Promise<void> {
    await this.process('POST', '/api/v2/torrents/createCategory', [{ name: 'category', value: label }]);
  }

  /** V2:221-225 — categories as a dictionary name → { name, savePath }. */
  async getLabels(): Promise<Record<string, { name: string; savePath: string }>> {
    return JSON.parse(await this.process('GET', '/api/v2/torrents/categories')) as Record<string, { name: string; savePath: string }>;
  }

  /** V2:286-308 — setShareLimits with both fields always sent; a 404 is swallowed (API 2.0). */
  async setTorrentSeedingConfiguration(hash: string, seed: { ratio?: number; seedTimeMinutes?: number }): Promise<void> {
    try {
      await this.process('POST', '/api/v2/torrents/setShareLimits', [{ name: 'hashes', value: hash }, ...SonarrQbitProxy.seedFields(seed, true)]);
    } catch (e) {
      if (e instanceof SonarrClientError && e.status === 404) return;
      throw e;
    }
  }

  /** V2:310-330 — topPrio; a 409 (queueing disabled) is swallowed. Returns whether 409 was seen. */
  async moveTorrentToTopInQueue(hash: string): Promise<'ok' | 'conflict'> {
    try {
      await this.process('POST', '/api/v2/torrents/topPrio', [{ name: 'hashes', value: hash }]);
      return 'ok';
    } catch (e) {
      if (e instanceof SonarrClientError && e.status === 409) return 'conflict';
      throw e;
    }
  }

  /** V2:332-339 — setForceStart value=true|false (lowercase: a string here, not a bool). */
  async setForceStart(hash: string, enabled: boolean): Promise<void> {
    await this.process('POST', '/api/v2/torrents/setForceStart', [
      { name: 'hashes', value: hash },
      { name: 'value', value: enabled ? 'true' : 'false' },
    ]);
  }

  /** V2:341-348 — addTags, comma-joined. */
  async addTags(hash: string, tags: string[]): Promise<void> {
    await this.process('POST', '/api/v2/torrents/addTags', [
      { name: 'hashes', value: hash },
      { name: 'tags', value: tags.join(',') },
    ]);
  }

  /** QB:218-242 — WaitForTorrent: up to 10 properties polls 100 ms apart. Returns the poll that found it (1-based) or 0. */
  async waitForTorrent(hash: string): Promise<number> {
    for (let i = 1; i <= 10; i++) {
      if (await this.isTorrentLoaded(hash.toLowerCase())) return i;
      await new Promise((r) => setTimeout(r, 100));
    }
    return 0;
  }
}
