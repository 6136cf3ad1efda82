/**
 * What the engine sends to shells, from its own stores, with a REAL engine whose one instance
 * points at a closed loopback port (every connection is refused, so inputs are queued):
 * - a snapshot carries the queue in numbers, not 10 000 entries, so a health change stays small;
 * - the entries go out once per change as a `queue` event (and `getQueue`), activity as
 *   `activity` events (and `getActivity`);
 * - a queued input carries its typed failures, in the add result, in our block of the queue file
 *   (beside the old-format `reason` text), after a reload, and after a failed flush attempt.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiBackend } from '../../../electron/core/api';
import { FileSecretStore } from '../../../electron/core/config/secret-store';
import { createEngine, type Engine } from '../../../electron/core/engine';
import type { EngineEvent } from '../../../shared/model';
import { randomMagnet } from '../../harness/inputs';
import { freePort } from '../../harness/qbittorrent';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A started engine with instance `nas` on a closed loopback port, and its event log. */
async function setup(): Promise<{ engine: Engine; queueFile: string; home: string; events: EngineEvent[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'qbf-engine-events-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const home = join(dir, 'home');
  const queueFile = join(dir, 'queue.json');
  const port = await freePort(); // nothing listens: connection refused
  await mkdir(home, { recursive: true });
  await writeFile(
    join(home, 'config.json'),
    JSON.stringify({ version: 1, instances: [{ name: 'nas', url: `http://127.0.0.1:${port}` }], queueFile, vpn: { check: 'none' } }),
  );
  const engine = await createEngine({ home, secrets: new FileSecretStore(home) });
  cleanups.push(() => engine.stop());
  await engine.setPassword('nas', 'not-sent-anywhere'); // else NO_PASSWORD: no connection is tried
  const events: EngineEvent[] = [];
  createApiBackend(engine).subscribe((e) => events.push(e));
  await engine.start();
  return { engine, queueFile, home, events };
}

/** Resolves with the first event in `events` (now or later) that `pred` accepts; rejects after 10 s (a hang, not a timing check). */
async function eventMatching(events: EngineEvent[], pred: (e: EngineEvent) => boolean): Promise<EngineEvent> {
  for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((r) => setTimeout(r, 10))) {
    const hit = events.find(pred);
    if (hit) return hit;
  }
  throw new Error(`no matching event; got ${events.map((e) => e.type).join(', ')}`);
}

describe('engine events: each store sends its own', () => {
  it('with 10 000 queued entries a snapshot stays small; the entries go out once as a queue event', async () => {
    const { engine, events } = await setup();
    const magnets = Array.from({ length: 10_000 }, (_, i) => randomMagnet(`bulk ${i}`));
    const res = await engine.add(magnets.map((m) => m.magnet));
    expect(res.summary.queued).toBe(10_000);
    const last = await eventMatching(events, (e) => e.type === 'queue' && e.queue.entries.length === 10_000);

    const snapshot = engine.snapshot();
    expect(snapshot.queue).toMatchObject({ length: 10_000 });
    const bytes = Buffer.byteLength(JSON.stringify(snapshot));
    console.log(`snapshot with 10 000 queued: ${bytes} bytes; queue listing: ${Buffer.byteLength(JSON.stringify(engine.queueListing()))} bytes`);
    expect(bytes).toBeLessThan(4_096);
    expect(engine.queueListing().entries.map((e) => e.infohash)).toEqual(magnets.map((m) => m.infohash));

    expect(last.type === 'queue' && last.queue.revision).toBe(engine.snapshot().queue.revision);

    // A health change (Check now) sends a snapshot, and no queue entries at all (a queue event
    // would go out in the same batch, before the snapshot).
    events.length = 0;
    await engine.checkAll();
    await eventMatching(events, (e) => e.type === 'snapshot');
    expect(events.filter((e) => e.type === 'queue')).toEqual([]);
    for (const e of events) expect(Buffer.byteLength(JSON.stringify(e))).toBeLessThan(4_096);
  });

  it('moving the queue to another (empty) file in the settings shows that queue: length 0, and a queue event with no entries', async () => {
    const { engine, events } = await setup();
    await engine.add([randomMagnet('left behind').magnet]);
    expect(engine.snapshot().queue.length).toBe(1);
    const elsewhere = join(engine.paths().home, 'other-queue.json');
    events.length = 0;
    await engine.saveSettings({ ...engine.currentSettings(), queueFile: elsewhere });
    expect(engine.snapshot()).toMatchObject({ queueFile: elsewhere, queue: { length: 0 } });
    expect(engine.queueListing().entries).toEqual([]);
    await eventMatching(events, (e) => e.type === 'queue' && e.queue.entries.length === 0);
  });

  it('activity items go out as events and are listed newest first by getActivity', async () => {
    const { engine, events } = await setup();
    const m = randomMagnet('activity one');
    await engine.add([m.magnet]);
    const event = await eventMatching(events, (e) => e.type === 'activity' && e.item.kind === 'queue' && e.item.message.includes('activity one'));
    const queued = event.type === 'activity' ? event.item : null;
    const listed = await createApiBackend(engine).call('getActivity', {});
    expect(listed[0]!.id).toBe(Math.max(...listed.map((i) => i.id)));
    expect(listed.map((i) => i.id)).toContain(queued!.id);
    expect('activity' in engine.snapshot()).toBe(false);
  });
});

describe('typed failures end to end', () => {
  it('a queued add carries {instance, code, message}; the queue file keeps the old reason text and our typed list; a reload and a flush keep it typed', async () => {
    const { engine, queueFile, home } = await setup();
    const m = randomMagnet('typed: TIMEOUT in the name');
    const res = await engine.add([m.magnet]);
    const r = res.results[0]!;
    expect(r.outcome).toBe('queued');
    expect(r.failures).toEqual([{ instance: 'nas', code: 'CONNECTION_REFUSED', message: expect.any(String) }]);
    expect(r.reason).toBe('nas: CONNECTION_REFUSED');

    const doc = JSON.parse(await readFile(queueFile, 'utf8')) as { reason: string; magnets: string[]; qbit_failover: { entries: { failures?: unknown }[] } };
    expect(doc.reason).toBe('nas: CONNECTION_REFUSED'); // old readers
    expect(doc.magnets).toEqual([m.magnet]);
    expect(doc.qbit_failover.entries[0]!.failures).toEqual(r.failures);

    // Another process (a fresh engine) reads the typed list back from the file.
    const again = await createEngine({ home, secrets: new FileSecretStore(home) });
    cleanups.push(() => again.stop());
    expect(again.queueListing().entries[0]!.failures).toEqual(r.failures);

    // A failed flush attempt records that attempt's typed failures.
    const flushed = await engine.flush();
    expect(flushed.remaining).toHaveLength(1);
    const entry = engine.queueListing().entries[0]!;
    expect(entry.attempts).toBe(1);
    expect(entry.failures).toEqual([{ instance: 'nas', code: 'CONNECTION_REFUSED', message: expect.any(String) }]);
    expect(entry.lastError).toBe('nas: CONNECTION_REFUSED');
  });
});
