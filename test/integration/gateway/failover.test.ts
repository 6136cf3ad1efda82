import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, EngineSnapshot } from '../../../shared/model';
import type { Engine } from '../../../electron/core/engine';
import type { GatewayHandle } from '../../../electron/core/gateway';
import { listTorrents } from '../../harness/direct';
import { waitSnapshot } from '../../harness/engine-wait';
import { randomMagnet } from '../../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../../harness/qbittorrent';
import { instanceOf } from '../../harness/test-engine';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack';
import { SonarrQbitProxy } from './sonarr-client';

/**
 * Failover through the gateway, as a WebUI client sees it (the Sonarr replay's HTTP layer, so the
 * bytes are a real client's): the primary killed mid-sequence, then every instance down, then
 * the primary back. The VPN probe is `interface:lo` (loopback, always up) and the primary
 * requires it, as a VPN-bound primary would; nothing here leaves 127.0.0.1.
 */

const USER = 'fo-user';
const PASS = 'fo-pass';
/** Poll interval of the engine behind the gateway, ms (the recovery is counted in polls, not ms). */
const POLL_MS = 1_000;

let a: QbtProcess;
let b: QbtProcess;
let stack: GatewayStack;
let engine: Engine;
let gateway: GatewayHandle;

beforeAll(async () => {
  // qBittorrent's own torrent queueing off: a real torrent is never `queuedDL`, so that state is the gateway's stand-in.
  const extraConfig = { BitTorrent: { 'Session\\QueueingSystemEnabled': 'false' } };
  [a, b] = await Promise.all([startQbittorrent({ name: 'gw-fo-a', role: 'primary', extraConfig }), startQbittorrent({ name: 'gw-fo-b', extraConfig })]);
  stack = await startGatewayStack({
    label: 'gw-fo',
    instances: [instanceOf('a', a, { requiresVpn: true }), instanceOf('b', b)],
    settings: { vpn: { check: 'interface:lo' }, pollIntervalMs: POLL_MS, maxBackoffMs: POLL_MS },
    gateway: { username: USER, password: PASS },
    processes: [a, b],
  });
  ({ engine, gateway } = stack);
});

afterAll(async () => {
  await stack?.dispose();
});

/** A WebUI client of the gateway (logs in once, re-logs in on 403 like Sonarr). */
function client(): SonarrQbitProxy {
  return new SonarrQbitProxy({ baseUrl: gateway.url, username: USER, password: PASS, tvCategory: '' });
}

type Torrent = { hash: string; state: string; category: string; tags: string; progress: number; size: number; name: string; added_on: number; save_path: string };

async function info(c: SonarrQbitProxy, qs = ''): Promise<Torrent[]> {
  return c.getJson<Torrent[]>(`/api/v2/torrents/info${qs}`);
}

async function add(c: SonarrQbitProxy, magnet: string, category: string, tags: string): Promise<string> {
  return c.post('/api/v2/torrents/add', [
    { name: 'urls', value: magnet },
    { name: 'category', value: category },
    { name: 'tags', value: tags },
  ]);
}

/** Hashes listed by the instance itself (not through the gateway); [] when it is down. */
async function on(q: QbtProcess): Promise<string[]> {
  return q.pid === null ? [] : (await listTorrents(q)).map((t) => String(t.hash));
}

/** Resolves with the first emitted snapshot (from now on) that satisfies `pred`. */
function nextSnapshot(pred: (s: EngineSnapshot) => boolean, timeoutMs = 30_000): Promise<EngineSnapshot> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      engine.off('event', listener);
      reject(new Error('no such snapshot'));
    }, timeoutMs);
    const listener = (e: EngineEvent): void => {
      if (e.type === 'snapshot' && pred(e.snapshot)) {
        clearTimeout(timer);
        engine.off('event', listener);
        resolve(e.snapshot);
      }
    };
    engine.on('event', listener);
  });
}

const health = (s: EngineSnapshot, name: string) => s.instances.find((i) => i.name === name);

