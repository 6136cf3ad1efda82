import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDashboardServer, type DashboardServer } from '../../../../electron/cli/dashboard/server';
import { createMemoryBackend } from '../../../e2e/support/memory-backend';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP so tests control every header (Origin, Host, Cookie) and see redirects as-is. */
function send(port: number, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end(init.body);
  });
}

describe('dashboard server', () => {
  let dir: string;
  let server: DashboardServer;
  let cookie: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qbf-dash-'));
    await mkdir(join(dir, 'www', 'assets'), { recursive: true });
    await writeFile(join(dir, 'www', 'index.html'), '<html><head><meta name="qbf-token" content=""></head></html>');
    await writeFile(join(dir, 'www', 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(dir, 'secret.txt'), 'do not serve');
    server = await startDashboardServer({ backend: createMemoryBackend(), staticDir: join(dir, 'www') });
    cookie = `qbf_token=${server.token}`;
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives a loopback URL carrying a strong token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a page without a token or with a wrong one: 401 with an HTML page saying how to get the link, never JSON', async () => {
    const none = await send(server.port, '/');
    expect(none.status).toBe(401);
    expect(none.headers['content-type']).toContain('text/html');
    expect(none.body).toContain('qbit-failover dashboard-token');
    expect(none.body).not.toContain('"error"');
    const wrong = await send(server.port, '/', { headers: { cookie: 'qbf_token=nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('not valid for this dashboard');
    const wrongUrl = await send(server.port, '/?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(wrongUrl.status).toBe(401);
    expect(wrongUrl.headers['content-type']).toContain('text/html');
    // The API keeps answering machines in JSON.
    const api = await send(server.port, '/api/events');
    expect(api.status).toBe(401);
    expect(JSON.parse(api.body).error.code).toBe('UNAUTHORIZED');
  });

  it('swaps a URL token for an HttpOnly SameSite=Strict cookie and redirects to /', async () => {
    const r = await send(server.port, `/?token=${server.token}`);
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('/');
    const setCookie = String(r.headers['set-cookie']);
    expect(setCookie).toContain(`qbf_token=${server.token}`);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
  });

  it('serves the page with security headers and the CSRF token in a meta tag', async () => {
    const r = await send(server.port, '/', { headers: { cookie } });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('text/html');
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.body).toContain(`content="${server.token}"`);
    const js = await send(server.port, '/assets/app.js', { headers: { cookie } });
    expect(js.headers['content-type']).toContain('text/javascript');
  });

  it('refuses path traversal', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt']) {
      const r = await send(server.port, p, { headers: { cookie } });
      expect([403, 404], p).toContain(r.status);
      expect(r.body).not.toContain('do not serve');
    }
  });

  it('requires the X-QBF-Token header on POST even with the cookie (CSRF)', async () => {
    const r = await send(server.port, '/api/getSnapshot', { method: 'POST', headers: { cookie }, body: '{}' });
    expect([401, 403]).toContain(r.status);
    const ok = await send(server.port, '/api/getSnapshot', { method: 'POST', headers: { 'x-qbf-token': server.token }, body: '{}' });
    expect(ok.status).toBe(200);
    expect(ok.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(ok.body).route.kind).toBe('unconfigured');
  });

  it('refuses a foreign Origin and a foreign Host (403)', async () => {
    const headers = { cookie, 'x-qbf-token': server.token };
    const evil = await send(server.port, '/api/getSnapshot', { method: 'POST', headers: { ...headers, origin: 'http://evil.example' }, body: '{}' });
    expect(evil.status).toBe(403);
    const same = await send(server.port, '/api/getSnapshot', {
      method: 'POST',
      headers: { ...headers, origin: `http://127.0.0.1:${server.port}` },
      body: '{}',
    });
    expect(same.status).toBe(200);
    const rebound = await send(server.port, '/', { headers: { cookie, host: `evil.example:${server.port}` } });
    expect(rebound.status).toBe(403);
  });

  it('answers 400 for bad JSON and invalid arguments, 404 for unknown methods', async () => {
    const headers = { 'x-qbf-token': server.token };
    const bad = await send(server.port, '/api/addText', { method: 'POST', headers, body: '{nope' });
    expect(bad.status).toBe(400);
    const invalid = await send(server.port, '/api/removeEntry', { method: 'POST', headers, body: '{"infohash":"xyz"}' });
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body).error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    const proto = await send(server.port, '/api/__proto__', { method: 'POST', headers, body: '{}' });
    expect(proto.status).toBe(404);
  });

  it('answers 413 for a body over 16 MiB', async () => {
    const r = await send(server.port, '/api/addText', {
      method: 'POST',
      headers: { 'x-qbf-token': server.token, 'content-length': String(17 * 1024 * 1024) },
      body: '',
    }).catch(() => ({ status: 413 }) as Reply);
    expect(r.status).toBe(413);
  });

  it('streams the first snapshot over server-sent events', async () => {
    const first = await new Promise<string>((ok, fail) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/api/events', headers: { cookie } }, (res) => {
        expect(res.headers['content-type']).toContain('text/event-stream');
        res.setEncoding('utf8');
        let buf = '';
        res.on('data', (c: string) => {
          buf += c;
          const end = buf.indexOf('\n\n');
          if (end >= 0) {
            req.destroy();
            ok(buf.slice(0, end));
          }
        });
      });
      req.on('error', fail);
      req.end();
    });
    expect(first.startsWith('data: ')).toBe(true);
    expect(JSON.parse(first.slice(6))).toMatchObject({ type: 'snapshot', snapshot: { route: { kind: 'unconfigured' } } });
  });

  it('refuses to bind a non-loopback host unless allowed', async () => {
    await expect(startDashboardServer({ backend: createMemoryBackend(), staticDir: dir, host: '0.0.0.0' })).rejects.toThrow(
      /non-loopback/,
    );
  });
});
