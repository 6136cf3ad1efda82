import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/core/engine';
import { startGateway, type GatewayHandle } from '../../../electron/core/gateway';
import { GATEWAY_BODY_MAX_BYTES, GATEWAY_PUBLIC_BODY_MAX_BYTES } from '../../../shared/limits';
import { directLogin } from '../../harness/direct';
import { makeTorrentFile, randomMagnet } from '../../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../../harness/qbittorrent';
import { instanceOf } from '../../harness/test-engine';
import { eventually, startGatewayStack, type GatewayStack } from './support/gateway-stack';

/**
 * The gateway is an authentication surface in front of instances whose passwords it holds:
 * it answers like qBittorrent to strangers (403 without auth, a ban after 5 wrong passwords,
 * 401 for a foreign Origin or — on loopback — a foreign Host, as a page reached by DNS rebinding
 * sends), takes its own API key as a Bearer token, and no answer of any
 * endpoint ever carries a secret — the instances' passwords, the gateway's own password and API
 * key, or the secrets qBittorrent itself returns in `app/preferences`.
 */

const CANARY = 'CANARY-7f3a9c-secret';
const GW_USER = 'sec-gw';
const GW_PASS = `gw-${CANARY}-password`;
const BAN_TEXT = 'Your IP address has been banned after too many failed authentication attempts.';

let a: QbtProcess;
let b: QbtProcess;
let stack: GatewayStack;
let engine: Engine;
let gateway: GatewayHandle;
let apiKey: string;

/** One raw request to the gateway (no client library: the exact status, headers and body). */
async function call(
  gw: GatewayHandle,
  path: string,
  o: { method?: 'GET' | 'POST'; form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(`${gw.url}/api/v2/${path}`, {
    method: o.method ?? (o.form ? 'POST' : 'GET'),
    headers: { ...(o.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...o.headers },
    body: o.form ? new URLSearchParams(o.form).toString() : undefined,
  });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

/** Waits until the running gateway has re-read its credentials (it is told by an event, then reads the secret store). */
async function untilKeyWorks(key: string): Promise<void> {
  await eventually(() => call(gateway, 'app/version', { headers: { authorization: `Bearer ${key}` } }), (r) => r.status === 200, 'the gateway takes the new API key', { intervalMs: 20 });
}

/**
 * One request through node:http, which (unlike fetch) lets a test set `Host` — what a web page
 * reached by DNS rebinding sends. `body` is written in 64 KiB chunks (chunked encoding unless
 * `contentLength` is given) until `bodyBytes` are sent or the gateway answers.
 */
function rawCall(
  port: number,
  path: string,
  o: { method?: string; headers?: Record<string, string>; body?: string; bodyBytes?: number; contentLength?: number } = {},
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.contentLength !== undefined) headers['content-length'] = String(o.contentLength);
    else if (o.body !== undefined) headers['content-length'] = String(Buffer.byteLength(o.body));
    const req = httpRequest({ host: '127.0.0.1', port, path: `/api/v2/${path}`, method: o.method ?? 'GET', headers, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers });
      });
      res.on('error', reject);
    });
    let answered = false;
    req.on('error', reject);
    if (o.body !== undefined) return void req.end(o.body);
    if (o.bodyBytes === undefined) return void req.end();
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = (): void => {
      while (!answered && sent < o.bodyBytes!) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

/** Logs in as {@link GW_USER} and returns the answer and the `SID=…` cookie pair (null when refused). */
function login(gw: GatewayHandle, password = GW_PASS): Promise<{ status: number; body: string; cookie: string | null }> {
  return directLogin({ url: gw.url, username: GW_USER, password });
}

beforeAll(async () => {
  [a, b] = await Promise.all([
    startQbittorrent({ name: 'sec-a', password: `a-${CANARY}` }),
    startQbittorrent({ name: 'sec-b', password: `b-${CANARY}` }),
  ]);
  // Secrets qBittorrent keeps and returns in plain text in its own app/preferences.
  const { cookie } = await directLogin(a);
  const secretPrefs = {
    proxy_password: `proxy-${CANARY}`,
    mail_notification_password: `mail-${CANARY}`,
    dyndns_password: `dyndns-${CANARY}`,
    // Secrets under names no pattern catches: a command line with an API key, usernames.
    autorun_program: `curl -H "X-Api-Key: autorun-${CANARY}" http://127.0.0.1:9/%N`,
    proxy_username: `proxyuser-${CANARY}`,
    mail_notification_username: `mailuser-${CANARY}`,
    dyndns_username: `dyndnsuser-${CANARY}`,
  };
  const set = await fetch(`${a.url}/api/v2/app/setPreferences`, {
    method: 'POST',
    headers: { cookie: cookie ?? '', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ json: JSON.stringify(secretPrefs) }),
  });
  expect(set.status).toBe(200);
  const prefs = await (await fetch(`${a.url}/api/v2/app/preferences`, { headers: { cookie: cookie ?? '' } })).text();
  // The canary is really there to leak (the test below would catch a pass-through).
  expect(prefs).toContain(`proxy-${CANARY}`);
  expect(prefs).toContain(`autorun-${CANARY}`);
  expect(prefs).toContain(`proxyuser-${CANARY}`);

  stack = await startGatewayStack({
    label: 'gwsec',
    instances: [instanceOf('a', a), instanceOf('b', b)],
    settings: { gateway: { enabled: true, host: '127.0.0.1', port: 0, username: GW_USER } },
    gateway: 'from-settings',
    beforeStart: async (e) => {
      await e.setGatewayPassword(GW_PASS);
      apiKey = await e.rotateGatewayApiKey();
    },
    processes: [a, b],
  });
  ({ engine, gateway } = stack);
});

