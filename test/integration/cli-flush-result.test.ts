import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listHashes, waitForHashes } from '../harness/direct';
import { assertCliBuilt, legacyEnv, makeSandbox, readJson, writeOldQueueFile, type CliResult, type Sandbox } from '../harness/cli';
import { randomMagnet } from '../harness/inputs';
import { freePort, startQbittorrent, type QbtProcess } from '../harness/qbittorrent';

/**
 * `qbit-failover flush` ends with one line saying where the queue went, per instance, and what
 * is left — the words the dashboard shows ("2 → primary, 1 → secondary, 0 left") — on real
 * qbittorrent-nox servers.
 */

let a: QbtProcess;
let b: QbtProcess;
const sandboxes: Sandbox[] = [];

function sandbox(): Sandbox {
  const s = makeSandbox('flush-result');
  sandboxes.push(s);
  return s;
}

function expectExit(r: CliResult, code: number): void {
  expect(r.code, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);
}

beforeAll(async () => {
  assertCliBuilt();
  [a, b] = await Promise.all([startQbittorrent({ name: 'flushres-a', role: 'primary' }), startQbittorrent({ name: 'flushres-b' })]);
});

afterAll(async () => {
  await Promise.allSettled([a, b].filter(Boolean).map((q) => q.dispose()));
  for (const s of sandboxes) s.dispose();
});

describe('flush result per instance', () => {
  it('prints "[FLUSHED] 2 → primary, 1 → secondary, 0 left" when one queued magnet was already on the secondary', async () => {
    const s = sandbox();
    const [m1, m2, m3] = [randomMagnet('flush result one'), randomMagnet('flush result two'), randomMagnet('already on secondary')];
    // m3 is on the secondary before the flush (another program put it there): it counts as placed there.
    const onB = await sandbox().run(['add', m3.magnet], legacyEnv(b));
    expectExit(onB, 0);
    await waitForHashes(b, [m3.infohash]);
    writeOldQueueFile(s.queueFile, [m1.magnet, m2.magnet, m3.magnet]);

    const f = await s.run(['flush'], legacyEnv(a, b));
    expectExit(f, 0);
    expect(f.stdout).toContain('[FLUSHED] 2 → primary, 1 → secondary, 0 left');
    expect(f.stdout).toContain('[RESULT] placed=3 remaining=0 queue=0');
    await waitForHashes(a, [m1.infohash, m2.infohash]);
    expect(await listHashes(a)).not.toContain(m3.infohash);
    expect(readJson<{ magnets: string[] }>(s.queueFile).magnets).toEqual([]);
  });

  it('says "0 placed, 1 left" when no instance is reachable', async () => {
    const s = sandbox();
    const m = randomMagnet('stays queued');
    writeOldQueueFile(s.queueFile, [m.magnet]);
    const [p1, p2] = [await freePort(), await freePort()];
    const dead = legacyEnv({ url: `http://127.0.0.1:${p1}`, username: 'admin', password: 'adminadmin' }, { url: `http://127.0.0.1:${p2}` });
    const f = await s.run(['flush'], dead);
    expectExit(f, 3);
    expect(f.stdout).toContain('[FLUSHED] 0 placed, 1 left');
    expect(f.stdout).toContain(`[QUEUED] stays queued (${m.infohash})`);
  });
});
