import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyLegacyEnv, readEnv, readEnvWithSources } from '../../../electron/core/config/env-import';
import { SettingsSchema, defaultSettings, type SettingsInput } from '../../../shared/settings';

const dirs: string[] = [];
function dirWithDotEnv(text: string | null): string {
  const d = mkdtempSync(join(tmpdir(), 'qbf-env-'));
  dirs.push(d);
  if (text !== null) writeFileSync(join(d, '.env'), text);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Settings as loaded from a config.json with this raw content. */
function fromConfig(raw: SettingsInput = {}): [ReturnType<typeof defaultSettings>, Record<string, unknown>] {
  return [SettingsSchema.parse(raw), raw as Record<string, unknown>];
}

describe('readEnv', () => {
  it('reads .env in cwd, the real environment wins, and unrelated .env keys are dropped', () => {
    const cwd = dirWithDotEnv(
      ['QBITTORRENT_URL=http://127.0.0.1:8080', 'QBITTORRENT_PASSWORD="from file"', 'VPN_CHECK=ping', 'DOWNLOAD_PATH=/data', 'AWS_SECRET=nope', ''].join('\n'),
    );
    const env = readEnv({ QBITTORRENT_URL: 'http://127.0.0.1:9090', VPN_CHECK: '', PATH: '/bin' }, cwd);
    expect(env.QBITTORRENT_URL).toBe('http://127.0.0.1:9090');
    expect(env.QBITTORRENT_PASSWORD).toBe('from file');
    expect(env.VPN_CHECK).toBe('ping'); // an empty real variable does not erase the file's value
    expect(env.DOWNLOAD_PATH).toBe('/data');
    expect(env.AWS_SECRET).toBeUndefined();
    expect(env.PATH).toBe('/bin');
  });

  it('works without a .env file', () => {
    expect(readEnv({ QB_HOST: 'localhost' }, dirWithDotEnv(null))).toEqual({ QB_HOST: 'localhost' });
  });
});

describe('applyLegacyEnv', () => {
  it('QBITTORRENT_URL → primary (requiresVpn, first), SECONDARY → secondary; credentials and DOWNLOAD_PATH for both', () => {
    const [base, raw] = fromConfig();
    const o = applyLegacyEnv(base, raw, {
      QBITTORRENT_URL: 'http://127.0.0.1:8080/',
      QBITTORRENT_SECONDARY_URL: 'http://127.0.0.1:8081',
      QBITTORRENT_USERNAME: 'me',
      QBITTORRENT_PASSWORD: 's3cret',
      DOWNLOAD_PATH: '/downloads',
    });
    expect(o.settings.instances.map((i) => [i.name, i.url, i.requiresVpn, i.username, i.savePath])).toEqual([
      ['primary', 'http://127.0.0.1:8080', true, 'me', '/downloads'],
      ['secondary', 'http://127.0.0.1:8081', false, 'me', '/downloads'],
    ]);
    expect(o.passwords).toEqual({
      primary: { password: 's3cret', origin: 'http://127.0.0.1:8080' },
      secondary: { password: 's3cret', origin: 'http://127.0.0.1:8081' },
    });
    expect(o.applied).toEqual(expect.arrayContaining(['QBITTORRENT_URL', 'QBITTORRENT_SECONDARY_URL', 'QBITTORRENT_USERNAME', 'QBITTORRENT_PASSWORD', 'DOWNLOAD_PATH']));
    expect(JSON.stringify(o.applied)).not.toContain('s3cret');
    expect(JSON.stringify(o.settings)).not.toContain('s3cret');
  });

  it('the older QB_HOST/QB_PORT/QB_USERNAME/QB_PASSWORD form builds the primary', () => {
    const [base, raw] = fromConfig();
    const o = applyLegacyEnv(base, raw, { QB_HOST: 'localhost', QB_PORT: '8080', QB_USERNAME: 'admin', QB_PASSWORD: 'pw' });
    expect(o.settings.instances).toHaveLength(1);
    expect(o.settings.instances[0]).toMatchObject({ name: 'primary', url: 'http://localhost:8080', username: 'admin', requiresVpn: true });
    expect(o.passwords).toEqual({ primary: { password: 'pw', origin: 'http://localhost:8080' } });
    expect(o.applied).toEqual(expect.arrayContaining(['QB_HOST', 'QB_USERNAME', 'QB_PASSWORD']));
    const https = applyLegacyEnv(base, raw, { QB_HOST: 'https://nas.local/', QB_PORT: '8443' });
    expect(https.settings.instances[0]!.url).toBe('https://nas.local:8443');
    expect(applyLegacyEnv(base, raw, { QB_HOST: 'nas.local' }).settings.instances[0]!.url).toBe('http://nas.local');
  });

  it('QBITTORRENT_URL wins over QB_HOST', () => {
    const [base, raw] = fromConfig();
    const o = applyLegacyEnv(base, raw, { QBITTORRENT_URL: 'http://a:1', QB_HOST: 'b', QB_PORT: '2' });
    expect(o.settings.instances.map((i) => i.url)).toEqual(['http://a:1']);
  });

  it('VPN_CHECK defaults to ping only when the environment defines the primary and config.json sets no probe', () => {
    const [base, raw] = fromConfig();
    expect(applyLegacyEnv(base, raw, { QBITTORRENT_URL: 'http://127.0.0.1:1' }).settings.vpn.check).toBe('ping');
    expect(applyLegacyEnv(base, raw, { QB_HOST: '127.0.0.1' }).settings.vpn.check).toBe('ping');
    // Only a secondary: no VPN-gated primary, so no probe is invented.
    expect(applyLegacyEnv(base, raw, { QBITTORRENT_SECONDARY_URL: 'http://127.0.0.1:2' }).settings.vpn.check).toBe('none');
    // Nothing from the environment at all.
    expect(applyLegacyEnv(base, raw, {}).settings.vpn.check).toBe('none');
    // config.json chose a probe (even `none`): kept.
    const [b2, r2] = fromConfig({ vpn: { check: 'none' } });
    expect(applyLegacyEnv(b2, r2, { QBITTORRENT_URL: 'http://127.0.0.1:1' }).settings.vpn.check).toBe('none');
    const [b3, r3] = fromConfig({ vpn: { check: 'interface:wg0' } });
    expect(applyLegacyEnv(b3, r3, { QBITTORRENT_URL: 'http://127.0.0.1:1' }).settings.vpn.check).toBe('interface:wg0');
    // VPN_CHECK always wins; VPN_GATEWAY_IP sets the gateway.
    const o = applyLegacyEnv(b3, r3, { QBITTORRENT_URL: 'http://127.0.0.1:1', VPN_CHECK: 'ping', VPN_GATEWAY_IP: '127.0.0.1' });
    expect(o.settings.vpn).toMatchObject({ check: 'ping', gateway: '127.0.0.1' });
    expect(o.applied).toEqual(expect.arrayContaining(['VPN_CHECK', 'VPN_GATEWAY_IP']));
  });

  it('patches an instance named primary from config.json instead of adding a second one', () => {
    const [base, raw] = fromConfig({
      instances: [
        { name: 'nas', url: 'http://127.0.0.1:3' },
        { name: 'primary', url: 'http://127.0.0.1:1', requiresVpn: false, category: 'tv' },
      ],
    });
    const o = applyLegacyEnv(base, raw, { QBITTORRENT_URL: 'http://127.0.0.1:2' });
    expect(o.settings.instances.map((i) => i.name)).toEqual(['nas', 'primary']);
    expect(o.settings.instances[1]).toMatchObject({ url: 'http://127.0.0.1:2', requiresVpn: false, category: 'tv' });
  });

  it('QBIT_FAILOVER_QUEUE_FILE sets the queue file', () => {
    const [base, raw] = fromConfig();
    expect(applyLegacyEnv(base, raw, { QBIT_FAILOVER_QUEUE_FILE: '/tmp/q.json' }).settings.queueFile).toBe('/tmp/q.json');
  });

  it('an invalid value is a CONFIG_INVALID error naming the field', () => {
    const [base, raw] = fromConfig();
    let err: (Error & { code?: string }) | null = null;
    try {
      applyLegacyEnv(base, raw, { QBITTORRENT_URL: 'ftp://localhost:8080' });
    } catch (e) {
      err = e as Error & { code?: string };
    }
    expect(err?.code).toBe('CONFIG_INVALID');
    expect(err?.message).toMatch(/^environment: instances\.0\.url/);
    expect(() => applyLegacyEnv(base, raw, { VPN_CHECK: 'carrier-pigeon' })).toThrow(/vpn\.check/);
  });
});

describe('the environment cannot redirect credentials or open the VPN gate (item 19)', () => {
  it('readEnvWithSources tells .env from the real environment', () => {
    const cwd = dirWithDotEnv('QBITTORRENT_URL=http://127.0.0.1:1\nVPN_CHECK=none\n');
    const r = readEnvWithSources({ VPN_CHECK: 'ping', QBITTORRENT_PASSWORD: 'pw' }, cwd);
    expect(r.sources).toEqual({ QBITTORRENT_URL: '.env', VPN_CHECK: 'environment', QBITTORRENT_PASSWORD: 'environment' });
    expect(r.values.VPN_CHECK).toBe('ping');
  });

  it('when config.json gates a requiresVpn instance, VPN_CHECK and VPN_GATEWAY_IP are ignored with a warning', () => {
    const [base, raw] = fromConfig({ instances: [{ name: 'primary', url: 'http://127.0.0.1:1', requiresVpn: true }], vpn: { check: 'interface:wg0' } });
    for (const env of [{ VPN_CHECK: 'none' }, { VPN_CHECK: 'interface:lo' }, { VPN_GATEWAY_IP: '127.0.0.1' }]) {
      const o = applyLegacyEnv(base, raw, env, { VPN_CHECK: '.env', VPN_GATEWAY_IP: '.env' });
      expect(o.settings.vpn).toMatchObject({ check: 'interface:wg0', gateway: '192.168.0.1' });
      expect(o.applied).toEqual([]);
      expect(o.warnings).toEqual([expect.stringMatching(/^VPN_(CHECK|GATEWAY_IP) from \.env ignored: config\.json gates instances on the VPN/)]);
    }
    // No gate in config.json (no probe, or no requiresVpn instance): the environment may set one.
    const [b2, r2] = fromConfig({ instances: [{ name: 'primary', url: 'http://127.0.0.1:1', requiresVpn: true }], vpn: { check: 'none' } });
    expect(applyLegacyEnv(b2, r2, { VPN_CHECK: 'ping' }).settings.vpn.check).toBe('ping');
  });

  it('an environment password goes only with a URL from the same source', () => {
    const [base, raw] = fromConfig();
    const mixed = applyLegacyEnv(base, raw, { QBITTORRENT_URL: 'http://127.0.0.1:1', QBITTORRENT_PASSWORD: 'pw' }, { QBITTORRENT_URL: '.env', QBITTORRENT_PASSWORD: 'environment' });
    expect(mixed.passwords).toEqual({});
    expect(mixed.applied).not.toContain('QBITTORRENT_PASSWORD');
    expect(mixed.warnings).toEqual(['QBITTORRENT_PASSWORD from the environment is not sent to QBITTORRENT_URL from .env; set both in the same place']);
    const same = applyLegacyEnv(base, raw, { QBITTORRENT_URL: 'http://127.0.0.1:1', QBITTORRENT_PASSWORD: 'pw' }, { QBITTORRENT_URL: '.env', QBITTORRENT_PASSWORD: '.env' });
    expect(same.passwords).toEqual({ primary: { password: 'pw', origin: 'http://127.0.0.1:1' } });
    expect(JSON.stringify(same.warnings)).not.toContain('pw');
  });
});

describe('QBITTORRENT_API_KEY', () => {
  it('goes to the instance QBITTORRENT_URL names, bound to that URL — not to whichever instance is first in config.json', () => {
    const [base, raw] = fromConfig({
      instances: [
        { name: 'seedbox', url: 'http://127.0.0.1:9001' },
        { name: 'primary', url: 'http://127.0.0.1:8080' },
      ],
    });
    const o = applyLegacyEnv(base, raw, { QBITTORRENT_URL: 'http://127.0.0.1:8080', QBITTORRENT_API_KEY: 'qbt_k' });
    expect(o.passwords).toEqual({ 'primary:apikey': { password: 'qbt_k', origin: 'http://127.0.0.1:8080' } });
  });

  it('without a URL beside it, the key is ignored with a warning (never sent to the first instance)', () => {
    const [base, raw] = fromConfig({ instances: [{ name: 'seedbox', url: 'http://127.0.0.1:9001' }] });
    const o = applyLegacyEnv(base, raw, { QBITTORRENT_API_KEY: 'qbt_k' });
    expect(o.passwords).toEqual({});
    expect(o.warnings.join('\n')).toMatch(/QBITTORRENT_API_KEY ignored/);
  });
});
