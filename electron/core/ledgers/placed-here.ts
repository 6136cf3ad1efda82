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
 */
export class PlacedHere {
  private readonly ledger: JsonLedger<PlacedFile>;
  private cache: Set<string> | null = null;
  private loading: Promise<Set<string>> | null = null;

  constructor(home: string) {
    this.ledger = new JsonLedger(path.join(home, 'placed-here.json'), decode);
  }

  /** Records infohashes (v1 40 hex or v2 64 hex, any case) as placed by us now. Never throws. */
  async record(infohashes: string[]): Promise<void> {
    const add = infohashes.map((h) => h.toLowerCase()).filter((h) => HEX.test(h));
    if (add.length === 0) return;
    try {
      const hashes = await this.ledger.update((d) => {
        const keep = d.hashes.filter((h) => !add.includes(h));
        d.hashes = [...keep, ...add].slice(-PLACED_HERE_LIMIT);
        return d.hashes;
      });
      this.cache = new Set(hashes);
    } catch {
      for (const h of add) this.cache?.add(h);
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
