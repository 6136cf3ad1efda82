import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/core/engine';
import { listTorrents, waitForHashes } from '../../harness/direct';
import { randomMagnet } from '../../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../../harness/qbittorrent';
import { instanceOf } from '../../harness/test-engine';
import { gatewayClient, startGatewayStack, type GatewayClient, type GatewayStack } from './support/gateway-stack';

/**
 * qBittorrent's own add options survive the durable queue: a `torrents/add` through the gateway
 * while the only instance is down answers `Ok.`, lists the torrent as `queuedDL` (so Sonarr keeps
 * tracking it), answers `properties` for it, and the flush after recovery applies every option
 * (`rename`, `sequentialDownload`, `firstLastPiecePrio`, limits, `stopped`, category, tags) on the
 * real instance. Deleting a queued hash through the gateway removes its queue entry.
 */

const GW = { username: 'opts-gw', password: 'opts gateway pass' };

let a: QbtProcess;
let stack: GatewayStack;
let engine: Engine;
let call: GatewayClient['call'];

beforeAll(async () => {
  a = await startQbittorrent({ name: 'opts-a' });
  stack = await startGatewayStack({
    label: 'gwopts',
    instances: [instanceOf('a', a, { connectTimeoutMs: 500, requestTimeoutMs: 2_000 })],
    gateway: GW,
    processes: [a],
  });
  engine = stack.engine;
  call = (await gatewayClient(stack.gateway, GW, 'Sonarr/4.0.14.2939 (ubuntu 24.04)')).call;
});

afterAll(async () => {
  await stack?.dispose();
});

describe('add options through the gateway and the queue', () => {
  it('queues with every option while the instance is down, lists it as queuedDL, and the flush applies the options', async () => {
    await a.stop();
    await engine.checkAll();
    const m = randomMagnet('opts original name');
    const gone = randomMagnet('opts removed while queued');
    const add = await call('torrents/add', {
      urls: `${m.magnet}\n${gone.magnet}`,
      category: 'tv-opts',
      tags: 'one, two',
      stopped: 'true',
      rename: 'Renamed By Gateway',
      sequentialDownload: 'true',
      firstLastPiecePrio: 'true',
      upLimit: '123456',
      dlLimit: '654321',
      ratioLimit: '1.5',
      seedingTimeLimit: '90',
      autoTMM: 'false',
    });
    expect([add.status, add.body]).toEqual([200, 'Ok.']);
    // The activity log names the program that added (its User-Agent).
    expect(engine.activityList().filter((i) => i.message.includes('from Sonarr/4.0.14.2939 (ubuntu 24.04)'))).toHaveLength(2);

    const listed = JSON.parse((await call('torrents/info?category=tv-opts')).body) as Record<string, unknown>[];
    const row = listed.find((r) => r.hash === m.infohash);
    expect(row).toMatchObject({ state: 'queuedDL', progress: 0, size: 0, category: 'tv-opts', name: 'Renamed By Gateway' });
    const props = await call(`torrents/properties?hash=${m.infohash}`);
    expect(props.status).toBe(200);
    expect(JSON.parse(props.body)).toMatchObject({ hash: m.infohash });
    // Not listed under another category, nor as stopped.
    expect((JSON.parse((await call('torrents/info?category=other')).body) as unknown[]).length).toBe(0);
    expect((JSON.parse((await call('torrents/info?filter=stopped')).body) as { hash: string }[]).some((r) => r.hash === m.infohash)).toBe(false);

    const del = await call('torrents/delete', { hashes: gone.infohash, deleteFiles: 'false' });
    expect(del.status).toBe(200);
    expect(engine.queuedEntries().map((e) => e.infohash)).toEqual([m.infohash]);

    await a.restart();
    await engine.checkAll();
    // The recovery may already have auto-flushed it; a flush now places it if not.
    await engine.flush();
    await waitForHashes(a, [m.infohash]);
    expect(engine.queuedEntries()).toHaveLength(0);

    const [t] = await listTorrents(a, [m.infohash]);
    expect(t).toMatchObject({
      name: 'Renamed By Gateway',
      category: 'tv-opts',
      seq_dl: true,
      f_l_piece_prio: true,
      up_limit: 123456,
      dl_limit: 654321,
      ratio_limit: 1.5,
      seeding_time_limit: 90,
      auto_tmm: false,
    });
    expect(String(t!.tags).split(',').map((x) => x.trim()).sort()).toEqual(['one', 'two']);
    expect(String(t!.state)).toMatch(/^(paused|stopped)/);
    // Through the gateway: the same hash, now a real torrent, in 5.x spelling.
    const after = JSON.parse((await call(`torrents/info?hashes=${m.infohash}`)).body) as Record<string, unknown>[];
    expect(after).toHaveLength(1);
    expect(after[0]!.state).toMatch(/^stopped/);
  });
});
