import { ACTIVITY_LIMIT, type ActivityItem, type QueueListing } from '../../../shared/model';

/**
 * How the renderer folds fetched lists and pushed events together (pure: unit-tested without a
 * DOM). A fetch and an event can cross, and an item can arrive both ways.
 */

/** `next` when it is at least as new as `have` (events and a fetch can cross), else `have`. */
export function newerQueue(have: QueueListing | null, next: QueueListing): QueueListing {
  return have && have.revision > next.revision ? have : next;
}

/** Activity items merged by id (an item can come both in the fetched list and as an event), newest first, at most ACTIVITY_LIMIT. */
export function mergeActivity(have: readonly ActivityItem[], more: readonly ActivityItem[]): ActivityItem[] {
  const byId = new Map<number, ActivityItem>();
  for (const a of [...have, ...more]) byId.set(a.id, a);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, ACTIVITY_LIMIT);
}
