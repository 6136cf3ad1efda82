import { randomBytes } from 'node:crypto';
import type { Settings } from '../../../shared/settings';
import type { GatewayStatusView } from '../../../shared/contract';
import type { SecretStore } from '../config/secret-store';

/**
 * Secret-store name of the gateway's own WebUI password (never in `config.json`). It starts with
 * `@`, which no instance name can (shared/settings.ts `InstanceNameSchema`: a letter or digit
 * first), so no instance's secret (`<instance>`, `<instance>:apikey`) ever takes its place.
 */
export const GATEWAY_PASSWORD_SECRET = '@gateway:password';
/** Secret-store name of the gateway's API key (`Authorization: Bearer <key>`); `@` as in {@link GATEWAY_PASSWORD_SECRET}. */
export const GATEWAY_APIKEY_SECRET = '@gateway:apikey';
/**
 * Names the gateway's secrets had before they took the `@`, read when the new name is absent
 * (only under {@link GATEWAY_SECRET_ORIGIN}: an instance named `gateway` stores its API key as
 * `gateway:apikey` too, under its server's origin).
 */
const LEGACY_NAMES: Record<string, string> = { [GATEWAY_PASSWORD_SECRET]: 'gateway:password', [GATEWAY_APIKEY_SECRET]: 'gateway:apikey' };
/**
 * The "origin" the gateway's secrets are stored under. Instance secrets are bound to their
 * server's URL origin (`http://host:port`), which can never equal this, so the gateway's key is
 * never sent to an instance, nor an instance's key accepted by the gateway.
 */
export const GATEWAY_SECRET_ORIGIN = 'qbit-failover:gateway';

/** A gateway secret: its value when it was stored by the gateway, else null (absent, or an instance's under the same name). */
async function gatewaySecret(secrets: SecretStore, name: string): Promise<string | null> {
  for (const n of [name, LEGACY_NAMES[name]]) {
    if (!n) continue;
    const entry = await secrets.getEntry(n);
    if (entry && entry.origin === GATEWAY_SECRET_ORIGIN && entry.password) return entry.password;
  }
  return null;
}

/**
 * Removes a gateway secret ({@link GATEWAY_PASSWORD_SECRET} or {@link GATEWAY_APIKEY_SECRET}), and
 * its earlier name when that entry is the gateway's (an instance's entry of that name stays).
 */
export async function deleteGatewaySecret(secrets: SecretStore, name: string): Promise<void> {
  await secrets.delete(name);
  const legacy = LEGACY_NAMES[name];
  if (legacy && (await secrets.getEntry(legacy))?.origin === GATEWAY_SECRET_ORIGIN) await secrets.delete(legacy);
}

/** Environment variables that override the stored gateway credentials. */
export const GATEWAY_USERNAME_ENV = 'QBIT_FAILOVER_GATEWAY_USERNAME';
/** See {@link GATEWAY_USERNAME_ENV}: the password clients must give, instead of the stored `@gateway:password`. */
export const GATEWAY_PASSWORD_ENV = 'QBIT_FAILOVER_GATEWAY_PASSWORD';

/** The credentials clients must present to the gateway. */
export interface GatewayCredentials {
  username: string;
  /** null: none configured — the gateway refuses to start. */
  password: string | null;
  /** null: no API key (Bearer is then refused). */
  apiKey: string | null;
}

/** What the settings view and the CLI show about the gateway (never the secrets themselves): the API's {@link GatewayStatusView}. */
export type GatewayStatus = GatewayStatusView;

/**
 * The gateway's credentials: username from `QBIT_FAILOVER_GATEWAY_USERNAME` else
 * `settings.gateway.username`; password from `QBIT_FAILOVER_GATEWAY_PASSWORD` else the secret
 * `@gateway:password`; API key from the secret `@gateway:apikey` (each only when stored under
 * {@link GATEWAY_SECRET_ORIGIN}; the names without `@` that earlier versions used are read when these are absent).
 */
export async function readGatewayCredentials(secrets: SecretStore, gateway: Settings['gateway'], env: Record<string, string | undefined> = {}): Promise<GatewayCredentials> {
  const username = env[GATEWAY_USERNAME_ENV]?.trim() || gateway.username;
  const password = env[GATEWAY_PASSWORD_ENV] || (await gatewaySecret(secrets, GATEWAY_PASSWORD_SECRET));
  const apiKey = await gatewaySecret(secrets, GATEWAY_APIKEY_SECRET);
  return { username, password, apiKey };
}

/** A new gateway API key: `qbf_` and 32 random bytes in base64url (like qBittorrent 5.2's `qbt_…` keys). */
export function newGatewayApiKey(): string {
  return `qbf_${randomBytes(32).toString('base64url')}`;
}

/** The sentence shown when the gateway cannot start for want of a password. */
export const NO_GATEWAY_PASSWORD =
  'the gateway has no password: set one with `qbit-failover gateway-password` (or the QBIT_FAILOVER_GATEWAY_PASSWORD environment variable)';
