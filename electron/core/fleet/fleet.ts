import { EventEmitter } from 'node:events';
import type { Failure } from '../../../shared/failure';
import type { InstanceHealth, RouteState, VpnHealth } from '../../../shared/model';
import type { Settings } from '../../../shared/settings';
import type { StatusCode } from '../../../shared/status';
import type { Logger } from '../logger';
import { QbitError } from '../qbittorrent';
import type { InstanceRuntime } from './instance';
import { nextProbeDelay, PollScheduler, RECHECK_AFTER_FAILED_ADD_MS, RECOVERY_PROBE_MS, recoverable } from './poll-scheduler';
import type { FinishedTorrent } from './torrent-counts';
import { orderCandidates, routeState } from './router';
import { probeVpn, VpnReconnector } from './vpn-probe';

/** Scheduler key of an instance's reachability probe (beside its own key, the instance name). */
const recoveryKey = (rt: InstanceRuntime): string => `reach\u0000${rt.name}`;

/** The settings the fleet runs on. */
export type FleetSettings = Pick<Settings, 'vpn' | 'pollIntervalMs' | 'maxBackoffMs' | 'routing'>;

/**
 * What the fleet tells its owner (the engine), which only listens: nothing below the engine
 * calls back up into it.
 * - `note`: a change worth a line in the activity log (an instance's status, the VPN's state);
 * - `change`: health changed (a new snapshot is due);
 * - `ok`: an instance answered a probe (stray copies of timed-out adds may be cleaned up there);
 *   `back`: it was unreachable before (transport failure) or its qBittorrent restarted since the
 *   last probe (the `sync/maindata` rid started over: a restart clears sessions) — torrents
 *   confirmed there just before may have been forgotten;
 * - `down`: an instance failed for a transport reason (refused, timed out, a 5xx): it may be
 *   crashing or restarting;
 * - `usable`: an instance became usable (queued entries can go now) — sent only after a round:
 *   every instance of higher priority that was down got a bounded chance to answer (its running
 *   check ended, or a reachability probe said no, or a quick full check ran after it said yes —
 *   at most {@link ROUND_WAIT_MS} in all), so a flush started on it follows the priority order,
 *   not which check ended first, and a frozen instance never holds it back for long;
 * - `finished`: torrents on `rt` reached completion (seen in the `sync/maindata` the poll reads).
 */
export interface FleetEvents {
  note: [kind: 'status' | 'vpn', message: string];
  change: [];
  ok: [rt: InstanceRuntime, back: boolean];
  down: [rt: InstanceRuntime];
  usable: [rt: InstanceRuntime];
  finished: [rt: InstanceRuntime, torrents: FinishedTorrent[]];
}

/**
 * What the placer and the add/flush flows read from the fleet: the routing order, who can be
 * asked about duplicates, why nothing is usable, and where to report an instance that failed.
 */
export interface FleetView {
  /** Instances to try now, in routing order (may re-probe the VPN, or everything, first). */
  candidates(): Promise<InstanceRuntime[]>;
  /** Instances that can be asked about duplicates (reachable at their last check). */
  reachable(): InstanceRuntime[];
  /** Instances the add must not reach (VPN-bound, VPN down) but that may hold the torrent: asked with their session only. */
  askOnly(): InstanceRuntime[];
  /** Why no instance is usable now: one typed failure per instance (empty: none configured). */
  unusable(): Failure[];
  /** An add or a duplicate check failed on `rt`: it is down until its next good probe, re-checked soon. */
  markFailed(rt: InstanceRuntime, err: QbitError): void;
  /** Whether any instance may take an add now. */
  anyUsable(): boolean;
  /**
   * While a round runs (an instance came back; those of higher priority get their chance before
   * `usable` goes out, see {@link FleetEvents}): a promise that settles when no round runs any
   * more. Null when none runs. A background flush waits for it, so it follows the priority order
   * like the flush started by `usable`.
   */
  afterRound(): Promise<void> | null;
  /** Whether the fleet polls now (started and not paused): background work runs only then. */
  isActive(): boolean;
}

/** Age of a VPN probe after which an add re-probes first, ms (an `interface:` probe costs nothing; `ping` ≤ its timeout). */
const VPN_FRESH_FOR_ADD_MS = 1_000;
/** When no instance is usable, an add re-checks everything first unless a full check ran this recently, ms. */
const RECHECK_ALL_BEFORE_ADD_MS = 5_000;

