import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listHashes, waitForHashes } from '../harness/direct';
import { assertCliBuilt, legacyEnv, makeSandbox, spawnCli, type CliResult, type Sandbox } from '../harness/cli';
import { randomMagnet } from '../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../harness/qbittorrent';

/**
 * The health record shared between a daemon and one-shot CLI runs (`<home>/health.json`,
 * electron/core/fleet/health-record.ts): `watch` writes what its probes learn; a CLI `add`
 * takes a fresh (< 60 s) TIMEOUT / CONNECTION_REFUSED from it instead of waiting for that
 * instance's connect timeout again. Real `qbit-failover` CLI, real qbittorrent-nox.
 */

let primary: QbtProcess;
let secondary: QbtProcess;
const sandboxes: Sandbox[] = [];

function sandbox(): Sandbox {
  const s = makeSandbox('health-record');
  sandboxes.push(s);
  return s;
}

function expectExit(r: CliResult, code: number): void {
  expect(r.code, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);
}

/** Writes a record as a daemon would, `ageMs` old, saying `primary` has `status`. */
function writeRecord(s: Sandbox, status: string, ageMs: number, url = primary.url): void {
  const checkedAt = new Date(Date.now() - ageMs).toISOString();
  const rec = {
    version: 1,
    writtenAt: checkedAt,
    pid: 1,
    instances: {
      primary: { url, status, error: 'primary did not answer the health check within 4000 ms', checkedAt },
      secondary: { url: secondary.url, status: 'OK', error: null, checkedAt },
    },
  };
  writeFileSync(join(s.home, 'health.json'), JSON.stringify(rec));
}

function readRecord(s: Sandbox): { instances: Record<string, { url: string; status: string }> } | null {
  const file = join(s.home, 'health.json');
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { instances: Record<string, { url: string; status: string }> };
  } catch {
    return null;
  }
}

async function until<T>(what: string, fn: () => T | null | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  assertCliBuilt();
  [primary, secondary] = await Promise.all([startQbittorrent({ name: 'hr-primary', role: 'primary' }), startQbittorrent({ name: 'hr-secondary' })]);
});

afterAll(async () => {
  await Promise.allSettled([primary, secondary].filter(Boolean).map((q) => q.dispose()));
  for (const s of sandboxes) s.dispose();
});

describe('health record shared by a daemon', () => {
  it('a CLI add takes a fresh "primary TIMEOUT" from the record: it goes to the secondary without asking the primary, and says why', async () => {
    const s = sandbox();
    writeRecord(s, 'TIMEOUT', 5_000);
    const m = randomMagnet();
    const r = await s.run(['add', m.magnet], legacyEnv(primary, secondary, 'up'));
    expectExit(r, 0);
    expect(r.stdout).toMatch(/primary .*: TIMEOUT.*recorded by a running qbit-failover \d+ s ago/);
    expect(r.stdout).toMatch(new RegExp(`\\[ADDED\\] .*${m.infohash}.* → secondary`));
    await waitForHashes(secondary, [m.infohash], 5_000);
    expect(await listHashes(primary)).not.toContain(m.infohash);
  });

  it('a record older than 60 s, or made for another address, is ignored: the primary is probed and takes the add', async () => {
    for (const [age, url] of [[61_000, undefined], [1_000, 'http://127.0.0.1:9']] as const) {
      const s = sandbox();
      writeRecord(s, 'CONNECTION_REFUSED', age, url);
      const m = randomMagnet();
      const r = await s.run(['add', m.magnet], legacyEnv(primary, secondary, 'up'));
      expectExit(r, 0);
      expect(r.stdout).not.toMatch(/recorded by a running/);
      expect(r.stdout).toMatch(new RegExp(`\\[ADDED\\] .*${m.infohash}.* → primary`));
    }
  });

  it('without a record, a CLI add gives a frozen primary the connect timeout (as the duplicate check does), then places on the secondary', async () => {
    const s = sandbox();
    const m = randomMagnet();
    primary.freeze();
    let r: CliResult;
    try {
      r = await s.run(['add', m.magnet], legacyEnv(primary, secondary, 'up'));
    } finally {
      primary.thaw();
    }
    expectExit(r, 0);
    // The default connect timeout is 3 s; `status` and the daemons' polls keep connect timeout + 1 s.
    expect(r.stdout).toMatch(/\[HEALTH\] primary .*: TIMEOUT.*within 3000 ms/);
    expect(r.stdout).toMatch(new RegExp(`\\[ADDED\\] .*${m.infohash}.* → secondary`));
    await waitForHashes(secondary, [m.infohash], 5_000);
  });

  it('`status` always probes for real, whatever the record says', async () => {
    const s = sandbox();
    writeRecord(s, 'TIMEOUT', 1_000);
    const r = await s.run(['status'], legacyEnv(primary, secondary, 'up'));
    expectExit(r, 0);
    expect(r.stdout).toMatch(/\[HEALTH\] primary .*: OK/);
  });

  it('`watch` writes the record: both instances OK, then the killed primary CONNECTION_REFUSED', async () => {
    const s = sandbox();
    const w = spawnCli(['watch'], { env: s.env(legacyEnv(primary, secondary, 'up')), cwd: s.cwd });
    try {
      await w.waitFor(/watching 2 instance/, 20_000);
      const ok = await until('a record with both instances OK', () => {
        const rec = readRecord(s);
        return rec?.instances.primary?.status === 'OK' && rec.instances.secondary?.status === 'OK' ? rec : null;
      }, 20_000);
      expect(ok.instances.primary!.url).toBe(primary.url);
      await primary.kill();
      // The default poll is 15 s; the daemon records the change at its next probe.
      await until('the record to say CONNECTION_REFUSED', () => readRecord(s)?.instances.primary?.status === 'CONNECTION_REFUSED', 40_000);
    } finally {
      w.child.kill('SIGTERM');
      await w.exited;
      if (primary.pid === null) await primary.restart();
    }
  });
});
