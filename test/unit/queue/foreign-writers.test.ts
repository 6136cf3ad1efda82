/** Reconciling with other writers: the old Python tool, scripts, other QueueStore instances. */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTimestamp, QueueStore } from '../../../electron/core/queue';
import { cleanup, hash, item, magnetOf, readJson, tempDir, writeOldFormat } from './helpers';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await tempDir();
  file = join(dir, 'queued_magnets.json');
});
afterEach(async () => {
  await cleanup(dir);
});

describe('reconciling with other writers', () => {
  it('adopts an old-format file, its microsecond local timestamp and base32 magnets', async () => {
    const base32 = 'magnet:?xt=urn:btih:MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U&dn=b32';
    await writeOldFormat(file, [magnetOf('old-1'), base32]);
    const q = new QueueStore({ path: file });
    const entries = await q.load();
    expect(entries.map((e) => e.infohash)).toEqual([hash('old-1'), '6162636465666768696a6b6c6d6e6f7071727374']);
    expect(entries[0]).toMatchObject({ name: 'old-1', kind: 'magnet', reason: 'Both qBittorrent instances unreachable' });
    expect(entries[0]?.queuedAt).toBe(new Date(2025, 10, 28, 2, 30, 0, 0).toISOString());
    expect(parseTimestamp('2025-11-28T02:30:00.123456')?.getTime()).toBe(new Date(2025, 10, 28, 2, 30, 0, 123).getTime());
    expect(parseTimestamp('2025-11-28T02:30:00+02:00')?.toISOString()).toBe('2025-11-28T00:30:00.000Z');
    // ids survive reloads of a foreign file, and load() wrote nothing.
    expect((await q.load())[0]?.id).toBe(entries[0]?.id);
    expect((await readJson(file)).qbit_failover).toBeUndefined();
    await q.add([item('new')]);
    const json = await readJson(file);
    expect(json.magnets).toEqual([magnetOf('old-1'), base32, magnetOf('new')]);
    expect(json.qbit_failover.entries[0].queuedAt).toBe(entries[0]?.queuedAt);
  });

  it('keeps accepted entries when a foreign program rewrites the file in the old format', async () => {
    const q = new QueueStore({ path: file });
    await q.add([item('x'), item('y')]);
    // The old tool read the file before our add of y, appended m, and wrote the four keys back.
    await writeOldFormat(file, [magnetOf('x'), magnetOf('m')]);
    const entries = await q.load();
    expect(entries.map((e) => e.name).sort()).toEqual(['m', 'x', 'y']);
    // load() repaired the file, so a crash now loses nothing either.
    expect((await readJson(file)).magnets.sort()).toEqual([magnetOf('m'), magnetOf('x'), magnetOf('y')].sort());
    await writeOldFormat(file, [magnetOf('n')]);
    await q.add([item('z')]);
    expect((await new QueueStore({ path: file }).load()).map((e) => e.name).sort()).toEqual(['m', 'n', 'x', 'y', 'z']);
  });

  it('distrusts our block when a script edited magnets and carried a stale block along', async () => {
    const q = new QueueStore({ path: file });
    await q.add([item('x')]);
    const stale = await readJson(file);
    await q.add([item('y')]);
    await writeFile(file, JSON.stringify({ ...stale, magnets: [...stale.magnets, magnetOf('m')] }));
    expect((await q.load()).map((e) => e.name).sort()).toEqual(['m', 'x', 'y']);
  });

  it('merges a file written by another QueueStore and follows its removals', async () => {
    const a = new QueueStore({ path: file });
    const b = new QueueStore({ path: file });
    await a.add([item('a1')]);
    await b.add([item('b1')]);
    await a.add([item('a2')]);
    expect(a.entries().map((e) => e.name)).toEqual(['a1', 'b1', 'a2']);
    await b.remove([hash('a1')]);
    expect((await a.load()).map((e) => e.name)).toEqual(['b1', 'a2']);
    expect(b.entries().map((e) => e.name)).toEqual(['b1', 'a2']); // its remove read a2 fresh
  });

  it('moves a corrupt file aside, warns, and keeps accepted entries', async () => {
    const q = new QueueStore({ path: file });
    await q.add([item('keep')]);
    const events: string[] = [];
    q.on('warning', (m: string) => events.push(m));
    await writeFile(file, '{"magnets": [ truncated');
    const { entries, warnings } = await q.loadDetailed();
    expect(entries.map((e) => e.name)).toEqual(['keep']);
    expect(warnings.join('\n')).toMatch(/corrupt/);
    expect(events).toEqual(warnings);
    const aside = (await readdir(dir)).filter((f) => f.startsWith('queued_magnets.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(dir, aside[0]!), 'utf8')).toBe('{"magnets": [ truncated');
    expect((await readJson(file)).magnets).toEqual([magnetOf('keep')]);
    await writeFile(file, '["a list, not an object"]');
    expect((await q.loadDetailed()).warnings.join()).toMatch(/not a JSON object/);
    expect((await readdir(dir)).filter((f) => f.includes('.corrupt-'))).toHaveLength(2);
  });

  it('keeps an unparsable magnets item verbatim and warns once', async () => {
    await writeOldFormat(file, ['not a magnet', magnetOf('ok'), 42]);
    const q = new QueueStore({ path: file });
    const warnings: string[] = [];
    q.on('warning', (m: string) => warnings.push(m));
    expect((await q.load()).map((e) => e.name)).toEqual(['ok']);
    await q.load();
    expect(warnings).toHaveLength(2);
    await q.add([item('new')]);
    expect((await readJson(file)).magnets).toEqual([magnetOf('ok'), magnetOf('new'), 'not a magnet', 42]);
  });
});
