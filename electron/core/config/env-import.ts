import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { SettingsSchema, type Settings, type InstanceSettingsInput } from '../../../shared/settings';
import { trimApiSuffix, withScheme } from '../../../shared/webui-url';
import { apiKeyName, originOf, type StoredSecret } from './secret-store';

/** Environment variables of the old Python tool (and its older `QB_*` form) that we honour. */
export const LEGACY_ENV_KEYS = [
  'QBITTORRENT_URL',
  'QBITTORRENT_SECONDARY_URL',
  'QBITTORRENT_USERNAME',
  'QBITTORRENT_PASSWORD',
  'QBITTORRENT_API_KEY',
  'DOWNLOAD_PATH',
  'QB_HOST',
  'QB_PORT',
  'QB_USERNAME',
  'QB_PASSWORD',
  'VPN_CHECK',
  'VPN_GATEWAY_IP',
  'QBIT_FAILOVER_QUEUE_FILE',
] as const;

/** Where a variable came from: the `.env` file in the working directory, or the real environment. */
export type EnvSource = '.env' | 'environment';

/** The merged variables, and where each one came from. */
export interface EnvValues {
  values: Record<string, string | undefined>;
  /** Variable name → its source (only names, never values). */
  sources: Record<string, EnvSource>;
}

/** Result of applying the environment: new settings, and passwords to use without storing them. */
export interface EnvOverlay {
  settings: Settings;
  /** Passwords from the environment, each bound to the origin of the URL given with it. */
  passwords: Record<string, StoredSecret>;
  /** Names of the variables that took effect (never their values). */
  applied: string[];
  /** Variables that were set but ignored, with why (names only, never values). */
  warnings: string[];
  /** URLs read differently from how they were written (scheme added, `/api/v2` dropped), e.g. `QBITTORRENT_URL has no scheme: using http://nas:8080`. */
  notes: string[];
}

/**
 * Reads `.env` in `cwd` (if any) and merges it under the real environment (real variables win),
 * like python-dotenv did for the old tool. Only {@link LEGACY_ENV_KEYS} and QBIT_FAILOVER_* are kept.
 */
export function readEnv(env: Record<string, string | undefined>, cwd: string = process.cwd()): Record<string, string | undefined> {
  return readEnvWithSources(env, cwd).values;
}

/** {@link readEnv}, also telling for each variable whether `.env` or the real environment gave it. */
export function readEnvWithSources(env: Record<string, string | undefined>, cwd: string = process.cwd()): EnvValues {
  let fromFile: Record<string, string> = {};
  try {
    fromFile = parseEnv(fs.readFileSync(path.join(cwd, '.env'), 'utf8')) as Record<string, string>;
  } catch {
    fromFile = {};
  }
  const values: Record<string, string | undefined> = {};
  const sources: Record<string, EnvSource> = {};
  for (const [k, v] of Object.entries(fromFile)) {
    if (k.startsWith('QB') || k.startsWith('VPN_') || k === 'DOWNLOAD_PATH') {
      values[k] = v;
      sources[k] = '.env';
    }
  }
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && v !== '') {
      values[k] = v;
      sources[k] = 'environment';
    }
  }
  return { values, sources };
}

/**
 * True when `config.json` gates adds on the VPN: it sets a probe other than `none` and has an
 * instance with `requiresVpn`. Then the environment may not change the probe (see {@link applyLegacyEnv}).
 */
export function configGatesVpn(base: Settings, rawConfig: Record<string, unknown>): boolean {
  const rawVpn = (rawConfig.vpn ?? {}) as Record<string, unknown>;
  return typeof rawVpn.check === 'string' && rawVpn.check !== 'none' && base.instances.some((i) => i.requiresVpn);
}

/**
 * Applies the old tool's variables over `config.json` settings:
 * `QBITTORRENT_URL` (or `QB_HOST`+`QB_PORT`) → instance `primary` with `requiresVpn: true`;
 * `QBITTORRENT_SECONDARY_URL` → `secondary`; `QBITTORRENT_USERNAME`/`_PASSWORD` (or `QB_USERNAME`/
 * `QB_PASSWORD`) for both; `DOWNLOAD_PATH` → their save path; `VPN_CHECK`, `VPN_GATEWAY_IP`;
 * `QBIT_FAILOVER_QUEUE_FILE`. When the environment defines the primary but not `VPN_CHECK` and
 * `config.json` sets no probe, the probe is `ping` as the old tool always pinged the gateway.
 *
 * Security rules (a `.env` in whatever folder the CLI runs in must not redirect credentials or
 * open the VPN gate):
 * - An environment password is bound to the origin of the URL given with it, and only when both
 *   come from the same source: `QBITTORRENT_PASSWORD` from the real environment is never sent to
 *   a `QBITTORRENT_URL` read from `.env` (ignored, with a warning). Stored passwords are bound to
 *   their own origin by the engine; nothing here can unlock them for another address.
 * - The environment can only make the VPN gate stricter: when `config.json` gates
 *   ({@link configGatesVpn}), `VPN_CHECK` and `VPN_GATEWAY_IP` are ignored with a warning (any
 *   change — `none`, another interface, another gateway — could open the gate); otherwise they apply.
 * `sources` (from {@link readEnvWithSources}) names where each variable came from; without it,
 * every variable counts as coming from the real environment.
 * @throws ConfigError-like Error (`code: CONFIG_INVALID`) when a variable's value is invalid (e.g. a URL without http://).
 */
