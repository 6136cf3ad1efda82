import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SettingsInput } from '../../../shared/settings';
import type { Engine } from '../../../electron/core/engine';
import { startGateway, type GatewayHandle } from '../../../electron/core/gateway';
import { listTorrents, waitForHashes } from '../../harness/direct';
import { randomMagnet } from '../../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../../harness/qbittorrent';
import { createTestEngine, instanceOf, type TestEngine, type TestInstance } from '../../harness/test-engine';
import { deadUrl } from '../../harness/cli';
import { FakeVpn } from '../../chaos/support/vpn';
import { startDelayProxy, type DelayProxy } from './support/delay-proxy';
import { gatewayClient, type GatewayClient } from './support/gateway-stack';

/**
 * The gateway and the engine under it, against real qbittorrent-nox, for what a review found
 * wrong: a queue entry pinned to an instance removed or renamed in the settings stayed queued
 * forever; an edit of a queued torrent sent while a flush placed it was acknowledged and lost;
 * clearing a queued torrent's category gave it the instance's default; a VPN-bound instance was
 * called on a stale "VPN up"; one slow answer took an instance off the routing; an instance named
 * `gateway` overwrote the gateway's API key.
 */

const GW = { username: 'correct-gw', password: 'correct gateway pass' };

let a: QbtProcess;
let b: QbtProcess;
const vpn = new FakeVpn();
const cleanup: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  [a, b] = await Promise.all([startQbittorrent({ name: 'correct-a' }), startQbittorrent({ name: 'correct-b' })]);
});

afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

afterAll(async () => {
  vpn.remove();
  await Promise.all([a?.dispose(), b?.dispose()]);
});

/** `q` as instance `name` (its password stored), with short timeouts; `extra` overrides (e.g. `{ url: proxy.url }`). */
const inst = (name: string, q: QbtProcess, extra: Partial<TestInstance> = {}): TestInstance =>
  instanceOf(name, q, { connectTimeoutMs: 500, requestTimeoutMs: 2_000, ...extra });

/** An engine (not started: no polling, so the test says when instances are checked), disposed after the test. */
async function engineWith(over: Partial<SettingsInput> & { instances: TestInstance[] }): Promise<TestEngine> {
  const { instances, ...settings } = over;
  const t = await createTestEngine({ label: 'correct', instances, settings });
  cleanup.push(() => t.dispose());
  return t;
}

/** A gateway on `engine` (closed after the test) and a `call` through it (logged in). */
async function gatewayOn(engine: Engine): Promise<{ gateway: GatewayHandle; call: GatewayClient['call'] }> {
  const gateway = await startGateway(engine, { host: '127.0.0.1', port: 0, ...GW });
  cleanup.push(() => gateway.close());
  return { gateway, call: (await gatewayClient(gateway, GW)).call };
}

/** A proxy in front of `q`, closed after the test. */
async function proxyFor(q: QbtProcess): Promise<DelayProxy> {
  const p = await startDelayProxy(q.url);
  cleanup.push(() => p.close());
  return p;
}

const statusOf = (engine: Engine, name: string): string | undefined => engine.snapshot().instances.find((i) => i.name === name)?.status;

describe('queue entries pinned to an instance', () => {
  it('an entry pinned to an instance removed from the settings is placed by the routing order at the next flush, and the activity log says why', async () => {
    const { engine } = await engineWith({ instances: [inst('a', a), { name: 'gone', url: deadUrl(9), connectTimeoutMs: 300, requestTimeoutMs: 500 }] });
    await engine.checkAll();
    const m = randomMagnet('pinned to a removed instance');
    const add = await engine.add([m.magnet], { instance: 'gone' });
    expect(add.results[0]!.outcome).toBe('queued');
    await engine.saveSettings({ ...engine.currentSettings(), instances: engine.currentSettings().instances.filter((i) => i.name === 'a') });
    await engine.checkAll();
    const f = await engine.flush();
    expect(f.placed).toEqual([expect.objectContaining({ infohash: m.infohash, instance: 'a', outcome: 'added' })]);
    expect(f.queueLength).toBe(0);
    await waitForHashes(a, [m.infohash], 2_000);
    expect(engine.activityList().map((i) => i.message).join('\n')).toContain('meant for gone, which is no longer configured');
  });

  it('renaming an instance in the settings keeps the entries pinned to it pinned to it (not to the first instance)', async () => {
    const { engine } = await engineWith({ instances: [inst('a', a), inst('b', b)] });
    const bUrl = b.url;
    await b.stop();
    cleanup.push(() => b.restart());
    await engine.checkAll();
    const m = randomMagnet('pinned to a renamed instance');
    expect((await engine.add([m.magnet], { instance: 'b' })).results[0]!.outcome).toBe('queued');
    await engine.saveSettings({ ...engine.currentSettings(), instances: engine.currentSettings().instances.map((i) => (i.name === 'b' ? { ...i, name: 'b-renamed' } : i)) });
    await engine.setPassword('b-renamed', b.password, bUrl);
    expect(engine.queuedEntries()[0]!.options?.instance).toBe('b-renamed');
    await b.restart();
    cleanup.pop();
    await engine.checkAll();
    const f = await engine.flush();
    expect(f.placed).toEqual([expect.objectContaining({ infohash: m.infohash, instance: 'b-renamed' })]);
    await waitForHashes(b, [m.infohash], 2_000);
    expect(await listTorrents(a, [m.infohash])).toEqual([]);
  });
});

