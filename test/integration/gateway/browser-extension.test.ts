import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayHandle } from '../../../electron/core/gateway';
import { listTorrents } from '../../harness/direct';
import { randomMagnet } from '../../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../../harness/qbittorrent';
import { instanceOf } from '../../harness/test-engine';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack';

/**
 * Browser extensions (Remote Torrent Adder, Torrent Control, Add Remote Torrent, …) call the WebUI
 * API from their background page, and the browser stamps those requests with the extension's own
 * origin: `Origin: chrome-extension://<id>` (Chromium, MV3 service-worker fetch) or
 * `moz-extension://<uuid>` (Firefox). Real qBittorrent answers 401 to that unless the user turns
 * its CSRF protection off (qBittorrent's log: "Origin header & Target origin mismatch! … Origin
 * header: 'chrome-extension://…'"; see remote-torrent-adder#386, torrent-clipper#7,
 * Add-Remote-Torrent#72). The gateway has no such switch, so an extension origin must be accepted
 * as what it is — not a web page (a page cannot claim a `*-extension://` origin) — while a web
 * page's foreign origin stays refused. Torrent Control rewrites Origin to the server's own, which
 * passes either way.
 */

const USER = 'ext-user';
const PASS = 'ext-pass';

let q: QbtProcess;
let stack: GatewayStack;
let gateway: GatewayHandle;

beforeAll(async () => {
  q = await startQbittorrent({ name: 'gw-ext' });
  stack = await startGatewayStack({ label: 'gw-ext', instances: [instanceOf('q', q)], gateway: { username: USER, password: PASS }, processes: [q] });
  gateway = stack.gateway;
});

afterAll(async () => {
  await stack?.dispose();
});

/** One request as an extension's background fetch sends it (form body, its Origin, the cookie it holds). */
function send(path: string, o: { origin?: string; cookie?: string; form?: Record<string, string> }): Promise<{ status: number; body: string; cookie: string | null }> {
  const body = o.form ? new URLSearchParams(o.form).toString() : undefined;
  const headers: Record<string, string> = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36' };
  if (o.origin) headers.origin = o.origin;
  if (o.cookie) headers.cookie = o.cookie;
  if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${gateway.url}${path}`, { method: body ? 'POST' : 'GET', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        const set = res.headers['set-cookie']?.[0];
        resolve({ status: res.statusCode ?? 0, body: text, cookie: set ? (set.split(';')[0] ?? null) : null });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('browser extensions through the gateway', () => {
  for (const origin of ['chrome-extension://cmhdhpcfabppigjeoienkmleklplflhp', 'moz-extension://0b3a9d1c-5f5e-4c55-9c2e-8f6f2a1d7e44']) {
    it(`an extension (${origin.split(':')[0]}) logs in, adds a magnet and lists it, as it does with qBittorrent's CSRF protection off`, async () => {
      const login = await send('/api/v2/auth/login', { origin, form: { username: USER, password: PASS } });
      expect(login).toMatchObject({ status: 200, body: 'Ok.' });
      const cookie = login.cookie ?? '';
      const m = randomMagnet('gw-extension');
      expect(await send('/api/v2/torrents/add', { origin, cookie, form: { urls: m.magnet } })).toMatchObject({ status: 200, body: 'Ok.' });
      const info = await send(`/api/v2/torrents/info?hashes=${m.infohash}`, { origin, cookie });
      expect(info.status).toBe(200);
      expect((JSON.parse(info.body) as { hash: string }[]).map((t) => t.hash)).toEqual([m.infohash]);
      expect((await listTorrents(q)).map((t) => t.hash)).toContain(m.infohash);
    });
  }

  it('a web page on another site is still refused (401), with or without a session', async () => {
    const login = await send('/api/v2/auth/login', { form: { username: USER, password: PASS } });
    expect(login.body).toBe('Ok.');
    for (const origin of ['http://evil.example', 'null', `http://localhost:${Number(new URL(gateway.url).port) + 1}`]) {
      const m = randomMagnet('gw-csrf');
      expect(await send('/api/v2/torrents/add', { origin, cookie: login.cookie ?? '', form: { urls: m.magnet } }), origin).toMatchObject({ status: 401 });
      expect((await listTorrents(q)).map((t) => t.hash)).not.toContain(m.infohash);
    }
  });
});
