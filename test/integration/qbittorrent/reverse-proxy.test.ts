import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, makeSandbox, type Sandbox } from '../../harness/cli';
import { randomMagnet } from '../../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../../harness/qbittorrent';

/**
 * Issue 11: qBittorrent behind a reverse proxy at a base path (`https://host/qbittorrent/`, as
 * nginx's `location /qbittorrent/ { proxy_pass http://127.0.0.1:8080/; proxy_cookie_path / /qbittorrent/; }`)
 * works end to end: every WebUI API call (login included) goes under the base path, and an add is
 * confirmed through it. The proxy here is a small node:http one on loopback in front of real
 * qbittorrent-nox; anything outside `/qbittorrent/` gets its 404, as a real site's other pages would.
 */

const BASE = '/qbittorrent';
let q: QbtProcess;
let proxy: Server;
let proxyUrl: string;
let s: Sandbox;
/** Paths the proxy was asked for (to show every call carried the base path). */
const seen: string[] = [];

/** A reverse proxy at `BASE/` in front of `target` (rewrites the cookie path like nginx's proxy_cookie_path). */
function startProxy(target: URL): Promise<Server> {
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    if (!req.url?.startsWith(`${BASE}/`)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: this site serves qBittorrent under /qbittorrent/');
      return;
    }
    // qBittorrent checks Host against its own address unless told otherwise; a proxy sets it.
    const headers = { ...req.headers, host: target.host };
    const up = request({ host: target.hostname, port: target.port, method: req.method, path: req.url.slice(BASE.length), headers }, (upRes) => {
      const h = { ...upRes.headers };
      if (h['set-cookie']) h['set-cookie'] = h['set-cookie'].map((c) => c.replace(/;\s*path=\/(;|$)/i, `; path=${BASE}/$1`));
      res.writeHead(upRes.statusCode ?? 502, h);
      upRes.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end('bad gateway'));
    req.pipe(up);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  assertCliBuilt();
  q = await startQbittorrent({ name: 'reverse-proxy' });
  proxy = await startProxy(new URL(q.url));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${BASE}/`;
  s = makeSandbox('reverse-proxy');
  writeFileSync(`${s.home}/config.json`, JSON.stringify({ instances: [{ name: 'proxied', url: proxyUrl, username: q.username }], vpn: { check: 'none' } }));
  expect((await s.run(['password', 'proxied'], {}, `${q.password}\n`)).code).toBe(0);
}, 60_000);

afterAll(async () => {
  s?.dispose();
  await new Promise((r) => proxy?.close(r));
  await q?.dispose();
});

describe('an instance behind a reverse proxy at /qbittorrent/', () => {
  it('status is OK and `add` is confirmed through the proxy; every call went under the base path', async () => {
    const status = await s.run(['status', '--json']);
    const j = JSON.parse(status.stdout) as { instances: { name: string; status: string; version: string | null }[] };
    expect(j.instances).toEqual([expect.objectContaining({ name: 'proxied', status: 'OK', version: expect.stringMatching(/^v\d/) })]);

    const m = randomMagnet('behind-proxy');
    const add = await s.run(['add', '--json', m.magnet]);
    expect(add.code).toBe(0);
    const res = JSON.parse(add.stdout) as { results: { outcome: string; instance: string; infohash: string }[] };
    expect(res.results).toEqual([expect.objectContaining({ outcome: 'added', instance: 'proxied', infohash: m.infohash })]);

    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((p) => !p.startsWith(`${BASE}/api/v2/`))).toEqual([]);
    expect(seen).toContain(`${BASE}/api/v2/auth/login`);
  }, 60_000);
});
