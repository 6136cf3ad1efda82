/**
 * A lock-less writer (the old Python tool: `open(path, 'w')` truncates, `json.dump` writes)
 * that is descheduled between the truncation and the write, while one of our processes changes
 * the queue. Found by the chaos test `two-writers` (seed 153055830, machine under heavy load):
 * an `add` read the emptied file three times, declared it corrupt and moved it aside; the
 * writer then finished through its open descriptor — into the file moved aside — and its
 * magnets were gone from the queue. Either order of events must keep every magnet.
 */
import { closeSync, futimesSync, openSync, writeSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueueStore } from '../../../electron/core/queue';
import { cleanup, hash, item, magnetOf, tempDir } from './helpers';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await tempDir();
  file = join(dir, 'qbittorrent_queue.json');
});
afterEach(async () => {
  await cleanup(dir);
});

/** The old tool's document: the four keys only. */
function oldToolText(magnets: string[]): string {
  return JSON.stringify(
    { saved_at: '2025-11-28T02:30:00.000000', reason: 'Both qBittorrent instances unreachable', magnets, instructions: 'Run the script again when qBittorrent is reachable to add these magnets.' },
    null,
    2,
  );
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Files set aside beside the queue file: corrupt, or a write in progress parked until it finishes. */
const asideFiles = async (): Promise<string[]> => (await readdir(dir)).filter((f) => f.includes('.corrupt-') || f.includes('.writing-'));
const queued = async (): Promise<string[]> => (await new QueueStore({ path: file }).load()).map((e) => e.infohash).sort();

describe('a lock-less writer paused between truncating the file and writing it', () => {
  it('resuming while our add runs (after the old 150 ms stable-read window): its magnets and ours are all queued, nothing is called corrupt', async () => {
    const q = new QueueStore({ path: file });
    await q.add([item('ours-1')]);
    // The script read the file (ours-1), appended its magnet, and truncated the file to write it back...
    const fd = openSync(file, 'w');
    let adding: Promise<unknown>;
    try {
      // ...and is descheduled, holding the descriptor, while a CLI `add` runs.
      adding = q.add([item('ours-2')]);
      await sleep(400);
      writeSync(fd, oldToolText([magnetOf('ours-1'), magnetOf('script-1')]));
    } finally {
      closeSync(fd);
    }
    await adding;
    await q.load();
    expect(await queued()).toEqual([hash('ours-1'), hash('ours-2'), hash('script-1')].sort());
    expect(q.problem(), 'a file being written is not reported corrupt').toBeNull();
    expect(await asideFiles()).toEqual([]);
  });

  it('resuming after the file was moved aside (a writer paused for long): its magnets are adopted from the file moved aside', async () => {
    const q = new QueueStore({ path: file });
    await q.add([item('ours-1')]);
    const fd = openSync(file, 'w');
    try {
      // The truncation is 10 s old: this writer looks dead, and the empty file is corrupt.
      const past = new Date(Date.now() - 10_000);
      futimesSync(fd, past, past);
      await q.add([item('ours-2')]);
      expect(q.problem(), 'an empty file left for 10 s is reported').toMatchObject({ code: 'QUEUE_CORRUPT' });
      expect(await asideFiles()).toHaveLength(1);
      // The writer wakes up and finishes through its descriptor: into the file moved aside.
      writeSync(fd, oldToolText([magnetOf('ours-1'), magnetOf('script-1')]));
    } finally {
      closeSync(fd);
    }
    // Another process (a fresh `watch`, the next `add`) picks it up...
    expect(await queued()).toEqual([hash('ours-1'), hash('ours-2'), hash('script-1')].sort());
    // ...and so does the process that moved it aside, which no longer reports a corrupt file.
    await q.load();
    expect(q.entries().map((e) => e.infohash).sort()).toEqual([hash('ours-1'), hash('ours-2'), hash('script-1')].sort());
    expect(q.problem()).toBeNull();
    // Every magnet of the finished write is in the queue file (and journal): the copy aside is gone.
    expect(await asideFiles()).toEqual([]);
    expect(JSON.parse(await readFile(file, 'utf8')).magnets.length).toBe(3);
  });

  it('a file cut short and left so is still corrupt: moved aside intact, reported, its legible magnets kept', async () => {
    const q = new QueueStore({ path: file });
    await q.add([item('ours-1')]);
    const cut = oldToolText([magnetOf('script-1'), magnetOf('script-2')]).slice(0, 200);
    const fd = openSync(file, 'w');
    try {
      writeSync(fd, cut);
      const past = new Date(Date.now() - 10_000);
      futimesSync(fd, past, past);
    } finally {
      closeSync(fd);
    }
    await q.add([item('ours-2')]);
    const p = q.problem();
    expect(p).toMatchObject({ code: 'QUEUE_CORRUPT' });
    expect(await readFile(p!.movedTo!, 'utf8')).toBe(cut);
    expect(await queued()).toEqual([hash('ours-1'), hash('ours-2'), hash('script-1')].sort());
    // Later reads keep reporting it and leave the file moved aside alone.
    await q.load();
    expect(q.problem()).toMatchObject({ code: 'QUEUE_CORRUPT', movedTo: p!.movedTo });
    expect(await asideFiles()).toHaveLength(1);
  });

  it('a write in progress parked aside that never finishes becomes a corrupt file: moved aside intact and reported', async () => {
    const q = new QueueStore({ path: file });
    await q.add([item('ours-1')]);
    const cut = oldToolText([magnetOf('script-1'), magnetOf('script-2')]).slice(0, 200);
    const fd = openSync(file, 'w');
    try {
      writeSync(fd, cut);
      // Our add does not wait under the lock for this fresh write: it parks the file as `.writing-`.
      await q.add([item('ours-2')]);
      expect(q.problem(), 'a write in progress is not reported').toBeNull();
      const parked = await asideFiles();
      expect(parked).toHaveLength(1);
      expect(parked[0]).toContain('.writing-');
      // The writer dies: ten seconds later the parked file is still cut short.
      const past = new Date(Date.now() - 10_000);
      futimesSync(fd, past, past);
    } finally {
      closeSync(fd);
    }
    const later = new QueueStore({ path: file });
    await later.load();
    const p = later.problem();
    expect(p).toMatchObject({ code: 'QUEUE_CORRUPT' });
    expect(p!.movedTo).toContain('.corrupt-');
    expect(await readFile(p!.movedTo!, 'utf8')).toBe(cut);
    expect(await asideFiles()).toEqual([basename(p!.movedTo!)]);
    expect(later.entries().map((e) => e.infohash).sort()).toEqual([hash('ours-1'), hash('ours-2'), hash('script-1')].sort());
  });

  it('a file cut short a moment ago is a write in progress: not reported, and its magnets adopted once the writer finishes', async () => {
    const q = new QueueStore({ path: file });
    await q.add([item('ours-1')]);
    const text = oldToolText([magnetOf('ours-1'), magnetOf('script-1')]);
    const fd = openSync(file, 'w');
    let adding: Promise<unknown>;
    try {
      writeSync(fd, text.slice(0, 100));
      adding = q.add([item('ours-2')]);
      await sleep(500);
      writeSync(fd, text.slice(100));
    } finally {
      closeSync(fd);
    }
    await adding;
    expect(q.problem()).toBeNull();
    await q.load();
    expect(q.problem()).toBeNull();
    expect(await asideFiles()).toEqual([]);
    expect(await queued()).toEqual([hash('ours-1'), hash('ours-2'), hash('script-1')].sort());
  });
});
