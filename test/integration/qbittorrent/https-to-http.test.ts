import { writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QbitClient } from '../../../electron/core/qbittorrent';
import { assertCliBuilt, makeSandbox, type Sandbox } from '../../harness/cli';
import { startQbittorrent, type QbtProcess } from '../../harness/qbittorrent';

/**
 * Issue 11: an `https://` URL pointed at qBittorrent's plain-http WebUI says "this server speaks
 * http, not https — use http://…" instead of a connect `TIMEOUT` (qBittorrent never answers a TLS
 * ClientHello). A server that is really silent or refused keeps its own status.
 */

let q: QbtProcess;
let s: Sandbox;
let silent: Server;
const sockets: Socket[] = [];

beforeAll(async () => {
  assertCliBuilt();
  q = await startQbittorrent({ name: 'https-to-http' });
  s = makeSandbox('https-to-http');
  silent = createServer((sock) => sockets.push(sock));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
}, 60_000);

afterAll(async () => {
  s?.dispose();
  for (const sock of sockets) sock.destroy();
  await new Promise((r) => silent?.close(r));
  await q?.dispose();
});

const httpsOf = (url: string): string => url.replace(/^http:/, 'https:');

describe('https:// to a plain-http qBittorrent', () => {
  it('status names the fix (use http://…) with TLS_ERROR, not TIMEOUT', async () => {
    writeFileSync(`${s.home}/config.json`, JSON.stringify({ instances: [{ name: 'nas', url: `${httpsOf(q.url)}/` }], vpn: { check: 'none' } }));
    expect((await s.run(['password', 'nas'], {}, `${q.password}\n`)).code).toBe(0);
    const r = await s.run(['status', '--json']);
    const j = JSON.parse(r.stdout) as { instances: { name: string; status: string; error: string | null }[] };
    expect(j.instances).toEqual([expect.objectContaining({ name: 'nas', status: 'TLS_ERROR', error: expect.stringContaining(`this server speaks http, not https — use ${q.url}`) })]);
    const text = await s.run(['status']);
    expect(text.stdout).toContain(`this server speaks http, not https — use ${q.url}`);
  }, 60_000);

  it('the WebUI client says the same for a base path, and never sent the password (no failed login on the server)', async () => {
    const c = new QbitClient({ url: `${httpsOf(q.url)}/qbittorrent`, username: q.username, password: 'not-sent', connectTimeoutMs: 1_000 });
    await expect(c.login()).rejects.toMatchObject({ code: 'TLS_ERROR', message: `this server speaks http, not https — use ${q.url}/qbittorrent` });
    await c.close();
    // The right URL still logs in at once: nothing counted against us.
    const ok = new QbitClient({ url: q.url, username: q.username, password: q.password });
    await expect(ok.login()).resolves.toBeUndefined();
    await ok.close();
  }, 30_000);

  it('a plain-http server that answers the handshake with HTTP 400 (nginx, node) says the same', async () => {
    const plain = createHttpServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    const port = (plain.address() as AddressInfo).port;
    try {
      const c = new QbitClient({ url: `https://127.0.0.1:${port}/qbt/`, username: 'admin', password: 'x' });
      await expect(c.login()).rejects.toMatchObject({ code: 'TLS_ERROR', message: `this server speaks http, not https — use http://127.0.0.1:${port}/qbt` });
      await c.close();
    } finally {
      plain.closeAllConnections();
      await new Promise((r) => plain.close(r));
    }
  }, 30_000);

  it('a server that accepts and never answers stays TIMEOUT; a closed port stays CONNECTION_REFUSED', async () => {
    const port = (silent.address() as AddressInfo).port;
    const quiet = new QbitClient({ url: `https://127.0.0.1:${port}`, username: 'admin', password: 'x', connectTimeoutMs: 300 });
    await expect(quiet.login()).rejects.toMatchObject({ code: 'TIMEOUT' });
    await quiet.close();
    const closed = await new Promise<number>((resolve) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const refused = new QbitClient({ url: `https://127.0.0.1:${closed}`, username: 'admin', password: 'x', connectTimeoutMs: 300 });
    await expect(refused.login()).rejects.toMatchObject({ code: 'CONNECTION_REFUSED' });
    await refused.close();
  }, 30_000);
});

describe('a real https server that is only slow', () => {
  it('is not taken for plain http when its port answers plain HTTP with 400 (nginx: "plain HTTP request was sent to HTTPS port")', async () => {
    const { answersPlainHttp } = await import('../../../electron/core/qbittorrent/plain-http-probe');
    const tlsPort = createServer((sock) => {
      sock.once('data', () => sock.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 47\r\n\r\nThe plain HTTP request was sent to HTTPS port\r\n'));
    });
    await new Promise<void>((r) => tlsPort.listen(0, '127.0.0.1', r));
    try {
      expect(await answersPlainHttp('127.0.0.1', (tlsPort.address() as AddressInfo).port)).toBe(false);
      expect(await answersPlainHttp('127.0.0.1', q.port)).toBe(true);
    } finally {
      await new Promise((r) => tlsPort.close(r));
    }
  });
});
