/** Typed failures in the queue file: kept in our block beside the old-format `reason`, updated per attempt, hostile values ignored. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueueStore } from '../../../electron/core/queue';
import type { Failure } from '../../../shared/failure';
import { cleanup, hash, item, readJson, tempDir } from './helpers';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await cleanup(dir);
});

const down: Failure[] = [
  { instance: 'primary', code: 'CONNECTION_REFUSED', message: 'connect ECONNREFUSED 127.0.0.1:8080' },
  { instance: 'secondary', code: 'VPN_DOWN', message: 'VPN down' },
];

describe('typed failures of queue entries', () => {
  it('are written in our block beside the old reason text, and read back by another store', async () => {
    const file = join(dir, 'queue.json');
    const a = new QueueStore({ path: file });
    await a.load();
    await a.add([{ ...item('one'), reason: 'primary: CONNECTION_REFUSED; secondary: VPN_DOWN', failures: down }]);
    const json = await readJson(file);
    expect(json.reason).toBe('primary: CONNECTION_REFUSED; secondary: VPN_DOWN');
    expect(json.qbit_failover.entries[0].failures).toEqual(down);
    const b = new QueueStore({ path: file });
    expect((await b.load())[0]!.failures).toEqual(down);
  });

  it("a failed attempt replaces them with that attempt's; a failure that is no instance's drops them", async () => {
    const file = join(dir, 'queue.json');
    const q = new QueueStore({ path: file });
    await q.load();
    await q.add([{ ...item('one'), failures: down }, { ...item('two'), failures: down }]);
    const timeout: Failure[] = [{ instance: 'primary', code: 'TIMEOUT', message: 'timed out after 10000 ms' }];
    await q.settle([], new Map([[hash('one'), 'primary: TIMEOUT'], [hash('two'), 'the .torrent file kept beside the queue is missing']]), new Map([[hash('one'), timeout]]));
    const [one, two] = q.entries();
    expect(one).toMatchObject({ attempts: 1, lastError: 'primary: TIMEOUT', failures: timeout });
    expect(two).toMatchObject({ attempts: 1, lastError: 'the .torrent file kept beside the queue is missing' });
    expect(two!.failures).toBeUndefined();
  });

  it('a hand-edited or foreign failures value is ignored, and the entry still loads', async () => {
    const file = join(dir, 'queue.json');
    const q = new QueueStore({ path: file });
    await q.load();
    await q.add([{ ...item('one'), failures: down }]);
    const doc = JSON.parse(await readFile(file, 'utf8')) as { qbit_failover: { entries: Record<string, unknown>[] } };
    doc.qbit_failover.entries[0]!.failures = [{ instance: 'primary', code: 42 }, 'junk'];
    await writeFile(file, JSON.stringify(doc));
    const again = await new QueueStore({ path: file }).load();
    expect(again).toHaveLength(1);
    expect(again[0]!.infohash).toBe(hash('one'));
    expect(again[0]!.failures).toBeUndefined();
  });
});
