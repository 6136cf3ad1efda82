import type { Agent } from 'undici';
import type { InstanceSettings } from '../../../shared/settings';
import { createAgent, send } from '../qbittorrent/http';

/**
 * Longest wait for the answer of one reachability probe, ms (bounded further by the instance's
 * connect timeout): a live qBittorrent answers an unauthenticated request in milliseconds.
 */
export const REACHABILITY_TIMEOUT_MS = 2_000;

/**
 * A cheap "does qBittorrent answer at all?" for an instance that is down: one unauthenticated
 * `GET /api/v2/app/version`, no session cookie, no API key, never a login — so it can never count
 * towards qBittorrent's ban after failed logins (`WebUI\MaxAuthenticationFailCount`: only
 * `auth/login` is counted). A live qBittorrent answers 403 (401 on 5.2+ for some builds, 200 when
 * authentication is bypassed for the client's address): any answer below 500 means "reachable".
 * A 5xx is a reverse proxy whose qBittorrent is down, a transport failure is down: not reachable.
 * Uses its own small connection pool (same TLS policy and connect timeout as the instance), so
 * it neither waits behind nor disturbs the instance's session requests.
 */
export class ReachabilityProbe {
  private agent: Agent | null = null;

  constructor(private readonly settings: Pick<InstanceSettings, 'url' | 'connectTimeoutMs' | 'tls'>) {}

  /** How long one probe may take, ms: {@link REACHABILITY_TIMEOUT_MS}, or the connect timeout when shorter. */
  get timeoutMs(): number {
    return Math.min(REACHABILITY_TIMEOUT_MS, this.settings.connectTimeoutMs);
  }

  /** Whether the WebUI answers now (see the class doc). Never throws. */
  async answers(): Promise<boolean> {
    try {
      this.agent ??= createAgent({ connectTimeoutMs: this.timeoutMs, requestTimeoutMs: this.timeoutMs, tls: this.settings.tls });
      const res = await send(this.agent, { method: 'GET', url: `${this.settings.url.replace(/\/+$/, '')}/api/v2/app/version` }, this.timeoutMs);
      return res.status < 500;
    } catch {
      return false;
    }
  }

  /** Ends the probe's connections. */
  async close(): Promise<void> {
    const a = this.agent;
    this.agent = null;
    await a?.close().catch(() => undefined);
  }
}
