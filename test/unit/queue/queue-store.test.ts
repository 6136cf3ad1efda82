/** QueueStore basics on real files: round-trip, payloads, failures, and batch timings. */
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { magnetForPayload, QueueStore, QueueWriteError, toEntryView } from '../../../electron/core/queue';
import { cleanup, hash, item, magnetOf, readJson, tempDir } from './helpers';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await cleanup(dir);
});

describe('QueueStore', () => {
  it('round-trips entries through the file in the old keys and our block', async () => {
    const file = join(dir, 'nested', 'queue.json');
    const a = new QueueStore({ path: file });
    expect(await a.load()).toEqual([]);
    await expect(stat(file)).rejects.toThrow(); // load creates nothing
    const { added, existing } = await a.add([item('one'), item('two'), item('one')]);
    expect(added.map((e) => e.name)).toEqual(['one', 'two']);
    expect(existing.map((e) => e.name)).toEqual(['one']);
    const again = await a.add([item('two')]);
    expect(again.added).toEqual([]);
    expect(again.existing[0]?.id).toBe(added[1]?.id);

    const json = await readJson(file);
    expect(json.magnets).toEqual([magnetOf('one'), magnetOf('two')]);
    expect(json.reason).toBe('Both qBittorrent instances unreachable');
    expect(Number.isNaN(Date.parse(json.saved_at))).toBe(false);
    expect(json.instructions).toMatch(/qbit-failover flush/);
    expect(json.qbit_failover.version).toBe(1);

    const b = new QueueStore({ path: file });
    const loaded = await b.load();
    expect(loaded).toEqual(a.entries());
    expect(loaded[0]).toMatchObject({ infohash: hash('one'), kind: 'magnet', attempts: 0, lastError: null });
    expect(Object.keys(toEntryView(loaded[0]!)).sort()).toEqual(
      ['attempts', 'failures', 'id', 'infohash', 'kind', 'lastAttempt', 'lastError', 'magnet', 'name', 'queuedAt', 'reason'],
    );
  });

  it('records attempts and removes entries', async () => {
    const file = join(dir, 'queue.json');
    const q = new QueueStore({ path: file });
    await q.add([item('a'), item('b')]);
    await q.recordAttempt([hash('a')], 'Timeout');
    await q.recordAttempt([hash('a')], 'Unreachable');
    const fresh = await new QueueStore({ path: file }).load();
    expect(fresh[0]).toMatchObject({ attempts: 2, lastError: 'Unreachable' });
    expect(fresh[0]?.lastAttempt).not.toBeNull();
    expect(fresh[1]).toMatchObject({ attempts: 0, lastError: null });
    const removed = await q.remove([hash('a').toUpperCase()]);
    expect(removed.map((e) => e.name)).toEqual(['a']);
    expect((await readJson(file)).magnets).toEqual([magnetOf('b')]);
  });

  it('keeps a .torrent payload beside the queue file and deletes it on removal', async () => {
    const file = join(dir, 'queue.json');
    const q = new QueueStore({ path: file });
    const bytes = new Uint8Array([100, 52, 58, 105, 110, 102, 111, 100, 101, 101]);
    const v2 = 'ab'.repeat(32);
    const [entry] = (await q.add([
      { infohash: v2, name: 'big file', kind: 'torrent', magnet: magnetForPayload(v2, 'big file'), torrent: bytes, reason: 'down' },
    ])).added;
    expect(entry?.torrentFile).toBe(join('queue.json.torrents', `${v2}.torrent`));
    expect(await readdir(join(dir, 'queue.json.torrents'))).toEqual([`${v2}.torrent`]);
    expect((await readJson(file)).magnets).toEqual([`magnet:?xt=urn:btmh:1220${v2}&dn=big%20file`]);
    const other = new QueueStore({ path: file });
    const [loaded] = await other.load();
    expect(await other.readTorrent(loaded!)).toEqual(bytes);
    await other.remove([v2]);
    expect(await readdir(join(dir, 'queue.json.torrents'))).toEqual([]);
    expect(magnetForPayload(hash('x'), 'a b&c')).toBe(`magnet:?xt=urn:btih:${hash('x')}&dn=a%20b%26c`);
  });

  it('throws QueueWriteError on an unwritable path and claims nothing', async () => {
    await writeFile(join(dir, 'plain-file'), 'x');
    const q = new QueueStore({ path: join(dir, 'plain-file', 'queue.json') }); // ENOTDIR, even as root
    await expect(q.add([item('lost')])).rejects.toBeInstanceOf(QueueWriteError);
    await expect(q.add([item('lost')])).rejects.toMatchObject({ code: 'QUEUE_WRITE_FAILED' });
    expect(q.entries()).toEqual([]);
  });

  it('rolls back when the payload cannot be written', async () => {
    const file = join(dir, 'queue.json');
    const q = new QueueStore({ path: file });
    await q.add([item('kept')]);
    await writeFile(join(dir, 'queue.json.torrents'), 'not a folder');
    const ih = hash('t');
    await expect(q.add([
      item('m'),
      { infohash: ih, name: 't', kind: 'torrent', magnet: magnetForPayload(ih, 't'), torrent: new Uint8Array([1]), reason: 'r' },
    ])).rejects.toBeInstanceOf(QueueWriteError);
    expect(q.entries().map((e) => e.name)).toEqual(['kept']);
    expect((await readJson(file)).magnets).toEqual([magnetOf('kept')]);
  });

  // How fast this is at 10 000 and 100 000 entries is a row of `npm run bench`, not a test limit.
  it('adds and removes 1 000 entries in one write each; another store reads 10 000 and appends one', async () => {
    const file = join(dir, 'queue.json');
    const q = new QueueStore({ path: file });
    let changes = 0;
    q.on('change', () => changes++);
    const items = Array.from({ length: 1000 }, (_, n) => item(`bulk-${n}`));
    await q.add(items);
    expect(changes).toBe(1);
    await q.remove(items.map((i) => i.infohash));
    expect(changes).toBe(2);
    expect(q.entries()).toEqual([]);

    const many = Array.from({ length: 10_000 }, (_, n) => item(`many-${n}`));
    await q.add(many);
    const other = new QueueStore({ path: file });
    expect((await other.load()).length).toBe(10_000);
    await other.add([item('one more')]);
    const magnets = (await readJson(file)).magnets;
    expect(magnets).toHaveLength(10_001);
    expect(magnets[0]).toBe(magnetOf('many-0'));
    expect(magnets[10_000]).toBe(magnetOf('one more'));
  });

});
