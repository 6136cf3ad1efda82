import { AddOptionsSchema, type AddOptions } from '../../../shared/contract';
import type { Settings } from '../../../shared/settings';
import type { SecretStore } from '../config/secret-store';
import type { InflightPlacements } from '../failover/flow';
import type { Fleet } from '../fleet/fleet';
import type { InstanceRuntime } from '../fleet/instance';
import { QbitError, toQbitError, type QbitClient } from '../qbittorrent';
import type { QueueEntry, QueueStore } from '../queue';
import {
  deleteGatewaySecret,
  GATEWAY_APIKEY_SECRET,
  GATEWAY_PASSWORD_SECRET,
  GATEWAY_SECRET_ORIGIN,
  newGatewayApiKey,
  readGatewayCredentials,
  type GatewayCredentials,
  type GatewayStatus,
} from './credentials';

/** What the engine lends its gateway side: its owners (read when called: settings and the queue change) and its activity log. */
export interface GatewaySideDeps {
  secrets: SecretStore;
  env?: Record<string, string | undefined>;
  fleet: Fleet;
  inflight: InflightPlacements;
  settings(): Readonly<Settings>;
  queue(): QueueStore;
  /** Adds a line to the activity log (kind `status`). */
  note(message: string): void;
  /** Tells listeners the gateway's credentials changed (the engine emits `gatewayCredentials`). */
  credentialsChanged(): void;
  /** The queue's entries changed: a snapshot goes out. */
  changed(): void;
}

/** One instance the gateway asks (see {@link GatewaySide.backends}). */
export interface GatewayBackend {
  name: string;
  client: QbitClient;
  failed(err: unknown): void;
}

/** Client methods that reach the instance: for a `requiresVpn` instance each one re-probes a stale VPN state first. */
const NETWORK_METHODS = new Set<PropertyKey>(['request', 'info', 'categories', 'webapiVersion', 'syncMaindata', 'transferInfo', 'version', 'preferences']);

/**
 * Whether `err` says the instance could not be reached at all (nothing was answered): refused,
 * unreachable, a connect timeout, a TLS failure, a connection reset before any answer, or login
 * trouble. A slow answer (our request timer or undici's headers/body timeout) is not: a big
 * instance may take over 10 s for `sync/maindata`, and that must not take it off the routing.
 */
export function notReached(err: unknown): boolean {
  const e = toQbitError(err);
  if (e.code.startsWith('HTTP_') || e.code === 'NO_SESSION' || e.code === 'VPN_DOWN') return false;
  const codes: string[] = [];
  for (let cur: unknown = e, depth = 0; cur && typeof cur === 'object' && depth < 8; cur = (cur as { cause?: unknown }).cause, depth++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string') codes.push(c);
  }
  if (e.code === 'TIMEOUT') return codes.includes('UND_ERR_CONNECT_TIMEOUT');
  if (e.code === 'UNKNOWN') return codes.some((c) => c === 'ECONNRESET' || c === 'UND_ERR_SOCKET' || c === 'EPIPE');
  return true;
}

/**
 * The engine's gateway side: the gateway's credentials and status, the instances it may ask,
 * and edits of queued torrents. The engine composes one and keeps the public method names
 * (`gatewayStatus`, `setGatewayPassword`, …), which call through to it.
 */
export class GatewaySide {
  /** The URL of the gateway running in this process (set by `startGateway`), or null. */
  private url: string | null = null;
  /** Why the last start of the gateway in this process failed (set by its runner), or null. */
  private problem: string | null = null;
  /** The last start found the port held by another qbit-failover gateway (see `Engine.noteGatewayProblem`). */
  private servedElsewhere = false;

  constructor(private readonly deps: GatewaySideDeps) {}

  /** See `Engine.gatewayStatus`. */
  async status(): Promise<GatewayStatus> {
    const g = this.deps.settings().gateway;
    const creds = await this.credentials();
    return {
      enabled: g.enabled,
      ...(this.url ? { url: this.url } : {}),
      ...(this.problem && !this.url ? { problem: this.problem } : {}),
      ...(this.problem && !this.url && this.servedElsewhere ? { servedElsewhere: true } : {}),
      host: g.host,
      port: g.port,
      username: creds.username,
      hasPassword: creds.password !== null,
      hasApiKey: creds.apiKey !== null,
    };
  }

