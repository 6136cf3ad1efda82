/**
 * A stored password belongs to the origin (scheme://host:port) it was saved for (items 18, 19).
 * A real loopback qbittorrent-nox holds the password (a distinctive canary); a tiny recording
 * HTTP listener on 127.0.0.1 stands for "some other address". In every path that could aim the
 * stored password elsewhere — Test connection with a new URL, a settings edit that changes the
 * URL, the environment, a `.env` in the working directory (engine and CLI) — the canary never
 * arrives at the listener, and the user is told to enter the password again. A `.env` cannot turn
 * the VPN gate off for an instance config.json gates, and `status` names what came from `.env`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiBackend } from '../../electron/core/api';
import { FileSecretStore } from '../../electron/core/config/secret-store';
import { createEngine, type Engine } from '../../electron/core/engine';
import { assertCliBuilt, makeSandbox, type Sandbox } from '../harness/cli';
import { randomMagnet } from '../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../harness/qbittorrent';
import { startRecordingListener } from '../harness/recording-listener';

const CANARY = `Origin-Canary-${randomBytes(6).toString('hex')}`;
const forms = [CANARY, encodeURIComponent(CANARY), Buffer.from(CANARY).toString('base64')];

let qbt: QbtProcess;
let listener: Awaited<ReturnType<typeof startRecordingListener>>;
beforeAll(async () => {
  qbt = await startQbittorrent({ name: 'origin', password: CANARY });
  listener = await startRecordingListener();
});
afterAll(async () => {
  await listener?.close();
  await qbt?.dispose();
});

/** Fails when any request the listener received carried the stored password in any encoding. */
function expectNoCanaryAtListener(): void {
  const seen = JSON.stringify(listener.requests);
  for (const f of forms) expect(seen.includes(f), `the listener received the stored password (${f})`).toBe(false);
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  listener.requests.length = 0;
});

/**
 * A home whose config.json has `nas` (or `primary`) at the real qbittorrent, and secrets.json as
 * version ≤ 0.x wrote it: a bare password without origin (bound at the engine's first load).
 */
async function homeWith(config: Record<string, unknown>, secretName: string): Promise<{ dir: string; home: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'qbf-origin-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const home = join(dir, 'home');
  await mkdir(home, { recursive: true });
  await writeFile(join(home, 'config.json'), JSON.stringify({ version: 1, queueFile: join(dir, 'queue.json'), ...config }));
  await writeFile(join(home, 'secrets.json'), JSON.stringify({ [secretName]: CANARY }), { mode: 0o600 });
  return { dir, home };
}

async function engineFor(home: string, more: { env?: Record<string, string>; cwd?: string } = {}): Promise<Engine> {
  const engine = await createEngine({ home, secrets: new FileSecretStore(home), ...more });
  cleanups.push(() => engine.stop());
  return engine;
}

