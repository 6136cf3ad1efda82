/** Concurrent writers on one file (same process, another process) and the file watcher. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueueStore, type QueueEntry } from '../../../electron/core/queue';
import { cleanup, item, magnetOf, tempDir, writeOldFormat } from './helpers';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await tempDir();
  file = join(dir, 'queue.json');
});
afterEach(async () => {
  await cleanup(dir);
});

const child = fileURLToPath(new URL('./fixtures/child-add.ts', import.meta.url));

describe('concurrent writers', () => {
  it('keeps all entries when two instances add at once (50 each)', async () => {
    const a = new QueueStore({ path: file });
    const b = new QueueStore({ path: file });
    await Promise.all([
      ...Array.from({ length: 50 }, (_, n) => a.add([item(`a-${n}`)])),
      ...Array.from({ length: 50 }, (_, n) => b.add([item(`b-${n}`)])),
    ]);
    const all = await new QueueStore({ path: file }).load();
    expect(all).toHaveLength(100);
    expect(new Set(all.map((e) => e.infohash)).size).toBe(100);
  });

  it('keeps all entries when another process adds at the same time', async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, file, 'child', '40'], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((res) => proc.on('exit', (code) => res(code)));
    const q = new QueueStore({ path: file });
    // Start once the child has written, so the two really overlap.
    for (let i = 0; i < 200 && (await q.load()).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    for (let n = 0; n < 40; n++) await q.add([item(`parent-${n}`)]);
    expect(await exited, stderr).toBe(0);
    const names = (await new QueueStore({ path: file }).load()).map((e) => e.name);
    expect(names).toHaveLength(80);
    for (let n = 0; n < 40; n++) expect(names).toContain(`child-${n}`);
    for (let n = 0; n < 40; n++) expect(names).toContain(`parent-${n}`);
  }, 30_000);

  it('watch() picks up a foreign write within 2 s', async () => {
    const q = new QueueStore({ path: file });
    await q.add([item('mine')]);
    const stop = q.watch();
    try {
      const seen = new Promise<QueueEntry[]>((res) => {
        q.on('change', (entries: QueueEntry[]) => {
          if (entries.some((e) => e.name === 'foreign')) res(entries);
        });
      });
      const t = Date.now();
      await writeOldFormat(file, [magnetOf('foreign')]);
      const entries = await Promise.race([
        seen,
        new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no change within 2 s')), 2000)),
      ]);
      console.log(`watch: foreign write seen after ${Date.now() - t} ms`);
      expect(entries.map((e) => e.name).sort()).toEqual(['foreign', 'mine']);
    } finally {
      stop();
    }
  });
});