/**
 * Longest a round waits for the instances of higher priority before `usable` goes out, ms. An
 * instance is back in ≤ {@link RECOVERY_PROBE_MS} (its reachability probe) plus its check (ms on
 * a live qBittorrent); with this wait the queue reaches it within the 5 s recovery target even
 * when a higher instance is frozen (accepts, never answers: its check would run to its deadline,
 * up to the request timeout). A higher instance that answers later takes the rest of the queue
 * after its own round.
 */
export const ROUND_WAIT_MS = 3_000;

const NO_VPN: VpnHealth = { state: 'DISABLED', check: 'none', target: null, error: null, checkedAt: null };

/**
 * The one owner of the instances (WebUI API sessions + health), the VPN state, probe scheduling
 * (poll interval, backoff after failures, a quick re-check after a failed add, a VPN re-probe
 * before an add) and the routing order. The engine composes it and listens to its events
 * ({@link FleetEvents}); the placer reads it through {@link FleetView}.
 */
export class Fleet extends EventEmitter<FleetEvents> implements FleetView {
  private instances: InstanceRuntime[] = [];
  private vpn: VpnHealth = NO_VPN;
  private settings: FleetSettings | null = null;
  private readonly scheduler = new PollScheduler();
  private readonly reconnector: VpnReconnector;
  private running = false;
  private paused = false;
  /** Calls of {@link candidates} so far (round-robin's turn). */
  private turn = 0;
  private lastCheckAll = 0;
  /** Entries wait in the queue: down instances get the cheap reachability probe every {@link RECOVERY_PROBE_MS}. */
  private workWaiting = false;
  /** Instances whose return other work waits for (see {@link setReturnAwaited}). */
  private awaited: ReadonlySet<string> = new Set();
  /** Health checks running now, one per instance (a second request joins it). */
  private readonly checking = new Map<InstanceRuntime, Promise<void>>();
  /**
   * Instances whose next answering reachability probe may trigger a full check: set by a failed
   * check that the probe did not trigger, or by a probe that got no answer. So a server that
   * answers unauthenticated requests but fails the full check costs one extra check, not one
   * every 2 s.
   */
  private readonly armed = new WeakSet<InstanceRuntime>();
  /** The round running before `usable` is announced, and who came back meanwhile. */
  private round: Promise<void> | null = null;
  private readonly comingBack = new Set<InstanceRuntime>();

  constructor(logger: Logger) {
    super();
    this.reconnector = new VpnReconnector(logger);
  }

  /** Runs on new settings and runtimes; the old runtimes' sessions are closed. */
  async configure(settings: FleetSettings, runtimes: InstanceRuntime[]): Promise<void> {
    const old = this.instances;
    this.settings = settings;
    this.instances = runtimes;
    this.vpn = { ...this.vpn, check: settings.vpn.check };
    await Promise.all(old.map((o) => o.close().catch(() => undefined)));
  }

  private get conf(): FleetSettings {
    if (!this.settings) throw new Error('fleet used before configure()');
    return this.settings;
  }

  /** Starts polling; the first check runs now. */
  async start(): Promise<void> {
    this.running = true;
    this.scheduler.resume();
    await this.checkAll();
  }

  /** Stops polling and closes every session. */
  async stop(): Promise<void> {
    this.running = false;
    this.scheduler.stop();
    await Promise.all(this.instances.map((i) => i.close().catch(() => undefined)));
  }

  /** Pauses or resumes polling (adds still work); resuming checks everything at once when started. */
  async setPaused(paused: boolean): Promise<void> {
    this.paused = paused;
    if (paused) this.scheduler.stop();
    else {
      this.scheduler.resume();
      if (this.running) await this.checkAll();
    }
  }

  /** Whether polling is paused by the user. */
  isPaused(): boolean {
    return this.paused;
  }

  /** Whether the fleet polls now (started and not paused): background work (auto-flush) runs only then. */
  isActive(): boolean {
    return this.running && !this.paused;
  }