export function applyLegacyEnv(
  base: Settings,
  rawConfig: Record<string, unknown>,
  env: Record<string, string | undefined>,
  sources: Record<string, EnvSource> = {},
): EnvOverlay {
  const applied: string[] = [];
  const warnings: string[] = [];
  const notes: string[] = [];
  const sourceOf = (name: string): EnvSource => sources[name] ?? 'environment';
  const instances: InstanceSettingsInput[] = base.instances.map((i) => ({ ...i }));
  const passwords: Record<string, StoredSecret> = {};
  const username = env.QBITTORRENT_USERNAME ?? env.QB_USERNAME;
  const password = env.QBITTORRENT_PASSWORD ?? env.QB_PASSWORD;
  const passwordVar = env.QBITTORRENT_PASSWORD !== undefined ? 'QBITTORRENT_PASSWORD' : 'QB_PASSWORD';
  let passwordUsed = false;

  let primaryUrl = env.QBITTORRENT_URL && webUiUrl('QBITTORRENT_URL', env.QBITTORRENT_URL, notes);
  let primaryVar = 'QBITTORRENT_URL';
  if (primaryUrl) applied.push('QBITTORRENT_URL');
  else if (env.QB_HOST) {
    const host = withScheme(env.QB_HOST);
    primaryUrl = env.QB_PORT ? `${host.replace(/\/+$/, '')}:${env.QB_PORT}` : host;
    primaryVar = 'QB_HOST';
    applied.push('QB_HOST');
  }

  const upsert = (name: string, url: string, urlVar: string, requiresVpn: boolean, front: boolean): void => {
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
    if (password === undefined) return;
    if (sourceOf(passwordVar) === 'environment' && sourceOf(urlVar) === '.env') {
      warnings.push(`${passwordVar} from the environment is not sent to ${urlVar} from .env; set both in the same place`);
      return;
    }
    let origin: string;
    try {
      origin = originOf(patch.url!);
    } catch {
      return; // The URL is invalid: the schema check below reports it.
    }
    passwords[name] = { password, origin };
    passwordUsed = true;
  };
  if (primaryUrl) upsert('primary', primaryUrl, primaryVar, true, true);
  if (env.QBITTORRENT_SECONDARY_URL) {
    applied.push('QBITTORRENT_SECONDARY_URL');
    upsert('secondary', webUiUrl('QBITTORRENT_SECONDARY_URL', env.QBITTORRENT_SECONDARY_URL, notes), 'QBITTORRENT_SECONDARY_URL', false, false);
  }
  if (username !== undefined) applied.push(env.QBITTORRENT_USERNAME !== undefined ? 'QBITTORRENT_USERNAME' : 'QB_USERNAME');
  if (password !== undefined && passwordUsed) applied.push(passwordVar);
  if (env.DOWNLOAD_PATH) applied.push('DOWNLOAD_PATH');
  // An API key (5.2+) is per server: it goes only to the instance the environment's own URL names
  // (QBITTORRENT_URL / QB_HOST → `primary`), bound to that URL — never to whichever instance is first.
  if (env.QBITTORRENT_API_KEY) {
    if (!primaryUrl) {
      warnings.push('QBITTORRENT_API_KEY ignored: set QBITTORRENT_URL beside it (or store the key with `qbit-failover api-key <instance>`)');
    } else if (sourceOf('QBITTORRENT_API_KEY') === 'environment' && sourceOf(primaryVar) === '.env') {
      warnings.push(`QBITTORRENT_API_KEY from the environment is not sent to ${primaryVar} from .env; set both in the same place`);
    } else {
      try {
        passwords[apiKeyName('primary')] = { password: env.QBITTORRENT_API_KEY.trim(), origin: originOf(primaryUrl) };
        applied.push('QBITTORRENT_API_KEY');
      } catch {
        /* invalid URL: the schema check below reports it */
      }
    }
  }

  const vpn = { ...base.vpn };
  const rawVpn = (rawConfig.vpn ?? {}) as Record<string, unknown>;
  const gated = configGatesVpn(base, rawConfig);
  for (const name of ['VPN_CHECK', 'VPN_GATEWAY_IP'] as const) {
    if (!env[name]) continue;
    if (gated) {
      warnings.push(`${name} from ${sourceOf(name)} ignored: config.json gates instances on the VPN (vpn.check ${base.vpn.check}); change it there`);
      continue;
    }
    if (name === 'VPN_CHECK') vpn.check = env[name];
    else vpn.gateway = env[name];
    applied.push(name);
  }
  if (!env.VPN_CHECK && primaryUrl && rawVpn.check === undefined) vpn.check = 'ping';
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
  return { settings: parsed.data, passwords, applied, warnings, notes };
}

/**
 * The base URL of a URL variable as {@link withScheme} and {@link trimApiSuffix} read it, with a
 * note in `notes` for each change (the variable's name and the URL used; a URL holds no secret
 * unless it carries userinfo, which is then left out of the note).
 */
function webUiUrl(name: string, value: string, notes: string[]): string {
  const schemed = withScheme(value);
  const base = trimApiSuffix(schemed);
  const shown = (u: string): string => u.replace(/\/\/[^/@]*@/, '//');
  if (schemed !== value.trim()) notes.push(`${name} has no scheme: using ${shown(base)} (write https:// in front for TLS)`);
  if (base !== schemed.replace(/\/+$/, '')) notes.push(`${name} ends in /api/v2: using ${shown(base)} (qbit-failover adds /api/v2 itself)`);
  return base;
}
