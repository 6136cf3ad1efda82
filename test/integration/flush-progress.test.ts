import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettingsInput } from '../../shared/settings';
import type { EngineEvent, FlushProgress } from '../../shared/model';
import { flushResultText } from '../../shared/flush-result';
import { createEngine, type Engine } from '../../electron/core/engine';
import { FileSecretStore } from '../../electron/core/config/secret-store';
import { saveSettingsFile } from '../../electron/core/config/settings-file';
import { waitForHashes } from '../harness/direct';
import { freePort, startQbittorrent, type QbtProcess } from '../harness/qbittorrent';
import { randomMagnet } from '../harness/inputs';

/**
 * A flush tells where it stands as it goes — the `flushProgress` events the dashboard shows as
 * "placed n of m" and, at the end, "2 → a, 1 → b, 0 left" — on real qbittorrent-nox servers.
 */

let a: QbtProcess;
let b: QbtProcess;
const dirs: string[] = [];
const engines: Engine[] = [];

type InstanceInput = NonNullable<SettingsInput['instances']>[number];

async function engineWith(instances: InstanceInput[], queueFile?: string): Promise<{ engine: Engine; queueFile: string }> {
  const root = mkdtempSync(join(tmpdir(), 'qbf-flushprog-'));
  dirs.push(root);
  const home = join(root, 'home');
  const file = queueFile ?? join(root, 'qbittorrent_queue.json');
  const secrets = new FileSecretStore(home);
  await saveSettingsFile(home, { vpn: { check: 'none' }, queueFile: file, instances });
  for (const i of instances) await secrets.set(i.name, i.name === 'b' ? b.password : a.password);
  const engine = await createEngine({ home, secrets });
  engines.push(engine);
  return { engine, queueFile: file };
}

const inst = (name: 'a' | 'b', q: QbtProcess): InstanceInput => ({ name, url: q.url, username: q.username });

beforeAll(async () => {
  [a, b] = await Promise.all([startQbittorrent({ name: 'flushprog-a' }), startQbittorrent({ name: 'flushprog-b' })]);
});

afterAll(async () => {
  await Promise.allSettled(engines.map((e) => e.stop()));
  await Promise.allSettled([a, b].filter(Boolean).map((q) => q.dispose()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('flush progress', () => {
  it('reports placed 0 of 3 at the start, then per instance, and ends with "2 → a, 1 → b, 0 left"', async () => {
    const [m1, m2, m3] = [randomMagnet('progress one'), randomMagnet('progress two'), randomMagnet('progress on b')];
    // m3 is on b already (another program put it there): the flush finds it there.
    const onlyB = await engineWith([inst('b', b)]);
    await onlyB.engine.checkAll();
    expect((await onlyB.engine.add([m3.magnet])).results[0]!.outcome).toBe('added');
    await waitForHashes(b, [m3.infohash]);

    const down = await engineWith([{ name: 'a', url: `http://127.0.0.1:${await freePort()}`, username: 'admin' }]);
    expect((await down.engine.add([m1.magnet, m2.magnet, m3.magnet])).summary.queued).toBe(3);

    const up = await engineWith([inst('a', a), inst('b', b)], down.queueFile);
    await up.engine.checkAll();
    const seen: FlushProgress[] = [];
    up.engine.on('event', (e: EngineEvent) => {
      if (e.type === 'flushProgress') seen.push(e.progress);
    });
    const res = await up.engine.flush();
    expect(res.placed).toHaveLength(3);

    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen[0]).toMatchObject({ total: 3, placed: 0, done: false });
    expect(new Set(seen.map((p) => p.flushId)).size).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.placed).toBeGreaterThanOrEqual(seen[i - 1]!.placed);
    expect(seen.filter((p) => p.done)).toHaveLength(1);
    const last = seen[seen.length - 1]!;
    expect(last).toMatchObject({ total: 3, placed: 3, left: 0, done: true });
    expect(flushResultText(last.perInstance, last.left)).toBe('2 → a, 1 → b, 0 left');
  });

  it('a flush with nothing placeable ends with "0 placed, 2 left"', async () => {
    const [m1, m2] = [randomMagnet('left one'), randomMagnet('left two')];
    const dead = `http://127.0.0.1:${await freePort()}`;
    const down = await engineWith([{ name: 'a', url: dead, username: 'admin' }]);
    await down.engine.add([m1.magnet, m2.magnet]);
    const seen: FlushProgress[] = [];
    down.engine.on('event', (e: EngineEvent) => {
      if (e.type === 'flushProgress') seen.push(e.progress);
    });
    const res = await down.engine.flush();
    expect(res.remaining).toHaveLength(2);
    const last = seen[seen.length - 1]!;
    expect(last).toMatchObject({ total: 2, placed: 0, left: 2, done: true });
    expect(flushResultText(last.perInstance, last.left)).toBe('0 placed, 2 left');
  });
});
