import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../electron/core/engine';
import { FileSecretStore } from '../../../electron/core/config/secret-store';
import { runGatewayFromSettings, type GatewayRunner } from '../../../electron/core/gateway';
import { silentLogger } from '../../../electron/core/logger';
import { freePort } from '../../harness/qbittorrent';

/**
 * The gateway inside the tray app and the daemons follows the settings: off by default, on when
 * enabled (once a password is set), moved when its port changes, closed when disabled — without
 * restarting the host process.
 */

let root: string;
let engine: Engine;
let runner: GatewayRunner;

/** Waits for the runner's gateway URL to satisfy `ok` (it restarts asynchronously after a settings event). */
async function urlWhen(ok: (url: string | null) => boolean): Promise<string | null> {
  for (let i = 0; i < 200; i++) {
    if (ok(runner.url())) return runner.url();
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gateway URL never matched (now ${runner.url()})`);
}

async function answers(url: string): Promise<number> {
  return (await fetch(`${url}/api/v2/app/version`)).status;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'qbf-gwrun-'));
  engine = await createEngine({ home: join(root, 'home'), secrets: new FileSecretStore(join(root, 'home')) });
  runner = runGatewayFromSettings(engine, silentLogger);
});

afterAll(async () => {
  await runner?.stop();
  await engine?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('runGatewayFromSettings', () => {
  it('is off by default; enabled without a password it waits; a password starts it; a new port moves it; disabled closes it', async () => {
    expect(runner.url()).toBeNull();
    const [p1, p2] = [await freePort(), await freePort()];
    const base = engine.currentSettings();
    await engine.saveSettings({ ...base, gateway: { ...base.gateway, enabled: true, port: p1 } });
    await new Promise((r) => setTimeout(r, 50));
    expect(runner.url(), 'no password: not started').toBeNull();

    await engine.setGatewayPassword('runner pass');
    const first = await urlWhen((u) => u !== null);
    expect(first).toBe(`http://127.0.0.1:${p1}`);
    expect(await answers(first!)).toBe(403);
    expect((await engine.gatewayStatus()).url).toBe(first);

    await engine.saveSettings({ ...engine.currentSettings(), gateway: { ...engine.currentSettings().gateway, port: p2 } });
    const second = await urlWhen((u) => u === `http://127.0.0.1:${p2}`);
    expect(await answers(second!)).toBe(403);
    await expect(answers(first!)).rejects.toThrow();

    await engine.saveSettings({ ...engine.currentSettings(), gateway: { ...engine.currentSettings().gateway, enabled: false } });
    await urlWhen((u) => u === null);
    await expect(answers(second!)).rejects.toThrow();
    expect((await engine.gatewayStatus()).url).toBeUndefined();
  });
});
