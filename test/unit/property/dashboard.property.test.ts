/**
 * Property test of the dashboard's HTTP API: 2 000 generated requests (method names, verbs, auth
 * headers, Origin/Host, bodies) against `startDashboardServer` in front of a REAL engine with zero
 * qBittorrent instances (so nothing can ever reach a qBittorrent), behind a wrapper that counts
 * backend calls. Properties: never a 5xx, never a stack trace; a request that is not fully
 * authorised, names no method, or carries invalid JSON/arguments gets a typed 4xx and the backend
 * is NOT called; a valid one reaches the backend exactly once.
 *
 * The wrapper forwards only methods that stay in the sandbox; `saveSettings`, `importEnvironment`,
 * `testConnection` (and any method added later) are counted and answered with a typed 409: a valid
 * settings document or the test runner's environment could add instances or move the queue file,
 * and a valid instance would be probed. Runs: 2 000 (each is one loopback HTTP request).
 */
import { request } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboardServer, type DashboardServer } from '../../../electron/cli/dashboard/server';
import { createApiBackend } from '../../../electron/core/api';
import { FileSecretStore } from '../../../electron/core/config/secret-store';
import { engineInternals, createEngine, type Engine } from '../../../electron/core/engine';
import { silentLogger } from '../../../electron/core/logger';
import { API_METHODS, isApiMethod, validateApiArg, type ApiBackend, type ApiMethod } from '../../../shared/contract';

const RUNS = 2_000;

interface Reply {
  status: number;
  body: string;
}

