import { stat, readFile, readdir, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboardServer } from '../../electron/cli/dashboard/server';
import { createApiBackend } from '../../electron/core/api';
import { FileSecretStore } from '../../electron/core/config/secret-store';
import { createEngine, type Engine } from '../../electron/core/engine';
import { createStreamLogger } from '../../electron/core/logger';
import { API_METHODS, type ApiArgs, type ApiMethod } from '../../shared/contract';
import { assertCliBuilt, legacyEnv, makeSandbox, type Sandbox } from '../harness/cli';
import { randomMagnet } from '../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../harness/qbittorrent';

/**
 * Secrets never leak: a real loopback qbittorrent-nox whose WebUI password is a distinctive canary,
 * and a second instance entry with a wrong canary password (so a failed login is recorded). Neither
 * canary — nor its base64 or URL encoding — may appear in engine logs (debug level), config.json,
 * auth-failures.json, API results and events (what the renderer and the dashboard see), the
 * dashboard's HTTP responses and event stream, or the CLI's --json/verbose output.
 * secrets.json (the CLI's store) holds them, with mode 0600.
 */
const CANARY = `S3cr3t-Canary-${randomBytes(6).toString('hex')}`;
const WRONG = `S3cr3t-Canary-WRONG-${randomBytes(6).toString('hex')}`;
const forms = (s: string) => [s, Buffer.from(s).toString('base64'), encodeURIComponent(s), Buffer.from(s).toString('hex')];
function expectClean(label: string, text: string): void {
  for (const secret of [CANARY, WRONG]) for (const f of forms(secret)) expect(text.includes(f), `${label} contains ${f}`).toBe(false);
}

let qbt: QbtProcess;
beforeAll(async () => {
  qbt = await startQbittorrent({ name: 'secrets', password: CANARY });
});
afterAll(async () => {
  await qbt?.dispose();
});

function http(port: number, path: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      let b = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        b += c;
        if (String(res.headers['content-type']).includes('event-stream') && b.includes('\n\n')) {
          req.destroy();
          ok({ status: res.statusCode ?? 0, body: b });
        }
      });
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: b }));
    });
    req.on('error', (e) => (req.destroyed ? undefined : fail(e)));
    req.end(body);
  });
}

