import type { EngineEvent, EngineSnapshot } from './model';
import { describeStatus } from './status';

/**
 * Pure: what a user is told about engine events — the one source of the words for desktop
 * notifications (electron/main/notifications) and the webhook (electron/core/webhook.ts), so the
 * tray app and a headless `watch`/`serve`/`gateway` say the same thing. Bursts are merged
 * ({@link mergeNotices}: ten magnets dropped at once give "10 magnets added", not ten toasts).
 */

/** Every notice kind, in the order a settings list shows them. Each has its own on/off choice. */
export const NOTICE_KINDS = ['added', 'queued', 'flushed', 'failover', 'instance', 'vpn', 'finished'] as const;
/** One kind of notice: `instance` is an instance going down or coming back, `finished` a torrent we added completing. */
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** One notice. `count` is set for `added` and `queued` (inputs); `instance`/`infohash` when it is about one. */
export interface Notice {
  kind: NoticeKind;
  title: string;
  body: string;
  count?: number;
  instance?: string;
  infohash?: string;
}

/** Per-kind on/off choices; a kind left out counts as on. */
export type NoticePrefs = Partial<Record<NoticeKind, boolean>>;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Body of a "queued" notice for `n` entries. */
export function queuedText(n: number): string {
  return `${plural(n, 'magnet', 'magnets')} queued; they are added when an instance is reachable.`;
}

/** Title of an "added" notice for `n` inputs placed (`5 magnets added`). */
export function addedTitle(n: number): string {
  return `${plural(n, 'magnet', 'magnets')} added`;
}

/**
 * Notices for the snapshot change `prev` → `next` (none for the first snapshot, `prev` null):
 * - failover: the route left the primary for a fallback, moved to another fallback, or fell to
 *   the queue (no instance usable); not while monitoring is paused;
 * - queued: entries appeared in the queue (count = growth of `queue.arrived`, entries new since
 *   the engine started);
 * - flushed: the queue was emptied by a flush (was non-empty, now 0, and a flush was running or
 *   `flushesPlaced` grew);
 * - instance: an instance that answered (`OK`) now does not, or the other way round — only
 *   between two real checks (`checkedAt` set on both), never for a first probe;
 * - vpn: the probe went CONNECTED → DOWN or DOWN → CONNECTED.
 */
export function noticesForSnapshot(prev: EngineSnapshot | null, next: EngineSnapshot): Notice[] {
  if (!prev) return [];
  const out: Notice[] = [];
  const from = prev.route;
  const to = next.route;
  if (!next.monitoringPaused) {
    if (to.kind === 'fallback' && (from.kind === 'primary' || (from.kind === 'fallback' && from.instance !== to.instance))) {
      const was = from.instance ? `${from.instance} is not usable` : 'The primary instance is not usable';
      out.push({ kind: 'failover', title: `Failover to ${to.instance ?? 'a fallback'}`, body: `${was}; new magnets go to ${to.instance ?? 'a fallback'}.` });
    } else if (to.kind === 'queue' && (from.kind === 'primary' || from.kind === 'fallback')) {
      out.push({ kind: 'failover', title: 'No qBittorrent instance reachable', body: 'New magnets are queued until an instance is back.' });
    }
  }
  const added = Math.max(0, next.queue.arrived - prev.queue.arrived);
  if (added > 0) out.push({ kind: 'queued', title: 'Queued', body: queuedText(added), count: added });
  if (prev.queue.length > 0 && next.queue.length === 0) {
    if (prev.flushing || next.flushing || next.flushesPlaced > prev.flushesPlaced) {
      out.push({ kind: 'flushed', title: 'Queue flushed', body: `${plural(prev.queue.length, 'queued entry was', 'queued entries were')} added.` });
    }
  }
  for (const i of next.instances) {
    const was = prev.instances.find((p) => p.name === i.name);
    if (!was || was.checkedAt === null || i.checkedAt === null || (was.status === 'OK') === (i.status === 'OK')) continue;
    if (i.status === 'OK') out.push({ kind: 'instance', title: `${i.name} is back`, body: `${i.name} answers again; new magnets can go to it.`, instance: i.name });
    else out.push({ kind: 'instance', title: `${i.name} is down`, body: `${i.name}: ${describeStatus(i.status)}.`, instance: i.name });
  }
  if (prev.vpn.state !== next.vpn.state) {
    if (next.vpn.state === 'DOWN' && prev.vpn.state === 'CONNECTED') {
      out.push({ kind: 'vpn', title: 'VPN down', body: 'Instances that need the VPN are skipped until it is back.' });
    } else if (next.vpn.state === 'CONNECTED' && prev.vpn.state === 'DOWN') {
      out.push({ kind: 'vpn', title: 'VPN back up', body: 'Instances that need the VPN are used again.' });
    }
  }
  return out;
}

