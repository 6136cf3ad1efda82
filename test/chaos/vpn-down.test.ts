import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSecretStore } from '../../electron/core/config/secret-store';
import { createEngine, type Engine } from '../../electron/core/engine';
import { listHashes } from '../harness/direct';
import { randomMagnet } from '../harness/inputs';
import { disposeMembers, makeSandbox, sleep, startMembers, writeHome, type Member, type Sandbox } from './support/cluster';
import { FakeVpn } from './support/vpn';

/**
 * The deterministic core of chaos.test.ts's VPN check: a long-running engine with the DEFAULT
 * 15 s poll. The VPN drops between two polls and a magnet arrives at once (a click in the
 * browser, a line in the queue file). It must not go to the `requiresVpn` instance, although
 * the engine's last VPN probe (up to 15 s old) said CONNECTED.
 */

let members: Member[] = [];
let sb: Sandbox;
let vpn: FakeVpn;
let engine: Engine | null = null;

beforeAll(async () => {
  vpn = new FakeVpn();
  vpn.up();
  members = await startMembers([{ name: 'primary', requiresVpn: true }, { name: 'secondary' }]);
  sb = makeSandbox('vpn');
  writeHome(sb, members.map((m) => ({ name: m.name, url: m.q.url, username: m.q.username, password: m.q.password, requiresVpn: m.requiresVpn })), vpn.check, {
    pollIntervalMs: 15_000,
    maxBackoffMs: 120_000,
  });
});

afterAll(async () => {
  await engine?.stop().catch(() => undefined);
  await disposeMembers(members);
  vpn?.remove();
  sb?.dispose();
});

describe('VPN drop between polls', () => {
  it('an add right after the VPN went down never goes to the requiresVpn instance', async () => {
    engine = await createEngine({ home: sb.home, secrets: new FileSecretStore(sb.home), watchQueueFile: true });
    await engine.start();
    const before = randomMagnet();
    expect((await engine.add([before.magnet])).results[0]!.instance).toBe('primary');
    await sleep(1_500); // well inside the 15 s poll: the engine has no reason to probe again
    vpn.down();
    const after = randomMagnet();
    const res = await engine.add([after.magnet]);
    vpn.up();
    console.log(`[vpn-down] add right after the VPN dropped: ${res.results[0]!.outcome} → ${res.results[0]!.instance ?? '(queue)'}`);
    expect(await listHashes(members[0]!.target)).not.toContain(after.infohash);
    expect(res.results[0]!.instance).not.toBe('primary');
  });
});
