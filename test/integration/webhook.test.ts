import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/core/engine';
import { FileSecretStore } from '../../electron/core/config/secret-store';
import { saveSettingsFile } from '../../electron/core/config/settings-file';
import type { Logger } from '../../electron/core/logger';
import type { EngineEvent } from '../../shared/model';
import { SettingsSchema } from '../../shared/settings';
import { startQbittorrent, type QbtProcess } from '../harness/qbittorrent';
import { makeTorrentFile, randomMagnet } from '../harness/inputs';
import { listTorrents } from '../harness/direct';
import { QbitClient } from '../../electron/core/qbittorrent';

/**
 * The webhook against a loopback receiver, fed by a REAL engine and a real qbittorrent-nox: what
 * a headless user (`watch`, `serve`, `gateway`) receives when magnets are added and when an
 * instance goes down — merged bursts, the documented JSON body, Discord's `content` — and that a
 * receiver that never answers neither blocks an add nor leaks the URL's token into the log.
 */

interface Received {
  path: string;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

let qbt: QbtProcess;
const dirs: string[] = [];
const engines: Engine[] = [];
const servers: Server[] = [];

/** A receiver on 127.0.0.1 recording each POST; `hang` never answers (a dead receiver). */
async function receiver(opts: { hang?: boolean } = {}): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      got.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: JSON.parse(data) as Record<string, unknown> });
      if (!opts.hang) res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got };
}

function recordingLogger(lines: string[]): Logger {
  const put = (m: string, meta?: object) => lines.push(`${m} ${meta ? JSON.stringify(meta) : ''}`);
  return { debug: put, info: put, warn: put, error: put };
}

async function engineWith(webhookUrl: string, lines: string[] = []): Promise<Engine> {
  const home = mkdtempSync(join(tmpdir(), 'qbf-webhook-'));
  dirs.push(home);
  await saveSettingsFile(home, { vpn: { check: 'none' }, queueFile: join(home, 'q.json'), instances: [{ name: 'nas', url: qbt.url, username: qbt.username }], notifications: { webhookUrl } });
  const secrets = new FileSecretStore(home);
  await secrets.set('nas', qbt.password);
  const engine = await createEngine({ home, secrets, logger: recordingLogger(lines) });
  engines.push(engine);
  await engine.start();
  return engine;
}

/** Waits for `what`, checking every 20 ms, for at most `budgetMs` (generous: a loaded 2-core CI machine); no timing is asserted. */
async function until(what: () => boolean | Promise<boolean>, what2 = 'condition', budgetMs = 20_000): Promise<void> {
  const end = Date.now() + budgetMs;
  while (Date.now() < end && !(await what())) await new Promise((r) => setTimeout(r, 20));
  if (!(await what())) throw new Error(`timed out waiting for ${what2}`);
}

beforeAll(async () => {
  qbt = await startQbittorrent({ name: 'webhook' });
});

