import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonLedger } from '../../../electron/core/ledgers/json-ledger';
import { PlacedHere } from '../../../electron/core/ledgers/placed-here';
import { randomMagnet } from '../../harness/inputs';

/**
 * How the ledgers write (json-ledger.ts through write-file-atomic, the lock's first try, placed-here's merged
 * writes): cheaper per add, with the same results on disk — what a user would find in the home.
 */

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qbf-ledger-writes-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const list = (raw: unknown): number[] => (Array.isArray(raw) ? (raw as number[]) : []);

describe('ledger writes', () => {
  it('a file that existed with mode 0644 is replaced by a 0600 one, and no temp file or lock is left beside it', async () => {
    const file = join(dir, 'l.json');
    await writeFile(file, '[1]', { mode: 0o644 });
    const l = new JsonLedger(file, list);
    for (let i = 2; i <= 5; i++) await l.update((d) => void d.push(i));
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual([1, 2, 3, 4, 5]);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['l.json']);
  });

  it('the home folder removed while the ledger is in use: the next write makes it again (0700) and succeeds', async () => {
    const home = join(dir, 'home');
    const l = new JsonLedger(join(home, 'l.json'), list);
    await l.update((d) => void d.push(1));
    await rm(home, { recursive: true, force: true });
    await l.update((d) => void d.push(2));
    expect(await l.read()).toEqual([2]);
    if (process.platform !== 'win32') expect((await stat(home)).mode & 0o777).toBe(0o700);
  });

  it('a write that cannot replace the file (its path is a folder with something in it): the update fails and no temp file is left', async () => {
    const file = join(dir, 'l.json');
    await mkdir(join(file, 'inside'), { recursive: true });
    const l = new JsonLedger(file, list);
    await expect(l.update((d) => void d.push(1))).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['l.json']);
    expect(await readdir(file)).toEqual(['inside']);
  });

  it('placed-here: 40 adds recorded at once (a burst of gateway adds) are all remembered, in the file and by a second process', async () => {
    const here = new PlacedHere(dir);
    const hashes = Array.from({ length: 40 }, () => randomMagnet().infohash);
    await Promise.all(hashes.map((h) => here.record([h.toUpperCase()])));
    const onDisk = (JSON.parse(await readFile(join(dir, 'placed-here.json'), 'utf8')) as { hashes: string[] }).hashes;
    expect(new Set(onDisk)).toEqual(new Set(hashes));
    const other = new PlacedHere(dir);
    for (const h of hashes) expect(await other.has([h])).toBe(true);
    expect(await other.has([randomMagnet().infohash])).toBe(false);
    expect(await readdir(dir)).toEqual(['placed-here.json']);
  });

  it('placed-here: a record made while a write runs is in the file once its own record resolved', async () => {
    const here = new PlacedHere(dir);
    const [a, b] = [randomMagnet().infohash, randomMagnet().infohash];
    const first = here.record([a]);
    const second = here.record([b]);
    await second;
    const onDisk = (JSON.parse(await readFile(join(dir, 'placed-here.json'), 'utf8')) as { hashes: string[] }).hashes;
    expect(onDisk).toEqual([a, b]);
    await first;
  });
});
