import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { SettingsSchema, type Settings, type InstanceSettingsInput } from '../../../shared/settings';

/** Environment variables of the old Python tool (and its older `QB_*` form) that we honour. */
export const LEGACY_ENV_KEYS = [
  'QBITTORRENT_URL',
  'QBITTORRENT_SECONDARY_URL',
  'QBITTORRENT_USERNAME',
  'QBITTORRENT_PASSWORD',
  'DOWNLOAD_PATH',
  'QB_HOST',
  'QB_PORT',
  'QB_USERNAME',
  'QB_PASSWORD',
  'VPN_CHECK',
  'VPN_GATEWAY_IP',
  'QBIT_FAILOVER_QUEUE_FILE',
] as const;

/** Result of applying the environment: new settings, and passwords to use without storing them. */
export interface EnvOverlay {
  settings: Settings;
  passwords: Record<string, string>;
  /** Names of the variables that took effect (never their values). */
  applied: string[];
}

/**
 * Reads `.env` in `cwd` (if any) and merges it under the real environment (real variables win),
 * like python-dotenv did for the old tool. Only {@link LEGACY_ENV_KEYS} and QBIT_FAILOVER_* are kept.
 */
export function readEnv(env: Record<string, string | undefined>, cwd: string = process.cwd()): Record<string, string | undefined> {
  let fromFile: Record<string, string> = {};
  try {
    fromFile = parseEnv(fs.readFileSync(path.join(cwd, '.env'), 'utf8')) as Record<string, string>;
  } catch {
    fromFile = {};
  }
  const merged: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(fromFile)) if (k.startsWith('QB') || k.startsWith('VPN_') || k === 'DOWNLOAD_PATH') merged[k] = v;
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') merged[k] = v;
  return merged;
}

/**
 * Applies the old tool's variables over `config.json` settings:
 * `QBITTORRENT_URL` (or `QB_HOST`+`QB_PORT`) → instance `primary` with `requiresVpn: true`;
 * `QBITTORRENT_SECONDARY_URL` → `secondary`; `QBITTORRENT_USERNAME`/`_PASSWORD` (or `QB_USERNAME`/
 * `QB_PASSWORD`) for both; `DOWNLOAD_PATH` → their save path; `VPN_CHECK`, `VPN_GATEWAY_IP`;
 * `QBIT_FAILOVER_QUEUE_FILE`. When the environment defines the primary but not `VPN_CHECK` and
 * `config.json` sets no probe, the probe is `ping` as the old tool always pinged the gateway.
 * @throws ConfigError-like Error when a variable's value is invalid (e.g. a URL without http://).
 */
export function applyLegacyEnv(base: Settings, rawConfig: Record<string, unknown>, env: Record<string, string | undefined>): EnvOverlay {
  const applied: string[] = [];
  const instances: InstanceSettingsInput[] = base.instances.map((i) => ({ ...i }));
  const passwords: Record<string, string> = {};
  const username = env.QBITTORRENT_USERNAME ?? env.QB_USERNAME;
  const password = env.QBITTORRENT_PASSWORD ?? env.QB_PASSWORD;

  let primaryUrl = env.QBITTORRENT_URL;
  if (primaryUrl) applied.push('QBITTORRENT_URL');
  else if (env.QB_HOST) {
    const host = /^https?:\/\//i.test(env.QB_HOST) ? env.QB_HOST : `http://${env.QB_HOST}`;
    primaryUrl = env.QB_PORT ? `${host.replace(/\/+$/, '')}:${env.QB_PORT}` : host;
    applied.push('QB_HOST');
  }

  const upsert = (name: string, url: string, requiresVpn: boolean, front: boolean): void => {
    const existing = instances.find((i) => i.name === name);
    const patch: Partial<InstanceSettingsInput> = { url: url.replace(/\/+$/, '') };
    if (username !== undefined) patch.username = username;
    if (env.DOWNLOAD_PATH) patch.savePath = env.DOWNLOAD_PATH;
    if (existing) Object.assign(existing, patch);
    else {
      const inst = { name, requiresVpn, ...patch } as InstanceSettingsInput;
      if (front) instances.unshift(inst);
      else instances.push(inst);
    }
    if (password !== undefined) passwords[name] = password;
  };
  if (primaryUrl) upsert('primary', primaryUrl, true, true);
  if (env.QBITTORRENT_SECONDARY_URL) {
    applied.push('QBITTORRENT_SECONDARY_URL');
    upsert('secondary', env.QBITTORRENT_SECONDARY_URL, false, false);
  }
  if (username !== undefined) applied.push(env.QBITTORRENT_USERNAME !== undefined ? 'QBITTORRENT_USERNAME' : 'QB_USERNAME');
  if (password !== undefined) applied.push(env.QBITTORRENT_PASSWORD !== undefined ? 'QBITTORRENT_PASSWORD' : 'QB_PASSWORD');
  if (env.DOWNLOAD_PATH) applied.push('DOWNLOAD_PATH');

  const vpn = { ...base.vpn };
  const rawVpn = (rawConfig.vpn ?? {}) as Record<string, unknown>;
  if (env.VPN_CHECK) {
    vpn.check = env.VPN_CHECK;
    applied.push('VPN_CHECK');
  } else if (primaryUrl && rawVpn.check === undefined) vpn.check = 'ping';
  if (env.VPN_GATEWAY_IP) {
    vpn.gateway = env.VPN_GATEWAY_IP;
    applied.push('VPN_GATEWAY_IP');
  }
  let queueFile = base.queueFile;
  if (env.QBIT_FAILOVER_QUEUE_FILE) {
    queueFile = env.QBIT_FAILOVER_QUEUE_FILE;
    applied.push('QBIT_FAILOVER_QUEUE_FILE');
  }
  const parsed = SettingsSchema.safeParse({ ...base, instances, vpn, queueFile });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw Object.assign(new Error(`environment: ${issue?.path.join('.')}: ${issue?.message}`), { code: 'CONFIG_INVALID' });
  }
  return { settings: parsed.data, passwords, applied };
}
