import { describe, expect, it } from 'vitest';
import { filterFor, mergeInfo, presentStatesText, queuedRows, sumTransfer } from '../../../electron/core/gateway/merge';
import { addOptionsFrom } from '../../../electron/core/gateway/routes/add';
import { publicPreferences } from '../../../electron/core/gateway/routes/app';
import type { TorrentInfo } from '../../../electron/core/qbittorrent';
import type { QueueEntry } from '../../../electron/core/queue';

/** What a client of the gateway sees when several instances and the queue answer as one qBittorrent 5.1. */

const row = (hash: string, extra: Partial<TorrentInfo> = {}): TorrentInfo =>
  ({ hash, name: hash, state: 'downloading', progress: 0.5, category: '', tags: '', save_path: '/d', added_on: 1, size: 10, amount_left: 5, ...extra }) as TorrentInfo;

const entry = (infohash: string, options: QueueEntry['options'] = {}, kind: QueueEntry['kind'] = 'magnet'): QueueEntry => ({
  id: infohash,
  infohash,
  name: `n-${infohash.slice(0, 4)}`,
  kind,
  magnet: `magnet:?xt=urn:btih:${infohash}`,
  options,
  reason: 'down',
  queuedAt: '2026-01-01T00:00:00.000Z',
  attempts: 0,
  lastError: null,
  lastAttempt: null,
});

const H1 = '1'.repeat(40);
const H2 = '2'.repeat(40);
const H3 = '3'.repeat(40);
const V2 = 'a'.repeat(64);

describe('gateway merge', () => {
  it('speaks 5.x to the client whatever the instance: paused* states become stopped*, filters are translated both ways', () => {
    const merged = mergeInfo([[row(H1, { state: 'pausedDL' })], [row(H2, { state: 'pausedUP' })]], [], {});
    expect(merged.map((r) => r.state)).toEqual(['stoppedDL', 'stoppedUP']);
    expect(filterFor('stopped', false)).toBe('paused');
    expect(filterFor('running', false)).toBe('resumed');
    expect(filterFor('paused', true)).toBe('stopped');
    expect(filterFor('resumed', true)).toBe('running');
    expect(filterFor('downloading', true)).toBe('downloading');
    // The pass-through of an instance's JSON text says the same as the parsed merge.
    const text = JSON.stringify([row(H1, { state: 'pausedDL' }), row(H2, { state: 'pausedUP', name: '"state":"pausedDL"' }), row(H3)]);
    expect(JSON.parse(presentStatesText(text))).toEqual(mergeInfo([JSON.parse(text) as TorrentInfo[]], [], {}));
  });

  it('lists queue entries as queuedDL with their category, tags and save path, filtered as qBittorrent would', () => {
    const entries = [entry(H1, { category: 'tv', tags: ['a'], savePath: '/tv' }), entry(V2, { category: 'movies' }), entry('f'.repeat(40), {}, 'url')];
    const all = queuedRows(entries, {});
    expect(all.map((r) => r.hash)).toEqual([H1, V2.slice(0, 40)]);
    expect(all[0]).toMatchObject({ state: 'queuedDL', progress: 0, size: 0, category: 'tv', tags: 'a', save_path: '/tv' });
    expect(queuedRows(entries, { category: 'tv' }).map((r) => r.hash)).toEqual([H1]);
    expect(queuedRows(entries, { tag: 'a' }).map((r) => r.hash)).toEqual([H1]);
    expect(queuedRows(entries, { hashes: [V2] }).map((r) => r.hash)).toEqual([V2.slice(0, 40)]);
    expect(queuedRows(entries, { filter: 'downloading' })).toHaveLength(2);
    expect(queuedRows(entries, { filter: 'stopped' })).toHaveLength(0);
    expect(queuedRows(entries, { filter: 'completed' })).toHaveLength(0);
  });

  it('a torrent on an instance wins over its queue entry; sort, reverse, offset and limit apply to the merged list', () => {
    const merged = mergeInfo([[row(H2, { size: 2 })], [row(H1, { size: 1 })]], queuedRows([entry(H1), entry(H3)], {}), { sort: 'size', reverse: true });
    expect(merged.map((r) => [r.hash, r.state])).toEqual([
      [H2, 'downloading'],
      [H1, 'downloading'],
      [H3, 'queuedDL'],
    ]);
    expect(mergeInfo([[row(H1), row(H2), row(H3)]], [], { offset: 1, limit: 1 }).map((r) => r.hash)).toEqual([H2]);
    expect(mergeInfo([[row(H1), row(H2), row(H3)]], [], { offset: -1 }).map((r) => r.hash)).toEqual([H3]);
  });

  it('sums transfer/info and reports connected when any instance is', () => {
    const s = sumTransfer([
      { connection_status: 'firewalled', dl_info_speed: 10, dht_nodes: 3 },
      { connection_status: 'connected', dl_info_speed: 5, dht_nodes: 0 },
    ]);
    expect(s).toMatchObject({ connection_status: 'connected', dl_info_speed: 15, dht_nodes: 3 });
    expect(sumTransfer([])).toMatchObject({ connection_status: 'disconnected', dl_info_speed: 0 });
  });

  it('drops every secret from app/preferences and shows the gateway username', () => {
    const p = publicPreferences(
      {
        web_ui_username: 'admin', proxy_password: 'x', mail_notification_password: 'x', dyndns_password: 'x', web_ui_api_key: 'x', web_ui_https_key_path: '/k',
        bypass_local_auth: false, save_path: '/d', max_ratio: 1,
        // Secrets no name pattern catches: only an allowlist keeps them in.
        autorun_program: 'curl -H "X-Api-Key: x" http://sonarr', proxy_username: 'x', mail_notification_username: 'x', dyndns_username: 'x', bypass_auth_subnet_whitelist: '10.0.0.0/8',
      },
      'gw',
    );
    expect(p).toEqual({ web_ui_username: 'gw', save_path: '/d', max_ratio: 1 });
  });

  it('reads torrents/add fields under qBittorrent names: stopped or paused, comma tags, numbers, content layout', () => {
    const f = new Map(
      Object.entries({ category: 'tv', savepath: '/x', tags: 'a, b,,c', paused: 'true', stopped: 'false', ratioLimit: '1.5', upLimit: '100', skip_checking: 'TRUE', contentLayout: 'Subfolder', sequentialDownload: 'nope' }),
    );
    expect(addOptionsFrom(f)).toEqual({ category: 'tv', savePath: '/x', tags: ['a', 'b', 'c'], paused: false, ratioLimit: 1.5, upLimit: 100, skipChecking: true, contentLayout: 'Subfolder' });
    expect(addOptionsFrom(new Map([['paused', 'True']]))).toEqual({ paused: true });
    expect(addOptionsFrom(new Map([['contentLayout', 'Weird']]))).toEqual({});
  });
});
