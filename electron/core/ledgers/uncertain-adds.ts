import path from 'node:path';
import { JsonLedger } from './json-ledger';

/** An add whose request reached an instance but got no answer (timeout, reset): it may still land there. */
export interface UncertainAdd {
  /** The queue key (`v1 ?? v2`). */
  infohash: string;
  /** Full v2 infohash of a hybrid or v2 torrent (qBittorrent lists those under v2[:40]); absent for v1-only. */
  v2?: string | null;
  instance: string;
  /** When the request was sent, ms since epoch. */
  sentAt: number;
  /** Instance it was then confirmed on, if any. */
  placedOn?: string;
}

/** Entries older than this are forgotten, ms (1 day). */
const MAX_AGE_MS = 86_400_000;

/** The file's contents as a list of entries younger than {@link MAX_AGE_MS} (a missing or damaged file is an empty list). */
function decode(raw: unknown): UncertainAdd[] {
  return Array.isArray(raw) ? (raw as UncertainAdd[]).filter((e) => e && typeof e.sentAt === 'number' && Date.now() - e.sentAt < MAX_AGE_MS) : [];
}

/**
 * A small durable ledger (`<home>/uncertain-adds.json`) of adds that timed out after the request
 * was sent. A frozen qBittorrent (SIGSTOP, a stalled VPN) still reads the request from its socket
 * when it wakes and adds the torrent — after we already failed over and placed it elsewhere. When
 * that instance is healthy again the engine checks these infohashes there and removes the stray
 * copy, so a magnet ends up on exactly one instance. Shared by the CLI, `watch` and the tray app.
 */
export class UncertainAdds {
  /** The ledger file (`<home>/uncertain-adds.json`). */
  readonly file: string;
  private readonly ledger: JsonLedger<UncertainAdd[]>;

  constructor(home: string) {
    this.file = path.join(home, 'uncertain-adds.json');
    this.ledger = new JsonLedger(this.file, decode);
  }

  /** All entries (possibly from other processes), read without the lock. */
  list(): Promise<UncertainAdd[]> {
    return this.ledger.read();
  }

  /** Replaces the list with `fn(list)` under the one ledger lock (in-process and cross-process), written atomically. */
  update(fn: (list: UncertainAdd[]) => UncertainAdd[]): Promise<void> {
    return this.ledger.update((list) => {
      list.splice(0, list.length, ...fn([...list]));
    });
  }

  /** Records adds to `instance` that got no answer (`items`: the queue key and, for hybrids/v2, the v2 hash). */
  record(instance: string, items: { infohash: string; v2: string | null }[]): Promise<void> {
    const sentAt = Date.now();
    return this.update((list) => [...list, ...items.map(({ infohash, v2 }) => ({ infohash, v2, instance, sentAt }))]);
  }

  /** Notes where these infohashes were finally confirmed. */
  markPlaced(placed: Map<string, string>): Promise<void> {
    return this.update((list) => list.map((e) => (placed.has(e.infohash) ? { ...e, placedOn: placed.get(e.infohash) } : e)));
  }

  /** Drops entries. */
  forget(match: (e: UncertainAdd) => boolean): Promise<void> {
    return this.update((list) => list.filter((e) => !match(e)));
  }
}
