import path from 'node:path';
import { JsonLedger } from './json-ledger';

/** Most infohashes remembered; the oldest drop off first (~100 KB of file at the limit). */
export const PLACED_HERE_LIMIT = 2_000;

/** Contents of `placed-here.json`: infohashes (lowercase hex) oldest first. */
interface PlacedFile {
  version: 1;
  hashes: string[];
}

const HEX = /^([0-9a-f]{40}|[0-9a-f]{64})$/;

function decode(raw: unknown): PlacedFile {
  const list = raw && typeof raw === 'object' && Array.isArray((raw as { hashes?: unknown }).hashes) ? (raw as { hashes: unknown[] }).hashes : [];
  return { version: 1, hashes: list.filter((h): h is string => typeof h === 'string' && HEX.test(h)) };
}

/**
 * Which torrents this engine placed (added and confirmed on an instance), by infohash, so a
 * "finished" event can say `addedHere` — the user asked for it, not another program. Bounded to
 * the last {@link PLACED_HERE_LIMIT}; kept in `<home>/placed-here.json` so it survives a restart
 * and is shared by every process of the same home (CLI `add`, `watch`, the tray). Reads are
 * cached in memory and refreshed after each write of this process; a failure to write is not an
 * add's failure (the record is a courtesy): it is swallowed.
 *
 * Written after the add's answer, so its cost is the next add's: records arriving while a write
 * runs are merged into the next write (a burst of N adds is not N rewrites of the ~90 KB file),
 * and writes are not fsync'ed — after a power loss the worst is a finished notice saying
 * `addedHere: false`; nothing else reads this file.
 */
export class PlacedHere {
  private readonly ledger: JsonLedger<PlacedFile>;
  private cache: Set<string> | null = null;
  private loading: Promise<Set<string>> | null = null;
  /** Infohashes recorded and not yet handed to a write, oldest first. */
  private readonly pending = new Set<string>();
  /** The write loop while it runs: it ends once {@link pending} is empty. */
  private writing: Promise<void> | null = null;

  constructor(home: string) {
    this.ledger = new JsonLedger(path.join(home, 'placed-here.json'), decode, { fsync: false });
  }

  /** Records infohashes (v1 40 hex or v2 64 hex, any case) as placed by us now; resolves once they were written (or the write failed). Never throws. */
  record(infohashes: string[]): Promise<void> {
    const add = infohashes.map((h) => h.toLowerCase()).filter((h) => HEX.test(h));
    if (add.length === 0) return this.writing ?? Promise.resolve();
    for (const h of add) this.pending.add(h);
    this.writing ??= this.writePending();
    return this.writing;
  }

  /** Writes {@link pending} in batches until none is left; clears {@link writing} in the same step as the last check. */
  private async writePending(): Promise<void> {
    try {
      while (this.pending.size) {
        const add = [...this.pending];
        this.pending.clear();
        try {
          const fresh = new Set(add);
          const hashes = await this.ledger.update((d) => {
            d.hashes = [...d.hashes.filter((h) => !fresh.has(h)), ...add].slice(-PLACED_HERE_LIMIT);
            return d.hashes;
          });
          this.cache = new Set(hashes);
        } catch {
          for (const h of add) this.cache?.add(h);
        }
      }
    } finally {
      this.writing = null;
    }
  }

  /**
   * Whether any of `ids` (the id qBittorrent lists a torrent under, and its v1/v2 infohashes) was
   * placed by us. Reads the file once, then trusts this process's cache plus a re-read when not
   * found (another process may have placed it). Never throws.
   */
  async has(ids: (string | null | undefined)[]): Promise<boolean> {
    const want = ids.filter((x): x is string => !!x).map((x) => x.toLowerCase());
    const match = (set: Set<string>): boolean => want.some((id) => set.has(id) || [...set].some((h) => h.length === 64 && h.startsWith(id) && id.length === 40));
    if (this.cache && match(this.cache)) return true;
    this.loading ??= this.ledger.read().then((d) => new Set(d.hashes)).finally(() => (this.loading = null));
    this.cache = await this.loading.catch(() => this.cache ?? new Set<string>());
    return match(this.cache);
  }
}
