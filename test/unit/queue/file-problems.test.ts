/**
 * Issue 7 item 3: queue files as Windows tools write them (a UTF-8 byte-order mark from Notepad
 * or PowerShell, CRLF line ends, UTF-16 from Windows PowerShell 5's `>`) are read normally; a
 * file that really is unreadable is reported as a typed problem, and a read-only load never
 * moves it aside.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueueReadError, QueueStore } from '../../../electron/core/queue';
import { ageFile, cleanup, hash, item, magnetOf, tempDir } from './helpers';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await tempDir();
  file = join(dir, 'qbittorrent_queue.json');
});
afterEach(async () => {
  await cleanup(dir);
});

const labels = ['win-1', 'win-2', 'win-3'];
/** The old tool's four keys, pretty-printed with CRLF line ends (Notepad's "Windows (CRLF)"). */
const crlfJson = (): string =>
  JSON.stringify(
    { saved_at: '2025-11-28T02:30:00.000000', reason: 'Both qBittorrent instances unreachable', magnets: labels.map(magnetOf), instructions: 'Run the script again.' },
    null,
    2,
  ).replace(/\n/g, '\r\n') + '\r\n';
const hashes = (entries: { infohash: string }[]): string[] => entries.map((e) => e.infohash);

describe('queue files written by Windows tools', () => {
  it('reads a UTF-8 file with a byte-order mark and CRLF (Notepad, PowerShell Set-Content -Encoding UTF8) with all its entries', async () => {
    await writeFile(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(crlfJson(), 'utf8')]));
    const q = new QueueStore({ path: file });
    const read = await q.loadDetailed();
    expect(hashes(read.entries)).toEqual(labels.map(hash));
    expect(read.warnings).toEqual([]);
    expect(q.problem()).toBeNull();
    expect((await readdir(dir)).filter((f) => f.includes('corrupt'))).toEqual([]);
  });

  it('reads a CRLF file without a byte-order mark', async () => {
    await writeFile(file, crlfJson());
    expect(hashes(await new QueueStore({ path: file }).load())).toEqual(labels.map(hash));
  });

  it('reads a UTF-16 LE file with its byte-order mark (Windows PowerShell 5 `>` / Out-File)', async () => {
    await writeFile(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(crlfJson(), 'utf16le')]));
    expect(hashes(await new QueueStore({ path: file }).load())).toEqual(labels.map(hash));
  });

  it('adds to a BOM file and keeps its entries (the rewrite is plain UTF-8)', async () => {
    await writeFile(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(crlfJson(), 'utf8')]));
    await new QueueStore({ path: file }).add([item('ours')]);
    expect(hashes(await new QueueStore({ path: file }).load())).toEqual([...labels.map(hash), hash('ours')]);
  });
});

describe('queue file problems', () => {
  it('a read-only load of a corrupt file leaves it in place and reports QUEUE_CORRUPT with movedTo null', async () => {
    await writeFile(file, '{"magnets": ["magnet:?xt=urn:btih:' + hash('x') + '"');
    await ageFile(file); // cut short long ago, not a write in progress
    const q = new QueueStore({ path: file });
    await q.load({ repair: false });
    expect(q.problem()).toMatchObject({ code: 'QUEUE_CORRUPT', movedTo: null });
    expect(q.problem()!.message).toContain(file);
    expect(await readdir(dir)).toEqual(['qbittorrent_queue.json']);
  });

  it('a write moves a corrupt file aside, says where, and keeps the magnets still legible in it', async () => {
    await writeFile(file, `{"magnets": ["${magnetOf('legible')}", "magnet:?xt=urn:bt`);
    await ageFile(file);
    const q = new QueueStore({ path: file });
    await q.add([item('new')]);
    const p = q.problem();
    expect(p).toMatchObject({ code: 'QUEUE_CORRUPT' });
    expect(p!.movedTo).toMatch(/qbittorrent_queue\.json\.corrupt-/);
    expect(existsSync(p!.movedTo!)).toBe(true);
    expect(p!.message).toContain(p!.movedTo!);
    expect(hashes(await new QueueStore({ path: file }).load())).toEqual([hash('legible'), hash('new')]);
  });

  it('a folder at the queue path is QUEUE_UNREADABLE (a QueueReadError), not an empty queue', async () => {
    await mkdir(file);
    const q = new QueueStore({ path: file });
    await expect(q.load({ repair: false })).rejects.toBeInstanceOf(QueueReadError);
    expect(q.problem()).toMatchObject({ code: 'QUEUE_UNREADABLE', movedTo: null });
    expect(q.problem()!.message).toContain(file);
  });

  it('emits `problem` when the problem appears and when it clears', async () => {
    const seen: unknown[] = [];
    const q = new QueueStore({ path: file });
    q.on('problem', (p: unknown) => seen.push(p));
    await writeFile(file, 'not json');
    await q.load({ repair: false });
    await writeFile(file, crlfJson());
    await q.load({ repair: false });
    expect(seen.map((p) => (p as { code?: string } | null)?.code ?? null)).toEqual(['QUEUE_CORRUPT', null]);
  });
});