  /**
   * Probes the VPN, then every instance in parallel ("Check now"). An instance named in
   * `recorded` (another process's fresh health record, see health-record.ts) is not probed: it
   * is marked down with the recorded status, as after a failed add. `quick`: each probe is bounded
   * by the instance's connect timeout, as the duplicate check is (the check before a one-shot
   * CLI `add`: a frozen server costs 3 s there, not 4), instead of connect timeout + 1 s.
   */
  async checkAll(recorded: ReadonlyMap<string, { code: StatusCode; message: string }> = new Map(), quick = false): Promise<void> {
    this.lastCheckAll = Date.now();
    await this.checkVpn();
    await Promise.all(
      this.instances.map(async (rt) => {
        const r = recorded.get(rt.name);
        if (r) this.markFailed(rt, new QbitError(r.code, r.message));
        else await this.checkInstance(rt, quick ? Math.min(rt.settings.requestTimeoutMs, rt.settings.connectTimeoutMs) : undefined);
      }),
    );
  }

  private async checkVpn(): Promise<void> {
    const prev = this.vpn.state;
    this.vpn = await probeVpn(this.conf.vpn);
    if (prev !== this.vpn.state && this.vpn.checkedAt) {
      this.emit('note', 'vpn', `VPN ${this.vpn.state === 'CONNECTED' ? 'up' : this.vpn.state === 'DOWN' ? 'down' : 'check disabled'}${this.vpn.error ? `: ${this.vpn.error}` : ''}`);
      if (this.vpn.state === 'DOWN') this.reconnector.maybeRun(this.conf.vpn);
      // Back up: the VPN-bound instances are probed before anything goes on (an add right now must
      // see them, for its duplicate check too, not their stale VPN_DOWN).
      if (prev === 'DOWN') await Promise.all(this.instances.filter((i) => i.settings.requiresVpn).map((rt) => this.checkInstance(rt)));
    }
    if (this.isActive()) this.scheduler.schedule('vpn', this.conf.pollIntervalMs, () => void this.checkVpn());
    this.emit('change');
  }

  /** Checks `rt` now, or joins its check already running. `byRecoveryProbe`: triggered by an answering reachability probe. */
  private checkInstance(rt: InstanceRuntime, deadlineMs?: number, byRecoveryProbe = false): Promise<void> {
    const running = this.checking.get(rt);
    if (running) return running;
    const p = this.runCheck(rt, deadlineMs, byRecoveryProbe).finally(() => {
      if (this.checking.get(rt) === p) this.checking.delete(rt);
    });
    this.checking.set(rt, p);
    return p;
  }

  private async runCheck(rt: InstanceRuntime, deadlineMs: number | undefined, byRecoveryProbe: boolean): Promise<void> {
    const wasUsable = rt.isUsable(this.vpn);
    const prev = rt.health.status;
    const ridBefore = rt.counts.nextRid;
    const health = await rt.probe(this.vpn, deadlineMs);
    if (!this.instances.includes(rt)) return;
    if (prev !== health.status) this.emit('note', 'status', `${rt.name}: ${health.status}${health.error ? ` — ${health.error}` : ''}`);
    // Back from a transport failure, or restarted unseen between two polls (its rid started over).
    const back = (prev !== 'OK' && prev !== 'UNKNOWN' && recoverable(prev)) || (ridBefore > 0 && rt.counts.nextRid <= ridBefore);
    if (health.status === 'OK') this.emit('ok', rt, back);
    else if (recoverable(health.status)) this.emit('down', rt);
    const finished = rt.counts.takeFinished();
    if (finished.length) this.emit('finished', rt, finished);
    if (!wasUsable && rt.isUsable(this.vpn) && this.isActive()) this.announceUsable(rt);
    if (health.status !== 'OK' && !byRecoveryProbe) this.armed.add(rt);
    this.scheduleProbe(rt);
    this.scheduleRecoveryProbe(rt);
    this.emit('change');
  }

  /**
   * `rt` became usable: `usable` goes out once every instance of higher priority that is down
   * (but may be back: a transport failure) has settled — its running check ended, or a
   * reachability probe said no, or a quick full check ran after it said yes — or
   * {@link ROUND_WAIT_MS} passed. Never awaits the round itself (a check inside the round may
   * announce too: it joins the round running).
   */
  private announceUsable(rt: InstanceRuntime): void {
    this.comingBack.add(rt);
    this.round ??= this.completeRound().finally(() => (this.round = null));
  }

  /** See {@link FleetView.afterRound}: null when no round runs. */
  afterRound(): Promise<void> | null {
    if (!this.round) return null;
    return (async () => {
      while (this.round) await this.round.catch(() => undefined);
    })();
  }

