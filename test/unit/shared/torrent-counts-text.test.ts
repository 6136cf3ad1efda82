import { describe, expect, it } from 'vitest';
import { torrentCountsText } from '../../../shared/torrent-counts-text';

describe('torrent counts in words', () => {
  it('names the configured category and the whole instance: "4 in tv (1 incomplete) · 15 in all"', () => {
    expect(torrentCountsText({ category: 'tv', torrents: { total: 4, incomplete: 1 }, torrentsAll: { total: 15, incomplete: 3 } })).toBe('4 in tv (1 incomplete) · 15 in all');
    expect(torrentCountsText({ category: 'tv', torrents: { total: 4, incomplete: 0 }, torrentsAll: { total: 15, incomplete: 0 } })).toBe('4 in tv · 15 in all');
  });

  it('without a category the count is the whole instance; unknown counts give nothing', () => {
    expect(torrentCountsText({ category: null, torrents: { total: 15, incomplete: 2 }, torrentsAll: { total: 15, incomplete: 2 } })).toBe('15 total (2 incomplete)');
    expect(torrentCountsText({ torrents: null })).toBeNull();
  });
});
