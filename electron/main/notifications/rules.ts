import type { EngineSnapshot } from '../../../shared/model';
import type { Settings } from '../../../shared/settings';

/**
 * Pure: which desktop notifications a snapshot change deserves, and a batcher that merges bursts
 * (ten magnets dropped at once give one "10 magnets queued", not ten toasts).
 */

/** Notification kinds; each maps to a switch in `settings.ui.notifications`. */
export type NotificationKind = 'failover' | 'queued' | 'flushed' | 'vpn';

/** One notification to show. `count` is set for `queued` (entries added). */
export interface NotificationSpec {
  kind: NotificationKind;
  title: string;
  body: string;
  count?: number;
}

/** Per-kind on/off switches (`settings.ui.notifications`). */
export type NotificationPrefs = Settings['ui']['notifications'];

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Body of a "queued" notification for `n` entries. */
export function queuedText(n: number): string {
  return `${plural(n, 'magnet', 'magnets')} queued; they are added when an instance is reachable.`;
}

/**
 * Notifications for the change `prev` → `next` (none for the first snapshot, `prev` null):
 * - failover: the route left the primary for a fallback, moved to another fallback, or fell to
 *   the queue (no instance usable);
 * - queued: entries appeared in the queue (count = growth of `queue.arrived`, entries new since
 *   the engine started: no entry list is needed);
 * - flushed: the queue was emptied by a flush (was non-empty, now 0, and a flush was running or
 *   `flushesPlaced` grew);
 * - vpn: the probe went CONNECTED → DOWN or DOWN → CONNECTED.
 * Kinds switched off in `prefs` are left out.
 */
export function notificationsFor(prev: EngineSnapshot | null, next: EngineSnapshot, prefs: NotificationPrefs): NotificationSpec[] {
  if (!prev) return [];
  const out: NotificationSpec[] = [];
  const from = prev.route;
  const to = next.route;
  if (prefs.failover && !next.monitoringPaused) {
    if (to.kind === 'fallback' && (from.kind === 'primary' || (from.kind === 'fallback' && from.instance !== to.instance))) {
      const was = from.instance ? `${from.instance} is not usable` : 'The primary instance is not usable';
      out.push({ kind: 'failover', title: `Failover to ${to.instance ?? 'a fallback'}`, body: `${was}; new magnets go to ${to.instance ?? 'a fallback'}.` });
    } else if (to.kind === 'queue' && (from.kind === 'primary' || from.kind === 'fallback')) {
      out.push({ kind: 'failover', title: 'No qBittorrent instance reachable', body: 'New magnets are queued until an instance is back.' });
    }
  }
  if (prefs.queued) {
    const added = Math.max(0, next.queue.arrived - prev.queue.arrived);
    if (added > 0) out.push({ kind: 'queued', title: 'Queued', body: queuedText(added), count: added });
  }
  if (prefs.flushed && prev.queue.length > 0 && next.queue.length === 0) {
    if (prev.flushing || next.flushing || next.flushesPlaced > prev.flushesPlaced) {
      out.push({ kind: 'flushed', title: 'Queue flushed', body: `${plural(prev.queue.length, 'queued entry was', 'queued entries were')} added.` });
    }
  }
  if (prefs.vpn && prev.vpn.state !== next.vpn.state) {
    if (next.vpn.state === 'DOWN' && prev.vpn.state === 'CONNECTED') {
      out.push({ kind: 'vpn', title: 'VPN down', body: 'Instances that need the VPN are skipped until it is back.' });
    } else if (next.vpn.state === 'CONNECTED' && prev.vpn.state === 'DOWN') {
      out.push({ kind: 'vpn', title: 'VPN back up', body: 'Instances that need the VPN are used again.' });
    }
  }
  return out;
}

/** Merges notifications of one kind within a window; the latest wins, `queued` counts add up. */
export function mergeNotifications(items: readonly NotificationSpec[]): NotificationSpec[] {
  const byKind = new Map<NotificationKind, NotificationSpec>();
  for (const n of items) {
    const had = byKind.get(n.kind);
    if (n.kind === 'queued' && had) {
      const count = (had.count ?? 1) + (n.count ?? 1);
      byKind.set('queued', { kind: 'queued', title: 'Queued', body: queuedText(count), count });
    } else {
      byKind.delete(n.kind); // re-insert so order follows the latest occurrence
      byKind.set(n.kind, n);
    }
  }
  return [...byKind.values()];
}

/** Timer functions, injectable for tests. */
export interface TimerFns {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Coalesces notifications pushed within `windowMs` (default 2 000 ms) of the first one into one
 * batch, merged by {@link mergeNotifications}, then calls `show` once per merged item.
 */
export class NotificationBatcher {
  private items: NotificationSpec[] = [];
  private timer: unknown = null;

  constructor(
    private readonly show: (n: NotificationSpec) => void,
    private readonly windowMs = 2_000,
    private readonly timers: TimerFns = { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
  ) {}

  /** Adds notifications to the current batch (starting one if none is open). */
  push(...items: NotificationSpec[]): void {
    if (items.length === 0) return;
    this.items.push(...items);
    if (this.timer === null) this.timer = this.timers.setTimeout(() => this.flush(), this.windowMs);
  }

  /** Shows the current batch now (also used on quit). */
  flush(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    const batch = mergeNotifications(this.items.splice(0));
    for (const n of batch) this.show(n);
  }

  /** Drops the pending batch without showing it. */
  dispose(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.items = [];
  }
}