  private async completeRound(): Promise<void> {
    // Only instances ranked before the first usable one can take precedence over it.
    const first = this.instances.findIndex((i) => this.comingBack.has(i) || i.isUsable(this.vpn));
    const higher = (first < 0 ? this.instances : this.instances.slice(0, first)).filter(
      (i) => !this.comingBack.has(i) && !i.isUsable(this.vpn) && !i.blockedByVpn(this.vpn) && (this.checking.has(i) || recoverable(i.health.status)),
    );
    if (higher.length) {
      const settled = Promise.all(
        higher.map(async (i) => {
          const running = this.checking.get(i);
          if (running) return running;
          if (await i.reach.answers()) await this.checkInstance(i, Math.min(i.settings.requestTimeoutMs, i.settings.connectTimeoutMs));
        }),
      );
      let timer: NodeJS.Timeout | undefined;
      const cap = new Promise<void>((resolve) => (timer = setTimeout(resolve, ROUND_WAIT_MS)));
      await Promise.race([settled, cap]).finally(() => clearTimeout(timer));
    }
    const back = [...this.comingBack];
    this.comingBack.clear();
    for (const rt of back) if (this.instances.includes(rt) && rt.isUsable(this.vpn) && this.isActive()) this.emit('usable', rt);
  }

  /**
   * Tells the fleet whether entries wait in the queue. While they do (and polling is active),
   * each instance down for a transport reason (refused, timed out, reset, a 5xx from a proxy) is
   * probed every {@link RECOVERY_PROBE_MS} with one unauthenticated request (never a login: see
   * {@link ReachabilityProbe}); when it answers, the full check runs at once instead of after the
   * backoff (which reaches 2 min), so the queue starts flushing within seconds of its return.
   */
  setWorkWaiting(waiting: boolean): void {
    if (this.workWaiting === waiting) return;
    this.workWaiting = waiting;
    for (const rt of this.instances) {
      if (waiting) this.scheduleRecoveryProbe(rt);
      else if (!this.awaited.has(rt.name)) this.scheduler.cancel(recoveryKey(rt));
    }
  }

  /**
   * Names the instances whose return other work waits for even with the queue empty: adds that
   * got no answer there (their stray copies are removed once it answers: `removeStrayCopies`) and
   * recent adds marked by its outage (re-checked once it answers). Each of them, while down for
   * a transport reason, gets the same reachability probe as when entries wait, every
   * {@link RECOVERY_PROBE_MS}; otherwise its next check waits for the backoff (up to
   * `maxBackoffMs`, 2 min by default) and a stray copy stays on two instances that long.
   */
  setReturnAwaited(names: ReadonlySet<string>): void {
    const before = this.awaited;
    this.awaited = names;
    if (this.workWaiting) return;
    for (const rt of this.instances) {
      if (names.has(rt.name) && !before.has(rt.name)) this.scheduleRecoveryProbe(rt);
      else if (!names.has(rt.name) && before.has(rt.name)) this.scheduler.cancel(recoveryKey(rt));
    }
  }

  private needsRecoveryProbe(rt: InstanceRuntime): boolean {
    return (this.workWaiting || this.awaited.has(rt.name)) && this.isActive() && this.instances.includes(rt) && !rt.blockedByVpn(this.vpn) && recoverable(rt.health.status);
  }

  private scheduleRecoveryProbe(rt: InstanceRuntime): void {
    if (this.needsRecoveryProbe(rt)) this.scheduler.schedule(recoveryKey(rt), RECOVERY_PROBE_MS, () => void this.recoveryProbe(rt));
  }

  private async recoveryProbe(rt: InstanceRuntime): Promise<void> {
    if (!this.needsRecoveryProbe(rt)) return;
    const running = this.checking.get(rt);
    // A check is running: it schedules the next probe when it ends.
    if (running) return void (await running);
    const answers = await rt.reach.answers();
    if (!this.needsRecoveryProbe(rt) || this.checking.has(rt)) return this.scheduleRecoveryProbe(rt);
    if (answers && this.armed.has(rt)) {
      this.armed.delete(rt);
      await this.checkInstance(rt, undefined, true);
      return;
    }
    if (!answers) this.armed.add(rt);
    this.scheduleRecoveryProbe(rt);
  }

  private scheduleProbe(rt: InstanceRuntime, delay?: number): void {
    if (!this.isActive()) return;
    const ms = delay ?? nextProbeDelay(rt.failures, this.conf.pollIntervalMs, this.conf.maxBackoffMs);
    this.scheduler.schedule(rt.name, ms, () => void this.checkInstance(rt));
  }

