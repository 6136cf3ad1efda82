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

describe('external address (qBittorrent 5.1+ server_state, measured shapes)', () => {
  it('shows last_external_address_v4 (else v6); "" and 4.x (absent) are unknown; a diff without the keys keeps it', () => {
    const c = new TorrentCounts();
    c.apply({ rid: 1, full_update: true, server_state: { connection_status: 'connected' } });
    expect(c.externalAddress).toBeNull();
    c.apply({ rid: 2, server_state: { last_external_address_v4: '', last_external_address_v6: '' } });
    expect(c.externalAddress).toBeNull();
    c.apply({ rid: 3, server_state: { last_external_address_v4: '', last_external_address_v6: '2001:db8::7' } });
    expect(c.externalAddress).toBe('2001:db8::7');
    c.apply({ rid: 4, server_state: { last_external_address_v4: '203.0.113.7' } });
    expect(c.externalAddress).toBe('203.0.113.7');
    c.apply({ rid: 5, server_state: { dl_info_speed: 0 } });
    expect(c.externalAddress).toBe('203.0.113.7');
    c.reset();
    expect(c.externalAddress).toBeNull();
  });
});

describe('finished torrents (from the sync/maindata diffs the poll reads)', () => {
  it('a torrent seen incomplete that reaches progress 1 is reported once, with its name and category', () => {
    const c = new TorrentCounts();
    c.apply({ rid: 1, full_update: true, torrents: { h1: { name: 'Show S01E01', category: 'tv', progress: 0.2, state: 'downloading' } } });
    expect(c.takeFinished()).toEqual([]);
    c.apply({ rid: 2, torrents: { h1: { progress: 1, state: 'uploading' } } });
    expect(c.takeFinished()).toEqual([{ hash: 'h1', name: 'Show S01E01', category: 'tv', v1: null, v2: null }]);
    // Later diffs, and a recheck that dips below 1 and comes back, are not a new finish.
    c.apply({ rid: 3, torrents: { h1: { state: 'stalledUP' } } });
    c.apply({ rid: 4, torrents: { h1: { progress: 0.5, state: 'checkingUP' } } });
    c.apply({ rid: 5, torrents: { h1: { progress: 1, state: 'stalledUP' } } });
    expect(c.takeFinished()).toEqual([]);
  });

  it('the library already complete in the first full answer is never reported', () => {
    const c = new TorrentCounts();
    c.apply({ rid: 1, full_update: true, torrents: { old: { name: 'old', progress: 1, state: 'stalledUP' } } });
    c.apply({ rid: 2, torrents: { old: { state: 'uploading' } } });
    expect(c.takeFinished()).toEqual([]);
  });

  it('a torrent added and finished between two polls (it first appears complete in a later answer) is reported', () => {
    // As qBittorrent 4.5.2 answered the poll after a small add completed within one poll interval.
    const c = new TorrentCounts();
    c.apply({ rid: 1, full_update: true, torrents: { old: { name: 'old', progress: 0.3, state: 'downloading' } } });
    c.apply({ rid: 2, torrents: { fresh: { name: 'small add', category: 'tv', progress: 1, state: 'stalledUP', amount_left: 0 } } });
    expect(c.takeFinished()).toEqual([{ hash: 'fresh', name: 'small add', category: 'tv', v1: null, v2: null }]);
    // Also after a failed poll (reset): one added meanwhile, complete in the next full answer.
    c.reset();
    c.apply({ rid: 1, full_update: true, torrents: { old: { name: 'old', progress: 0.3 }, fresh: { name: 'small add', progress: 1 }, other: { name: 'another', progress: 1 } } });
    expect(c.takeFinished().map((f) => f.hash)).toEqual(['other']);
  });

  it('a hash check reaching 1 (progress is the check\'s while checking) is not a finish; the download completing later is', () => {
    const c = new TorrentCounts();
    c.apply({ rid: 1, full_update: true, torrents: { h1: { name: 'x', progress: 0, state: 'pausedDL' } } });
    c.apply({ rid: 2, torrents: { h1: { progress: 1, state: 'checkingDL' } } });
    c.apply({ rid: 3, torrents: { h1: { progress: 1, state: 'checkingResumeData' } } });
    expect(c.takeFinished()).toEqual([]);
    expect(c.counts().incomplete).toBe(1);
    c.apply({ rid: 4, torrents: { h1: { progress: 0, state: 'downloading' } } });
    c.apply({ rid: 5, torrents: { h1: { progress: 1, state: 'stalledUP' } } });
    expect(c.takeFinished().map((f) => f.hash)).toEqual(['h1']);
  });

  it('a check that ends complete is reported once the state says so, the progress having come in an earlier diff', () => {
    // 5.x spellings: stoppedDL → checkingDL (progress 1 with the state) → stalledUP alone (progress unchanged, not resent).
    const c = new TorrentCounts();
    c.apply({ rid: 1, full_update: true, torrents: { h1: { name: 'x', progress: 0, state: 'stoppedDL' } } });
    c.apply({ rid: 2, torrents: { h1: { state: 'checkingDL', progress: 1 } } });
    expect(c.takeFinished()).toEqual([]);
    c.apply({ rid: 3, torrents: { h1: { state: 'stalledUP' } } });
    expect(c.takeFinished().map((f) => f.hash)).toEqual(['h1']);
  });

  it('a state change alone (no progress in the diff) to a seeding state counts as finishing', () => {
    const c = new TorrentCounts();
    c.apply({ rid: 1, full_update: true, torrents: { h1: { name: 'x', progress: 0.99, state: 'downloading' } } });
    c.apply({ rid: 2, torrents: { h1: { state: 'stalledUP' } } });
    expect(c.takeFinished().map((f) => f.hash)).toEqual(['h1']);
  });

  it('a torrent that finished while the instance was unreachable (reset, then a full answer) is still reported; one complete before is not', () => {
    const c = new TorrentCounts();
    c.apply({ rid: 1, full_update: true, torrents: { h1: { name: 'a', progress: 0.1 }, h2: { name: 'b', progress: 1 } } });
    c.reset();
    c.reset();
    c.apply({ rid: 1, full_update: true, torrents: { h1: { progress: 1 }, h2: { progress: 1 } } });
    expect(c.takeFinished()).toEqual([{ hash: 'h1', name: 'a', category: '', v1: null, v2: null }]);
    expect(c.counts()).toEqual({ total: 2, incomplete: 0 });
  });
});
