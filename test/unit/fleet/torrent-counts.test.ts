import { describe, expect, it } from 'vitest';
import { TorrentCounts } from '../../../electron/core/fleet/torrent-counts';

describe('TorrentCounts', () => {
  it('a magnet still fetching metadata (amount_left 0, total_size -1, progress 0) is incomplete', () => {
    const c = new TorrentCounts();
    // As qBittorrent 4.5.2 reports a metadata-less magnet in sync/maindata.
    c.apply({ rid: 1, full_update: true, torrents: { h1: { state: 'metaDL', amount_left: 0, progress: 0 } } });
    expect(c.counts()).toEqual({ total: 1, incomplete: 1 });
  });

  it('metadata arriving (amount_left alone 0 → size) keeps it incomplete; progress 1 completes it', () => {
    const c = new TorrentCounts();
    c.apply({ rid: 1, full_update: true, torrents: { h1: { amount_left: 0, progress: 0 } } });
    c.apply({ rid: 2, torrents: { h1: { amount_left: 40_000 } } });
    expect(c.counts().incomplete).toBe(1);
    c.apply({ rid: 3, torrents: { h1: { amount_left: 0, progress: 1 } } });
    expect(c.counts()).toEqual({ total: 1, incomplete: 0 });
  });

  it('a finished torrent stays complete across diffs that do not mention progress', () => {
    const c = new TorrentCounts();
    c.apply({ rid: 1, full_update: true, torrents: { h1: { amount_left: 0, progress: 1, category: 'tv' } } });
    c.apply({ rid: 2, torrents: { h1: { state: 'uploading' } } });
    expect(c.counts('tv')).toEqual({ total: 1, incomplete: 0 });
    c.apply({ rid: 3, torrents_removed: ['h1'] });
    expect(c.counts()).toEqual({ total: 0, incomplete: 0 });
  });
});