describe('edits of queued torrents', () => {
  it('a category set through the gateway while a flush is placing that torrent lands on the instance (torrents/add held 1.5 s)', async () => {
    const proxy = await proxyFor(a);
    // An add's timeout is the connect timeout + 2 ms per input (below the request timeout): above the 1.5 s hold.
    const { engine } = await engineWith({ instances: [inst('a', a, { url: proxy.url, connectTimeoutMs: 3_000, requestTimeoutMs: 5_000 })] });
    const { call } = await gatewayOn(engine);
    await engine.checkAll();
    expect((await call('torrents/createCategory', { category: 'edited-in-flight', savePath: '' })).status).toBe(200);
    proxy.refuse(true);
    await engine.checkAll();
    const m = randomMagnet('edited while placed');
    expect(await call('torrents/add', { urls: m.magnet, category: 'before-edit' })).toEqual({ status: 200, body: 'Ok.' });
    expect(engine.queuedEntries().map((e) => e.infohash)).toEqual([m.infohash]);
    proxy.refuse(false);
    await engine.checkAll();
    proxy.delay('/api/v2/torrents/add', 1_500);
    const adds = () => proxy.paths.filter((p) => p === '/api/v2/torrents/add').length;
    const flush = engine.flush();
    while (adds() === 0) await new Promise((r) => setTimeout(r, 20));
    // The add is with qBittorrent now (held by the proxy): Sonarr moves the torrent to its category.
    const edit = await call('torrents/setCategory', { hashes: m.infohash, category: 'edited-in-flight' });
    expect(edit.status).toBe(200);
    expect((await flush).placed.map((p) => p.infohash)).toEqual([m.infohash]);
    const [t] = await listTorrents(a, [m.infohash]);
    expect(t?.category).toBe('edited-in-flight');
  });

  it('an edit of a queued torrent placed later in the same flush (another batch) is not lost either', async () => {
    const proxy = await proxyFor(a);
    const { engine } = await engineWith({ instances: [inst('a', a, { url: proxy.url, connectTimeoutMs: 3_000, requestTimeoutMs: 5_000 })] });
    const { call } = await gatewayOn(engine);
    await engine.checkAll();
    expect((await call('torrents/createCategory', { category: 'second-edited', savePath: '' })).status).toBe(200);
    proxy.refuse(true);
    await engine.checkAll();
    const first = randomMagnet('first batch');
    const second = randomMagnet('second batch');
    expect((await call('torrents/add', { urls: first.magnet, category: 'batch-one' })).body).toBe('Ok.');
    expect((await call('torrents/add', { urls: second.magnet, category: 'batch-two' })).body).toBe('Ok.');
    proxy.refuse(false);
    await engine.checkAll();
    proxy.delay('/api/v2/torrents/add', 1_500);
    const adds = () => proxy.paths.filter((p) => p === '/api/v2/torrents/add').length;
    const flush = engine.flush();
    while (adds() === 0) await new Promise((r) => setTimeout(r, 20));
    // The first batch is with qBittorrent; the second torrent, still queued, is moved to another category.
    expect((await call('torrents/setCategory', { hashes: second.infohash, category: 'second-edited' })).status).toBe(200);
    expect((await flush).placed.map((p) => p.infohash).sort()).toEqual([first.infohash, second.infohash].sort());
    const [t] = await listTorrents(a, [second.infohash]);
    expect(t?.category).toBe('second-edited');
  });

  it('clearing the category of a queued torrent (category=) places it with no category, not the instance default', async () => {
    const proxy = await proxyFor(a);
    const { engine } = await engineWith({ instances: [inst('a', a, { url: proxy.url, category: 'instance-default' })] });
    const { call } = await gatewayOn(engine);
    proxy.refuse(true);
    await engine.checkAll();
    const m = randomMagnet('category cleared while queued');
    expect((await call('torrents/add', { urls: m.magnet, category: 'tv-sonarr' })).body).toBe('Ok.');
    expect((await call('torrents/setCategory', { hashes: m.infohash, category: '' })).status).toBe(200);
    const row = (JSON.parse((await call(`torrents/info?hashes=${m.infohash}`)).body) as { category: string }[])[0];
    expect(row?.category).toBe('');
    proxy.refuse(false);
    await engine.checkAll();
    expect((await engine.flush()).placed.map((p) => p.infohash)).toEqual([m.infohash]);
    const [t] = await listTorrents(a, [m.infohash]);
    expect(t?.category).toBe('');
  });
});

