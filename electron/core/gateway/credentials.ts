import { randomBytes } from 'node:crypto';
import type { Settings } from '../../../shared/settings';
import type { SecretStore } from '../config/secret-store';

/** Secret-store name of the gateway's own WebUI password (never in `config.json`). */
export const GATEWAY_PASSWORD_SECRET = 'gateway:password';
/** Secret-store name of the gateway's API key (`Authorization: Bearer <key>`). */
export const GATEWAY_APIKEY_SECRET = 'gateway:apikey';
/** Environment variables that override the stored gateway credentials. */
export const GATEWAY_USERNAME_ENV = 'QBIT_FAILOVER_GATEWAY_USERNAME';
export const GATEWAY_PASSWORD_ENV = 'QBIT_FAILOVER_GATEWAY_PASSWORD';

/** The credentials clients must present to the gateway. */
export interface GatewayCredentials {
  username: string;
  /** null: none configured — the gateway refuses to start. */
  password: string | null;
  /** null: no API key (Bearer is then refused). */
  apiKey: string | null;
}

/** What the settings view and the CLI show about the gateway (never the secrets themselves). */
export interface GatewayStatus {
  enabled: boolean;
  /** The URL while a gateway runs in this process. */
  url?: string;
  host: string;
  port: number;
  username: string;
  hasPassword: boolean;
  hasApiKey: boolean;
}

/**
 * The gateway's credentials: username from `QBIT_FAILOVER_GATEWAY_USERNAME` else
 * `settings.gateway.username`; password from `QBIT_FAILOVER_GATEWAY_PASSWORD` else the secret
 * `gateway:password`; API key from the secret `gateway:apikey`.
 */
export async function readGatewayCredentials(secrets: SecretStore, gateway: Settings['gateway'], env: Record<string, string | undefined> = {}): Promise<GatewayCredentials> {
  const username = env[GATEWAY_USERNAME_ENV]?.trim() || gateway.username;
  const password = env[GATEWAY_PASSWORD_ENV] || (await secrets.get(GATEWAY_PASSWORD_SECRET)) || null;
  const apiKey = (await secrets.get(GATEWAY_APIKEY_SECRET)) || null;
  return { username, password, apiKey };
}

/** A new gateway API key: `qbf_` and 32 random bytes in base64url (like qBittorrent 5.2's `qbt_…` keys). */
export function newGatewayApiKey(): string {
  return `qbf_${randomBytes(32).toString('base64url')}`;
}

/** The sentence shown when the gateway cannot start for want of a password. */
export const NO_GATEWAY_PASSWORD =
  'the gateway has no password: set one with `qbit-failover gateway-password` (or the QBIT_FAILOVER_GATEWAY_PASSWORD environment variable)';
