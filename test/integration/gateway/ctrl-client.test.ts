import { QBittorrent } from '@ctrl/qbittorrent';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayHandle } from '../../../electron/core/gateway';
import { directLogin, listTorrents } from '../../harness/direct';
import { makeTorrentFile, randomMagnet } from '../../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../../harness/qbittorrent';
import { instanceOf } from '../../harness/test-engine';
import { eventually, startGatewayStack, type GatewayStack } from './support/gateway-stack';

/**
 * The real `@ctrl/qbittorrent` client (used by many *arr-style tools), which no one here wrote,
 * pointed at the gateway in front of two real qbittorrent-nox instances: it logs in, adds a
 * magnet and a `.torrent` (no trackers), lists, pauses/resumes, sets a category and deletes —
 * each checked on the real instance that holds the torrent.
 */

const GW_USER = 'ctrl-gw';
const GW_PASS = 'ctrl gateway pass';

let a: QbtProcess;
let b: QbtProcess;
let stack: GatewayStack;
let gateway: GatewayHandle;

beforeAll(async () => {
  [a, b] = await Promise.all([startQbittorrent({ name: 'ctrl-a' }), startQbittorrent({ name: 'ctrl-b' })]);
  stack = await startGatewayStack({
    label: 'ctrl',
    instances: [instanceOf('a', a), instanceOf('b', b)],
    gateway: { username: GW_USER, password: GW_PASS },
    processes: [a, b],
  });
  gateway = stack.gateway;
});

afterAll(async () => {
  await stack?.dispose();
});

describe('@ctrl/qbittorrent against the gateway', () => {
  it('logs in, sees qBittorrent 5.1, and a wrong password is refused', async () => {
    const client = new QBittorrent({ baseUrl: gateway.url, username: GW_USER, password: GW_PASS });
    expect(await client.login()).toBe(true);
    expect(await client.getAppVersion()).toMatch(/^v5\.1\./);
    expect(await client.getApiVersion()).toBe('2.11.4');
    const wrong = new QBittorrent({ baseUrl: gateway.url, username: GW_USER, password: 'not it' });
    await expect(wrong.login()).rejects.toThrow();
  });

  it('adds a magnet and a .torrent, lists them, pauses, resumes, sets a category and deletes', async () => {
    const client = new QBittorrent({ baseUrl: gateway.url, username: GW_USER, password: GW_PASS });
    const m = randomMagnet('ctrl magnet');
    const t = makeTorrentFile('ctrl-file.bin');
    expect(await client.addMagnet(m.magnet, { category: 'tv' })).toBe(true);
    expect(await client.addTorrent(new Uint8Array(t.data), { tags: 'from-ctrl' })).toBe(true);

    // On the primary (a), the real instance, with the options as given.
    const onA = await listTorrents(a, [m.infohash, t.infohash]);
    expect(onA.map((x) => x.hash).sort()).toEqual([m.infohash, t.infohash].sort());
    expect(onA.find((x) => x.hash === m.infohash)?.category).toBe('tv');
    expect(String(onA.find((x) => x.hash === t.infohash)?.tags)).toContain('from-ctrl');

    const listed = await client.listTorrents();
    expect(listed.map((x) => x.hash)).toEqual(expect.arrayContaining([m.infohash, t.infohash]));
    const all = await client.getAllData();
    expect(all.torrents.map((x) => x.id)).toEqual(expect.arrayContaining([m.infohash, t.infohash]));

    // The client speaks 5.x (`stop`/`start`) to the gateway; the 4.5 instance gets `pause`/`resume`.
    await client.pauseTorrent(m.infohash);
    await eventually(() => listTorrents(a, [m.infohash]), (r) => /^paused|^stopped/.test(String(r[0]?.state)), 'paused on a');
    const paused = await client.getTorrent(m.infohash);
    expect(paused.stateMessage === 'Paused' || paused.state === 'paused').toBe(true);
    await client.resumeTorrent(m.infohash);
    await eventually(() => listTorrents(a, [m.infohash]), (r) => !/^paused|^stopped/.test(String(r[0]?.state)), 'resumed on a');

    await client.createCategory('movies');
    await client.setTorrentCategory(m.infohash, 'movies');
    await eventually(() => listTorrents(a, [m.infohash]), (r) => r[0]?.category === 'movies', 'category movies on a');
    // Categories are created on every instance (a torrent may land on any).
    const { cookie } = await directLogin(b);
    const onB = (await (await fetch(`${b.url}/api/v2/torrents/categories`, { headers: { cookie: cookie ?? '' } })).json()) as Record<string, unknown>;
    expect(Object.keys(onB)).toContain('movies');

    await client.removeTorrent([m.infohash, t.infohash], true);
    await eventually(() => listTorrents(a, [m.infohash, t.infohash]), (r) => r.length === 0, 'deleted from a');
    expect((await client.listTorrents()).map((x) => x.hash)).not.toEqual(expect.arrayContaining([m.infohash]));
  });
});