describe('a stored password is sent only to the origin it was saved for (item 18)', () => {
  it('an old secrets.json entry is bound to config.json’s URL at first load, and still logs in there', async () => {
    const { home } = await homeWith({ instances: [{ name: 'nas', url: qbt.url, username: qbt.username }], vpn: { check: 'none' } }, 'nas');
    const engine = await engineFor(home);
    expect(JSON.parse(await readFile(join(home, 'secrets.json'), 'utf8'))).toEqual({ nas: { password: CANARY, origin: new URL(qbt.url).origin } });
    const snap = await engine.checkAll();
    expect(snap.instances[0]).toMatchObject({ name: 'nas', status: 'OK' });
  });

  it('Test connection with a new URL and no password sends nothing there and says to enter the password again', async () => {
    const { home } = await homeWith({ instances: [{ name: 'nas', url: qbt.url, username: qbt.username }], vpn: { check: 'none' } }, 'nas');
    const engine = await engineFor(home);
    const api = createApiBackend(engine);
    const nas = engine.currentSettings().instances[0]!;
    const health = await api.call('testConnection', { instance: { ...nas, url: listener.url } });
    expectNoCanaryAtListener();
    expect(listener.requests.filter((r) => r.url.includes('/auth/login'))).toEqual([]);
    expect(health.status).toBe('NO_PASSWORD');
    expect(health.error).toBe(`the stored password belongs to ${new URL(qbt.url).origin}; enter it again for the new address ${listener.url}`);
    // The same instance at its own address still works with the stored password.
    expect((await api.call('testConnection', { instance: nas })).status).toBe('OK');
  });

  it('a settings edit that moves the URL does not carry the password along; a password typed for the new address is bound there', async () => {
    const { home } = await homeWith({ instances: [{ name: 'nas', url: qbt.url, username: qbt.username }], vpn: { check: 'none' } }, 'nas');
    const engine = await engineFor(home);
    await engine.start();
    const api = createApiBackend(engine);
    const moved = { ...engine.currentSettings(), instances: [{ ...engine.currentSettings().instances[0]!, url: listener.url }] };
    const view = await api.call('saveSettings', { settings: moved });
    await engine.checkAll();
    expectNoCanaryAtListener();
    expect(view.passwordsSet).toEqual([]);
    expect(engine.snapshot().instances[0]).toMatchObject({ status: 'NO_PASSWORD', error: expect.stringMatching(/belongs to .*; enter it again/) });
    // The user types a password for the new address (what the settings form sends): it is bound to it.
    await api.call('setPassword', { instance: 'nas', password: 'typed-for-new', url: listener.url });
    expect((await new FileSecretStore(home).getEntry('nas'))?.origin).toBe(listener.url);
    expectNoCanaryAtListener();
  });

  it('the environment moving the primary to another URL does not unlock the stored password', async () => {
    const { dir, home } = await homeWith({ instances: [{ name: 'primary', url: qbt.url, username: qbt.username }], vpn: { check: 'none' } }, 'primary');
    const engine = await engineFor(home, { env: { QBITTORRENT_URL: listener.url }, cwd: dir });
    const snap = await engine.checkAll();
    expectNoCanaryAtListener();
    expect(snap.instances[0]).toMatchObject({ url: listener.url, status: 'NO_PASSWORD' });
    // And the add does not reach the listener either: it is queued.
    const m = randomMagnet('origin-env');
    expect((await engine.add([m.magnet])).results[0]).toMatchObject({ outcome: 'queued' });
    expectNoCanaryAtListener();
  });
});

describe('a .env in the working directory (item 19)', () => {
  let box: Sandbox;
  beforeAll(() => {
    assertCliBuilt();
  });
  afterEach(() => box?.dispose());

  /** A CLI sandbox: config.json gates `primary` (the real qbittorrent) on `vpnCheck`; its password stored for that origin. */
  async function sandbox(vpnCheck: string): Promise<Sandbox> {
    box = makeSandbox('origin-dotenv');
    await writeFile(
      join(box.home, 'config.json'),
      JSON.stringify({ version: 1, instances: [{ name: 'primary', url: qbt.url, username: qbt.username, requiresVpn: true }], vpn: { check: vpnCheck } }),
    );
    await new FileSecretStore(box.home).set('primary', CANARY, new URL(qbt.url).origin);
    await writeFile(join(box.cwd, '.env'), `QBITTORRENT_URL=${listener.url}\nVPN_CHECK=none\n`);
    return box;
  }

  it('QBITTORRENT_URL from .env never receives the stored password; status names what came from .env and what was ignored', async () => {
    const b = await sandbox('interface:lo');
    const r = await b.run(['status']);
    expectNoCanaryAtListener();
    expect(r.stdout).toContain('[ENV] from .env in this folder: QBITTORRENT_URL');
    expect(r.stdout).toMatch(/\[ENV\] VPN_CHECK from \.env ignored: config\.json gates instances on the VPN/);
    expect(r.stdout).toMatch(/belongs to http:\/\/127\.0\.0\.1:\d+; enter it again/);
    const json = JSON.parse((await b.run(['status', '--json'])).stdout) as { vpn: { check: string }; settingsFrom: { dotenv: string[]; environment: string[]; ignored: string[] } };
    expect(json.vpn.check).toBe('interface:lo');
    expect(json.settingsFrom.dotenv).toEqual(['QBITTORRENT_URL']);
    expect(json.settingsFrom.ignored.join('\n')).toContain('VPN_CHECK');
    expectNoCanaryAtListener();
  });

  it('VPN_CHECK=none from .env does not open the gate: with the VPN down an add is queued and nothing reaches the listener', async () => {
    const b = await sandbox('interface:nonexistent0');
    const m = randomMagnet('dotenv-gate');
    const r = await b.run(['add', '--json', m.magnet]);
    expect(JSON.parse(r.stdout).results[0]).toMatchObject({ outcome: 'queued' });
    expect(listener.requests).toEqual([]);
  });
});
