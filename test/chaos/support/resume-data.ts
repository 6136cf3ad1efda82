import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * qBittorrent lists a torrent (`torrents/info`) as soon as libtorrent added it, and writes its
 * resume data (`<profile>/qBittorrent/data/BT_backup/<id>.fastresume`) asynchronously a little
 * later. A qbittorrent-nox SIGKILLed in between forgets the torrent on restart: no "Removed
 * torrent" line in its log, no "Restored torrent" line either. Measured on 4.5.2, 2 cores idle:
 * 27 of 30 magnets added in one request and SIGKILLed the moment all were listed were gone after
 * the restart; none when killed 50 ms later. These helpers let a chaos test tell such losses
 * (the server's durability, after the app's confirmation was true) from the app's own.
 */

/** Lowercase ids of the torrents whose resume data qBittorrent has written in `profileDir` (empty when there is no BT_backup folder). */
export function savedResumeIds(profileDir: string): Set<string> {
  try {
    return new Set(
      readdirSync(join(profileDir, 'qBittorrent', 'data', 'BT_backup'))
        .filter((f) => f.endsWith('.fastresume'))
        .map((f) => f.slice(0, -'.fastresume'.length).toLowerCase()),
    );
  } catch {
    return new Set();
  }
}

/**
 * Deletes the resume files (`<hash>.fastresume`, `<hash>.torrent`) of `hashes` from a stopped
 * qBittorrent's BT_backup: the state qBittorrent is in when it was killed before writing them,
 * made certain instead of left to timing. Returns how many torrents lost their files.
 */
export function dropResumeFiles(profileDir: string, hashes: string[]): number {
  const dir = join(profileDir, 'qBittorrent', 'data', 'BT_backup');
  let dropped = 0;
  for (const h of hashes) {
    let any = false;
    for (const ext of ['.fastresume', '.torrent']) {
      try {
        rmSync(join(dir, `${h.toLowerCase()}${ext}`));
        any = true;
      } catch {
        // not written (yet): already the state we want
      }
    }
    if (any) dropped++;
  }
  return dropped;
}

/** A `torrents/info` row as far as these helpers need it. */
export interface ListedRow {
  hash?: unknown;
  infohash_v1?: unknown;
}

/**
 * The keys (listed hash and v1 infohash, lowercase) of the torrents `rows` lists whose resume
 * data is not in `saved` (from {@link savedResumeIds}, read AFTER listing): the torrents a SIGKILL
 * now may make qBittorrent forget. A hybrid's file is named by its listed id (truncated v2) in 4.5.
 */
export function unsavedListed(rows: ListedRow[], saved: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const r of rows) {
    const keys = [String(r.hash ?? '').toLowerCase(), String(r.infohash_v1 ?? '').toLowerCase()].filter(Boolean);
    if (keys.some((k) => saved.has(k))) continue;
    for (const k of keys) out.add(k);
  }
  return out;
}

/**
 * Tracks, per infohash, whether its last sighting was on an instance that was then SIGKILLed
 * before qBittorrent saved its resume data. Feed it in the order things happened: each
 * {@link killedUnsaved} just before a SIGKILL, each {@link seen} when a census or the queue file
 * shows the infohash again (which clears it: a loss after that is not the server's).
 */
export class ForgottenByServer {
  private readonly why = new Map<string, string>();

  /** `instance` is being SIGKILLed while listing `unsaved` (from {@link unsavedListed}); `when` labels the moment (e.g. the run number). */
  killedUnsaved(instance: string, unsaved: Iterable<string>, when: string): void {
    for (const h of unsaved) this.why.set(h, `listed on ${instance} without its .fastresume when ${instance} was SIGKILLed (${when})`);
  }

  /** Whether `infohash` was last seen listed without its resume data on an instance then SIGKILLed (not seen since). */
  suspect(infohash: string): boolean {
    return this.why.has(infohash);
  }

  /** `infohash` was seen again on an instance or in the queue. */
  seen(infohash: string): void {
    this.why.delete(infohash);
  }

  /**
   * Splits lost infohashes: `byServer` — last seen on an instance that was then SIGKILLed before
   * writing its resume data (qBittorrent forgot it on restart), with the reason; `byApp` — all
   * others (the app lost them).
   */
  split(lost: string[]): { byServer: { infohash: string; why: string }[]; byApp: string[] } {
    const byServer: { infohash: string; why: string }[] = [];
    const byApp: string[] = [];
    for (const h of lost) {
      const why = this.why.get(h);
      if (why) byServer.push({ infohash: h, why });
      else byApp.push(h);
    }
    return { byServer, byApp };
  }
}
