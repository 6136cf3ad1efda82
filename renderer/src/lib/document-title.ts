import type { EngineSnapshot } from '../../../shared/model';

/**
 * The browser tab's title as a status light (the dashboard's stand-in for the tray icon), read
 * at a glance among other tabs: `⚠ 3 queued — qbit-failover`, `✓ qbit-failover` when all is well.
 */

/** Product name at the end of every title. */
export const TITLE_NAME = 'qbit-failover';

/**
 * Title for the page's state (`stream`: the event stream's StreamState, renderer/src/api), first match wins: connection lost or refused; not loaded yet;
 * entries queued (count); nothing usable; instances down (count); no instance configured;
 * monitoring paused; else all good.
 */
export function documentTitle(stream: 'connecting' | 'open' | 'closed' | 'unauthorized', snapshot: EngineSnapshot | null): string {
  if (stream === 'closed' || stream === 'unauthorized') return `✕ disconnected — ${TITLE_NAME}`;
  if (!snapshot) return TITLE_NAME;
  const queued = snapshot.queue.length;
  if (queued > 0) return `⚠ ${queued.toLocaleString('en-US')} queued — ${TITLE_NAME}`;
  if (snapshot.route.kind === 'queue') return `⚠ no instance reachable — ${TITLE_NAME}`;
  const down = snapshot.instances.filter((i) => i.status !== 'OK').length;
  if (down > 0) return `⚠ ${down} down — ${TITLE_NAME}`;
  if (snapshot.route.kind === 'unconfigured') return `⚠ no instance set up — ${TITLE_NAME}`;
  if (snapshot.route.kind === 'paused') return `⏸ paused — ${TITLE_NAME}`;
  return `✓ ${TITLE_NAME}`;
}
