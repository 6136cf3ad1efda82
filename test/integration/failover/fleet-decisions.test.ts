import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettingsInput } from '../../../shared/settings';
import { createEngine, type Engine } from '../../../electron/core/engine';
import { FileSecretStore } from '../../../electron/core/config/secret-store';
import { saveSettingsFile } from '../../../electron/core/config/settings-file';
import { listHashes } from '../../harness/direct';
import { randomMagnet } from '../../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../../harness/qbittorrent';
import { FakeVpn } from '../../chaos/support/vpn';

/**
 * Decisions the fleet (electron/core/fleet/fleet.ts) takes before the placer runs, against real
 * qbittorrent-nox: an add between two polls re-probes a VPN that may have dropped, and an add on
 * an engine that never probed checks every instance first instead of queuing for lack of health.
 */

let a: QbtProcess;
let b: QbtProcess;
const dirs: string[] = [];
const engines: Engine[] = [];
const vpn = new FakeVpn();

beforeAll(async () => {
  [a, b] = await Promise.all([startQbittorrent({ name: 'fleet-a' }), startQbittorrent({ name: 'fleet-b' })]);
});

afterAll(async () => {
  vpn.remove();
  await Promise.allSettled(engines.map((e) => e.stop()));
  await Promise.allSettled([a, b].filter(Boolean).map((q) => q.dispose()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function engineWith(over: Partial<SettingsInput>, requiresVpn = false): Promise<Engine> {
  const root = mkdtempSync(join(tmpdir(), 'qbf-fleet-'));
  dirs.push(root);
  const home = join(root, 'home');
  const secrets = new FileSecretStore(home);
  await saveSettingsFile(home, {
    vpn: { check: 'none' },
    queueFile: join(root, 'queue', 'qbittorrent_queue.json'),
    // Polls far apart: whatever happens below is the fleet's decision at add time, not a poll.
    pollIntervalMs: 600_000,
    instances: [
      { name: 'a', url: a.url, username: a.username, requiresVpn },
      { name: 'b', url: b.url, username: b.username },
    ],
    ...over,
  });
  await secrets.set('a', a.password);
  await secrets.set('b', b.password);
  const engine = await createEngine({ home, secrets });
  engines.push(engine);
  return engine;
}

describe('fleet decisions at add time', () => {
  it('an add after the VPN dropped between two polls never reaches the VPN-bound primary: it goes to the other instance', async () => {
    vpn.up();
    const engine = await engineWith({ vpn: { check: vpn.check } }, true);
    await engine.start();
    expect(engine.snapshot().route).toMatchObject({ kind: 'primary', instance: 'a' });
    vpn.down();
    try {
      // The last VPN probe (at start) said CONNECTED; the next poll is 10 min away. A probe
      // younger than 1 s is trusted, so let it age past that: the add must probe again.
      await new Promise((r) => setTimeout(r, 1_100));
      const m = randomMagnet('vpn-dropped');
      const res = await engine.add([m.magnet]);
      expect(res.results[0]).toMatchObject({ outcome: 'added', instance: 'b' });
      expect(await listHashes(a)).not.toContain(m.infohash);
      expect(engine.snapshot().vpn.state).toBe('DOWN');
    } finally {
      vpn.up();
    }
  });

  it('an engine that never probed checks every instance before an add, and places the magnet instead of queuing it', async () => {
    const engine = await engineWith({});
    expect(engine.snapshot().instances.map((i) => i.status)).toEqual(['UNKNOWN', 'UNKNOWN']);
    const m = randomMagnet('fresh-engine');
    const res = await engine.add([m.magnet]);
    expect(res.results[0]).toMatchObject({ outcome: 'added', instance: 'a' });
    expect(engine.queueListing().entries).toHaveLength(0);
    expect(await listHashes(a)).toContain(m.infohash);
  });
});