  markFailed(rt: InstanceRuntime, err: QbitError): void {
    const prev = rt.health.status;
    rt.markDown(err);
    if (prev !== rt.health.status) this.emit('note', 'status', `${rt.name}: ${err.code} — ${err.message}`);
    if (recoverable(err.code)) this.emit('down', rt);
    this.armed.add(rt);
    this.scheduleProbe(rt, Math.min(RECHECK_AFTER_FAILED_ADD_MS, this.conf.pollIntervalMs));
    this.scheduleRecoveryProbe(rt);
    this.emit('change');
  }

  /**
   * Re-probes the VPN before an add when a `requiresVpn` instance exists and the last probe is
   * older than {@link VPN_FRESH_FOR_ADD_MS}: the poll runs every 15 s by default, and an add
   * routed on a 14-s-old "CONNECTED" would reach the VPN-bound instance after the VPN dropped.
   */
  async refreshVpnBeforeAdd(): Promise<void> {
    if (this.conf.vpn.check === 'none' || !this.instances.some((i) => i.settings.requiresVpn)) return;
    const at = this.vpn.checkedAt ? Date.parse(this.vpn.checkedAt) : 0;
    if (Date.now() - at >= VPN_FRESH_FOR_ADD_MS) await this.checkVpn();
  }

  async candidates(): Promise<InstanceRuntime[]> {
    await this.refreshVpnBeforeAdd();
    let list = orderCandidates(this.instances, this.vpn, this.conf.routing, this.turn++);
    if (list.length === 0 && this.instances.length && Date.now() - this.lastCheckAll > RECHECK_ALL_BEFORE_ADD_MS) {
      await this.checkAll();
      list = orderCandidates(this.instances, this.vpn, this.conf.routing, this.turn);
    }
    return list;
  }

  reachable(): InstanceRuntime[] {
    return this.instances.filter((i) => i.isReachable(this.vpn));
  }

  askOnly(): InstanceRuntime[] {
    // A VPN-bound instance whose WebUI still answers may hold the torrent: ask it (session only) before adding elsewhere.
    return this.instances.filter((i) => i.blockedByVpn(this.vpn));
  }

  unusable(): Failure[] {
    return this.instances.map((i) => {
      const code = i.blockedByVpn(this.vpn) ? 'VPN_DOWN' : i.health.status;
      return { instance: i.name, code, message: i.health.error ?? code };
    });
  }

  /** Whether any instance may take an add now. */
  anyUsable(): boolean {
    return this.instances.some((i) => i.isUsable(this.vpn));
  }

  /** Every instance's last health, `usable` computed here (and only here) from health and VPN. */
  health(): InstanceHealth[] {
    return this.instances.map((i) => ({ ...i.health, usable: i.isUsable(this.vpn) }));
  }

  /** The VPN's last probe. */
  vpnHealth(): VpnHealth {
    return this.vpn;
  }

  /** Where adds go now, for the tray light. */
  route(): RouteState {
    return routeState(this.instances, this.vpn, this.paused);
  }

  /** The runtime named `name`, if configured. */
  find(name: string): InstanceRuntime | undefined {
    return this.instances.find((i) => i.name === name);
  }

  /** Configured instance names, in priority order. */
  names(): string[] {
    return this.instances.map((i) => i.name);
  }

  /** The runtimes, in priority order (read-only; for the engine's diagnostics and tests). */
  list(): readonly InstanceRuntime[] {
    return this.instances;
  }

  /** Puts `next` in `old`'s place (new credentials), closes `old`, and probes `next` now when polling. */
  async replace(old: InstanceRuntime, next: InstanceRuntime): Promise<void> {
    const idx = this.instances.indexOf(old);
    if (idx < 0) return;
    this.instances = this.instances.map((i) => (i === old ? next : i));
    await old.close().catch(() => undefined);
    if (this.running) await this.checkInstance(next);
  }

  /** Probes a runtime that is not part of the fleet (an edited instance's "Test"), with the VPN probed first if never done. */
  async probeOutside(rt: InstanceRuntime): Promise<InstanceHealth> {
    if (this.vpn.checkedAt === null) this.vpn = await probeVpn(this.conf.vpn);
    const health = await rt.probe(this.vpn);
    return { ...health, usable: rt.isUsable(this.vpn) };
  }
}
