/**
 * What the dashboard's HTTP API may not do, driven like a browser would (raw HTTP with the
 * token), in front of a REAL engine with zero qBittorrent instances:
 * - item 17: change the VPN reconnect command (it runs as the user) — the request is refused,
 *   config.json is untouched and nothing runs, even when the same request turns the VPN probe to
 *   a missing interface (so the VPN goes DOWN and the engine would run the command at once);
 * - item 22: read files on the server by path — a path is refused with the same answer whether
 *   the file exists or not, and the existing `.torrent` is never read (nothing is queued).
 */
import { request } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDashboardServer, type DashboardServer } from '../../../electron/cli/dashboard/server';
import { createApiBackend } from '../../../electron/core/api';
import { FileSecretStore } from '../../../electron/core/config/secret-store';
import { createEngine, type Engine } from '../../../electron/core/engine';
import { makeTorrentFile } from '../../harness/inputs';

interface Reply {
  status: number;
  body: string;
}

function post(server: DashboardServer, method: string, arg: unknown): Promise<Reply> {
  return new Promise((ok, fail) => {
    const body = JSON.stringify(arg);
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: `/api/${method}`,
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'x-qbf-token': server.token, cookie: `qbf_token=${server.token}` },
      },
      (res) => {
        let b = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (b += c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body: b }));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

/** Resolves true as soon as `file` exists, false when it still does not after `ms` (the negative check's wait, not a timing assertion). */
async function appears(file: string, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (existsSync(file)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return existsSync(file);
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A home with a hand-written config.json, a started engine and its dashboard. */
async function setup(config: Record<string, unknown>): Promise<{ dir: string; home: string; engine: Engine; server: DashboardServer }> {
  const dir = await mkdtemp(join(tmpdir(), 'qbf-dash-remote-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const home = join(dir, 'home');
  await mkdir(join(dir, 'www'), { recursive: true });
  await mkdir(home, { recursive: true });
  await writeFile(join(dir, 'www', 'index.html'), '<html></html>');
  await writeFile(join(home, 'config.json'), JSON.stringify({ version: 1, instances: [], queueFile: join(dir, 'queue.json'), vpn: { check: 'none' }, ...config }));
  const engine = await createEngine({ home, secrets: new FileSecretStore(home) });
  cleanups.push(() => engine.stop());
  await engine.start();
  const server = await startDashboardServer({ backend: createApiBackend(engine), staticDir: join(dir, 'www') });
  cleanups.push(() => server.close());
  return { dir, home, engine, server };
}

describe('dashboard: the VPN reconnect command cannot be set over HTTP (item 17)', () => {
  it('a saveSettings that sets a command is refused: config.json unchanged, and the command never runs when the VPN goes down', async () => {
    const { dir, home, engine, server } = await setup({});
    const marker = join(dir, 'pwned');
    const before = await readFile(join(home, 'config.json'), 'utf8');
    for (const reconnectCommand of [`touch ${marker}`, ['touch', marker]]) {
      const settings = { ...engine.currentSettings(), vpn: { ...engine.currentSettings().vpn, check: 'interface:nonexistent0', reconnectCommand } };
      const r = await post(server, 'saveSettings', { settings });
      expect(r.status, r.body).toBe(403);
      expect(JSON.parse(r.body).error).toMatchObject({ code: 'COMMAND_LOCKED', message: expect.stringMatching(/only be set in config\.json or in the desktop app/) });
    }
    expect(await readFile(join(home, 'config.json'), 'utf8')).toBe(before);
    // Force a VPN probe: had the save gone through, the probe would now be DOWN and the command would run.
    await post(server, 'checkNow', {});
    expect(engine.currentSettings().vpn.check).toBe('none');
    expect(await appears(marker, 1_500)).toBe(false);
  });

  it('a hand-set command (legacy string) is migrated to argv, and a dashboard save without it keeps it', async () => {
    const { home, engine, server } = await setup({ vpn: { check: 'none', reconnectCommand: 'true "two words" --flag' } });
    expect(engine.currentSettings().vpn.reconnectCommand).toEqual(['true', 'two words', '--flag']);
    expect(JSON.parse(await readFile(join(home, 'config.json'), 'utf8')).vpn.reconnectCommand).toEqual(['true', 'two words', '--flag']);
    const settings = { ...engine.currentSettings(), vpn: { ...engine.currentSettings().vpn, reconnectCommand: undefined }, pollIntervalMs: 20_000 };
    const r = await post(server, 'saveSettings', { settings });
    expect(r.status, r.body).toBe(200);
    const saved = JSON.parse(await readFile(join(home, 'config.json'), 'utf8'));
    expect(saved.pollIntervalMs).toBe(20_000);
    expect(saved.vpn.reconnectCommand).toEqual(['true', 'two words', '--flag']);
    // The same command sent back unchanged (what the dashboard page does) is fine too.
    const again = await post(server, 'saveSettings', { settings: engine.currentSettings() });
    expect(again.status, again.body).toBe(200);
  });

  it('the desktop app (a local call) still sets the command', async () => {
    const { home, engine } = await setup({});
    await createApiBackend(engine).call('saveSettings', { settings: { ...engine.currentSettings(), vpn: { ...engine.currentSettings().vpn, reconnectCommand: ['wg-quick', 'up', 'wg0'] } } });
    expect(JSON.parse(await readFile(join(home, 'config.json'), 'utf8')).vpn.reconnectCommand).toEqual(['wg-quick', 'up', 'wg0']);
  });
});

describe('dashboard: no file paths on the server (item 22)', () => {
  it('refuses a path with the same answer whether the file exists or not, and never reads it', async () => {
    const { dir, engine, server } = await setup({});
    const existing = join(dir, 'real.torrent');
    await writeFile(existing, makeTorrentFile('remote-path').data);
    const missing = join(dir, 'missing.torrent');
    const answers = [];
    for (const text of [existing, missing]) {
      const r = await post(server, 'addText', { text });
      expect(r.status, r.body).toBe(200);
      const res = JSON.parse(r.body) as { results: { outcome: string; error: { code: string; message: string } | null }[] };
      expect(res.results).toHaveLength(1);
      expect(res.results[0]!.outcome).toBe('rejected');
      answers.push(res.results[0]!.error);
    }
    expect(answers[0]).toEqual({ code: 'INVALID_INPUT', message: 'file paths are not accepted over the dashboard; upload the .torrent file' });
    expect(answers[1]).toEqual(answers[0]);
    expect(engine.snapshot().queue).toHaveLength(0);
    // The same file's bytes, uploaded, are accepted (queued: no instance is configured).
    const up = await post(server, 'addTorrentFile', { fileName: 'real.torrent', dataBase64: (await readFile(existing)).toString('base64') });
    expect(JSON.parse(up.body).results[0].outcome).toBe('queued');
  });

  it('the CLI and the desktop app (local calls) still take a .torrent path', async () => {
    const { dir, engine } = await setup({});
    const existing = join(dir, 'local.torrent');
    await writeFile(existing, makeTorrentFile('local-path').data);
    const res = await createApiBackend(engine).call('addText', { text: existing });
    expect(res.results[0]!.outcome).toBe('queued');
  });
});
