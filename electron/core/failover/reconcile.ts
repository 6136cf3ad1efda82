import type { InstanceRuntime } from '../instances';
import type { Logger } from '../logger';
import type { UncertainAdds } from './uncertain-adds';
import { torrentId } from './inputs';

/** How long an absent uncertain add is still watched for before it is forgotten, ms. */
export const UNCERTAIN_GRACE_MS = 60_000;
/** Clock slack when comparing qBittorrent's `added_on` (s) with our send time, ms. */
const CLOCK_SLACK_MS = 60_000;

/**
 * Runs when `rt` answers again: for each add to it that got no answer, checks whether the
 * torrent landed there after all. If it did and the torrent was meanwhile confirmed on another
 * instance, the stray copy here is removed (torrent only, never files; only when qBittorrent says
 * it was added after our request was sent), so a magnet is on exactly one instance. Entries are
 * forgotten once settled, or when absent for {@link UNCERTAIN_GRACE_MS}.
 */
export async function reconcileUncertain(rt: InstanceRuntime, ledger: UncertainAdds, logger: Logger): Promise<void> {
  const mine = (await ledger.list()).filter((e) => e.instance === rt.name);
  if (mine.length === 0) return;
  const present = new Map((await rt.client.info({ hashes: mine.map((e) => torrentId(e.infohash)) })).map((t) => [t.hash.toLowerCase(), t]));
  const strays: string[] = [];
  const settled = new Set<string>();
  for (const e of mine) {
    const t = present.get(torrentId(e.infohash));
    if (t) {
      if (e.placedOn && e.placedOn !== rt.name) {
        if (t.added_on * 1000 >= e.sentAt - CLOCK_SLACK_MS) strays.push(t.hash);
      }
      if (e.placedOn) settled.add(e.infohash);
    } else if (Date.now() - e.sentAt > UNCERTAIN_GRACE_MS) settled.add(e.infohash);
  }
  if (strays.length) {
    await rt.client.delete(strays, false);
    logger.info(`removed ${strays.length} stray torrent(s) from ${rt.name} that arrived after failover`, { hashes: strays });
  }
  if (settled.size) await ledger.forget((e) => e.instance === rt.name && settled.has(e.infohash));
}