  /** See `Engine.setGatewayPassword`. */
  async setPassword(password: string): Promise<void> {
    if (password) await this.deps.secrets.set(GATEWAY_PASSWORD_SECRET, password, GATEWAY_SECRET_ORIGIN);
    else await deleteGatewaySecret(this.deps.secrets, GATEWAY_PASSWORD_SECRET);
    this.deps.note(password ? 'gateway password set' : 'gateway password removed');
    this.deps.credentialsChanged();
  }

  /** See `Engine.rotateGatewayApiKey`. */
  async rotateApiKey(): Promise<string> {
    const key = newGatewayApiKey();
    await this.deps.secrets.set(GATEWAY_APIKEY_SECRET, key, GATEWAY_SECRET_ORIGIN);
    this.deps.note('gateway API key rotated');
    this.deps.credentialsChanged();
    return key;
  }

  /** See `Engine.gatewayCredentials`. */
  credentials(): Promise<GatewayCredentials> {
    return readGatewayCredentials(this.deps.secrets, this.deps.settings().gateway, this.deps.env);
  }

  /** See `Engine.noteGatewayUrl`. */
  noteUrl(url: string | null): void {
    this.url = url;
  }

  /** See `Engine.noteGatewayProblem`. */
  noteProblem(problem: string | null, servedElsewhere = false): void {
    this.problem = problem;
    this.servedElsewhere = problem !== null && servedElsewhere;
  }

  /**
   * The instances the gateway may ask now (reachable at their last check, not VPN-bound while the
   * VPN is down), in priority order, with their WebUI API clients. A `requiresVpn` instance's
   * client re-probes a VPN state older than 1 s before each call and refuses it (`VPN_DOWN`,
   * nothing sent) when the VPN is down. `failed(err)` reports a failed call: only when the
   * instance was not reached at all ({@link notReached}) is it down until its next good probe; a
   * slow answer only leaves that one call out.
   */
  backends(): GatewayBackend[] {
    const fleet = this.deps.fleet;
    return fleet.reachable().map((rt) => ({
      name: rt.name,
      client: rt.settings.requiresVpn ? this.vpnChecked(rt) : rt.client,
      failed: (err: unknown) => {
        if (notReached(err)) fleet.markFailed(rt, toQbitError(err));
      },
    }));
  }

  /**
   * `rt`'s client with every call that reaches it preceded by the add's VPN refresh (a probe older
   * than 1 s is taken again): the routing's VPN state may be a poll interval old, and a client's
   * polling must not send a login or API key to a VPN-bound instance after the VPN dropped.
   * Throws QbitError `VPN_DOWN` (the instance is not contacted) when the VPN is down.
   */
  private vpnChecked(rt: InstanceRuntime): QbitClient {
    const fleet = this.deps.fleet;
    return new Proxy(rt.client, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        const fn = value as (...args: unknown[]) => unknown;
        if (!NETWORK_METHODS.has(prop)) return fn.bind(target);
        return async (...args: unknown[]) => {
          await fleet.refreshVpnBeforeAdd();
          if (rt.blockedByVpn(fleet.vpnHealth())) throw new QbitError('VPN_DOWN', `${rt.name} requires the VPN, which is down: not contacted`);
          return fn.apply(target, args);
        };
      },
    });
  }

  /**
   * Changes the add options of queue entries, in one queue write, once no placement of them runs
   * (a flush holds its entries from reading their options to the end of their placement): the
   * edit lands in the entry still queued, or — placed meanwhile — the caller finds the torrent on
   * its instance and sends the edit there. Options the add rules refuse (an invalid tag or
   * category) leave the entry as it was. Returns how many entries changed. @throws QueueWriteError.
   */
  async updateQueuedOptions(infohashes: string[], change: (options: AddOptions) => AddOptions): Promise<number> {
    const keys = infohashes.map((h) => h.toLowerCase());
    // A placement of these torrents running now (a flush) read their options before this edit:
    // wait for it, so the edit lands in the queue entry still there, or the caller finds the
    // torrent on the instance that took it and sends the edit there.
    const updated = await this.deps.inflight.around(keys, () =>
      this.deps.queue().updateOptions(keys, (before) => {
        const checked = AddOptionsSchema.safeParse(change({ ...before }));
        return checked.success ? checked.data : before;
      }),
    );
    if (updated.length) this.deps.changed();
    return updated.length;
  }

  /** See `Engine.queuedEntries`. */
  queuedEntries(): readonly QueueEntry[] {
    return this.deps.queue().entries();
  }
}
