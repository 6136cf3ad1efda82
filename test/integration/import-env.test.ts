import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiBackend } from '../../electron/core/api';
import { FileSecretStore } from '../../electron/core/config/secret-store';
import { createEngine, type Engine } from '../../electron/core/engine';
import { startQbittorrent, type QbtProcess } from '../harness/qbittorrent';
import { randomMagnet } from '../harness/inputs';
import { waitForHashes } from '../harness/direct';

/**
 * First run of the tray app: the engine is built without the environment (a GUI app must not
 * pick up a stray .env), nothing is configured, and the user clicks "Import the old tool's
 * environment variables". The import must produce working, saved settings.
 */
describe('importing the old tool environment on first run', () => {
  let qbt: QbtProcess;
  let home: string;
  let engine: Engine;

  beforeAll(async () => {
    qbt = await startQbittorrent({ name: 'import-env' });
    home = mkdtempSync(join(tmpdir(), 'qbf-import-'));
    engine = await createEngine({ home, secrets: new FileSecretStore(home) });
  });
  afterAll(async () => {
    await engine?.stop();
    await qbt?.dispose();
    rmSync(home, { recursive: true, force: true });
  });

  it('starts unconfigured, imports QBITTORRENT_* into config.json + secrets, and then adds to that instance', async () => {
    expect(engine.snapshot().route.kind).toBe('unconfigured');
    const cwd = mkdtempSync(join(tmpdir(), 'qbf-import-cwd-'));
    const applied = await engine.importLegacyEnv(
      {
        QBITTORRENT_URL: qbt.url,
        QBITTORRENT_USERNAME: qbt.username,
        QBITTORRENT_PASSWORD: qbt.password,
        VPN_CHECK: 'interface:lo',
        QBIT_FAILOVER_QUEUE_FILE: join(home, 'queue.json'),
        UNRELATED: 'ignored',
      },
      cwd,
    );
    expect(applied).toEqual(expect.arrayContaining(['QBITTORRENT_URL', 'QBITTORRENT_USERNAME', 'QBITTORRENT_PASSWORD', 'VPN_CHECK']));
    const config = readFileSync(join(home, 'config.json'), 'utf8');
    expect(JSON.parse(config).instances).toMatchObject([{ name: 'primary', url: qbt.url, requiresVpn: true }]);
    expect(config).not.toContain(qbt.password);
    expect(await new FileSecretStore(home).get('primary')).toBe(qbt.password);

    await engine.checkAll();
    expect(engine.snapshot().instances[0]).toMatchObject({ name: 'primary', status: 'OK' });
    const m = randomMagnet('imported env');
    const res = await engine.add([m.magnet]);
    expect(res.results[0]).toMatchObject({ outcome: 'added', instance: 'primary' });
    await waitForHashes(qbt, [m.infohash], 5_000);
    rmSync(cwd, { recursive: true, force: true });
  });

  it('through the API: with nothing to import it says so and changes nothing', async () => {
    const before = readFileSync(join(home, 'config.json'), 'utf8');
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (/^(QB|VPN_|DOWNLOAD_PATH|QBIT_FAILOVER_QUEUE)/.test(k)) delete process.env[k];
    try {
      const r = await createApiBackend(engine).call('importEnvironment', {});
      expect(r.applied).toEqual([]);
      expect(r.view.settings.instances.map((i) => i.name)).toEqual(['primary']);
      expect(JSON.stringify(r.view)).not.toContain(qbt.password);
    } finally {
      Object.assign(process.env, saved);
    }
    expect(readFileSync(join(home, 'config.json'), 'utf8')).toBe(before);
  });
});
