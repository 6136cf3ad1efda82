import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonLedger } from '../../../electron/core/ledgers/json-ledger';

/** The locked JSON ledger helper: read-modify-write under an in-process queue and a cross-process lock. */

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qbf-ledger-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const counter = (raw: unknown): { n: number } =>
  raw && typeof raw === 'object' && typeof (raw as { n?: unknown }).n === 'number' ? (raw as { n: number }) : { n: 0 };

describe('JsonLedger', () => {
  it('two ledgers on one file, 2 × 50 increments at once: none is lost', async () => {
    const file = join(dir, 'sub', 'count.json');
    const a = new JsonLedger(file, counter);
    const b = new JsonLedger(file, counter);
    await Promise.all([
      ...Array.from({ length: 50 }, () => a.update((d) => void d.n++)),
      ...Array.from({ length: 50 }, () => b.update((d) => void d.n++)),
    ]);
    expect((await a.read()).n).toBe(100);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 'sub'))).toEqual(['count.json']); // no lock left behind
  });

  it('a failing update writes nothing and does not block the next one', async () => {
    const file = join(dir, 'count.json');
    const l = new JsonLedger(file, counter);
    await l.update((d) => void (d.n = 1));
    await expect(
      l.update((d) => {
        d.n = 99;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await l.read()).n).toBe(1);
    expect(await l.update((d) => ++d.n)).toBe(2);
  });

  it('a file that is not JSON reads as the decoder\'s empty value', async () => {
    const file = join(dir, 'count.json');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, '{"n": 4'); // cut mid-write by a foreign program
    expect((await new JsonLedger(file, counter).read()).n).toBe(0);
  });
});
