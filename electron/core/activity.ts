import { EventEmitter } from 'node:events';
import { ACTIVITY_LIMIT, type ActivityItem, type QueueListing, type QueueSummary } from '../../shared/model';
import { toEntryView, type QueueEntry } from './queue';

/**
 * The two small stores behind the engine's events besides the snapshot: the activity log (a ring
 * buffer, `activity` events) and the queue feed (a revision counter over the queue's entries,
 * `queue` events). The engine composes them; shells only forward what they emit.
 */

/**
 * The last {@link ACTIVITY_LIMIT} activity items in a ring buffer: adding is O(1) and never copies
 * the log. Emits `'item'` (ActivityItem) for each new item.
 */
export class ActivityLog extends EventEmitter {
  private readonly ring: (ActivityItem | undefined)[];
  /** Index the next item goes to. */
  private head = 0;
  private seq = 0;

  /** @param limit most items kept (default {@link ACTIVITY_LIMIT}); older ones are dropped. */
  constructor(readonly limit = ACTIVITY_LIMIT) {
    super();
    this.ring = new Array<ActivityItem | undefined>(limit);
  }

  /** Records one item (id: 1, 2, 3…; `at`: now, ISO 8601), emits it as `'item'` and returns it. */
  add(kind: ActivityItem['kind'], message: string): ActivityItem {
    const item: ActivityItem = { id: ++this.seq, at: new Date().toISOString(), kind, message };
    this.ring[this.head] = item;
    this.head = (this.head + 1) % this.limit;
    this.emit('item', item);
    return item;
  }

  /** The kept items, newest first (a copy). */
  list(): ActivityItem[] {
    const out: ActivityItem[] = [];
    for (let i = 1; i <= this.limit; i++) {
      const item = this.ring[(this.head - i + this.limit) % this.limit];
      if (!item) break;
      out.push(item);
    }
    return out;
  }
}

/**
 * What shells know about the queue's entries: a revision bumped on every change, how many entries
 * arrived since the start (for "N magnets queued" notifications without the entry list), and the
 * entries themselves for the `queue` event. Fed by the queue store's `'change'`.
 */
export class QueueFeed {
  private entries: readonly QueueEntry[] = [];
  private ids = new Set<string>();
  private revision = 0;
  private arrived = 0;
  private seeded = false;

  /**
   * Takes the queue's entries after a change (the queue store emits `'change'` only when they
   * differ) and bumps the revision. Entries present at the first call do not count as arrived
   * (they were queued before we started). Returns the entries that arrived with this change.
   */
  update(entries: readonly QueueEntry[]): QueueEntry[] {
    const ids = new Set<string>();
    const arrived: QueueEntry[] = [];
    for (const e of entries) {
      ids.add(e.id);
      if (this.seeded && !this.ids.has(e.id)) arrived.push(e);
    }
    this.arrived += arrived.length;
    this.seeded = true;
    this.ids = ids;
    this.entries = entries;
    this.revision++;
    return arrived;
  }

  /** The numbers a snapshot carries. */
  summary(): QueueSummary {
    let oldest: string | null = null;
    for (const e of this.entries) if (oldest === null || e.queuedAt < oldest) oldest = e.queuedAt;
    return { length: this.entries.length, revision: this.revision, arrived: this.arrived, oldestQueuedAt: oldest };
  }

  /** Every entry as shown to users, at the current revision. */
  listing(): QueueListing {
    return { revision: this.revision, entries: this.entries.map(toEntryView) };
  }
}