describe('which instances a gateway call reaches', () => {
  it('a VPN-bound instance is not contacted once the VPN is down, even before the next poll notices it', async () => {
    vpn.up();
    cleanup.push(() => vpn.remove());
    const proxy = await proxyFor(a);
    const { engine } = await engineWith({ vpn: { check: vpn.check }, instances: [inst('a', a, { url: proxy.url, requiresVpn: true })] });
    const { call } = await gatewayOn(engine);
    await engine.checkAll();
    const m = randomMagnet('vpn-bound listing');
    expect((await engine.add([m.magnet])).results[0]).toMatchObject({ outcome: 'added', instance: 'a' });
    expect((await call(`torrents/info?hashes=${m.infohash}`)).body).toContain(m.infohash);
    vpn.down();
    // Older than the add's 1-s VPN freshness: the poll (every 10 min here) has not seen the drop.
    await new Promise((r) => setTimeout(r, 1_100));
    const before = proxy.paths.length;
    const listed = await call(`torrents/info?hashes=${m.infohash}`);
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.body)).toEqual([]);
    expect(proxy.paths.slice(before)).toEqual([]);
  });

  it('a slow torrents/info answer leaves the instance out of that one call only: it stays up and takes the next add', async () => {
    const proxy = await proxyFor(a);
    const { engine } = await engineWith({ instances: [inst('a', a, { url: proxy.url })] });
    const { call } = await gatewayOn(engine);
    await engine.checkAll();
    const m = randomMagnet('slow listing');
    expect((await engine.add([m.magnet])).results[0]).toMatchObject({ outcome: 'added', instance: 'a' });
    // Longer than the instance's 2-s request timeout.
    proxy.delay('/api/v2/torrents/info', 3_000);
    expect(JSON.parse((await call(`torrents/info?hashes=${m.infohash}`)).body)).toEqual([]);
    proxy.delay('/api/v2/torrents/info', 0);
    expect(statusOf(engine, 'a')).toBe('OK');
    expect((await call(`torrents/info?hashes=${m.infohash}`)).body).toContain(m.infohash);
    const next = randomMagnet('after the slow listing');
    expect((await call('torrents/add', { urls: next.magnet })).body).toBe('Ok.');
    await waitForHashes(a, [next.infohash], 2_000);
    expect(engine.queuedEntries()).toEqual([]);
  });

  it('a refused connection still marks the instance down for routing', async () => {
    const proxy = await proxyFor(a);
    const { engine } = await engineWith({ instances: [inst('a', a, { url: proxy.url })] });
    const { call } = await gatewayOn(engine);
    await engine.checkAll();
    await proxy.close();
    expect(JSON.parse((await call('torrents/info')).body)).toEqual([]);
    expect(statusOf(engine, 'a')).not.toBe('OK');
  });
});

describe('gateway secrets', () => {
  it("an instance named gateway with an API key and the gateway's own API key both keep working", async () => {
    const { engine, secrets } = await engineWith({ instances: [inst('a', a)] });
    const key = await engine.rotateGatewayApiKey();
    await engine.setApiKey('gateway', 'qbt_instance-key-of-gateway', a.url);
    expect((await secrets.getEntry('gateway:apikey'))?.password).toBe('qbt_instance-key-of-gateway');
    expect((await engine.gatewayStatus()).hasApiKey).toBe(true);
    // A gateway started now (the next start of the daemon) takes the key it handed out.
    const { call } = await gatewayOn(engine);
    const bearer = await call('app/webapiVersion', undefined, { authorization: `Bearer ${key}` });
    expect(bearer.status).toBe(200);
  });
});
