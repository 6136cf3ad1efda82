/**
 * Issue 7 item 2: the queue file cannot be the only durable copy of an entry we reported
 * queued. Every process reads the journal beside it (`<queue>.journal`), so a foreign rewrite
 * — stale, torn, any number of them — loses nothing we accepted, even in a process that never
 * saw the entry (a short-lived CLI `add` accepted it and exited).
 */
import { spawn } from 'node:child_process';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueueStore } from '../../../electron/core/queue';
import { ageFile, cleanup, hash, item, magnetOf, readJson, tempDir, writeOldFormat } from './helpers';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await tempDir();
  file = join(dir, 'qbittorrent_queue.json');
});
afterEach(async () => {
  await cleanup(dir);
});

const hashes = (entries: { infohash: string }[]): string[] => entries.map((e) => e.infohash).sort();
const fileHashes = async (): Promise<string[]> =>
  ((await readJson(file)).magnets as string[]).map((m) => /btih:([0-9a-f]{40})/.exec(m)![1]!).sort();

describe('queue journal', () => {
  it('a stale foreign rewrite cannot lose an entry another process accepted and forgot', async () => {
    await writeOldFormat(file, [magnetOf('script-1')]);
    // A CLI `add`: accepts two magnets and exits (its memory is gone).
    await new QueueStore({ path: file }).add([item('cli-1'), item('cli-2')]);
    // The old tool writes from the read it made before: only its own magnets.
    await writeOldFormat(file, [magnetOf('script-1'), magnetOf('script-2')]);
    // Another process that never saw cli-1/cli-2 (a new `watch`, a `flush`).
    const later = new QueueStore({ path: file });
    const entries = await later.load();
    expect(hashes(entries)).toEqual([hash('cli-1'), hash('cli-2'), hash('script-1'), hash('script-2')].sort());
    // ...and the file itself is repaired for old readers, in the old tool's format.
    expect(await fileHashes()).toEqual(hashes(entries));
    expect(entries.find((e) => e.infohash === hash('cli-1'))).toMatchObject({ name: 'cli-1', reason: 'Both qBittorrent instances unreachable' });
  });

  it('survives any number of foreign rewrites, torn or deleted, in fresh processes each time', async () => {
    const accepted: string[] = [];
    for (let round = 0; round < 20; round++) {
      await new QueueStore({ path: file }).add([item(`ours-${round}`)]);
      accepted.push(hash(`ours-${round}`));
      if (round % 3 === 0) await writeOldFormat(file, [magnetOf(`script-${round}`)]);
      else if (round % 3 === 1) await writeFile(file, '{"saved_at": "2025-11-28T02:30:00", "magnets": ["magnet:?xt=urn:b');
      else await writeFile(file, '');
      if (round % 3 !== 0) await ageFile(file); // torn long ago, not a write in progress
    }
    const entries = await new QueueStore({ path: file }).load();
    for (const h of accepted) expect(hashes(entries)).toContain(h);
  });

  it('forgets an entry only through remove(): a rewrite that drops it does not, remove() does for every process', async () => {
    const a = new QueueStore({ path: file });
    await a.add([item('keep'), item('gone')]);
    await writeOldFormat(file, []);
    expect(hashes(await new QueueStore({ path: file }).load())).toEqual([hash('gone'), hash('keep')].sort());
    await new QueueStore({ path: file }).remove([hash('gone')]);
    // `a` still remembers `gone` in memory; the journal says it was removed: not resurrected.
    await writeOldFormat(file, [magnetOf('keep')]);
    expect(hashes(await a.load())).toEqual([hash('keep')]);
    expect(hashes(await new QueueStore({ path: file }).load())).toEqual([hash('keep')]);
  });

  it('skips a torn last journal line (a crash mid-append) and appends on a fresh line after it', async () => {
    await new QueueStore({ path: file }).add([item('before-crash')]);
    await appendFile(`${file}.journal`, '{"op":"add","entry":{"id":"x","infohash":"');
    const warnings: string[] = [];
    const s = new QueueStore({ path: file });
    s.on('warning', (w: string) => warnings.push(w));
    expect(hashes(await s.load())).toEqual([hash('before-crash')]);
    await s.add([item('after-crash')]);
    await writeOldFormat(file, []);
    expect(hashes(await new QueueStore({ path: file }).load())).toEqual([hash('after-crash'), hash('before-crash')].sort());
    expect(warnings.join('\n')).toMatch(/1 unreadable line/);
  });

  it('compacts the journal under the lock once removals pile up, keeping every live entry', async () => {
    const s = new QueueStore({ path: file });
    await s.add([item('stays')]);
    for (let n = 0; n < 400; n++) {
      await s.add([item(`churn-${n}`)]);
      await s.remove([hash(`churn-${n}`)]);
    }
    const lines = (await readFile(`${file}.journal`, 'utf8')).split('\n').filter(Boolean).length;
    expect(lines).toBeLessThan(600);
    await writeOldFormat(file, []);
    expect(hashes(await new QueueStore({ path: file }).load())).toEqual([hash('stays')]);
  });

  it('an entry add() resolved for survives a SIGKILL of that process and a rewrite that drops it', async () => {
    const child = fileURLToPath(new URL('./fixtures/child-add.ts', import.meta.url));
    const proc = spawn(process.execPath, ['--import', 'tsx', child, file, 'killed', '5', 'hang'], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      proc.stdout.on('data', (d: Buffer) => d.toString().includes('added') && resolve());
      proc.once('exit', (code) => reject(new Error(`child exited ${code} before adding`)));
    });
    proc.kill('SIGKILL');
    await new Promise((r) => proc.once('exit', r));
    await writeOldFormat(file, []);
    expect(hashes(await new QueueStore({ path: file }).load())).toEqual(Array.from({ length: 5 }, (_, n) => hash(`killed-${n}`)).sort());
  });
});
