import { describe, expect, it } from 'vitest';
import { ActivityLog, QueueFeed } from '../../../electron/core/activity';
import type { QueueEntry } from '../../../electron/core/queue';
import { ACTIVITY_LIMIT, type ActivityItem } from '../../../shared/model';

const entry = (n: number): QueueEntry => ({
  id: `id-${n}`,
  infohash: n.toString(16).padStart(40, '0'),
  name: `file ${n}`,
  kind: 'magnet',
  magnet: `magnet:?xt=urn:btih:${n.toString(16).padStart(40, '0')}`,
  reason: 'a: TIMEOUT',
  failures: [{ instance: 'a', code: 'TIMEOUT', message: 'timed out after 10000 ms' }],
  queuedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString(),
  attempts: 0,
  lastError: null,
  lastAttempt: null,
});

describe('ActivityLog (ring buffer)', () => {
  it(`keeps the last ${ACTIVITY_LIMIT} items, newest first, and emits each new one`, () => {
    const log = new ActivityLog();
    const emitted: ActivityItem[] = [];
    log.on('item', (i: ActivityItem) => emitted.push(i));
    for (let n = 1; n <= ACTIVITY_LIMIT + 50; n++) log.add('add', `added ${n}`);
    const list = log.list();
    expect(list).toHaveLength(ACTIVITY_LIMIT);
    expect(list[0]!.message).toBe(`added ${ACTIVITY_LIMIT + 50}`);
    expect(list.at(-1)!.message).toBe('added 51');
    expect(list.map((i) => i.id)).toEqual([...list.map((i) => i.id)].sort((a, b) => b - a));
    expect(emitted).toHaveLength(ACTIVITY_LIMIT + 50);
  });

  it('a smaller log wraps the same way; an empty one lists nothing', () => {
    const log = new ActivityLog(3);
    expect(log.list()).toEqual([]);
    for (const m of ['a', 'b', 'c', 'd']) log.add('status', m);
    expect(log.list().map((i) => i.message)).toEqual(['d', 'c', 'b']);
  });
});

describe('QueueFeed', () => {
  it('counts entries that arrive after the start, not the ones already queued, and bumps the revision per change', () => {
    const feed = new QueueFeed();
    feed.update([entry(1), entry(2)]);
    expect(feed.summary()).toEqual({ length: 2, revision: 1, arrived: 0, oldestQueuedAt: entry(1).queuedAt });
    feed.update([entry(2), entry(3), entry(4)]); // 1 flushed, 3 and 4 queued
    expect(feed.summary()).toMatchObject({ length: 3, revision: 2, arrived: 2, oldestQueuedAt: entry(2).queuedAt });
    feed.update([]);
    expect(feed.summary()).toEqual({ length: 0, revision: 3, arrived: 2, oldestQueuedAt: null });
  });

  it('lists every entry as users see it, typed failures included', () => {
    const feed = new QueueFeed();
    feed.update(Array.from({ length: 5 }, (_, i) => entry(i)));
    const listing = feed.listing();
    expect(listing.revision).toBe(1);
    expect(listing.entries).toHaveLength(5);
    expect(listing.entries[0]).toMatchObject({ id: 'id-0', failures: [{ instance: 'a', code: 'TIMEOUT' }] });
  });
});