afterAll(async () => {
  // The stack disposes a and b; when the setup failed before the stack existed, they are disposed here.
  if (stack) await stack.dispose();
  else await Promise.allSettled([a, b].filter(Boolean).map((q) => q.dispose()));
});

describe('gateway security', () => {
  it('answers 403 Forbidden without authentication (Sonarr probes the API version that way)', async () => {
    for (const path of ['app/webapiVersion', 'app/version', 'torrents/info', 'app/preferences', 'sync/maindata']) {
      const r = await call(gateway, path);
      expect([path, r.status, r.body]).toEqual([path, 403, 'Forbidden']);
    }
    const add = await call(gateway, 'torrents/add', { form: { urls: randomMagnet().magnet } });
    expect(add.status).toBe(403);
  });

  it('logs in with Ok. and an HttpOnly SameSite=Strict SID cookie; Fails. for a wrong password; GET login is 405', async () => {
    const good = await call(gateway, 'auth/login', { form: { username: GW_USER, password: GW_PASS } });
    expect([good.status, good.body]).toEqual([200, 'Ok.']);
    expect(good.headers.get('set-cookie')).toMatch(/^SID=[^;]+; HttpOnly; SameSite=Strict; path=\/$/);
    const bad = await call(gateway, 'auth/login', { form: { username: GW_USER, password: 'wrong' } });
    expect([bad.status, bad.body, bad.headers.get('set-cookie')]).toEqual([200, 'Fails.', null]);
    expect((await call(gateway, 'auth/login')).status).toBe(405);
    // A good login from this address clears the failure count, so the ban test below starts clean.
    expect((await login(gateway)).body).toBe('Ok.');
  });

  it('bans an address after 5 wrong passwords: the 6th, right, login gets 403 with qBittorrent\'s text; a session from before keeps working', async () => {
    // A gateway of its own: the ban is per address, and every test here comes from 127.0.0.1.
    const gw = await startGateway(engine, { port: 0 });
    try {
      const before = await login(gw);
      expect(before.cookie).toMatch(/^SID=/);
      for (let i = 0; i < 5; i++) expect((await login(gw, `wrong ${i}`)).body).toBe('Fails.');
      const sixth = await login(gw);
      expect([sixth.status, sixth.body, sixth.cookie]).toEqual([403, BAN_TEXT, null]);
      // Basic with the right password is a login too: banned.
      const basic = await call(gw, 'app/version', { headers: { authorization: `Basic ${Buffer.from(`${GW_USER}:${GW_PASS}`).toString('base64')}` } });
      expect([basic.status, basic.body]).toEqual([403, BAN_TEXT]);
      const held = await call(gw, 'app/version', { headers: { cookie: before.cookie! } });
      expect([held.status, held.body]).toEqual([200, 'v5.1.4']);
    } finally {
      await gw.close();
    }
  });

  it('answers 401 Unauthorized to a foreign Origin or Referer, even with a valid session; the same origin passes', async () => {
    const { cookie } = await login(gateway);
    const foreign = await call(gateway, 'torrents/info', { headers: { cookie: cookie!, origin: 'https://evil.example' } });
    expect([foreign.status, foreign.body]).toEqual([401, 'Unauthorized']);
    const referer = await call(gateway, 'torrents/info', { headers: { cookie: cookie!, referer: 'http://127.0.0.1:1/x' } });
    expect(referer.status).toBe(401);
    const nullOrigin = await call(gateway, 'auth/login', { form: { username: GW_USER, password: GW_PASS }, headers: { origin: 'null' } });
    expect(nullOrigin.status).toBe(401);
    const same = await call(gateway, 'torrents/info', { headers: { cookie: cookie!, origin: gateway.url } });
    expect(same.status).toBe(200);
  });

  it('takes its API key as Authorization: Bearer and the credentials as Basic; a wrong key is 403', async () => {
    const bearer = await call(gateway, 'app/webapiVersion', { headers: { authorization: `Bearer ${apiKey}` } });
    expect([bearer.status, bearer.body]).toEqual([200, '2.11.4']);
    const wrong = await call(gateway, 'app/webapiVersion', { headers: { authorization: `Bearer ${apiKey}x` } });
    expect([wrong.status, wrong.body]).toEqual([403, 'Forbidden']);
    const basic = await call(gateway, 'torrents/info', { headers: { authorization: `Basic ${Buffer.from(`${GW_USER}:${GW_PASS}`).toString('base64')}` } });
    expect(basic.status).toBe(200);
    expect(Array.isArray(JSON.parse(basic.body))).toBe(true);
    // A rotated key replaces the old one at once in the running gateway.
    const next = await engine.rotateGatewayApiKey();
    await untilKeyWorks(next);
    expect((await call(gateway, 'app/version', { headers: { authorization: `Bearer ${apiKey}` } })).status).toBe(403);
    expect((await call(gateway, 'app/version', { headers: { authorization: `Bearer ${next}` } })).status).toBe(200);
    apiKey = next;
  });

  it("an instance named gateway: its API key (stored as gateway:apikey too) is never taken as the gateway's", async () => {
    await engine.setApiKey('gateway', `qbt_instance-${CANARY}`, 'http://127.0.0.1:9');
    const gw = await startGateway(engine, { port: 0 });
    try {
      const r = await call(gw, 'app/version', { headers: { authorization: `Bearer qbt_instance-${CANARY}` } });
      expect([r.status, r.body]).toEqual([403, 'Forbidden']);
      // The gateway's own key (stored as @gateway:apikey, a name no instance can take) still works.
      const own = await call(gw, 'app/version', { headers: { authorization: `Bearer ${apiKey}` } });
      expect([own.status, own.body]).toEqual([200, 'v5.1.4']);
    } finally {
      await gw.close();
      apiKey = await engine.rotateGatewayApiKey();
      await untilKeyWorks(apiKey);
    }
  });

  it('answers an unknown endpoint 404 and refuses app/setPreferences', async () => {
    const auth = { authorization: `Bearer ${apiKey}` };
    const unknown = await call(gateway, 'torrents/doesNotExist', { headers: auth });
    expect([unknown.status, unknown.body]).toEqual([404, 'Endpoint does not exist']);
    const set = await call(gateway, 'app/setPreferences', { form: { json: '{"proxy_password":"x"}' }, headers: auth });
    expect(set.status).toBeGreaterThanOrEqual(400);
    expect(set.status).toBeLessThan(500);
  });

  it('never puts a secret in any answer (secrets canary across every endpoint)', async () => {
    const { cookie } = await login(gateway);
    const h = { cookie: cookie! };
    const m = randomMagnet('canary walk');
    const t = makeTorrentFile('canary-walk.bin');
    const seen: string[] = [];
    const record = (r: { status: number; body: string; headers: Headers }): void => {
      seen.push(`${r.status} ${JSON.stringify([...r.headers])} ${r.body}`);
    };
    record(await call(gateway, 'torrents/add', { form: { urls: m.magnet, category: 'canary' }, headers: h }));
    const fd = new FormData();
    fd.set('torrents', new File([new Uint8Array(t.data)], 'canary.torrent'));
    const up = await fetch(`${gateway.url}/api/v2/torrents/add`, { method: 'POST', body: fd, headers: h });
    record({ status: up.status, body: await up.text(), headers: up.headers });
    const gets = [
      'app/version', 'app/webapiVersion', 'app/buildInfo', 'app/preferences', 'app/defaultSavePath',
      'torrents/info', `torrents/info?hashes=${m.infohash}`, 'torrents/categories', 'torrents/tags',
      `torrents/properties?hash=${m.infohash}`, `torrents/files?hash=${t.infohash}`, `torrents/trackers?hash=${m.infohash}`,
      'transfer/info', 'sync/maindata', 'sync/maindata?rid=0', 'torrents/nope', 'log/main', 'nothing/here',
    ];
    for (const p of gets) record(await call(gateway, p, { headers: h }));
    for (const p of ['torrents/stop', 'torrents/start', 'torrents/pause', 'torrents/resume', 'torrents/recheck', 'torrents/reannounce']) {
      record(await call(gateway, p, { form: { hashes: m.infohash }, headers: h }));
    }
    record(await call(gateway, 'torrents/setCategory', { form: { hashes: m.infohash, category: 'canary' }, headers: h }));
    record(await call(gateway, 'app/setPreferences', { form: { json: '{}' }, headers: h }));
    record(await call(gateway, 'torrents/delete', { form: { hashes: `${m.infohash}|${t.infohash}`, deleteFiles: 'true' }, headers: h }));
    record(await call(gateway, 'auth/login', { form: { username: GW_USER, password: 'wrong' } }));
    record(await call(gateway, 'torrents/info'));
    record(await call(gateway, 'auth/logout', { form: {}, headers: h }));

    const prefs = JSON.parse(seen.find((s) => s.includes('"web_ui_username"'))!.replace(/^\d+ \[.*?\]\] /, '')) as Record<string, unknown>;
    expect(prefs.web_ui_username).toBe(GW_USER);
    // An allowlist: what Sonarr reads is there, the instance's programs, usernames and whitelists are not.
    expect(prefs).toHaveProperty('save_path');
    expect(prefs).toHaveProperty('max_ratio_enabled');
    for (const k of ['autorun_program', 'proxy_username', 'mail_notification_username', 'dyndns_username', 'bypass_auth_subnet_whitelist', 'web_ui_port']) {
      expect(prefs).not.toHaveProperty(k);
    }
    expect(seen.length).toBeGreaterThan(30);
    const all = seen.join('\n');
    expect(all).not.toContain(CANARY);
    expect(all).not.toContain(apiKey);
    expect(all).not.toContain(a.password);
    expect(all).not.toContain(b.password);
  });

  it('refuses a foreign Host (DNS rebinding) with 401 before counting a login: five guesses from a rebound web page ban no one', async () => {
    // A gateway of its own: a ban here would be per address, and every test comes from 127.0.0.1.
    const gw = await startGateway(engine, { port: 0 });
    try {
      const rebound = { host: `evil.example:${gw.port}`, origin: `http://evil.example:${gw.port}`, 'content-type': 'application/x-www-form-urlencoded' };
      for (let i = 0; i < 5; i++) {
        const r = await rawCall(gw.port, 'auth/login', { method: 'POST', headers: rebound, body: new URLSearchParams({ username: GW_USER, password: `guess ${i}` }).toString() });
        expect([r.status, r.body]).toEqual([401, 'Unauthorized']);
      }
      // The right password through a rebound page does not log in either.
      const right = await rawCall(gw.port, 'auth/login', { method: 'POST', headers: rebound, body: new URLSearchParams({ username: GW_USER, password: GW_PASS }).toString() });
      expect([right.status, right.headers['set-cookie']]).toEqual([401, undefined]);
      // Sonarr on 127.0.0.1 is not banned.
      expect((await login(gw)).body).toBe('Ok.');
      const bearer = { authorization: `Bearer ${apiKey}` };
      for (const host of [`127.0.0.1:${gw.port}`, `localhost:${gw.port}`, `LocalHost:${gw.port}`, `[::1]:${gw.port}`]) {
        expect([host, (await rawCall(gw.port, 'app/version', { headers: { ...bearer, host } })).status]).toEqual([host, 200]);
      }
      for (const host of [`evil.example:${gw.port}`, '127.0.0.1', `127.0.0.1:${gw.port + 1}`, `127.0.0.1.evil.example:${gw.port}`]) {
        expect([host, (await rawCall(gw.port, 'app/version', { headers: { ...bearer, host } })).status]).toEqual([host, 401]);
      }
    } finally {
      await gw.close();
    }
  });

  it('answers a body over the limit 400 with connection: close, as qBittorrent, and keeps serving', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const bearer = { authorization: `Bearer ${apiKey}` };
    // auth/login, open to strangers: over 64 KiB, declared or streamed (chunked), is refused.
    const declaredLogin = await rawCall(gateway.port, 'auth/login', { method: 'POST', headers: form, contentLength: GATEWAY_PUBLIC_BODY_MAX_BYTES + 1, bodyBytes: GATEWAY_PUBLIC_BODY_MAX_BYTES + 1 });
    expect([declaredLogin.status, declaredLogin.headers.connection]).toEqual([400, 'close']);
    const streamedLogin = await rawCall(gateway.port, 'auth/login', { method: 'POST', headers: form, bodyBytes: 16 * GATEWAY_PUBLIC_BODY_MAX_BYTES });
    expect([streamedLogin.status, streamedLogin.headers.connection]).toEqual([400, 'close']);
    // An authenticated torrents/add over 64 MiB: refused from its Content-Length before a byte is read…
    const declaredAdd = await rawCall(gateway.port, 'torrents/add', { method: 'POST', headers: { ...form, ...bearer }, contentLength: GATEWAY_BODY_MAX_BYTES + 1, bodyBytes: 1024 * 1024 });
    expect([declaredAdd.status, declaredAdd.headers.connection]).toEqual([400, 'close']);
    // …or once the bytes streamed pass it.
    const streamedAdd = await rawCall(gateway.port, 'torrents/add', { method: 'POST', headers: { ...form, ...bearer }, bodyBytes: GATEWAY_BODY_MAX_BYTES + 1024 * 1024 });
    expect([streamedAdd.status, streamedAdd.headers.connection]).toEqual([400, 'close']);
    // The gateway keeps serving.
    const after = await call(gateway, 'app/version', { headers: bearer });
    expect([after.status, after.body]).toEqual([200, 'v5.1.4']);
    expect((await login(gateway)).body).toBe('Ok.');
  });

  it('a password removed while running locks out at once: the old password, the old session and Basic are refused until a new one is set', async () => {
    const gw = await startGateway(engine, { port: 0 });
    try {
      const before = await login(gw);
      expect(before.cookie).toMatch(/^SID=/);
      const basic = { authorization: `Basic ${Buffer.from(`${GW_USER}:${GW_PASS}`).toString('base64')}` };
      await engine.setGatewayPassword('');
      // The gateway is told by an event, then reads the secret store.
      for (let i = 0; i < 100 && (await call(gw, 'app/version', { headers: { cookie: before.cookie! } })).status === 200; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect((await call(gw, 'app/version', { headers: { cookie: before.cookie! } })).status).toBe(403);
      expect((await call(gw, 'app/version', { headers: basic })).status).toBe(403);
      expect((await call(gw, 'app/version', { headers: { authorization: `Bearer ${apiKey}` } })).status).toBe(403);
      const old = await login(gw);
      expect([old.body, old.cookie]).toEqual(['Fails.', null]);
      // Refused attempts meanwhile count against no one: a new password logs in at once.
      await engine.setGatewayPassword(GW_PASS);
      for (let i = 0; i < 100 && (await login(gw)).body !== 'Ok.'; i++) await new Promise((r) => setTimeout(r, 20));
      expect((await login(gw)).body).toBe('Ok.');
      expect((await call(gw, 'app/version', { headers: { cookie: before.cookie! } })).status, 'the old session stays ended').toBe(403);
    } finally {
      await gw.close();
      await engine.setGatewayPassword(GW_PASS);
    }
  });
});
