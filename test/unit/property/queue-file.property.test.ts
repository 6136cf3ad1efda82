/**
 * Property tests of the queue file as a hostile input: whatever bytes another program leaves at
 * the queue path, reading it never throws an untyped error, a corrupt file is moved aside byte for
 * byte (never deleted), and no entry this process had accepted is lost.
 *
 * Runs: 10 000 for the pure parse + reconcile; 200 through QueueStore on disk (each run takes the
 * cross-process lock and fsyncs, and a corrupt read waits 50 ms for a half-written file: ~75 ms a run); one run each for the huge-array cases.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueStore } from '../../../electron/core/queue';
import { parseQueueFile } from '../../../electron/core/queue/file-format';
import { reconcile } from '../../../electron/core/queue/merge';
import { ageFile, cleanup, hash, item, magnetOf, tempDir } from '../queue/helpers';

const PURE_RUNS = 10_000;
const DISK_RUNS = 200;

const junk = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const magnetItem = fc.oneof(
  fc.nat(50).map((n) => magnetOf(`m${n}`)),
  fc.nat(50).map((n) => `MAGNET:?xt=urn:btih:${hash(`m${n}`).toUpperCase()}`),
  fc.constantFrom('magnet:?xt=urn:btih:ZZZZ', 'magnet:?', 'http://x', '', 'magnet:?xt=urn:btih:' + '0'.repeat(40) + '\u0000'),
  junk,
  fc.array(junk, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), junk, { maxKeys: 3 }),
);
const blockEntry = fc.oneof(
  fc.record(
    {
      id: fc.oneof(fc.uuid(), junk),
      infohash: fc.oneof(fc.nat(50).map((n) => hash(`m${n}`)), junk),
      name: junk,
      kind: fc.oneof(fc.constantFrom('magnet', 'torrent'), junk),
      magnet: fc.oneof(fc.nat(50).map((n) => magnetOf(`m${n}`)), junk),
      torrentFile: fc.oneof(fc.constantFrom('../../../../etc/passwd', '/etc/shadow', 'q.json.torrents/x.torrent', 'C:\\Windows\\x'), junk),
      queuedAt: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), junk),
      attempts: fc.oneof(fc.integer(), fc.double(), junk),
      lastError: junk,
      lastAttempt: junk,
      reason: junk,
    },
    { requiredKeys: [] },
  ),
  junk,
);
/** A queue-file-shaped object with hostile values anywhere. */
const doc = fc.record(
  {
    saved_at: fc.oneof(fc.constantFrom('2025-11-28T02:30:00.000000', '2025-13-45T99:99:99', ''), junk),
    reason: junk,
    magnets: fc.oneof(fc.array(magnetItem, { maxLength: 12 }), junk, fc.dictionary(fc.string(), junk)),
    instructions: junk,
    qbit_failover: fc.oneof(
      fc.record({ version: fc.oneof(fc.constantFrom(1, 2, 0, -1, 1.5), junk), magnetsDigest: fc.oneof(fc.stringMatching(/^[0-9a-f]{0,32}$/), junk), entries: fc.oneof(fc.array(blockEntry, { maxLength: 6 }), junk) }, { requiredKeys: [] }),
      junk,
    ),
    __proto__: fc.dictionary(fc.string({ maxLength: 8 }), junk),
    constructor: junk,
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);
/** File text: a hostile document, JSON of any value, or plain garbage. */
const fileText = fc.oneof(
  doc.map((d) => JSON.stringify(d)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 400 }),
  doc.map((d) => JSON.stringify(d)).chain((t) => fc.nat(t.length).map((n) => t.slice(0, n))), // truncated mid-write
);

