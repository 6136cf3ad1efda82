import type { InstanceRuntime } from '../fleet/instance';
import { listedIds } from '../inputs/magnet-uri';
import type { RecentAdd, RecentAdds } from '../ledgers/recent-adds';
import type { QueueStore } from '../queue';

/** What {@link requeueForgotten} found. */
export interface ForgottenCheck {
  /** Entries the instance no longer lists and no other instance holds: queued again now. */
  requeued: RecentAdd[];
  /** How many marked entries were checked. */
  checked: number;
}

/** Whether a `torrents/info` row is `e` (hash, `infohash_v1`, `infohash_v2`; a hybrid is listed under v2[:40]). */
function listedKeys(rows: { hash?: string; infohash_v1?: string; infohash_v2?: string }[]): Set<string> {
  const keys = new Set<string>();
  for (const r of rows) for (const k of [r.hash, r.infohash_v1, r.infohash_v2]) if (k) keys.add(String(k).toLowerCase());
  return keys;
}

const isListed = (e: RecentAdd, keys: Set<string>): boolean => [e.infohash, e.v2, e.v2?.slice(0, 40)].some((k) => !!k && keys.has(k));

const idsOf = (entries: RecentAdd[]): string[] =>
  [...new Set(entries.flatMap((e) => listedIds({ v1: e.infohash.length === 40 ? e.infohash : null, v2: e.v2 ?? (e.infohash.length === 64 ? e.infohash : null) })))];

/**
 * `rt` answers again after an outage or a restart: takes the ledger's entries of `rt` marked by
 * that outage (adds confirmed there shortly before it), asks `rt` which it still lists, and puts
 * the ones it forgot — qBittorrent lists a new torrent before writing its resume file, and
 * forgets it when killed in between — back in the durable queue with their add options, unless
 * another instance in `others` lists them or the queue already holds them. When `rt` or an
 * instance in `others` cannot answer, the entries go back to the ledger for the next good
 * probe. Throws only when the ledger or the queue cannot be written (the entries stay marked).
 */
export async function requeueForgotten(rt: InstanceRuntime, others: InstanceRuntime[], recent: RecentAdds, queue: QueueStore): Promise<ForgottenCheck> {
  const marked = await recent.takeMarked(rt.name);
  if (marked.length === 0) return { requeued: [], checked: 0 };
  try {
    const here = listedKeys(await rt.client.info({ hashes: idsOf(marked) }));
    let missing = marked.filter((e) => !isListed(e, here));
    for (const other of others) {
      if (missing.length === 0) break;
      const there = listedKeys(await other.client.info({ hashes: idsOf(missing) }));
      missing = missing.filter((e) => !isListed(e, there));
    }
    if (missing.length === 0) return { requeued: [], checked: marked.length };
    const { added } = await queue.add(
      missing.map((e) => ({
        infohash: e.infohash,
        name: e.name,
        kind: 'magnet' as const,
        magnet: e.magnet,
        options: e.options,
        reason: `qBittorrent on ${rt.name} lost it after a restart (it was confirmed there, but its resume file was not written yet)`,
      })),
    );
    const queued = new Set(added.map((a) => a.infohash));
    return { requeued: missing.filter((e) => queued.has(e.infohash)), checked: marked.length };
  } catch (err) {
    await recent.putBack(marked).catch(() => undefined);
    throw err;
  }
}