describe('secrets never leak (engine, API, dashboard)', () => {
  let dir: string;
  let home: string;
  let engine: Engine;
  let logs = '';
  const events: unknown[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qbf-secrets-'));
    home = join(dir, 'home');
    await mkdir(home, { recursive: true });
    const instances = [
      { name: 'primary', url: qbt.url, username: qbt.username },
      { name: 'wrongpw', url: qbt.url.replace('127.0.0.1', 'localhost'), username: qbt.username },
    ];
    await writeFile(join(home, 'config.json'), JSON.stringify({ version: 1, instances, queueFile: join(dir, 'queue.json'), vpn: { check: 'none' } }));
    const secrets = new FileSecretStore(home);
    await secrets.set('primary', CANARY);
    await secrets.set('wrongpw', WRONG);
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        logs += chunk.toString('utf8');
        cb();
      },
    });
    engine = await createEngine({ home, secrets, logger: createStreamLogger('debug', sink) });
    engine.on('event', (e) => events.push(e));
    await engine.start();
  });
  afterAll(async () => {
    await engine?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('logs in with the canary, and records the wrong one without the password', async () => {
    const snap = await engine.checkAll();
    expect(snap.instances.find((i) => i.name === 'primary')?.status).toBe('OK');
    expect(snap.instances.find((i) => i.name === 'wrongpw')?.status).toBe('AUTH_FAILED');
    const af = await readFile(join(home, 'auth-failures.json'), 'utf8');
    expect(af.length).toBeGreaterThan(2);
    expectClean('auth-failures.json', af);
  });

  it('API results and events hold no password, for every method', async () => {
    const backend = createApiBackend(engine);
    const primary = engine.currentSettings().instances[0]!;
    const args: { [M in ApiMethod]: ApiArgs[M] } = {
      getSnapshot: {},
      getQueue: {},
      getActivity: {},
      addText: { text: randomMagnet('secrets-api').magnet },
      addTorrentFile: { fileName: 'x.torrent', dataBase64: '' },
      flush: {},
      removeEntry: { infohash: 'a'.repeat(40) },
      removeEntries: { infohashes: ['a'.repeat(40)] },
      checkNow: {},
      setMonitoringPaused: { paused: false },
      getSettings: {},
      saveSettings: { settings: engine.currentSettings() },
      setPassword: { instance: 'primary', password: CANARY },
      importEnvironment: {},
      listTorrents: {},
      torrentAction: { instance: 'primary', action: 'pause', hashes: ['c'.repeat(40)] },
      testConnection: { instance: primary, password: CANARY },
      getDesktopState: {},
      saveDesktopPrefs: {},
      answerAddPrompt: { id: 'x', add: false },
      resendRecentAdd: { id: 'x' },
      setGatewayPassword: { password: CANARY },
      getGatewayStatus: {},
      rotateGatewayApiKey: {},
    };
    let seen = '';
    for (const m of API_METHODS) {
      const res = await backend.call(m, args[m]).catch((e: Error & { code?: string }) => ({ error: { code: e.code, message: e.message } }));
      seen += JSON.stringify(res);
    }
    const stored = await backend.call('testConnection', { instance: primary });
    expect(stored.status).toBe('OK');
    seen += JSON.stringify(stored);
    await new Promise((r) => setTimeout(r, 100));
    expect(events.length).toBeGreaterThan(0);
    expectClean('API results', seen);
    expectClean('events', JSON.stringify(events));
    expectClean('engine logs', logs);
    expect(logs.length).toBeGreaterThan(0);
  });

  it('config.json holds no password; secrets.json and auth-failures.json are mode 0600', async () => {
    expectClean('config.json', await readFile(join(home, 'config.json'), 'utf8'));
    if (process.platform !== 'win32') {
      expect((await stat(join(home, 'secrets.json'))).mode & 0o777).toBe(0o600);
      expect((await stat(join(home, 'auth-failures.json'))).mode & 0o777).toBe(0o600);
    }
    for (const f of await readdir(home)) if (f !== 'secrets.json') expectClean(f, await readFile(join(home, f), 'utf8').catch(() => ''));
  });

  it('the dashboard never returns a password (every method + the event stream)', async () => {
    const www = join(dir, 'www');
    await mkdir(www, { recursive: true });
    await writeFile(join(www, 'index.html'), '<meta name="qbf-token" content="">');
    const server = await startDashboardServer({ backend: createApiBackend(engine), staticDir: www });
    try {
      const h = { 'x-qbf-token': server.token, 'content-type': 'application/json' };
      const primary = engine.currentSettings().instances[0]!;
      const bodies: Record<ApiMethod, unknown> = {
        getSnapshot: {}, getQueue: {}, getActivity: {}, addText: { text: randomMagnet('secrets-http').magnet }, addTorrentFile: { fileName: 'x', dataBase64: '' }, flush: {},
        removeEntry: { infohash: 'b'.repeat(40) }, removeEntries: { infohashes: ['b'.repeat(40)] }, checkNow: {}, setMonitoringPaused: { paused: false }, getSettings: {},
        saveSettings: { settings: engine.currentSettings() }, setPassword: { instance: 'primary', password: CANARY }, importEnvironment: {},
        listTorrents: {}, torrentAction: { instance: 'primary', action: 'pause', hashes: ['c'.repeat(40)] },
        testConnection: { instance: primary, password: CANARY },
        getDesktopState: {}, saveDesktopPrefs: {}, answerAddPrompt: { id: 'x', add: false }, resendRecentAdd: { id: 'x' },
        setGatewayPassword: { password: CANARY }, getGatewayStatus: {}, rotateGatewayApiKey: {},
      };
      let seen = '';
      for (const m of API_METHODS) {
        const r = await http(server.port, `/api/${m}`, 'POST', h, JSON.stringify(bodies[m]));
        expect(r.status, `${m}: ${r.body}`).toBeLessThan(500);
        seen += r.body;
      }
      const sse = await http(server.port, `/api/events?token=${server.token}`, 'GET', {});
      expect(sse.body).toContain('"snapshot"');
      seen += sse.body;
      expectClean('dashboard responses', seen);
    } finally {
      await server.close();
    }
  });
});

describe('secrets never leak (CLI --json and verbose output)', () => {
  let box: Sandbox;
  beforeAll(() => {
    assertCliBuilt();
    box = makeSandbox('secrets');
  });
  afterAll(() => box?.dispose());

  it('add/status/queue/flush print no password, and the env password is never written to disk', async () => {
    const env = legacyEnv(qbt); // QBITTORRENT_PASSWORD = the canary
    let out = '';
    for (const args of [['-v', 'add', '--json', randomMagnet('secrets-cli').magnet], ['status', '--json'], ['queue', '--json'], ['-v', 'flush', '--json']]) {
      const r = await box.run(args, env);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      out += r.stdout + r.stderr;
    }
    expect(out).toContain('"outcome": "added"');
    expectClean('CLI output', out);
    for (const f of await readdir(box.home)) expectClean(`sandbox ${f}`, await readFile(join(box.home, f), 'utf8').catch(() => ''));
  });

  it('a password stored with `password` lands only in secrets.json (0600)', async () => {
    const r = await box.run(['password', 'primary'], { QBITTORRENT_URL: qbt.url, VPN_CHECK: 'none' }, `${CANARY}\n`);
    expect(r.code, r.stderr).toBe(0);
    expectClean('password command output', r.stdout + r.stderr);
    const secretsFile = join(box.home, 'secrets.json');
    expect(await readFile(secretsFile, 'utf8')).toContain(CANARY);
    if (process.platform !== 'win32') expect((await stat(secretsFile)).mode & 0o777).toBe(0o600);
    const s = await box.run(['status', '--json'], { QBITTORRENT_URL: qbt.url, VPN_CHECK: 'none' });
    expect(s.code, s.stdout + s.stderr).toBe(0);
    expectClean('status output', s.stdout + s.stderr);
    for (const f of await readdir(box.home)) if (f !== 'secrets.json') expectClean(`sandbox ${f}`, await readFile(join(box.home, f), 'utf8').catch(() => ''));
  });
});
