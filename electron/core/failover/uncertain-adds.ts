import fs from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';

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

/**
 * A small durable ledger (`<home>/uncertain-adds.json`) of adds that timed out after the request
 * was sent. A frozen qBittorrent (SIGSTOP, a stalled VPN) still reads the request from its socket
 * when it wakes and adds the torrent — after we already failed over and placed it elsewhere. When
 * that instance is healthy again the engine checks these infohashes there and removes the stray
 * copy, so a magnet ends up on exactly one instance. Shared by the CLI, `watch` and the tray app.
 */
export class UncertainAdds {
  readonly file: string;
  constructor(home: string) {
    this.file = path.join(home, 'uncertain-adds.json');
  }

  /** All entries (possibly from other processes). */
  async list(): Promise<UncertainAdd[]> {
    try {
      const data = JSON.parse(await fs.readFile(this.file, 'utf8')) as unknown;
      return Array.isArray(data) ? (data as UncertainAdd[]).filter((e) => Date.now() - e.sentAt < MAX_AGE_MS) : [];
    } catch {
      return [];
    }
  }

  /** Applies `fn` to the list under a cross-process lock and writes it back atomically. */
  async update(fn: (list: UncertainAdd[]) => UncertainAdd[]): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await fs.appendFile(this.file, '');
    const release = await lockfile.lock(this.file, { realpath: false, stale: 10_000, retries: { retries: 50, minTimeout: 10, maxTimeout: 100 } });
    try {
      const next = fn(await this.list());
      await writeFileAtomic(this.file, JSON.stringify(next));
    } finally {
      await release();
    }
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
