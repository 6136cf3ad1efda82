import type { InstanceRuntime } from '../fleet/instance';
import type { Logger } from '../logger';
import type { UncertainAdd, UncertainAdds } from '../ledgers/uncertain-adds';
import { isSameTorrent, listedIds, type TorrentHashes } from '../inputs/magnet-uri';

/** How long an absent uncertain add is still watched for before it is forgotten, ms. */
export const UNCERTAIN_GRACE_MS = 60_000;
/** Clock slack when comparing qBittorrent's `added_on` (s) with our send time, ms. */
const CLOCK_SLACK_MS = 60_000;

const hashesOf = (e: UncertainAdd): TorrentHashes => ({ v1: e.infohash.length === 40 ? e.infohash : null, v2: e.v2 ?? (e.infohash.length === 64 ? e.infohash : null) });

/** The ids to ask `rt` for an entry: v1, truncated v2, and the id `rt`'s last poll saw a hybrid under (a v1-only add of a hybrid). */
function idsOf(e: UncertainAdd, rt: InstanceRuntime): string[] {
  const alias = rt.counts.aliasOf(e.infohash);
  return [...listedIds(hashesOf(e)), ...(alias ? [alias] : [])];
}

/**
 * Runs when `rt` answers again: for each add to it that got no answer, checks whether the
 * torrent landed there after all. If it did and the torrent was meanwhile confirmed on another
 * instance, the stray copy here is removed (torrent only, never files; only when qBittorrent says
 * it was added after our request was sent), so a magnet is on exactly one instance. Entries are
 * forgotten once settled, or when absent for {@link UNCERTAIN_GRACE_MS}.
 *
 * A copy is removed only after the instance it was placed on (`holderOf(placedOn)`) confirms it
 * still lists the torrent: a server that lost it since (killed before it saved its resume data,
 * removed by hand) must not turn this copy into a deleted last one. When the holder does not
 * answer, the entry waits for a later probe; when it answers without the torrent, this copy is
 * kept and the entry settled.
 */
export async function removeStrayCopies(
  rt: InstanceRuntime,
  ledger: UncertainAdds,
  logger: Logger,
  holderOf: (instance: string) => { rt: InstanceRuntime; sessionOnly: boolean } | undefined,
): Promise<void> {
  const mine = (await ledger.list()).filter((e) => e.instance === rt.name);
  if (mine.length === 0) return;
  const rows = await rt.client.info({ hashes: [...new Set(mine.flatMap((e) => idsOf(e, rt)))] });
  const strays: string[] = [];
  const settled = new Set<string>();
  // Candidates per holder: removed only once the holder confirms its copy.
  const byHolder = new Map<string, { e: UncertainAdd; hash: string }[]>();
  for (const e of mine) {
    // Hybrids are listed under the truncated v2 hash: match on hash, infohash_v1 and infohash_v2.
    const t = rows.find((row) => isSameTorrent(hashesOf(e), row) || row.hash === rt.counts.aliasOf(e.infohash));
    if (t) {
      if (e.placedOn && e.placedOn !== rt.name && t.added_on * 1000 >= e.sentAt - CLOCK_SLACK_MS) {
        byHolder.set(e.placedOn, [...(byHolder.get(e.placedOn) ?? []), { e, hash: t.hash }]);
      } else if (e.placedOn) settled.add(e.infohash);
    } else if (Date.now() - e.sentAt > UNCERTAIN_GRACE_MS) settled.add(e.infohash);
  }
  for (const [name, list] of byHolder) {
    const holder = holderOf(name);
    let held: { hash: string; infohash_v1?: string; infohash_v2?: string }[];
    try {
      if (!holder) throw new Error(`${name} is not configured any more`);
      held = await holder.rt.client.info({ hashes: [...new Set(list.flatMap(({ e }) => idsOf(e, holder.rt)))] }, { sessionOnly: holder.sessionOnly });
    } catch {
      continue; // the holder did not answer: decide at a later probe
    }
    for (const { e, hash } of list) {
      if (held.some((row) => isSameTorrent(hashesOf(e), row) || row.hash === holder.rt.counts.aliasOf(e.infohash))) strays.push(hash);
      else logger.warn(`kept ${hash} on ${rt.name}: ${name}, where it was placed, no longer lists it`);
      settled.add(e.infohash);
    }
  }
  if (strays.length) {
    await rt.client.delete(strays, false);
    logger.info(`removed ${strays.length} stray torrent(s) from ${rt.name} that arrived after failover`, { hashes: strays });
  }
  if (settled.size) await ledger.forget((e) => e.instance === rt.name && settled.has(e.infohash));
}