/**
 * Notices for one non-snapshot event: `added` for an activity line of kind `add` (an input placed
 * on an instance: the kind alone says so — duplicates are `duplicate`, queued inputs `queue` —
 * never the line's wording, which may change), `finished` for a `torrentFinished` the engine
 * placed itself (`addedHere`; torrents added by other programs are not the user's adds through us).
 */
export function noticesForEvent(event: EngineEvent): Notice[] {
  if (event.type === 'activity') {
    const { kind, message } = event.item;
    if (kind === 'add') return [{ kind: 'added', title: addedTitle(1), body: message, count: 1 }];
    return [];
  }
  if (event.type === 'torrentFinished' && event.addedHere) {
    return [{ kind: 'finished', title: 'Download finished', body: `${event.name || event.infohash} finished on ${event.instance}.`, instance: event.instance, infohash: event.infohash }];
  }
  return [];
}

/** Feeds engine events in order and returns the notices each deserves (remembers the last snapshot). */
export class NoticeTracker {
  private prev: EngineSnapshot | null = null;

  /** Notices for `event` (snapshot changes against the previous snapshot). */
  feed(event: EngineEvent): Notice[] {
    if (event.type !== 'snapshot') return noticesForEvent(event);
    const out = noticesForSnapshot(this.prev, event.snapshot);
    this.prev = event.snapshot;
    return out;
  }
}

/** Keeps the kinds switched on in `prefs` (a kind left out is on). */
export function allowedNotices(items: readonly Notice[], prefs: NoticePrefs): Notice[] {
  return items.filter((n) => prefs[n.kind] !== false);
}

/**
 * Merges a burst: one notice per kind (instance notices: per instance; finished: per torrent),
 * the latest wins, `added` and `queued` counts add up ("5 magnets added").
 */
export function mergeNotices(items: readonly Notice[]): Notice[] {
  const byKey = new Map<string, Notice>();
  for (const n of items) {
    const key = n.kind === 'instance' ? `instance:${n.instance}` : n.kind === 'finished' ? `finished:${n.infohash}` : n.kind;
    const had = byKey.get(key);
    if ((n.kind === 'queued' || n.kind === 'added') && had) {
      const count = (had.count ?? 1) + (n.count ?? 1);
      byKey.set(key, n.kind === 'queued' ? { kind: 'queued', title: 'Queued', body: queuedText(count), count } : { kind: 'added', title: addedTitle(count), body: `${had.body}\n${n.body}`.split('\n').slice(-3).join('\n'), count });
    } else {
      byKey.delete(key); // re-insert so order follows the latest occurrence
      byKey.set(key, n);
    }
  }
  return [...byKey.values()];
}

/** Timer functions, injectable for tests. */
export interface TimerFns {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Coalesces notices pushed within `windowMs` (default 2 000 ms) of the first one into one batch,
 * merged by {@link mergeNotices}, then calls `show` once per merged item.
 */
export class NoticeBatcher {
  private items: Notice[] = [];
  private timer: unknown = null;

  constructor(
    private readonly show: (n: Notice) => void,
    private readonly windowMs = 2_000,
    private readonly timers: TimerFns = { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
  ) {}

  /** Adds notices to the current batch (starting one if none is open). */
  push(...items: Notice[]): void {
    if (items.length === 0) return;
    this.items.push(...items);
    if (this.timer === null) this.timer = this.timers.setTimeout(() => this.flush(), this.windowMs);
  }

  /** Shows the current batch now (also used on quit). */
  flush(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    for (const n of mergeNotices(this.items.splice(0))) this.show(n);
  }

  /** Drops the pending batch without showing it. */
  dispose(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.items = [];
  }
}
