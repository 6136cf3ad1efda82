import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../electron/core/engine';
import { FileSecretStore } from '../../../electron/core/config/secret-store';
import { runGatewayFromSettings, type GatewayRunner } from '../../../electron/core/gateway';
import type { GatewayStatus } from '../../../electron/core/gateway';
import { silentLogger } from '../../../electron/core/logger';
import { freePort } from '../../harness/qbittorrent';

/**
 * The gateway run from the settings (tray app, `watch`, `serve`) that cannot start says why in
 * `getGatewayStatus` (the dashboard's Status → gateway card shows it; the log is out of the
 * browser's sight): the port in use by another program, a network address. The reason clears when
 * a start succeeds — after a port change, or by itself once the other program frees the port — and
 * when the gateway is disabled.
 */

let root: string;
let engine: Engine;
let runner: GatewayRunner;
const held: Server[] = [];

/** Holds 127.0.0.1:`port` with a plain TCP listener (another program on the gateway's port). */
async function occupy(port: number): Promise<Server> {
  const s = createServer((sock) => sock.destroy());
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve());
  });
  held.push(s);
  return s;
}

/** Polls `engine.gatewayStatus()` until `ok` (the runner applies settings asynchronously; it retries a busy port every 5 s). */
async function statusWhen(ok: (s: GatewayStatus) => boolean, what: string): Promise<GatewayStatus> {
  let last: GatewayStatus | null = null;
  for (let i = 0; i < 300; i++) {
    last = await engine.gatewayStatus();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gateway status never showed ${what} (now ${JSON.stringify(last)})`);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'qbf-gwproblem-'));
  engine = await createEngine({ home: join(root, 'home'), secrets: new FileSecretStore(join(root, 'home')) });
  await engine.setGatewayPassword('problem pass');
  runner = runGatewayFromSettings(engine, silentLogger);
});

afterAll(async () => {
  await runner?.stop();
  await engine?.stop();
  for (const s of held) s.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('runGatewayFromSettings: why the gateway is not listening', () => {
  it('names the busy port in the status; a new port clears it; a freed port starts it by itself; disabling clears it', async () => {
    const [busy, other, later] = [await freePort(), await freePort(), await freePort()];
    await occupy(busy);
    const gw = () => engine.currentSettings().gateway;
    await engine.saveSettings({ ...engine.currentSettings(), gateway: { ...gw(), enabled: true, host: '127.0.0.1', port: busy } });

    const refused = await statusWhen((s) => s.problem !== undefined, 'a problem');
    expect(refused.url).toBeUndefined();
    expect(refused.problem).toContain(`port ${busy} is in use by another program`);
    expect(refused.problem).toMatch(/choose another port in Settings/);
    expect(refused.servedElsewhere, 'a plain listener is not another qbit-failover gateway').toBeUndefined();

    // The user picks another port in Settings: it listens, and the reason is gone.
    await engine.saveSettings({ ...engine.currentSettings(), gateway: { ...gw(), port: other } });
    const moved = await statusWhen((s) => s.url !== undefined, 'a URL');
    expect(moved.url).toBe(`http://127.0.0.1:${other}`);
    expect(moved.problem).toBeUndefined();

    // Another program holds the next port; once it lets go, the gateway starts without a settings change.
    const blocker = await occupy(later);
    await engine.saveSettings({ ...engine.currentSettings(), gateway: { ...gw(), port: later } });
    const busyAgain = await statusWhen((s) => s.problem !== undefined, 'a problem');
    expect(busyAgain.problem).toContain(`port ${later} is in use`);
    await new Promise<void>((r) => blocker.close(() => r()));
    const started = await statusWhen((s) => s.url !== undefined, 'a URL after the port was freed');
    expect(started.url).toBe(`http://127.0.0.1:${later}`);
    expect(started.problem).toBeUndefined();

    // A network address: refused (the settings' gateway serves loopback only), with the fix.
    await engine.saveSettings({ ...engine.currentSettings(), gateway: { ...gw(), host: '192.0.2.1' } });
    const remote = await statusWhen((s) => s.problem !== undefined, 'a problem');
    expect(remote.url).toBeUndefined();
    expect(remote.problem).toMatch(/192\.0\.2\.1 is a network address.*127\.0\.0\.1 in Settings/);

    // Disabled: nothing to report.
    await engine.saveSettings({ ...engine.currentSettings(), gateway: { ...gw(), enabled: false, host: '127.0.0.1' } });
    const off = await statusWhen((s) => !s.enabled, 'disabled');
    await statusWhen((s) => s.problem === undefined, 'no problem once disabled');
    expect(off.url).toBeUndefined();
  });
});
