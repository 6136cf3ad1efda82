import type { Settings } from '../../../shared/settings';
import type { QueueEntry } from '../queue';

/**
 * Queue entries can be pinned to an instance (`options.instance`, the add dialog's choice). The
 * settings may since have renamed or removed it: a rename is followed (the entry keeps its
 * instance), a removal ends the choice (the placer routes the entry as if none had been made,
 * see failover/placer.ts `candidatesFor`).
 */

/** Instances `after` renamed from `before`: same URL, a new name, the old name gone. Old name → new name. */
export function renamedInstances(before: Settings, after: Settings): Map<string, string> {
  const names = new Set(after.instances.map((i) => i.name));
  const oldNames = new Set(before.instances.map((i) => i.name));
  const renamed = new Map<string, string>();
  for (const old of before.instances) {
    if (names.has(old.name)) continue;
    const now = after.instances.find((i) => i.url === old.url && !oldNames.has(i.name));
    if (now) renamed.set(old.name, now.name);
  }
  return renamed;
}

/** The entries pinned to one of `names`. */
export function pinnedTo(entries: readonly QueueEntry[], names: ReadonlySet<string> | ReadonlyMap<string, unknown>): QueueEntry[] {
  return entries.filter((e) => e.options?.instance !== undefined && names.has(e.options.instance));
}

/**
 * Entries pinned to an instance not in `configured`, not yet in `told` (keys `<infohash> <instance>`,
 * added here): each is reported once, however many flushes leave it.
 */
export function newlyUnpinned(entries: readonly QueueEntry[], configured: ReadonlySet<string>, told: Set<string>): QueueEntry[] {
  return entries.filter((e) => {
    const pin = e.options?.instance;
    if (pin === undefined || configured.has(pin) || told.has(`${e.infohash} ${pin}`)) return false;
    told.add(`${e.infohash} ${pin}`);
    return true;
  });
}
