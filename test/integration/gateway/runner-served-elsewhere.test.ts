import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../electron/core/engine';
import { FileSecretStore } from '../../../electron/core/config/secret-store';
import { CREDENTIALS_REFRESH_MS, runGatewayFromSettings, startGateway, type GatewayHandle, type GatewayRunner, type GatewayStatus } from '../../../electron/core/gateway';
import type { Logger } from '../../../electron/core/logger';
import { freePort, makeSelfSignedCert } from '../../harness/qbittorrent';

/**
 * The gateway run from the settings (tray app, `watch`, `serve`) whose port is held by ANOTHER
 * qbit-failover gateway (the user's `qbit-failover gateway`, or the tray while `watch` also has it
 * enabled — they share the settings): Sonarr is being served, so the dashboard's gateway card says
 * so (`servedElsewhere`, not an error), the log gets one info line (no error), and the runner does
 * NOT try the port again every 5 s — it would take the port in the gap while the user restarts
 * their own gateway (e.g. with `--allow-remote`) and silently replace it with a loopback-only one.
 * Chosen behaviour: once the other gateway stops, this runner does not take over by itself; a
 * settings change (another port, or the gateway disabled and enabled again) starts it.
 */

let root: string;
/** This process: the engine whose runner follows the settings. */
let engine: Engine;
/** The other qbit-failover process: its own engine and a gateway started like `qbit-failover gateway`. */
let otherEngine: Engine;
let other: GatewayHandle | null = null;
let runner: GatewayRunner;
const lines: { level: string; text: string }[] = [];
const logger: Logger = {
  debug: (t: string) => lines.push({ level: 'debug', text: t }),
  info: (t: string) => lines.push({ level: 'info', text: t }),
  warn: (t: string) => lines.push({ level: 'warn', text: t }),
  error: (t: string) => lines.push({ level: 'error', text: t }),
};

/** Polls `engine.gatewayStatus()` until `ok` (the runner applies settings asynchronously). */
async function statusWhen(ok: (s: GatewayStatus) => boolean, what: string): Promise<GatewayStatus> {
  let last: GatewayStatus | null = null;
  for (let i = 0; i < 300; i++) {
    last = await engine.gatewayStatus();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gateway status never showed ${what} (now ${JSON.stringify(last)})`);
}

/** True when something accepts a TCP connection on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'qbf-gwelsewhere-'));
  engine = await createEngine({ home: join(root, 'home'), secrets: new FileSecretStore(join(root, 'home')) });
  await engine.setGatewayPassword('this pass');
  otherEngine = await createEngine({ home: join(root, 'other'), secrets: new FileSecretStore(join(root, 'other')) });
  await otherEngine.setGatewayPassword('other pass');
  runner = runGatewayFromSettings(engine, logger);
});

afterAll(async () => {
  await runner?.stop();
  await other?.close();
  await engine?.stop();
  await otherEngine?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('runGatewayFromSettings: the port held by another qbit-failover gateway', () => {
  it('says it is served by another qbit-failover process (no error, no retry); does not take the port over by itself; another port starts it', async () => {
    const [port, next] = [await freePort(), await freePort()];
    other = await startGateway(otherEngine, { host: '127.0.0.1', port });
    const gw = () => engine.currentSettings().gateway;
    await engine.saveSettings({ ...engine.currentSettings(), gateway: { ...gw(), enabled: true, host: '127.0.0.1', port } });

    const s = await statusWhen((st) => st.problem !== undefined, 'a problem');
    expect(s.url).toBeUndefined();
    expect(s.servedElsewhere).toBe(true);
    expect(s.problem).toContain(`served by another qbit-failover process on this machine (port ${port})`);
    expect(s.problem).not.toContain('another program');
    expect(lines.filter((l) => l.level === 'error'), 'no error logged').toEqual([]);
    expect(lines.filter((l) => l.level === 'info' && l.text.includes('another qbit-failover process'))).toHaveLength(1);

    // The other gateway stops (e.g. the user restarts `qbit-failover gateway --allow-remote …`):
    // past the 5 s retry interval, this runner has not taken the port.
    await other.close();
    other = null;
    await new Promise((r) => setTimeout(r, CREDENTIALS_REFRESH_MS + 1_500));
    expect(await listening(port), 'the port stays free for the other process').toBe(false);
    const still = await engine.gatewayStatus();
    expect(still.url).toBeUndefined();
    expect(still.servedElsewhere).toBe(true);
    expect(lines.filter((l) => l.text.includes('another qbit-failover process')), 'no further tries logged').toHaveLength(1);

    // The user picks another port in Settings: this one starts its own, and the note is gone.
    await engine.saveSettings({ ...engine.currentSettings(), gateway: { ...gw(), port: next } });
    const started = await statusWhen((st) => st.url !== undefined, 'a URL');
    expect(started.url).toBe(`http://127.0.0.1:${next}`);
    expect(started.problem).toBeUndefined();
    expect(started.servedElsewhere).toBeUndefined();
  });

  it('recognises another gateway served over HTTPS (`qbit-failover gateway --tls-cert …`) as well', async () => {
    const port = await freePort();
    const { certPath, keyPath } = makeSelfSignedCert(root);
    other = await startGateway(otherEngine, { host: '127.0.0.1', port, tls: { cert: readFileSync(certPath), key: readFileSync(keyPath) } });
    await engine.saveSettings({ ...engine.currentSettings(), gateway: { ...engine.currentSettings().gateway, port } });
    const s = await statusWhen((st) => st.problem !== undefined, 'a problem');
    expect(s.url).toBeUndefined();
    expect(s.servedElsewhere).toBe(true);
    expect(s.problem).toContain(`served by another qbit-failover process on this machine (port ${port})`);
    expect(lines.filter((l) => l.level === 'error'), 'no error logged').toEqual([]);
  });
});
