import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettingsInput } from '../../../shared/settings';
import { createEngine, type Engine } from '../../../electron/core/engine';
import { FileSecretStore } from '../../../electron/core/config/secret-store';
import { saveSettingsFile } from '../../../electron/core/config/settings-file';
import { listHashes } from '../../harness/direct';
import { freePort, startQbittorrent, type QbtProcess } from '../../harness/qbittorrent';
import { randomMagnet } from '../../harness/inputs';

/**
 * The add dialog's "which instance" (AddOptions.instance) against real qbittorrent-nox: the
 * magnet goes to the chosen instance even when it is not first in the routing order, it is still
 * de-duplicated across every instance, and when the chosen one is down the magnet is queued for
 * it — never placed on another instance behind the user's back.
 */

let a: QbtProcess;
let b: QbtProcess;
const dirs: string[] = [];
const engines: Engine[] = [];

async function engineWith(instances: NonNullable<SettingsInput['instances']>): Promise<{ engine: Engine; queueFile: string }> {
  const root = mkdtempSync(join(tmpdir(), 'qbf-forced-'));
  dirs.push(root);
  const home = join(root, 'home');
  const queueFile = join(root, 'qbittorrent_queue.json');
  const secrets = new FileSecretStore(home);
  await saveSettingsFile(home, { vpn: { check: 'none' }, queueFile, instances });
  for (const i of instances) await secrets.set(i.name, i.name === 'b' ? b.password : a.password);
  const engine = await createEngine({ home, secrets });
  engines.push(engine);
  return { engine, queueFile };
}

beforeAll(async () => {
  [a, b] = await Promise.all([startQbittorrent({ name: 'forced-a' }), startQbittorrent({ name: 'forced-b' })]);
});

afterAll(async () => {
  await Promise.allSettled(engines.map((e) => e.stop()));
  await Promise.allSettled([a, b].filter(Boolean).map((q) => q.dispose()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('add to a chosen instance (the add dialog)', () => {
  it('places the magnet on the chosen second instance, not on the primary', async () => {
    const { engine } = await engineWith([
      { name: 'a', url: a.url, username: a.username },
      { name: 'b', url: b.url, username: b.username },
    ]);
    const m = randomMagnet('forced to b');
    const res = await engine.add([m.magnet], { instance: 'b' });
    expect(res.results[0]).toMatchObject({ outcome: 'added', instance: 'b' });
    expect(await listHashes(b)).toContain(m.infohash);
    expect(await listHashes(a)).not.toContain(m.infohash);
  });

  it('still finds a duplicate on another instance: no second copy on the chosen one', async () => {
    const { engine } = await engineWith([
      { name: 'a', url: a.url, username: a.username },
      { name: 'b', url: b.url, username: b.username },
    ]);
    const m = randomMagnet('already on a');
    expect((await engine.add([m.magnet])).results[0]).toMatchObject({ outcome: 'added', instance: 'a' });
    const again = await engine.add([m.magnet], { instance: 'b' });
    expect(again.results[0]).toMatchObject({ outcome: 'duplicate', instance: 'a' });
    expect(await listHashes(b)).not.toContain(m.infohash);
  });

  it('a chosen instance that is down: queued for it (its reason, the choice kept), not placed on the healthy one', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const { engine, queueFile } = await engineWith([
      { name: 'a', url: a.url, username: a.username },
      { name: 'down', url: dead, username: 'admin' },
    ]);
    await engine.checkAll();
    const m = randomMagnet('forced to a dead one');
    const res = await engine.add([m.magnet], { instance: 'down' });
    expect(res.results[0]).toMatchObject({ outcome: 'queued', instance: null });
    expect(res.results[0]!.failures?.map((f) => f.instance)).toEqual(['down']);
    expect(await listHashes(a)).not.toContain(m.infohash);
    const doc = JSON.parse(readFileSync(queueFile, 'utf8')) as { magnets: string[]; qbit_failover?: { entries?: { options?: { instance?: string } }[] } };
    expect(doc.magnets.join('\n')).toContain(m.infohash);
    expect(JSON.stringify(doc.qbit_failover)).toContain('"instance":"down"');
    // A flush while it is still down keeps it queued rather than sending it to "a".
    await engine.flush();
    expect(await listHashes(a)).not.toContain(m.infohash);
    expect((await engine.queueListing()).entries.map((e) => e.infohash)).toContain(m.infohash);
  });

  it('an instance name that is not configured is refused with the reason', async () => {
    const { engine } = await engineWith([{ name: 'a', url: a.url, username: a.username }]);
    const res = await engine.add([randomMagnet('nowhere').magnet], { instance: 'nas' });
    expect(res.results[0]).toMatchObject({ outcome: 'rejected', error: { code: 'INVALID_INPUT', message: 'no instance named "nas" is configured' } });
  });
});
