import path from 'node:path';
import type { AddOptions } from '../../../shared/contract';
import { JsonLedger } from './json-ledger';

/**
 * How long after its confirmation an add is remembered, ms. qBittorrent lists a new torrent in
 * `torrents/info` before it has written `BT_backup/<hash>.fastresume`; killed (or even stopped)
 * in that gap it forgets the torrent on restart (measured on 4.5.2 and 5.3.0: resume data is
 * saved within seconds, so 60 s leaves a wide margin).
 */
export const RECENT_ADD_WINDOW_MS = 60_000;
/** Most entries kept; the oldest drop off first. */
export const RECENT_ADDS_LIMIT = 2_000;
/** An entry marked by an outage is kept this long at most while waiting for its instance to answer again, ms (1 day). */
const OUTAGE_KEEP_MS = 86_400_000;

/** One add confirmed on an instance: what is needed to queue it again if the instance forgets it. */
export interface RecentAdd {
  instance: string;
  /** The queue key (`v1 ?? v2`), lowercase hex. */
  infohash: string;
  /** Full v2 infohash of a hybrid or v2 torrent (listed under v2[:40]); null for v1-only. */
  v2: string | null;
  name: string | null;
  /** The magnet URI sent (for a `.torrent` payload: the magnet built from its hashes and name). */
  magnet: string;
  /** The add options the call gave (category, save path, tags…), queued again with it. */
  options?: AddOptions;
  /** When it was confirmed (listed by the instance), ms since epoch. */
  confirmedAt: number;
  /**
   * When some process saw the instance unreachable or restarted after this confirmation, ms
   * since epoch: the entry is then checked on the instance's next good probe, by any process.
   */
  outageAt?: number;
}

/** Whether an entry is still worth keeping at `now` (ms since epoch). */
function alive(e: RecentAdd, now: number): boolean {
  return e.outageAt !== undefined ? now - e.outageAt < OUTAGE_KEEP_MS : now - e.confirmedAt < RECENT_ADD_WINDOW_MS;
}

function decode(raw: unknown): RecentAdd[] {
  const now = Date.now();
  return Array.isArray(raw)
    ? (raw as RecentAdd[]).filter((e) => e && typeof e.instance === 'string' && typeof e.infohash === 'string' && typeof e.magnet === 'string' && typeof e.confirmedAt === 'number' && alive(e, now))
    : [];
}

/**
 * A small durable ledger (`<home>/recent-adds.json`) of adds confirmed in the last
 * {@link RECENT_ADD_WINDOW_MS}, so a torrent qBittorrent forgets after a crash (it had listed the
 * torrent but not yet written its resume file) is queued again instead of lost. Written once per
 * placed batch; any process that sees the instance unreachable or restarted marks that
 * instance's entries ({@link markOutage}); the next process that sees it answer takes the marked
 * entries ({@link takeMarked}) and checks them. Shared by the CLI, `watch`, `serve` and the tray.
 * Every method swallows nothing: callers treat the ledger as best effort and catch.
 */
export class RecentAdds {
  /** The ledger file (`<home>/recent-adds.json`). */
  readonly file: string;
  private readonly ledger: JsonLedger<RecentAdd[]>;

  constructor(home: string) {
    this.file = path.join(home, 'recent-adds.json');
    this.ledger = new JsonLedger(this.file, decode);
  }

  /** Entries (possibly from other processes), read without the lock. */
  list(): Promise<RecentAdd[]> {
    return this.ledger.read();
  }

  /** Appends confirmed adds (one locked write for the batch); an entry for the same instance and infohash is replaced. */
  async record(entries: Omit<RecentAdd, 'confirmedAt' | 'outageAt'>[]): Promise<void> {
    if (entries.length === 0) return;
    const confirmedAt = Date.now();
    const key = (e: { instance: string; infohash: string }): string => `${e.instance}\u0000${e.infohash}`;
    const fresh = new Set(entries.map(key));
    await this.ledger.update((list) => {
      const next = [...list.filter((e) => !fresh.has(key(e))), ...entries.map((e) => ({ ...e, confirmedAt }))].slice(-RECENT_ADDS_LIMIT);
      list.splice(0, list.length, ...next);
    });
  }

  /**
   * `instance` was seen unreachable or restarted now: its entries confirmed within the window
   * (and not yet marked) are marked, so they are checked when it answers again. Reads first and
   * takes the lock only when there is something to mark.
   */
  async markOutage(instance: string): Promise<void> {
    const now = Date.now();
    const due = (e: RecentAdd): boolean => e.instance === instance && e.outageAt === undefined && now - e.confirmedAt < RECENT_ADD_WINDOW_MS;
    if (!(await this.list()).some(due)) return;
    await this.ledger.update((list) => {
      for (const e of list) if (due(e)) e.outageAt = now;
    });
  }

  /** Removes and returns the entries of `instance` marked by an outage (none: no write). */
  async takeMarked(instance: string): Promise<RecentAdd[]> {
    const marked = (e: RecentAdd): boolean => e.instance === instance && e.outageAt !== undefined;
    if (!(await this.list()).some(marked)) return [];
    return this.ledger.update((list) => {
      const taken = list.filter(marked);
      list.splice(0, list.length, ...list.filter((e) => !marked(e)));
      return taken;
    });
  }

  /** Puts entries back (a check that could not finish), keeping their marks. */
  async putBack(entries: RecentAdd[]): Promise<void> {
    if (entries.length === 0) return;
    await this.ledger.update((list) => {
      list.push(...entries);
    });
  }
}