describe('queue file: parse + reconcile (pure)', () => {
  it(`never throws; every result entry has a valid infohash, unique (${PURE_RUNS} runs)`, () => {
    const known = [item('k1'), item('k2')].map((i, n) => ({ ...i, id: `id${n}`, queuedAt: new Date(0).toISOString(), attempts: 0, lastError: null, lastAttempt: null }));
    fc.assert(
      fc.property(fileText, fc.boolean(), (text, withKnown) => {
        const p = parseQueueFile(text);
        const r = reconcile('corrupt' in p ? null : p, withKnown ? known : [], new Date());
        const hashes = r.entries.map((e) => e.infohash);
        expect(new Set(hashes).size).toBe(hashes.length);
        for (const h of hashes) expect(h).toMatch(/^([0-9a-f]{40}|[0-9a-f]{64})$/);
        // Entries we knew are never dropped by a foreign file.
        if (withKnown) for (const k of known) expect(hashes).toContain(k.infohash);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: PURE_RUNS },
    );
  });
});

describe('queue file on disk (QueueStore)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => {
    await cleanup(dir);
  });

  const bytes = fc.oneof(
    fileText.map((t) => Buffer.from(t, 'utf8')),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    // valid JSON with non-UTF-8 bytes inside a string
    fc.uint8Array({ minLength: 1, maxLength: 20 }).map((b) => Buffer.concat([Buffer.from('{"magnets":[],"note":"'), Buffer.from(b.map((x) => x | 0x80)), Buffer.from('"}')])),
  );

  let run = 0;
  it(`load() never throws on hostile bytes; corrupt files are moved aside intact; accepted entries survive (${DISK_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(30), { maxLength: 3 }), bytes, async (labels, content) => {
        const file = join(dir, `q${++run}`, 'queue.json');
        const store = new QueueStore({ path: file });
        const accepted = labels.length ? (await store.add(labels.map((l) => item(`a${l}`)))).added.map((e) => e.infohash) : [];
        await mkdir(join(dir, `q${run}`), { recursive: true });
        await writeFile(file, content);
        await ageFile(file); // hostile bytes left there, not a write in progress (those get ~2 s)
        const r = await store.loadDetailed(); // must not throw
        const hashes = r.entries.map((e) => e.infohash);
        for (const h of accepted) expect(hashes).toContain(h);
        const corrupt = 'corrupt' in parseQueueFile(content.toString('utf8'));
        const folder = join(dir, `q${run}`);
        const aside = (await readdir(folder)).filter((f) => f.startsWith('queue.json.corrupt-'));
        if (corrupt) {
          expect(aside).toHaveLength(1);
          expect(Buffer.compare(await readFile(join(folder, aside[0]!)), content)).toBe(0);
        } else {
          expect(aside).toHaveLength(0);
        }
        // Whatever was accepted is on disk again (repaired) and readable by a fresh process.
        if (accepted.length || existsSync(file)) {
          const fresh = await new QueueStore({ path: file }).load();
          for (const h of accepted) expect(fresh.map((e) => e.infohash)).toContain(h);
        }
      }),
      { numRuns: DISK_RUNS },
    );
  }, 180_000);

  it('a huge magnets array (200 000 junk items + 5 000 magnets) loads, keeping the junk verbatim', async () => {
    const file = join(dir, 'huge', 'queue.json');
    const magnets: unknown[] = [];
    for (let i = 0; i < 200_000; i++) magnets.push(i % 2 ? { junk: i } : `not a magnet ${i}`);
    for (let i = 0; i < 5_000; i++) magnets.push(magnetOf(`h${i}`));
    await mkdir(join(dir, 'huge'), { recursive: true });
    await writeFile(file, JSON.stringify({ magnets }));
    const store = new QueueStore({ path: file });
    const t0 = performance.now();
    const entries = await store.load();
    expect(entries).toHaveLength(5_000);
    expect(performance.now() - t0).toBeLessThan(15_000);
    await store.add([item('after-huge')]);
    const back = JSON.parse(await readFile(file, 'utf8')) as { magnets: unknown[] };
    expect(back.magnets).toHaveLength(205_001);
  }, 60_000);

  it('a queue path that is a folder gives a typed QueueReadError, not a crash', async () => {
    const file = join(dir, 'isdir', 'queue.json');
    await mkdir(file, { recursive: true });
    await expect(new QueueStore({ path: file }).load()).rejects.toMatchObject({ code: 'QUEUE_READ_FAILED' });
  });
});
