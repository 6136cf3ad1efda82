import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchFile } from '../../../electron/core/queue/file-watcher';

/**
 * The queue file's watcher (what `watch`, `serve` and the tray use to see another program's
 * writes). A queue file in a folder that does not exist yet — the first write creates it — is
 * no error for the user: before, the activity log of a fresh setup opened with
 * "Queue watch: ENOENT: no such file or directory, watch '…'".
 */

const roots: string[] = [];
const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

async function until(what: string, ok: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('watchFile', () => {
  it('a file in a folder that does not exist yet: no error, and a write once the folder is there is seen', async () => {
    const root = mkdtempSync(join(tmpdir(), 'qbf-watch-'));
    roots.push(root);
    const folder = join(root, 'queue');
    const file = join(folder, 'qbittorrent_queue.json');
    const errors: unknown[] = [];
    let changes = 0;
    stops.push(watchFile(file, async () => void changes++, { pollMs: 50, debounceMs: 10, onError: (e) => errors.push(e) }));
    await new Promise((r) => setTimeout(r, 150));
    mkdirSync(folder);
    writeFileSync(file, '{"magnets": []}');
    await until('the first write seen', () => changes > 0);
    // Once the folder exists, fs.watch is attached: a file moved aside beside the queue file (a
    // paused writer's `.writing-*`, which only fs.watch reports, not the poll) is seen too.
    await new Promise((r) => setTimeout(r, 200));
    const before = changes;
    writeFileSync(`${file}.writing-1`, '{"magn');
    await until('the .writing- file seen', () => changes > before);
    expect(errors).toEqual([]);
  });

  it('the folder removed and made again: fs.watch follows the new folder (Linux reports the removal as rename events, not an error)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'qbf-watch-'));
    roots.push(root);
    const folder = join(root, 'queue');
    const file = join(folder, 'qbittorrent_queue.json');
    mkdirSync(folder);
    writeFileSync(file, '{"magnets": []}');
    const errors: unknown[] = [];
    let changes = 0;
    stops.push(watchFile(file, async () => void changes++, { pollMs: 50, debounceMs: 10, onError: (e) => errors.push(e) }));
    await new Promise((r) => setTimeout(r, 200));
    rmSync(folder, { recursive: true, force: true });
    await new Promise((r) => setTimeout(r, 200));
    mkdirSync(folder);
    await new Promise((r) => setTimeout(r, 300));
    const before = changes;
    writeFileSync(`${file}.writing-2`, '{"magn');
    await until('the .writing- file in the new folder seen', () => changes > before);
    expect(errors).toEqual([]);
  });
});
