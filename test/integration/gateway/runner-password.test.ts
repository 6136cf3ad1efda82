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
 * Removing the gateway password while the gateway runs (in the app, the tray, a daemon) stops it:
 * the old password, session and Basic header must not keep working. A new password starts it again.
 */

let root: string;
let engine: Engine;
let runner: GatewayRunner;

/** Waits for the runner's gateway URL to satisfy `ok` (it restarts asynchronously after an event). */
async function urlWhen(ok: (url: string | null) => boolean): Promise<string | null> {
  for (let i = 0; i < 300; i++) {
    if (ok(runner.url())) return runner.url();
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gateway URL never matched (now ${runner.url()})`);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'qbf-gwpass-'));
  engine = await createEngine({ home: join(root, 'home'), secrets: new FileSecretStore(join(root, 'home')) });
  const base = engine.currentSettings();
  await engine.saveSettings({ ...base, gateway: { ...base.gateway, enabled: true, port: await freePort(), username: 'admin' } });
  await engine.setGatewayPassword('first pass');
  runner = runGatewayFromSettings(engine, silentLogger);
});

afterAll(async () => {
  await runner?.stop();
  await engine?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('runGatewayFromSettings and the gateway password', () => {
  it('closes the gateway when its password is removed, and opens it again when a new one is set', async () => {
    const url = await urlWhen((u) => u !== null);
    const login = await fetch(`${url}/api/v2/auth/login`, { method: 'POST', body: new URLSearchParams({ username: 'admin', password: 'first pass' }) });
    expect(await login.text()).toBe('Ok.');
    const sid = login.headers.get('set-cookie')!.split(';')[0]!;
    const basic = `Basic ${Buffer.from('admin:first pass').toString('base64')}`;

    await engine.setGatewayPassword('');
    await urlWhen((u) => u === null);
    await expect(fetch(`${url}/api/v2/app/version`, { headers: { cookie: sid } })).rejects.toThrow();
    await expect(fetch(`${url}/api/v2/app/version`, { headers: { authorization: basic } })).rejects.toThrow();
    expect((await engine.gatewayStatus()).url).toBeUndefined();

    await engine.setGatewayPassword('second pass');
    const again = await urlWhen((u) => u !== null);
    expect((await fetch(`${again}/api/v2/app/version`, { headers: { cookie: sid } })).status, 'the old session is gone').toBe(403);
    expect((await fetch(`${again}/api/v2/app/version`, { headers: { authorization: basic } })).status, 'the old password is refused').toBe(403);
    const next = `Basic ${Buffer.from('admin:second pass').toString('base64')}`;
    expect((await fetch(`${again}/api/v2/app/version`, { headers: { authorization: next } })).status).toBe(200);
  });
});
