import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityItem } from '../../shared/model';
import { createEngine, type Engine } from '../../electron/core/engine';
import { FileSecretStore } from '../../electron/core/config/secret-store';
import { saveSettingsFile } from '../../electron/core/config/settings-file';
import { waitForHashes } from '../harness/direct';
import { writeOldQueueFile } from '../harness/cli';
import { randomMagnet } from '../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../harness/qbittorrent';

/**
 * The activity log says what happened to each input in its own words, against real
 * qbittorrent-nox: a line that is not a magnet is `rejected`, a magnet already on the instance is
 * `duplicate`, an entry another program wrote into the queue file is `foreign` — none of them
 * with the green `add` tag, which stays for torrents actually placed.
 */

let q: QbtProcess;
let root: string;
let engine: Engine;
let queueFile: string;

beforeAll(async () => {
  q = await startQbittorrent({ name: 'activity' });
  root = mkdtempSync(join(tmpdir(), 'qbf-activity-'));
  const home = join(root, 'home');
  queueFile = join(root, 'queue', 'qbittorrent_queue.json');
  await saveSettingsFile(home, { vpn: { check: 'none' }, queueFile, pollIntervalMs: 1_000, instances: [{ name: 'seedbox', url: q.url, username: q.username }] });
  await new FileSecretStore(home).set('seedbox', q.password);
  engine = await createEngine({ home, secrets: new FileSecretStore(home), watchQueueFile: true });
  await engine.start();
});

afterAll(async () => {
  await engine?.stop();
  await q?.dispose();
  rmSync(root, { recursive: true, force: true });
});

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms; activity: ${JSON.stringify(engine.activityList().map((a) => [a.kind, a.message]))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const find = (pred: (a: ActivityItem) => boolean): ActivityItem | undefined => engine.activityList().find(pred);

describe('activity kinds', () => {
  it('a garbage line is logged as rejected, a magnet already there as duplicate, a placed one as add', async () => {
    const m = randomMagnet('activity-placed');
    const first = await engine.add(['this is not a magnet', m.magnet]);
    expect(first.summary).toMatchObject({ added: 1, rejected: 1 });
    const again = await engine.add([m.magnet]);
    expect(again.results[0]!.outcome).toBe('duplicate');

    const rejected = find((a) => a.message.includes('this is not a magnet'));
    expect(rejected?.kind).toBe('rejected');
    const dup = find((a) => a.message.includes('activity-placed') && a.message.includes('already'));
    expect(dup?.kind).toBe('duplicate');
    const added = engine.activityList().filter((a) => a.message.includes('activity-placed') && a.kind === 'add');
    expect(added).toHaveLength(1);
    expect(added[0]!.message).toMatch(/^added activity-placed to seedbox/);
  });

  it('a magnet another program writes into the queue file is logged as foreign, then placed', async () => {
    const m = randomMagnet('written-by-a-script');
    writeOldQueueFile(queueFile, [m.magnet]);
    const foreign = await until('a foreign item', () => find((a) => a.message.includes('written-by-a-script') && a.kind === 'foreign'));
    expect(foreign.message).toMatch(/another program/);
    await waitForHashes(q, [m.infohash], 10_000);
    // Nothing about it carries the `add` tag: it was placed by a flush (logged as such), not added by a user here.
    await until('flushed', () => find((a) => a.kind === 'flush'));
    expect(engine.activityList().filter((a) => a.message.includes('written-by-a-script') && a.kind === 'add')).toEqual([]);
  });

  it('an entry another program writes while an add of ours is still running is foreign too; ours is not', async () => {
    // The instance freezes: our add waits on it. Meanwhile a script writes its magnet into the
    // queue file. Before, any queue change during one of our adds (or during the background
    // re-check of recent adds after each probe) was taken for ours and never logged.
    const ours = randomMagnet('ours-while-frozen');
    const script = randomMagnet('script-while-ours-runs');
    q.freeze();
    let pending = true;
    try {
      const add = engine.add([ours.magnet]).finally(() => (pending = false));
      await new Promise((r) => setTimeout(r, 300));
      expect(pending, 'our add is still running when the script writes').toBe(true);
      writeOldQueueFile(queueFile, [script.magnet]);
      const foreign = await until('the script entry as foreign', () => find((a) => a.message.includes('script-while-ours-runs') && a.kind === 'foreign'));
      expect(foreign.message).toMatch(/another program/);
      expect(pending, 'seen while our add was still running').toBe(true);
      q.thaw();
      const res = await add;
      // Placed once the instance answers again, or queued by us if it timed out first.
      expect(['added', 'queued']).toContain(res.results[0]!.outcome);
    } finally {
      q.thaw();
    }
    expect(engine.activityList().filter((a) => a.message.includes('ours-while-frozen') && a.kind === 'foreign')).toEqual([]);
    await waitForHashes(q, [ours.infohash, script.infohash], 20_000);
  });
});