describe('failover through the gateway', () => {
  const m1 = randomMagnet('gw-fo-1');
  const m2 = randomMagnet('gw-fo-2');
  const m3 = randomMagnet('gw-fo-3');
  /** Queued, then tagged as Sonarr's "Add series tags" does after WaitForTorrent finds it (QBittorrent.cs:133-143). */
  const m4 = randomMagnet('gw-fo-4');
  /** Queued, then removed by the client (Sonarr's RemoveItem): must never be placed. */
  const m5 = randomMagnet('gw-fo-5');
  let c: SonarrQbitProxy;
  beforeAll(() => {
    c = client();
  });

  it('the first add lands on the primary', async () => {
    expect(await add(c, m1.magnet, 'tv-fo', 'first')).toBe('Ok.');
    expect(await on(a)).toContain(m1.infohash);
    expect(await on(b)).not.toContain(m1.infohash);
  });

  it('primary killed mid-sequence: the next add answers Ok. and lands on the secondary; info lists what is reachable', async () => {
    await a.kill();
    expect(await add(c, m2.magnet, 'tv-fo', 'second')).toBe('Ok.');
    expect(await on(b)).toContain(m2.infohash);
    const listed = await info(c);
    const hashes = listed.map((t) => t.hash);
    expect(hashes).toContain(m2.infohash);
    // The dead primary's torrents are left out, not an error (they come back with it).
    expect(hashes).not.toContain(m1.infohash);
    // Sonarr's properties poll finds the new torrent through the gateway.
    expect(await c.isTorrentLoaded(m2.infohash)).toBe(true);
  });

  it('every instance down: Ok., the hash listed as queuedDL with its category, properties answers', async () => {
    await b.kill();
    expect(await add(c, m3.magnet, 'tv-fo', 'alpha,beta')).toBe('Ok.');
    const queued = (await info(c)).find((t) => t.hash === m3.infohash);
    expect(queued, 'the queued hash is listed').toMatchObject({ state: 'queuedDL', progress: 0, size: 0, category: 'tv-fo', name: 'gw-fo-3' });
    // Sonarr deserializes these into non-nullable .NET numbers (QBittorrentTorrent.cs): a null would fail its whole queue refresh.
    for (const k of ['size', 'progress', 'eta', 'ratio', 'ratio_limit', 'seeding_time_limit', 'inactive_seeding_time_limit', 'last_activity']) {
      if (queued && k in queued) expect(typeof (queued as unknown as Record<string, unknown>)[k], k).toBe('number');
    }
    expect(queued?.tags.split(/,\s*/).sort()).toEqual(['alpha', 'beta']);
    // Sonarr's own view (GetItems with its category): tracked as Queued, not a failed grab.
    expect((await info(c, '?category=tv-fo')).map((t) => t.hash)).toContain(m3.infohash);
    expect(await c.isTorrentLoaded(m3.infohash)).toBe(true);
    const props = await c.getJson<Record<string, unknown>>(`/api/v2/torrents/properties?hash=${m3.infohash}`);
    expect(props).toMatchObject({ save_path: expect.any(String) });
  });

  it('every instance down: a client deleting a queued hash removes it from the list (and the queue)', async () => {
    expect(await add(c, m5.magnet, 'tv-fo', '')).toBe('Ok.');
    expect((await info(c)).map((t) => t.hash)).toContain(m5.infohash);
    await c.post('/api/v2/torrents/delete', [
      { name: 'hashes', value: m5.infohash },
      { name: 'deleteFiles', value: 'true' },
    ]);
    expect((await info(c)).map((t) => t.hash)).not.toContain(m5.infohash);
    expect(engine.queuedEntries().map((e) => e.infohash)).not.toContain(m5.infohash);
  });

  it('every instance down: tags and category set on a queued hash (Sonarr tags a grab once properties finds it) are listed and kept for the flush', async () => {
    expect(await add(c, m4.magnet, 'tv-fo', '')).toBe('Ok.');
    expect(await c.waitForTorrent(m4.infohash)).toBeGreaterThan(0);
    await c.addTags(m4.infohash, ['series-x', 'anime']);
    await c.addLabel('tv-fo-moved'); // as qBittorrent wants: a category exists before a torrent is moved to it
    await c.setTorrentLabel(m4.infohash, 'tv-fo-moved');
    const row = (await info(c)).find((t) => t.hash === m4.infohash);
    expect(row, 'still listed as queued').toMatchObject({ state: 'queuedDL', category: 'tv-fo-moved' });
    expect(row?.tags.split(/,\s*/).sort()).toEqual(['anime', 'series-x']);
  });

  it('primary back: within one poll after the poll that saw it, the same hash is a real torrent on the primary with its category and tags', async () => {
    const placedBefore = engine.snapshot().flushesPlaced;
    const sawRecovery = nextSnapshot((s) => health(s, 'a')?.status === 'OK');
    await a.restart();
    const recovered = await sawRecovery;
    const recoveredAt = health(recovered, 'a')?.checkedAt;
    // The next poll of the primary after the one that saw it back: by then the flush onto it has
    // started (or already placed the entries).
    const next = await nextSnapshot((s) => {
      const at = health(s, 'a')?.checkedAt;
      return health(s, 'a')?.status === 'OK' && !!at && !!recoveredAt && at > recoveredAt;
    });
    expect(next.flushing || next.flushesPlaced > placedBefore, 'the flush began within one poll after recovery').toBe(true);
    // Its placements may still be running on a loaded machine: the rows are read once it is done.
    await waitSnapshot(engine, (s) => s.queue.length === 0 && !s.flushing, 20_000, 'the queue flushed onto the primary');
    const direct = (await listTorrents(a)).find((t) => t.hash === m3.infohash);
    expect(direct, 'placed on the primary').toBeDefined();
    expect(direct).toMatchObject({ category: 'tv-fo' });
    expect(String(direct?.tags).split(/,\s*/).sort()).toEqual(['alpha', 'beta']);
    const all = await info(c);
    const listed = all.filter((t) => t.hash === m3.infohash);
    expect(listed, 'listed once, as the real torrent').toHaveLength(1);
    // The instance's own row (qBittorrent's queueing is off, so queuedDL can only be the gateway's stand-in).
    expect(listed[0]?.state).not.toBe('queuedDL');
    expect(listed[0]).toMatchObject({ category: 'tv-fo', added_on: direct?.added_on, save_path: direct?.save_path });
    // The primary's older torrent is back in the list too.
    expect((await info(c)).map((t) => t.hash)).toContain(m1.infohash);
  });

  it('after that flush: the hash deleted while queued was never placed; the one tagged while queued has its tags and category', async () => {
    expect(await on(a)).not.toContain(m5.infohash);
    const tagged = (await listTorrents(a)).find((t) => t.hash === m4.infohash);
    expect(tagged, 'the tagged queued hash is placed').toBeDefined();
    expect(tagged).toMatchObject({ category: 'tv-fo-moved' });
    expect(String(tagged?.tags).split(/,\s*/).sort()).toEqual(['anime', 'series-x']);
  });
});