function send(port: number, path: string, method: string, headers: Record<string, string>, body?: string | Buffer): Promise<Reply> {
  return new Promise((ok, fail) => {
    // A fresh connection per request: a keep-alive socket whose request body the server did not read is closed by it.
    const req = request({ host: '127.0.0.1', port, path, method, headers, setHost: !('host' in headers), agent: false }, (res) => {
      const chunks: Buffer[] = [];
      const stream = String(res.headers['content-type'] ?? '').includes('text/event-stream');
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        // An event stream never ends: the first event (the snapshot) is enough.
        if (stream && Buffer.concat(chunks).includes('\n\n')) {
          req.destroy();
          ok({ status: res.statusCode ?? 0, body: '' });
        }
      });
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer in 10 s: ${method} ${path}`)));
    req.on('error', (e) => (req.destroyed && (e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : fail(e)));
    req.end(body);
  });
}

/** Methods that stay inside the sandbox (temp home, temp queue file, zero instances); any other, and any added later, is refused. */
const FORWARDED = new Set<string>(['getSnapshot', 'addText', 'addTorrentFile', 'flush', 'removeEntry', 'checkNow', 'setMonitoringPaused', 'getSettings', 'setPassword']);

/** Counts every call that reaches the backend; refuses the two calls that could leave the sandbox. */
function counting(inner: ApiBackend): ApiBackend & { calls: Record<string, number>; total(): number } {
  const calls: Record<string, number> = {};
  return {
    calls,
    total: () => Object.values(calls).reduce((a, b) => a + b, 0),
    call(method, arg) {
      calls[method] = (calls[method] ?? 0) + 1;
      if (!FORWARDED.has(method)) {
        return Promise.reject(Object.assign(new Error(`${method} is not forwarded in this test`), { code: 'NOT_FORWARDED', httpStatus: 409 }));
      }
      return inner.call(method, arg);
    },
    subscribe: (l) => inner.subscribe(l),
  };
}

describe('dashboard HTTP API under generated requests', () => {
  let dir: string;
  let engine: Engine;
  let backend: ReturnType<typeof counting>;
  let server: DashboardServer;
  let queueFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qbf-dash-prop-'));
    const home = join(dir, 'home');
    queueFile = join(dir, 'queue', 'queue.json');
    await mkdir(home, { recursive: true });
    await mkdir(join(dir, 'www'), { recursive: true });
    await writeFile(join(dir, 'www', 'index.html'), '<html><head><meta name="qbf-token" content=""></head></html>');
    await writeFile(join(home, 'config.json'), JSON.stringify({ version: 1, instances: [], queueFile }));
    engine = await createEngine({ home, secrets: new FileSecretStore(home), logger: silentLogger });
    expect(engineInternals(engine).instances).toHaveLength(0);
    backend = counting(createApiBackend(engine));
    server = await startDashboardServer({ backend, staticDir: join(dir, 'www') });
  });
  afterAll(async () => {
    await server?.close();
    await engine?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const KEYS = ['__proto__', 'constructor', 'text', 'options', 'fileName', 'dataBase64', 'infohashes', 'infohash', 'paused', 'settings', 'instance', 'password', 'tags', 'category'];
  const value = fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.constantFrom('', 'a'.repeat(40), 'javascript:alert(1)', 'file:///etc/passwd', 'magnet:?xt=urn:btih:' + 'c'.repeat(40), 'QUFB', '\u0000\u001b[31m', 'A'.repeat(64)),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('v'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom(...KEYS), tie('v'), { maxKeys: 4 }),
    ),
  })).v;
  /** Near-valid bodies, so a good share of authorised requests is valid and reaches the backend. */
  const template = fc.oneof(
    fc.constantFrom('{}', '', '{"paused":true}', '{"paused":false}', '{"infohashes":[]}', '{"infohash":"' + 'a'.repeat(40) + '"}', '{"settings":{}}'),
    fc.string({ maxLength: 80 }).map((t) => JSON.stringify({ text: t })),
    fc.string({ maxLength: 40 }).map((t) => JSON.stringify({ text: `magnet:?xt=urn:btih:${'d'.repeat(40)}&dn=${encodeURIComponent(t.replace(/[\uD800-\uDFFF]/g, ''))}` })),
    fc.uint8Array({ maxLength: 60 }).map((b) => JSON.stringify({ fileName: 'drop.torrent', dataBase64: Buffer.from(b).toString('base64') })),
    fc.string({ maxLength: 30 }).map((p) => JSON.stringify({ instance: 'primary', password: p })),
    fc.constant(JSON.stringify({ instance: { name: 'probe', url: 'http://127.0.0.1:1' } })),
  );
  const body = fc.oneof(
    template,
    template,
    value.map((v) => JSON.stringify(v)),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.constantFrom('', ' ', '{', 'null', '[]', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '{"text":"' + 'x'.repeat(70_000) + '"}', '\u00ff\u00fe'),
    fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1')),
  );
  /** A well-formed call: each method with a body of its own shape (often valid), full auth. */
  const perMethod: Record<ApiMethod, fc.Arbitrary<string>> = {
    getSnapshot: fc.constantFrom('{}', ''),
    checkNow: fc.constantFrom('{}', ''),
    getSettings: fc.constantFrom('{}', ''),
    addText: fc.oneof(fc.string({ maxLength: 120 }), fc.constantFrom('javascript:alert(1)', 'file:///etc/passwd', 'data:,x', '\u0000')).map((t) => JSON.stringify({ text: t })),
    addTorrentFile: fc.uint8Array({ maxLength: 200 }).map((b) => JSON.stringify({ fileName: 'drop.torrent', dataBase64: Buffer.from(b).toString('base64') })),
    flush: fc.array(fc.stringMatching(/^[0-9a-f]{40}$/), { maxLength: 3 }).map((h) => JSON.stringify({ infohashes: h })),
    removeEntry: fc.stringMatching(/^[0-9a-f]{40}$/).map((h) => JSON.stringify({ infohash: h })),
    setMonitoringPaused: fc.boolean().map((b) => JSON.stringify({ paused: b })),
    saveSettings: fc.constant('{"settings":{}}'),
    setPassword: fc.string({ maxLength: 30 }).map((pw) => JSON.stringify({ instance: 'primary', password: pw })),
    testConnection: fc.constant(JSON.stringify({ instance: { name: 'probe', url: 'http://127.0.0.1:1' } })),
    importEnvironment: fc.constantFrom('{}', ''),
    listTorrents: fc.constantFrom('{}', '', '{"instances":["primary"]}'),
    torrentAction: fc.stringMatching(/^[0-9a-f]{40}$/).map((h) => JSON.stringify({ instance: 'primary', action: 'pause', hashes: [h] })),
  } as Record<ApiMethod, fc.Arbitrary<string>>;
  const wellFormed = fc
    .constantFrom(...API_METHODS)
    .chain((m) => fc.record({
      verb: fc.constant<string>('POST'),
      method: fc.constant(m as string),
      header: fc.constant('good'),
      cookie: fc.constantFrom('good', 'wrong', 'missing'),
      origin: fc.constantFrom('none', 'same'),
      host: fc.constant('good'),
      body: perMethod[m] ?? fc.constant('{}'),
      queryToken: fc.boolean(),
    }));
  const anyReq = fc.record({
    verb: fc.constantFrom('POST', 'POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
    method: fc.oneof(fc.constantFrom(...API_METHODS), fc.constantFrom('__proto__', 'constructor', 'toString', 'events', '', '..%2f..%2fetc', 'getSnapshot/x'), fc.string({ maxLength: 20 }).map(encodeURIComponent)),
    header: fc.constantFrom('good', 'good', 'good', 'wrong', 'missing', 'padded'),
    cookie: fc.constantFrom('good', 'wrong', 'missing'),
    origin: fc.constantFrom('none', 'none', 'same', 'foreign', 'null', 'https-same'),
    host: fc.constantFrom('good', 'good', 'good', 'foreign', 'localhost-other-port'),
    body,
    queryToken: fc.boolean(),
  });
  const req = fc.oneof(anyReq, anyReq, wellFormed);

  it(`never 5xx, never a stack; invalid or unauthorised requests never reach the backend (${RUNS} runs)`, async () => {
    const port = server.port;
    const good = server.token;
    const queueBefore = await readFile(queueFile, 'utf8').catch(() => null);
    let valid = 0;
    await fc.assert(
      fc.asyncProperty(req, async (r) => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (r.header !== 'missing') headers['x-qbf-token'] = r.header === 'good' ? good : r.header === 'padded' ? ` ${good}x` : 'A'.repeat(good.length);
        if (r.cookie !== 'missing') headers.cookie = `qbf_token=${r.cookie === 'good' ? good : 'nope'}`;
        const hostValue = r.host === 'good' ? `127.0.0.1:${port}` : r.host === 'foreign' ? `evil.example:${port}` : `localhost:${port === 1 ? 2 : port - 1}`;
        headers.host = hostValue;
        if (r.origin === 'same') headers.origin = `http://${hostValue}`;
        else if (r.origin === 'foreign') headers.origin = 'http://evil.example';
        else if (r.origin === 'null') headers.origin = 'null';
        else if (r.origin === 'https-same') headers.origin = `https://${hostValue}`;
        const path = `/api/${r.method}${r.queryToken ? `?token=${good}` : ''}`;
        const before = backend.total();
        const res = await send(port, path, r.verb, headers, r.verb === 'GET' ? undefined : r.body);

        expect(res.status).toBeLessThan(500);
        expect(res.body).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
        if (res.status >= 400) {
          const err = (JSON.parse(res.body) as { error: { code: string; message: string } }).error;
          expect(err.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
          expect(typeof err.message).toBe('string');
        }

        let method = r.method;
        try {
          method = decodeURIComponent(r.method);
        } catch {
          /* stays encoded: no method has a % */
        }
        const authorised =
          r.verb === 'POST' && r.host === 'good' && (r.origin === 'none' || r.origin === 'same') && r.header === 'good';
        let argOk = false;
        if (authorised && isApiMethod(method)) {
          let arg: unknown = {};
          let jsonOk = true;
          if (r.body.trim() !== '') {
            try {
              arg = JSON.parse(r.body);
            } catch {
              jsonOk = false;
            }
          }
          argOk = jsonOk && validateApiArg(method as ApiMethod, arg).ok;
        }
        const eventStream =
          r.verb === 'GET' && method === 'events' && r.host === 'good' && (r.origin === 'none' || r.origin === 'same') &&
          (r.cookie === 'good' || r.queryToken);
        if (eventStream) {
          // The stream opens with one read-only snapshot call.
          expect(res.status).toBe(200);
          expect(backend.total()).toBe(before + 1);
          expect(backend.calls.getSnapshot).toBeGreaterThan(0);
        } else if (authorised && argOk) {
          valid++;
          expect(backend.total()).toBe(before + 1);
          // setPassword for an instance that does not exist: a typed 404 (a password is bound to an instance's address).
          const noSuchInstance = method === 'setPassword' && res.status === 404 && /"NOT_CONFIGURED"/.test(res.body);
          if (!noSuchInstance) expect([200, 409]).toContain(res.status);
        } else {
          expect(backend.total(), `${r.verb} ${path} ${res.status} ${res.body.slice(0, 200)}`).toBe(before);
          expect(res.status).toBeGreaterThanOrEqual(400);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
    // The generator did reach the backend with valid calls (the test is not vacuous).
    expect(valid).toBeGreaterThan(200);
    // Nothing in a generated body was a valid magnet unless a valid addText carried one: the queue
    // file changes only through such calls.
    const queueAfter = await readFile(queueFile, 'utf8').catch(() => null);
    if ((backend.calls.addText ?? 0) === 0 && (backend.calls.addTorrentFile ?? 0) === 0) expect(queueAfter).toBe(queueBefore);
    expect(engineInternals(engine).instances).toHaveLength(0);
  }, 180_000);

  it('refuses the event stream without the token, and with a foreign Origin', async () => {
    const none = await send(server.port, '/api/events', 'GET', {});
    expect(none.status).toBe(401);
    const wrong = await send(server.port, '/api/events?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'GET', {});
    expect(wrong.status).toBe(401);
    const foreign = await send(server.port, `/api/events?token=${server.token}`, 'GET', { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
  });

  it('refuses a POST carrying the token only in the URL or only in the cookie (CSRF), without calling the backend', async () => {
    const before = backend.total();
    const q = await send(server.port, `/api/checkNow?token=${server.token}`, 'POST', {}, '{}');
    expect(q.status).toBe(401);
    const c = await send(server.port, '/api/checkNow', 'POST', { cookie: `qbf_token=${server.token}` }, '{}');
    expect(c.status).toBe(403);
    expect(JSON.parse(c.body).error.code).toBe('CSRF');
    expect(backend.total()).toBe(before);
  });

  it('refuses every non-loopback bind address unless allowed', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'localhost.evil.example', '127.0.0.1.nip.io']) {
      await expect(startDashboardServer({ backend, staticDir: dir, host })).rejects.toThrow(/non-loopback/);
    }
  });
});
