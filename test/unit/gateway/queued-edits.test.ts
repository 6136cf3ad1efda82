import { describe, expect, it } from 'vitest';
import { queuedEdit } from '../../../electron/core/gateway/routes/queued-edits';

/** What a client's action on a queued torrent leaves in its add options (applied when the flush places it). */

const f = (o: Record<string, string>) => new Map(Object.entries(o));

describe('actions on queued torrents', () => {
  it('tags are added and removed (no tags removes all), a category set or cleared, a pause in either spelling', () => {
    expect(queuedEdit('torrents/addTags', f({ tags: 'b, c' }))!({ tags: ['a', 'b'] })).toEqual({ tags: ['a', 'b', 'c'] });
    expect(queuedEdit('torrents/removeTags', f({ tags: 'a' }))!({ tags: ['a', 'b'] })).toEqual({ tags: ['b'] });
    expect(queuedEdit('torrents/removeTags', f({}))!({ tags: ['a', 'b'] })).toEqual({ tags: [] });
    expect(queuedEdit('torrents/setCategory', f({ category: 'tv-import' }))!({ category: 'tv' })).toEqual({ category: 'tv-import' });
    // `category=` is qBittorrent's "no category": kept as '' (undefined would let the instance's default apply).
    expect(queuedEdit('torrents/setCategory', f({ category: '' }))!({ category: 'tv' })).toEqual({ category: '' });
    for (const e of ['torrents/stop', 'torrents/pause']) expect(queuedEdit(e, f({}))!({})).toEqual({ paused: true });
    for (const e of ['torrents/start', 'torrents/resume']) expect(queuedEdit(e, f({}))!({ paused: true })).toEqual({ paused: false });
  });

  it('share limits, location, name, limits and toggles are kept; actions with no meaning before the torrent exists change nothing', () => {
    expect(queuedEdit('torrents/setShareLimits', f({ ratioLimit: '2', seedingTimeLimit: '60', inactiveSeedingTimeLimit: '-2' }))!({})).toEqual({
      ratioLimit: 2,
      seedingTimeLimit: 60,
      inactiveSeedingTimeLimit: -2,
    });
    expect(queuedEdit('torrents/setLocation', f({ location: '/data/tv' }))!({})).toEqual({ savePath: '/data/tv', autoTMM: false });
    expect(queuedEdit('torrents/rename', f({ name: 'Show S01' }))!({})).toEqual({ rename: 'Show S01' });
    expect(queuedEdit('torrents/setUploadLimit', f({ limit: '1000' }))!({})).toEqual({ upLimit: 1000 });
    expect(queuedEdit('torrents/toggleSequentialDownload', f({}))!({ sequentialDownload: true })).toEqual({ sequentialDownload: false });
    for (const e of ['torrents/recheck', 'torrents/reannounce', 'torrents/topPrio', 'torrents/setForceStart', 'torrents/delete']) expect(queuedEdit(e, f({}))).toBeNull();
  });
});