afterAll(async () => {
  await Promise.allSettled(engines.map((e) => e.stop()));
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  await qbt?.dispose();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('webhook (notifications.webhookUrl)', () => {
  it('three magnets added at once reach the receiver as ONE JSON POST "3 magnets added", with Discord\'s content', async () => {
    const r = await receiver();
    const engine = await engineWith(`${r.url}/hook/ntfy-topic`);
    const res = await engine.add([randomMagnet('wh one').magnet, randomMagnet('wh two').magnet, randomMagnet('wh three').magnet]);
    expect(res.summary.added).toBe(3);
    await until(() => r.got.some((g) => g.body.event === 'added'), 'the added notice');
    const added = r.got.filter((g) => g.body.event === 'added');
    expect(added).toHaveLength(1);
    expect(added[0]!.path).toBe('/hook/ntfy-topic');
    expect(added[0]!.contentType).toBe('application/json');
    expect(added[0]!.body).toMatchObject({ event: 'added', title: '3 magnets added', content: expect.stringMatching(/^3 magnets added: added wh/) });
    expect(Date.parse(added[0]!.body.at as string)).not.toBeNaN();
    expect(Object.keys(added[0]!.body).sort()).toEqual(['at', 'content', 'event', 'message', 'title']);
  });

  it('an instance going down is posted with its name', async () => {
    const r = await receiver();
    const down = await startQbittorrent({ name: 'webhook-down' });
    const home = mkdtempSync(join(tmpdir(), 'qbf-webhook-'));
    dirs.push(home);
    await saveSettingsFile(home, { vpn: { check: 'none' }, queueFile: join(home, 'q.json'), instances: [{ name: 'box', url: down.url, username: down.username }], notifications: { webhookUrl: r.url } });
    const secrets = new FileSecretStore(home);
    await secrets.set('box', down.password);
    const engine = await createEngine({ home, secrets });
    engines.push(engine);
    await engine.start();
    // Snapshots reach listeners debounced (25 ms); the webhook (subscribed at start, so before this
    // listener) must have seen the instance OK before it goes: an OK and a down state merged into
    // one snapshot is no transition (under load the timer fired only after the check that failed).
    const statuses: string[] = [];
    engine.on('event', (e: EngineEvent) => {
      if (e.type === 'snapshot') statuses.push(e.snapshot.instances[0]?.status ?? '');
    });
    await engine.checkAll();
    expect(engine.snapshot().instances[0]!.status).toBe('OK');
    await until(() => statuses.includes('OK'), 'a snapshot with the instance OK');
    await down.dispose();
    await engine.checkAll();
    await until(() => r.got.some((g) => g.body.event === 'instance'), 'the instance notice');
    expect(r.got.find((g) => g.body.event === 'instance')!.body).toMatchObject({ event: 'instance', title: 'box is down', instance: 'box' });
  });

  it('a receiver that never answers does not block adds, and the URL\'s token never reaches the log', async () => {
    const r = await receiver({ hang: true });
    const lines: string[] = [];
    const engine = await engineWith(`${r.url}/api/webhooks/123/SECRET-TOKEN?token=ALSO-SECRET`, lines);
    const first = await engine.add([randomMagnet('wh hang 1').magnet]);
    expect(first.summary.added).toBe(1);
    await until(() => r.got.length > 0, 'the first POST');
    // The receiver holds that POST open: the next add still completes.
    const second = await engine.add([randomMagnet('wh hang 2').magnet]);
    expect(second.summary.added).toBe(1);
    await until(() => lines.some((l) => /webhook .*not delivered/.test(l)), 'the timeout log line');
    expect(lines.join('\n')).not.toMatch(/SECRET-TOKEN|ALSO-SECRET/);
    expect(lines.find((l) => /not delivered/.test(l))).toContain(r.url);
  });

  it('a download added through the engine finishing is posted ("finished", its name, instance and infohash); one added by another program is not', async () => {
    const r = await receiver();
    const root = mkdtempSync(join(tmpdir(), 'qbf-webhook-fin-'));
    dirs.push(root);
    const data = join(root, 'data');
    mkdirSync(data);
    // Zero-filled data already in the save path: added stopped (0 %), it completes once started and checked.
    const withData = (label: string) => {
      const name = `qbf-wh-${label}-${Math.random().toString(16).slice(2, 8)}`;
      writeFileSync(join(data, name), Buffer.alloc(40_000));
      return { ...makeTorrentFile(name, 40_000), name };
    };
    const home = join(root, 'home');
    // A long poll interval: both torrents are added, started and complete between two polls (a
    // small download on a fast link finishes well within the default 15 s), then the next poll runs.
    await saveSettingsFile(home, { vpn: { check: 'none' }, queueFile: join(root, 'q.json'), pollIntervalMs: 600_000, instances: [{ name: 'nas', url: qbt.url, username: qbt.username }], notifications: { webhookUrl: r.url } });
    const secrets = new FileSecretStore(home);
    await secrets.set('nas', qbt.password);
    const engine = await createEngine({ home, secrets });
    engines.push(engine);
    const seen: Extract<EngineEvent, { type: 'torrentFinished' }>[] = [];
    engine.on('event', (e: EngineEvent) => {
      if (e.type === 'torrentFinished') seen.push(e);
    });
    await engine.start();
    await engine.checkAll(); // the library as it was before the adds
    const mine = withData('mine');
    expect((await engine.addTorrentBytes(`${mine.name}.torrent`, mine.data, { savePath: data, paused: true })).results[0]).toMatchObject({ outcome: 'added' });
    const theirs = withData('theirs');
    const direct = new QbitClient({ url: qbt.url, username: qbt.username, password: qbt.password });
    try {
      await direct.addTorrentFiles([{ name: `${theirs.name}.torrent`, data: theirs.data }], { savePath: data, paused: true });
      // Started once both are listed stopped (qBittorrent 4.5 lists an add a moment after answering
      // it, then checks its resume data); each then waits its turn to be checked (one at a time).
      const both = () => listTorrents(qbt, [mine.infohash, theirs.infohash]);
      const stopped = (t: Record<string, unknown>) => /^(paused|stopped)DL$/.test(String(t.state));
      await until(async () => (await both()).filter(stopped).length === 2, 'both listed stopped', 60_000);
      await direct.resume([mine.infohash, theirs.infohash]);
      await until(async () => {
        const now = await both();
        return now.length === 2 && now.every((t) => t.progress === 1 && /UP$/.test(String(t.state)) && !/^checking/.test(String(t.state)));
      }, 'both complete on qBittorrent', 60_000);
    } finally {
      await direct.close();
    }
    // The next poll finds both new and already complete.
    await engine.checkAll();
    await until(() => r.got.some((g) => g.body.event === 'finished'), 'the finished notice', 60_000);
    // The other program's torrent finished in the same poll: the engine saw it (not added here) and no notice was made for it.
    await until(() => seen.length >= 2, 'both torrentFinished events', 60_000);
    expect(seen.map((e) => [e.infohash, e.addedHere]).sort()).toEqual([[mine.infohash, true], [theirs.infohash, false]].sort());
    const finished = r.got.filter((g) => g.body.event === 'finished');
    expect(finished).toHaveLength(1);
    expect(finished[0]!.body).toMatchObject({ event: 'finished', title: 'Download finished', message: `${mine.name} finished on nas.`, instance: 'nas', infohash: mine.infohash });
  }, 300_000);

  it('settings accept only an http(s) webhook URL', () => {
    expect(SettingsSchema.safeParse({ notifications: { webhookUrl: 'https://ntfy.sh/topic' } }).success).toBe(true);
    expect(SettingsSchema.safeParse({ notifications: { webhookUrl: '' } }).success).toBe(true);
    expect(SettingsSchema.safeParse({ notifications: { webhookUrl: 'file:///etc/passwd' } }).success).toBe(false);
    expect(SettingsSchema.safeParse({ notifications: { webhookUrl: 'javascript:alert(1)' } }).success).toBe(false);
  });
});
