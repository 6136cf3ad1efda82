import type { InstanceHealth, VpnHealth } from '../../../shared/model';
import type { InstanceSettings } from '../../../shared/settings';
import { QbitClient, QbitError, toQbitError, type LoginGuard } from '../qbittorrent';
import { ReachabilityProbe } from './reachability';
import { TorrentCounts } from './torrent-counts';

/** Rejects with TIMEOUT when `p` takes longer than `ms` (the request itself ends at its own timeout). */
function withDeadline<T>(p: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QbitError('TIMEOUT', `${name} did not answer the health check within ${ms} ms`)), ms);
  });
  p.catch(() => undefined);
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** An instance's last health without `usable`, which depends on the VPN too and is computed by the fleet alone ({@link InstanceRuntime.isUsable}). */
export type ProbedHealth = Omit<InstanceHealth, 'usable'>;

/** Status codes after which an instance is not tried again until its next successful probe. */
const DOWN_CODES = new Set(['CONNECTION_REFUSED', 'TIMEOUT', 'AUTH_FAILED', 'BANNED', 'TLS_ERROR', 'VPN_DOWN', 'NOT_CONFIGURED', 'NO_PASSWORD']);

/**
 * One configured instance at run time: its settings, its WebUI API session (a {@link QbitClient}),
 * its last health, and its torrent counts. Owned by the fleet ({@link Fleet}); shells only see
 * the fleet's health view.
 */
export class InstanceRuntime {
  readonly client: QbitClient;
  readonly counts = new TorrentCounts();
  /** The cheap unauthenticated "does it answer?" probe, used while the instance is down (never a login). */
  readonly reach: ReachabilityProbe;
  health: ProbedHealth;
  /** Consecutive failed probes (drives the poller's backoff). */
  failures = 0;
  private version: string | null = null;

  /** `password` null (none stored) makes every login fail with `NO_PASSWORD` without sending one. */
  /** `apiKey` (qBittorrent 5.2+): every call carries it as `Authorization: Bearer`; no login is ever sent. */
  constructor(readonly settings: InstanceSettings, password: string | null, guard: LoginGuard | undefined, apiKey?: string) {
    this.client = new QbitClient({
      apiKey,
      url: settings.url,
      username: settings.username,
      password: password ?? '',
      connectTimeoutMs: settings.connectTimeoutMs,
      requestTimeoutMs: settings.requestTimeoutMs,
      tls: settings.tls,
      loginGuard: guard,
      instanceName: settings.name,
    });
    this.reach = new ReachabilityProbe(settings);
    this.health = {
      name: settings.name,
      url: settings.url,
      requiresVpn: settings.requiresVpn,
      status: 'UNKNOWN',
      latencyMs: null,
      version: null,
      apiVersion: null,
      connectionStatus: null,
      externalAddress: null,
      torrents: null,
      torrentsAll: null,
      category: settings.category || null,
      error: null,
      checkedAt: null,
      lastSeenAt: null,
    };
  }

  /** The instance's configured name. */
  get name(): string {
    return this.settings.name;
  }

  /** True when the VPN state forbids adding here (`requiresVpn` and the probe says DOWN). */
  blockedByVpn(vpn: VpnHealth): boolean {
    return this.settings.requiresVpn && vpn.state === 'DOWN';
  }

  /**
   * Authenticated probe: WebUI API version (read once per session) and `sync/maindata`
   * (`connection_status` and torrent counts) — one request in steady state, zero logins.
   * Never contacts the instance while its VPN is down. Never throws; returns the new health.
   * `deadlineMs` bounds the whole probe (default {@link probeDeadlineMs}).
   */
  async probe(vpn: VpnHealth, deadlineMs = this.probeDeadlineMs()): Promise<ProbedHealth> {
    const checkedAt = new Date().toISOString();
    if (this.blockedByVpn(vpn)) return this.setHealth({ status: 'VPN_DOWN', error: 'VPN is down; this instance requires it', checkedAt, latencyMs: null });
    const t0 = performance.now();
    try {
      const md = await withDeadline(this.probeRequests(), deadlineMs, this.settings.name);
      this.counts.apply(md.data);
      const apiVersion = md.apiVersion;
      this.failures = 0;
      return this.setHealth({
        status: 'OK',
        error: null,
        checkedAt,
        latencyMs: Math.round(performance.now() - t0),
        apiVersion,
        version: this.version,
        connectionStatus: this.counts.connectionStatus,
        externalAddress: this.counts.externalAddress,
        torrents: this.counts.counts(this.settings.category),
        torrentsAll: this.counts.counts(),
        lastSeenAt: checkedAt,
      });
    } catch (err) {
      this.version = null;
      this.counts.reset();
      return this.markDown(toQbitError(err), checkedAt);
    }
  }

  private async probeRequests(): Promise<{ apiVersion: string; data: Awaited<ReturnType<QbitClient['syncMaindata']>> }> {
    const apiVersion = await this.client.webapiVersion();
    this.version ??= await this.client.appVersion();
    return { apiVersion, data: await this.client.syncMaindata(this.counts.nextRid) };
  }

  /**
   * A probe answers in milliseconds on a live server (login included), so it is bounded by the
   * connect timeout plus 1 s rather than the whole-request timeout meant for big adds: a frozen
   * server (SIGSTOP, a stalled tunnel) is reported TIMEOUT in ~4 s, not 10.
   */
  probeDeadlineMs(): number {
    return Math.min(this.settings.requestTimeoutMs, this.settings.connectTimeoutMs + 1_000);
  }

  /** Records a failure seen by a probe or an add; the instance is unusable until a probe succeeds. */
  markDown(err: QbitError, checkedAt = new Date().toISOString()): ProbedHealth {
    this.failures++;
    return this.setHealth({ status: err.code, error: err.message, checkedAt, latencyMs: null });
  }

  /** Whether an add may be tried here now, given the VPN: the one rule behind every `usable`. */
  isUsable(vpn: VpnHealth): boolean {
    return this.health.status === 'OK' && !this.blockedByVpn(vpn);
  }

  /** Whether the instance can be asked about duplicates (reachable at last check). */
  isReachable(vpn: VpnHealth): boolean {
    return !this.blockedByVpn(vpn) && !DOWN_CODES.has(this.health.status);
  }

  private setHealth(patch: Partial<ProbedHealth>): ProbedHealth {
    this.health = { ...this.health, ...patch };
    return this.health;
  }

  /** Ends the session's connections. */
  async close(): Promise<void> {
    await this.reach.close();
    await this.client.close();
  }
}
