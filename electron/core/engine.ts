import { EventEmitter } from 'node:events';
import { AddOptionsSchema, type AddOptions } from '../../shared/contract';
import { startWebhook, type WebhookHandle } from './webhook';
import type { ActivityItem, AddResponse, EngineEvent, EngineSnapshot, FlushResponse, InstanceHealth, QueueListing } from '../../shared/model';
import { ActivityLog, QueueFeed } from './activity';
import type { InstanceSettings, Settings } from '../../shared/settings';
import { configFile, defaultQueueFile } from './config/paths';
import { ensureHome, saveSettingsFile } from './config/settings-file';
import { importOverlay, keepStoredCommand, readSettings, type EnvInput, type EnvReport } from './config/settings-source';
import { OverlaySecretStore, originOf, type SecretStore } from './config/secret-store';
import { addResolved, resolveAll, resolveTorrentBytes, type Resolved } from './failover/add';
import { InflightPlacements, type FlowDeps } from './failover/flow';
import { newlyUnpinned, pinnedTo, renamedInstances } from './failover/pins';
import { FlushRunner } from './failover/flush-runner';
import { removeStrayCopies } from './failover/stray-cleanup';
import { Fleet } from './fleet/fleet';
import { HealthRecorder, recordedDown } from './fleet/health-record';
import type { InstanceRuntime } from './fleet/instance';
import { bindLegacyPasswords, InstanceFactory } from './fleet/instance-factory';
import { splitText } from './inputs/parse';
import { FailedLoginMemory } from './ledgers/failed-logins';
import { UncertainAdds } from './ledgers/uncertain-adds';
import { PlacedHere } from './ledgers/placed-here';
import { RecentAdds } from './ledgers/recent-adds';
import { requeueForgotten } from './failover/forgotten';
import { lostMoreNotice, lostNotice } from './failover/lost-notice';
import type { FinishedTorrent } from './fleet/torrent-counts';
import { watchFile } from './queue/file-watcher';
import { silentLogger, type Logger } from './logger';
import { QueueStore, type QueueEntry } from './queue';
import type { TorrentInfo } from './qbittorrent';
import type { GatewayCredentials, GatewayStatus } from './gateway/credentials';
import { GatewaySide, type GatewayBackend } from './gateway/engine-side';
import { flushResultText, placedPerInstance } from '../../shared/flush-result';

export { COMMAND_LOCKED_MESSAGE, type EnvReport } from './config/settings-source';

/** How often a fleet change re-reads the ledgers for instances whose return is awaited (other processes write them too), ms. */
const RETURN_AWAITED_REREAD_MS = 2_000;

/** How an engine is made. */
export interface EngineOptions {
  /** Folder with `config.json`, the auth-failure memory and the uncertain-adds ledger. */
  home: string;
  /** Where passwords live (file with mode 0600 for the CLI, safeStorage for the tray app). */
  secrets: SecretStore;
  /** Environment to read the old tool's variables from (omit to ignore the environment). */
  env?: Record<string, string | undefined>;
  /** Folder whose `.env` is read with `env` (default: the working directory). */
  cwd?: string;
  logger?: Logger;
  /** Watch the queue file and `config.json` for other programs' writes (watch, tray, serve). */
  watchQueueFile?: boolean;
}

/**
 * Where a call comes from. `remote`: the dashboard's HTTP bridge (anyone holding its token, maybe
 * from another machine): such a call may not change the VPN reconnect command (it runs as the
 * user) nor name files on this machine as inputs. The desktop app's own window and the CLI are local.
 */
export interface CallOrigin {
  remote?: boolean;
  /**
   * The program that asked, as it names itself (the gateway passes the User-Agent, e.g.
   * "Sonarr/4.0.14"); the activity log names it. Shown after terminal-safe cleaning, 80 characters at most.
   */
  client?: string;
}



/** How often `config.json` is stat'ed besides `fs.watch` (which misses some writes, e.g. on network shares), ms. */
const CONFIG_POLL_MS = 2_000;

/**
 * The resilient engine, a facade with no public fields: it composes the owners — the fleet
 * (instances, VPN, probes, routing: fleet/), the durable queue (queue/), the ledgers (failed
 * logins, uncertain adds: ledgers/) and the add/flush flows (failover/) — and listens to them;
 * nothing below calls back up into it. Shells (CLI, dashboard, Electron) call its methods and
 * translate what it emits: `event` ({@link EngineEvent}) on every change, `settings` (see
 * {@link Engine.onSettings}). Never imports `electron`.
 */
export class Engine extends EventEmitter {
  private settings!: Settings;
  /** Instances, VPN state, probe scheduling and routing: the one owner. */
  private readonly fleet: Fleet;
  private queue!: QueueStore;
  private readonly uncertain: UncertainAdds;
  /** Builds instance runtimes with the right password (the stored one only for its origin) and the failed-login memory. */
  private readonly runtimes: InstanceFactory;
  /** What `.env` and the environment changed at load (empty when `env` is not used). */
  private envReport: EnvReport = { fromDotenv: [], fromEnvironment: [], warnings: [] };
  /** What the settings in force ignored or adjusted, with the fix (the snapshot's `configWarnings`). */
  private configNotes: string[] = [];
  private readonly logger: Logger;
  /** The webhook while running (`start` → `stop`). */
  private webhook: WebhookHandle | null = null;
  /** Runs flushes one at a time (and background flushes, retried with backoff). */
  private readonly flusher: FlushRunner;
  /** The activity log (ring buffer; its items go out as `activity` events). */
  private readonly activity = new ActivityLog();
  /** Revision and arrivals of the queue's entries (they go out as `queue` events). */
  private readonly queueFeed = new QueueFeed();
  /** The entries changed since the last `queue` event. */
  private queueDirty = false;
  /** Flushes that placed entries (the snapshot's `flushesPlaced`). */
  private flushesPlaced = 0;
  private running = false;
  private stopWatch: (() => void) | null = null;
  /** Stops watching `config.json` for hand edits (set while started with `watchQueueFile`). */
  private stopConfigWatch: (() => void) | null = null;
  private emitTimer: NodeJS.Timeout | null = null;
  /** Writes `<home>/health.json` for other processes while this engine polls. */
  private readonly healthRecord: HealthRecorder;
  /** The gateway's side: its credentials, the instances it asks, edits of queued torrents. */
  private readonly gateway: GatewaySide;

  constructor(private readonly opts: EngineOptions) {
    super();
    this.logger = opts.logger ?? silentLogger;
    this.failedLogins = new FailedLoginMemory(opts.home);
    this.runtimes = new InstanceFactory(opts.secrets, this.failedLogins);
    this.uncertain = new UncertainAdds(opts.home);
    this.placedHere = new PlacedHere(opts.home);
    this.recentAdds = new RecentAdds(opts.home);
    this.fleet = new Fleet(this.logger);
    this.healthRecord = new HealthRecorder(opts.home, (m) => this.logger.warn(m));
    this.fleet.on('note', (kind, message) => this.note(kind, message));
    this.fleet.on('change', () => {
      this.emitSoon();
      // A polling engine (watch, serve, the tray) shares what it learns with one-shot CLI runs.
      if (this.running) this.healthRecord.update(this.fleet.health());
      // Other processes (CLI runs) write the ledgers too: look again now and then.
      if (this.running && Date.now() - this.awaitedReadAt > RETURN_AWAITED_REREAD_MS) this.refreshReturnAwaited();
    });
    // An instance that answers again may hold a stray copy of an add that timed out there and was placed elsewhere.
    this.fleet.on('ok', (rt) =>
      void removeStrayCopies(rt, this.uncertain, this.logger, (name) => {
        const holder = this.fleet.find(name);
        // A VPN-bound holder while the VPN is down is asked with its held session only (no login, no key).
        return holder && { rt: holder, sessionOnly: holder.blockedByVpn(this.fleet.vpnHealth()) };
      })
        .catch(() => undefined)
        .finally(() => this.refreshReturnAwaited()),
    );
    // qBittorrent forgets a torrent it listed but had not saved when it crashes: re-check recent adds after an outage.
    this.fleet.on('down', (rt) => void this.inRecentChecks(rt, () => this.recentAdds.markOutage(rt.name)).finally(() => this.refreshReturnAwaited()));
    this.fleet.on('ok', (rt, back) => void this.recheckRecentAdds(rt, back).finally(() => this.refreshReturnAwaited()));
    this.fleet.on('usable', () => {
      if (this.queue.entries().length) void this.flusher.auto();
    });
    // Torrents that completed on an instance go out as `torrentFinished` (shells notify, call webhooks).
    this.fleet.on('finished', (rt, torrents) => void this.announceFinished(rt.name, torrents));
    this.flusher = new FlushRunner({ flow: () => this.flowDeps(), backoff: () => this.settings });
    this.flusher.on('change', () => {
      this.emitSoon();
      // A flush that ended may have left adds without an answer on an instance (see refreshReturnAwaited).
      if (!this.flusher.isFlushing()) this.refreshReturnAwaited();
    });
    this.flusher.on('placed', (res) => {
      this.flushesPlaced++;
      this.recordPlaced(res.placed.filter((p) => p.outcome === 'added').map((p) => p.infohash));
      this.noteEach('duplicate', res.placed.filter((p) => p.outcome === 'duplicate').map((p) => `${p.name ?? p.infohash} was already on ${p.instance}: left the queue`), 'more queue entries were already on an instance');
      this.note('flush', `flushed ${res.placed.length} from the queue (${flushResultText(placedPerInstance(res.placed), res.remaining.length)}); ${res.queueLength} still queued`);
    });
    this.flusher.on('progress', (progress) => {
      // A flush's first report (nothing placed yet): the entries whose chosen instance is gone are told now.
      if (!progress.done && progress.placed === 0) this.noteUnknownPins();
      this.emit('event', { type: 'flushProgress', progress } satisfies EngineEvent);
    });
    this.flusher.on('failed', (what, delayMs) => this.note('error', `auto-flush failed (${what}); retrying in ${Math.round(delayMs / 1000)} s`));
    this.gateway = new GatewaySide({
      secrets: opts.secrets,
      env: opts.env,
      fleet: this.fleet,
      inflight: this.inflight,
      settings: () => this.settings,
      queue: () => this.queue,
      note: (m) => this.note('status', m),
      credentialsChanged: () => this.emit('gatewayCredentials'),
      changed: () => this.emitSoon(),
    });
  }

  /** Loads `config.json` (+ environment), builds instance sessions, and reads the queue. @throws ConfigError. */
  async load(): Promise<void> {
    await ensureHome(this.opts.home);
    const read = await readSettings(this.opts.home, this.envInput());
    // Before the environment is applied: a legacy password is bound to config.json's URL, never to one from `.env`.
    await bindLegacyPasswords(this.opts.secrets, read.file, this.logger);
    this.envReport = read.report;
    if (read.report.fromDotenv.length) this.logger.info(`settings from .env: ${read.report.fromDotenv.join(', ')}`);
    if (read.report.fromEnvironment.length) this.logger.info(`settings from the environment: ${read.report.fromEnvironment.join(', ')}`);
    for (const w of read.report.warnings) this.logger.warn(w);
    this.configNotes = read.notes;
    for (const n of read.notes) this.logger.warn(n);
    if (Object.keys(read.passwords).length) this.runtimes.useSecrets(new OverlaySecretStore(this.opts.secrets, read.passwords));
    await this.applySettings(read.settings);
  }

  /** The environment this engine lays over `config.json` (none when made without `env`). */
  private envInput(): EnvInput | undefined {
    return this.opts.env ? { env: this.opts.env, cwd: this.opts.cwd } : undefined;
  }

  /**
   * A hand edit of `config.json` (seen by the watcher of a started daemon): applies the file as
   * {@link load} would (environment included) when it differs from the settings in force — our
   * own saves read back equal and change nothing. An invalid file is reported and ignored; the
   * settings in force stay.
   */
  private async reloadSettingsFile(): Promise<void> {
    let next: Settings;
    try {
      const read = await readSettings(this.opts.home, this.envInput());
      next = read.settings;
      if (JSON.stringify(read.notes) !== JSON.stringify(this.configNotes)) {
        this.configNotes = read.notes;
        for (const n of read.notes) this.note('error', n);
        this.emitSoon();
      }
    } catch (err) {
      this.note('error', `config.json changed but was not applied: ${(err as Error).message}`);
      return;
    }
    if (!this.running || JSON.stringify(next) === JSON.stringify(this.settings)) return;
    await this.applySettings(next);
    this.note('status', 'settings changed in config.json: applied');
    if (this.running) await this.checkAll();
  }

  private async applySettings(settings: Settings): Promise<void> {
    const before = this.settings as Settings | undefined;
    this.settings = settings;
    await this.fleet.configure(settings, await Promise.all(settings.instances.map((s) => this.runtimes.make(s))));
    const queueFile = settings.queueFile ?? defaultQueueFile();
    if (!this.queue || this.queue.path !== queueFile) {
      this.stopWatch?.();
      this.stopWatch = null;
      const store = new QueueStore({ path: queueFile });
      this.queue = store;
      this.queue.on('warning', (m: string) => this.note('error', m));
      this.queue.on('change', (entries: QueueEntry[]) => {
        // Entries that appeared and that this process did not queue: another program wrote them.
        const foreign = this.queueFeed.update(entries).filter((e) => !store.createdHere(e.id));
        this.noteEach('foreign', foreign.map((e) => `${e.name ?? e.infohash} written into the queue file by another program`), 'more entries written into the queue file by another program');
        this.fleet.setWorkWaiting(entries.length > 0);
        this.queueDirty = true;
        this.onQueueChange();
      });
      this.queue.on('problem', () => this.emitSoon());
      // Read only: `queue` and `status` must never move or rewrite the file. Writers repair it
      // on their first locked write; watching engines right away (startQueueWatch).
      await this.queue.load({ repair: false }).catch((err: Error) => this.note('error', `queue file: ${err.message}`));
      // A store emits 'change' only when its entries differ from none: an empty new file emits nothing.
      this.queueFeed.update(this.queue.entries());
      this.fleet.setWorkWaiting(this.queue.entries().length > 0);
      this.queueDirty = true;
      this.emitSoon();
      if (this.running && this.opts.watchQueueFile) this.startQueueWatch();
    }
    if (before) await this.followRenamedInstances(before, settings);
    this.emit('settings', settings);
  }

  /** Queue entries pinned to an instance the new settings renamed are pinned to its new name (failover/pins.ts), in one queue write. */
  private async followRenamedInstances(before: Settings, after: Settings): Promise<void> {
    const renamed = renamedInstances(before, after);
    const pinned = renamed.size ? pinnedTo(this.queue.entries(), renamed) : [];
    if (pinned.length === 0) return;
    try {
      await this.queue.updateOptions(pinned.map((e) => e.infohash), (o) => ({ ...o, instance: (o.instance && renamed.get(o.instance)) ?? o.instance }));
      this.note('queue', `${pinned.length} queue ${pinned.length === 1 ? 'entry follows its instance' : 'entries follow their instance'} renamed in the settings (${[...renamed].map(([a, b]) => `${a} → ${b}`).join(', ')})`);
    } catch (err) {
      this.note('error', `queue entries of a renamed instance keep its old name: ${(err as Error).message}`);
    }
  }

  /** Queue entries (`<infohash> <instance>`) already told to be pinned to an instance no longer configured. */
  private readonly toldUnpinned = new Set<string>();

  /** At a flush's start: notes once each entry pinned to an instance no longer configured (the placer routes it as unpinned). */
  private noteUnknownPins(): void {
    const lost = newlyUnpinned(this.queue.entries(), new Set(this.fleet.names()), this.toldUnpinned);
    this.noteEach('queue', lost.map((e) => `${e.name ?? e.infohash} was meant for ${e.options!.instance}, which is no longer configured: it goes by the routing order`), 'more queue entries were meant for an instance no longer configured');
  }

  /** Names of instances whose stored password may be used at their current URL (for the settings view). */
  async passwordsSet(): Promise<string[]> {
    const out: string[] = [];
    for (const rt of this.fleet.list()) if (await this.runtimes.hasUsablePassword(rt.settings)) out.push(rt.name);
    return out;
  }

  /** The settings in force (`config.json` with the environment applied). Do not mutate: save a changed copy with {@link saveSettings}. */
  currentSettings(): Readonly<Settings> {
    return this.settings;
  }

  /**
   * Calls `listener` with the settings in force after every change (saved from a UI, imported
   * from the environment). Returns the unsubscribe function.
   */
  onSettings(listener: (settings: Readonly<Settings>) => void): () => void {
    this.on('settings', listener);
    return () => this.off('settings', listener);
  }

  /** Where this engine keeps its files: the home folder and the queue file. */
  paths(): { home: string; queueFile: string } {
    return { home: this.opts.home, queueFile: this.queue.path };
  }

  /** What is wrong with the queue file now (corrupt, moved aside, unreadable), or null. */
  queueProblem(): ReturnType<QueueStore['problem']> {
    return this.queue.problem();
  }

  /** What the settings in force ignored or adjusted (unknown `config.json` keys, URLs read differently), each with its fix. */
  configWarnings(): string[] {
    return this.configNotes;
  }

  /** Which settings came from `.env` and the environment at load (names only). */
  environmentReport(): EnvReport {
    return this.envReport;
  }

  /**
   * Lists an instance's torrents (`torrents/info`, optionally filtered by the ids qBittorrent
   * lists them under). @throws Error code `NOT_CONFIGURED` for an unknown instance, `VPN_DOWN` for a VPN-bound one while the VPN is down; QbitError for server trouble.
   */
  async listTorrents(instance: string, ids?: string[]): Promise<TorrentInfo[]> {
    return (await this.reachableNamed(instance)).client.info(ids ? { hashes: ids } : {});
  }

  /**
   * Pauses, resumes or deletes torrents on one instance by listed id, or `'all'` of them;
   * `delete` removes downloaded data only with `deleteFiles`. @throws as {@link listTorrents}.
   */
  async torrentAction(instance: string, action: 'pause' | 'resume' | 'delete', ids: string[] | 'all', deleteFiles = false): Promise<void> {
    const client = (await this.reachableNamed(instance)).client;
    if (action === 'pause') await client.pause(ids);
    else if (action === 'resume') await client.resume(ids);
    else await client.delete(ids, deleteFiles);
    this.note('status', `${action} ${ids === 'all' ? 'all torrents' : `${ids.length} torrent(s)`} on ${instance}`);
  }

  /**
   * The instance `name`, after a fresh VPN probe; throws `VPN_DOWN` (409) for a `requiresVpn`
   * instance while the VPN is down, so no login or key reaches it outside the tunnel.
   */
  private async reachableNamed(name: string): Promise<InstanceRuntime> {
    const rt = this.instanceNamed(name);
    await this.fleet.refreshVpnBeforeAdd();
    if (rt.blockedByVpn(this.fleet.vpnHealth())) {
      throw Object.assign(new Error(`${name} requires the VPN, which is down: not contacted`), { code: 'VPN_DOWN', httpStatus: 409 });
    }
    return rt;
  }

  /** The runtime of `name`. @throws Error code `NOT_CONFIGURED` naming the configured instances. */
  private instanceNamed(name: string): InstanceRuntime {
    const rt = this.fleet.find(name);
    if (rt) return rt;
    const names = this.fleet.names();
    throw Object.assign(new Error(`no instance named ${name} (configured: ${names.join(', ') || 'none'})`), { code: 'NOT_CONFIGURED', httpStatus: 404 });
  }

  /** Starts polling (and the queue watcher); the first check runs now. */
  async start(): Promise<void> {
    this.running = true;
    // Notices to `notifications.webhookUrl` for as long as the engine runs (watch, serve, gateway, tray).
    this.webhook ??= startWebhook({ source: this, logger: this.logger });
    this.flusher.resume();
    if (this.opts.watchQueueFile && !this.stopWatch) this.startQueueWatch();
    if (this.opts.watchQueueFile && !this.stopConfigWatch) {
      this.stopConfigWatch = watchFile(configFile(this.opts.home), () => this.reloadSettingsFile(), {
        pollMs: CONFIG_POLL_MS,
        onError: (err) => this.logger.warn(`cannot watch config.json: ${(err as Error)?.message ?? String(err)}`),
      });
    }
    await this.fleet.start();
    // Adds of earlier runs may still wait for an instance's return (stray copies, marked recent adds).
    this.refreshReturnAwaited();
  }

  /** Watches the queue file and repairs it now (journaled entries a rewrite dropped, a corrupt file). */
  private startQueueWatch(): void {
    this.stopWatch = this.queue.watch();
    void this.queue.load().catch((err: Error) => this.note('error', `queue file: ${err.message}`));
  }

  /** Stops timers, the watcher and sessions; waits for a running flush. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopWatch?.();
    this.stopWatch = null;
    this.stopConfigWatch?.();
    this.stopConfigWatch = null;
    await this.flusher.stop();
    // Before the sessions close: a re-check of recent adds (a CLI run's) still talks to the instance.
    await Promise.all(this.recentChecks.values());
    await this.fleet.stop();
    await this.placing;
    if (this.emitTimer) clearTimeout(this.emitTimer);
    await this.webhook?.stop();
    this.webhook = null;
  }

  /**
   * Probes the VPN, then every instance in parallel ("Check now"). With `trustHealthRecord` (the
   * CLI's `add`), an instance that a running daemon recorded TIMEOUT or CONNECTION_REFUSED less
   * than 60 s ago is taken as down without a probe (fleet/health-record.ts). With `quick`, each
   * probe is bounded by the connect timeout, like the duplicate check (the check before an add).
   */
  async checkAll(o: { trustHealthRecord?: boolean; quick?: boolean } = {}): Promise<EngineSnapshot> {
    // A one-shot `add` takes a running daemon's fresh "TIMEOUT"/"CONNECTION_REFUSED" instead of waiting for it again.
    const settings = this.fleet.list().map((rt) => rt.settings);
    await this.fleet.checkAll(o.trustHealthRecord ? await recordedDown(this.opts.home, settings) : undefined, o.quick);
    return this.snapshot();
  }

  /** The failed-login memory shared by this engine's instances (and, through its file, every process). */
  private readonly failedLogins: FailedLoginMemory;

  /** Placements running in this process (see {@link InflightPlacements}). */
  private readonly inflight = new InflightPlacements();

  /** Which torrents this engine placed (`<home>/placed-here.json`), for `torrentFinished`'s `addedHere`. */
  private readonly placedHere: PlacedHere;
  /** Adds confirmed in the last minute (see {@link RecentAdds}). */
  private readonly recentAdds: RecentAdds;
  /** Re-checks of recent adds running, per instance name (one at a time per instance). */
  private readonly recentChecks = new Map<string, Promise<void>>();

  /**
   * `rt` answered a probe. When it was `back` (unreachable before, or restarted), its recent adds
   * are marked; then the marked ones (by this process or another) are checked there, and those
   * qBittorrent forgot are queued again and announced. Never throws.
   */
  private recheckRecentAdds(rt: InstanceRuntime, back: boolean): Promise<void> {
    return this.inRecentChecks(rt, async () => {
      if (back) await this.recentAdds.markOutage(rt.name);
      const others = this.fleet.reachable().filter((o) => o !== rt);
      const { requeued } = await requeueForgotten(rt, others, this.recentAdds, this.queue);
      this.noteEach(
        'error',
        requeued.map((e) => lostNotice(rt.name, e.name || e.infohash)),
        lostMoreNotice(rt.name),
      );
      if (requeued.length && this.fleet.isActive() && this.fleet.anyUsable()) void this.flusher.auto();
    });
  }

  /** Reads of the ledgers for {@link refreshReturnAwaited}; only the latest one is applied. */
  private awaitedReads = 0;
  /** When {@link refreshReturnAwaited} last read the ledgers, ms since epoch. */
  private awaitedReadAt = 0;

  /**
   * Tells the fleet which instances other work waits for (`Fleet.setReturnAwaited`): those with
   * adds that got no answer (the uncertain-adds ledger: their stray copies are removed when the
   * instance answers) or with recent adds marked by an outage (re-checked when it answers) — by
   * this process or another. Without it an instance that came back after the queue emptied was
   * checked only after its backoff (up to 2 min), and a stray copy stayed on two instances that
   * long (chaos: 17 of 200, 60 s after the faults). Reads both ledgers; never throws.
   */
  private refreshReturnAwaited(): void {
    const read = ++this.awaitedReads;
    this.awaitedReadAt = Date.now();
    void Promise.all([this.uncertain.list(), this.recentAdds.list()]).then(
      ([uncertain, recent]) => {
        if (read !== this.awaitedReads) return;
        this.fleet.setReturnAwaited(new Set([...uncertain.map((e) => e.instance), ...recent.filter((e) => e.outageAt !== undefined).map((e) => e.instance)]));
      },
      () => undefined,
    );
  }

  /**
   * Runs `fn` (a mark or a check of the recent-adds ledger for `rt`) after the earlier ones for
   * `rt` ended; {@link stop} waits for them (a CLI run exits right after). Never throws: a
   * failure is logged, the marked entries stay for the next good probe.
   */
  private inRecentChecks(rt: InstanceRuntime, fn: () => Promise<void>): Promise<void> {
    const prev = this.recentChecks.get(rt.name) ?? Promise.resolve();
    const next = prev.then(fn).catch((err: Error) => this.logger.warn(`recent adds on ${rt.name}: not checked yet (${err.message})`));
    this.recentChecks.set(rt.name, next);
    void next.finally(() => {
      if (this.recentChecks.get(rt.name) === next) this.recentChecks.delete(rt.name);
    });
    return next;
  }

  /** Writes of {@link placedHere} not yet ended ({@link stop} waits for them: a CLI `add` exits right after). */
  private placing: Promise<void> = Promise.resolve();

  /** The owners and limits the add and flush flows work with. */
  private flowDeps(): FlowDeps {
    const { confirmTimeoutMs, addDelayMs, maxAddsPerCall } = this.settings;
    return { fleet: this.fleet, queue: this.queue, uncertain: this.uncertain, recent: this.recentAdds, inflight: this.inflight, limits: { confirmTimeoutMs, addDelayMs, maxAddsPerCall } };
  }

  /**
   * Adds inputs (magnet URIs, `.torrent` paths or URLs). Never throws for bad input or dead servers.
   * From a `remote` caller (the dashboard) a file path is refused without touching the file system
   * ("file paths are not accepted over the dashboard; upload the .torrent file").
   */
  async add(inputs: string[], options?: AddOptions, from: CallOrigin = {}): Promise<AddResponse> {
    return this.addResolvedInputs(await resolveAll(inputs, { allowPaths: !from.remote }), options, from);
  }

  /**
   * Adds inputs (as {@link add}) and `.torrent` files' bytes in ONE placement (the gateway's
   * `torrents/add` with `urls` and multipart `torrents`). Results: inputs first, then files.
   */
  async addBatch(inputs: string[], files: { name: string; data: Uint8Array }[], options?: AddOptions, from: CallOrigin = {}): Promise<AddResponse> {
    const resolved = await resolveAll(inputs, { allowPaths: !from.remote });
    return this.addResolvedInputs([...resolved, ...files.map((f) => resolveTorrentBytes(f.name, f.data))], options, from);
  }

  /** Adds every magnet/URL found in pasted or dropped text (paths refused for a `remote` caller, see {@link add}). */
  addText(text: string, options?: AddOptions, from: CallOrigin = {}): Promise<AddResponse> {
    return this.add(splitText(text), options, from);
  }

  /** Adds a `.torrent` file's bytes (a drop, an `open-file`). */
  addTorrentBytes(fileName: string, data: Uint8Array, options?: AddOptions, from: CallOrigin = {}): Promise<AddResponse> {
    return this.addResolvedInputs([resolveTorrentBytes(fileName, data)], options, from);
  }

  private async addResolvedInputs(resolved: Resolved[], options?: AddOptions, from: CallOrigin = {}): Promise<AddResponse> {
    // qBittorrent drops an invalid category or tag silently and still adds: refuse the call instead.
    const checked = options === undefined ? null : AddOptionsSchema.safeParse(options);
    if (checked && !checked.success) {
      const message = checked.error.issues.map((i) => i.message).join('; ');
      resolved = resolved.map((r) => ({ input: r.input, error: { code: 'INVALID_INPUT', message } }));
    }
    // A chosen instance (the add dialog) must be configured: a queue entry for a name that is not would never leave.
    const chosen = checked?.success ? checked.data.instance : undefined;
    if (chosen && !this.currentSettings().instances.some((i) => i.name === chosen)) {
      resolved = resolved.map((r) => ({ input: r.input, error: { code: 'INVALID_INPUT', message: `no instance named "${chosen}" is configured` } }));
    }
    const res = await addResolved(this.flowDeps(), resolved, checked?.success ? checked.data : options);
    this.refreshReturnAwaited();
    this.recordPlaced(res.results.flatMap((r) => (r.outcome === 'added' && r.infohash ? [r.infohash] : [])));
    const by = from.client ? ` (from ${clientLabel(from.client)})` : '';
    for (const r of res.results) {
      if (r.outcome === 'added') this.note('add', `added ${r.name ?? r.infohash} to ${r.instance}${by}`);
      else if (r.outcome === 'queued') this.note('queue', `queued ${r.name ?? r.infohash}${by}: ${r.reason}`);
      else if (r.outcome === 'duplicate') this.note('duplicate', `${r.name ?? r.infohash} already on ${r.instance}${by}`);
      else if (r.error?.code === 'QUEUE_WRITE_FAILED') this.note('error', `${r.input.slice(0, 80)}: ${r.error.message}`);
      else if (r.outcome === 'rejected') this.note('rejected', `rejected ${r.input.slice(0, 80)}: ${r.error?.message ?? 'not a magnet link or .torrent'}`);
    }
    this.emitSoon();
    return res;
  }

  /**
   * Flushes the queue (or some entries): one flush at a time, in this process and across
   * processes sharing the queue file. @throws QUEUE_BUSY when another process's flush does not end in ~20 s.
   */
  flush(infohashes?: string[]): Promise<FlushResponse> {
    return this.flusher.flush(infohashes);
  }

  private onQueueChange(): void {
    this.emitSoon();
    this.flusher.maybeAuto();
  }

  /** Removes a queue entry (user action). */
  async removeEntry(infohash: string): Promise<boolean> {
    const removed = await this.queue.remove([infohash.toLowerCase()]);
    if (removed.length) this.note('queue', `removed ${removed[0]!.name ?? infohash} from the queue`);
    this.emitSoon();
    return removed.length > 0;
  }

  /**
   * Removes queue entries in one queue write (the queue view's bulk Remove: 1 000 at once must
   * not be 1 000 writes). Returns the infohashes removed (lowercase); those not queued are left out.
   * @throws QueueWriteError (`QUEUE_WRITE_FAILED`) when the queue file cannot be written.
   */
  async removeEntries(infohashes: string[]): Promise<string[]> {
    const removed = await this.queue.remove(infohashes.map((h) => h.toLowerCase()));
    if (removed.length === 1) this.note('queue', `removed ${removed[0]!.name ?? removed[0]!.infohash} from the queue`);
    else if (removed.length > 1) this.note('queue', `removed ${removed.length} entries from the queue`);
    this.emitSoon();
    return removed.map((e) => e.infohash);
  }

  /** Pauses or resumes monitoring (polling and auto-flush); adds still work. */
  async setMonitoringPaused(paused: boolean): Promise<EngineSnapshot> {
    if (paused) this.flusher.pause();
    else this.flusher.resume();
    await this.fleet.setPaused(paused);
    this.note('status', paused ? 'monitoring paused' : 'monitoring resumed');
    return this.snapshot();
  }

  /**
   * Validates and saves settings, then rebuilds sessions and checks at once.
   * A `remote` caller (the dashboard) cannot change `vpn.reconnectCommand`: omitted or equal, the
   * stored command is kept; different, nothing is saved.
   * @throws ConfigError; an Error with code `COMMAND_LOCKED` (httpStatus 403) for a remote command change.
   */
  async saveSettings(settings: Settings, from: CallOrigin = {}): Promise<Settings> {
    if (from.remote) settings = await keepStoredCommand(this.opts.home, settings);
    const saved = await saveSettingsFile(this.opts.home, settings);
    await this.applySettings(saved);
    this.note('status', 'settings saved');
    if (this.running) await this.checkAll();
    return saved;
  }

  /**
   * Forgets the failed logins counted for `instance`'s server, after the user reset qBittorrent's
   * own per-IP count (logged in once in the browser, or restarted it) — that count cannot be read
   * without spending a failed login, so the user vouches for it. Returns the server's URL.
   * @throws Error code `NOT_CONFIGURED` (404) for an unknown instance.
   */
  async forgetFailedLogins(instance: string): Promise<string> {
    const url = this.instanceNamed(instance).settings.url;
    await this.failedLogins.forgetServerCount(url);
    return url;
  }

  /**
   * Stores an instance's password (write-only), bound to the origin of `url` (default: the
   * instance's current URL), and retries its login at once when that is where it runs now.
   * Returns the origin the password is bound to.
   * @throws Error code `NOT_CONFIGURED` when no `url` is given and no instance has that name.
   */
  async setPassword(instance: string, password: string, url?: string): Promise<string> {
    // Entering the password again clears the failed-login memory of these credentials: the login is tried at once.
    return this.storeSecret(instance, url, (origin, current) => this.runtimes.storePassword(instance, password, origin, current));
  }

  /**
   * Stores a WebUI API key (qBittorrent 5.2+, from `POST app/rotateAPIKey`) for `instance`, bound
   * to the origin of `url` (default: the instance's URL); the instance then never logs in. An
   * empty key removes it. Returns the origin. @throws as {@link setPassword}.
   */
  async setApiKey(instance: string, key: string, url?: string): Promise<string> {
    return this.storeSecret(instance, url, (origin, current) => this.runtimes.storeApiKey(instance, key.trim(), origin, current));
  }

  /** Resolves the origin a secret of `instance` is bound to, stores it with `store`, and swaps in the runtime it returns. */
  private async storeSecret(
    instance: string,
    url: string | undefined,
    store: (origin: string, current: InstanceRuntime | undefined) => Promise<InstanceRuntime | null>,
  ): Promise<string> {
    const current = this.fleet.find(instance);
    const target = url ?? current?.settings.url;
    if (!target) {
      throw Object.assign(new Error(`no instance named ${instance}; add it in the settings (or config.json) first`), { code: 'NOT_CONFIGURED', httpStatus: 404 });
    }
    const origin = originOf(target);
    const next = await store(origin, current);
    if (current && next) await this.fleet.replace(current, next);
    return origin;
  }

  /**
   * Imports the old tool's environment variables (and `.env` in `cwd`) into saved settings:
   * instances `primary`/`secondary`, VPN probe, queue file; passwords go to the secret store.
   * Returns the names of the variables that took effect (never their values).
   */
  async importLegacyEnv(env: Record<string, string | undefined>, cwd?: string): Promise<string[]> {
    const overlay = await importOverlay(this.opts.home, this.settings, { env, cwd });
    for (const w of overlay.warnings) this.note('error', `import: ${w}`);
    if (overlay.applied.length === 0) return [];
    for (const [name, pw] of Object.entries(overlay.passwords)) await this.opts.secrets.set(name, pw.password, pw.origin ?? undefined);
    await this.saveSettings(overlay.settings);
    this.note('status', `imported ${overlay.applied.join(', ')} from the environment`);
    return overlay.applied;
  }

  /**
   * Probes an instance as edited (not saved), with a typed password, or the stored one only when
   * it was saved for the same origin (else NO_PASSWORD "the stored password belongs to …", and
   * nothing is sent to the new address).
   */
  async testConnection(settings: InstanceSettings, password?: string): Promise<InstanceHealth> {
    const rt = await this.runtimes.make(settings, password ?? null);
    try {
      return await this.fleet.probeOutside(rt);
    } finally {
      await rt.close().catch(() => undefined);
    }
  }

  // The gateway's side of the engine lives in gateway/engine-side.ts (GatewaySide); these keep the engine's method names.

  /** The gateway's settings and whether its secrets are set (never the secrets); `url` while one runs in this process. */
  gatewayStatus(): Promise<GatewayStatus> {
    return this.gateway.status();
  }

  /** Stores the gateway's own WebUI password (secret `@gateway:password`); an empty one removes it (the gateway then refuses to start). */
  setGatewayPassword(password: string): Promise<void> {
    return this.gateway.setPassword(password);
  }

  /** Makes and stores a new gateway API key (secret `@gateway:apikey`), replacing the old one, and returns it (shown once). */
  rotateGatewayApiKey(): Promise<string> {
    return this.gateway.rotateApiKey();
  }

  /** For the gateway: the credentials clients must present (environment over the secret store). */
  gatewayCredentials(): Promise<GatewayCredentials> {
    return this.gateway.credentials();
  }

  /** For the gateway: records the URL it serves on (null when it stops), for {@link gatewayStatus}. */
  noteGatewayUrl(url: string | null): void {
    this.gateway.noteUrl(url);
  }

  /**
   * For the gateway's runner: why its last start in this process failed, in words with the fix
   * (null once a start succeeds or the gateway is disabled), for {@link gatewayStatus}.
   * `servedElsewhere`: the port is held by another qbit-failover gateway, which serves the clients
   * (`GatewayStatusView.servedElsewhere`; `problem` then says so, not an error).
   */
  noteGatewayProblem(problem: string | null, servedElsewhere = false): void {
    this.gateway.noteProblem(problem, servedElsewhere);
  }

  /** For the gateway: the instances it may ask now, in priority order (see `GatewaySide.backends`: VPN refresh, what marks one down). */
  gatewayBackends(): GatewayBackend[] {
    return this.gateway.backends();
  }

  /**
   * Changes the add options of queue entries (a category, tags or a pause the gateway set on a
   * queued torrent), in one queue write, after any placement of them running now (see
   * `GatewaySide.updateQueuedOptions`). Returns how many entries changed. @throws QueueWriteError.
   */
  updateQueuedOptions(infohashes: string[], change: (options: AddOptions) => AddOptions): Promise<number> {
    return this.gateway.updateQueuedOptions(infohashes, change);
  }

  /** For the gateway: the queue entries with their add options (category, save path…), for listing them as torrents. */
  queuedEntries(): readonly QueueEntry[] {
    return this.gateway.queuedEntries();
  }

  /** The state UIs show at a glance: health, route, VPN and the queue in numbers (no entries, no activity). */
  snapshot(): EngineSnapshot {
    return {
      vpn: this.fleet.vpnHealth(),
      instances: this.fleet.health(),
      queue: this.queueFeed.summary(),
      queueFile: this.queue.path,
      queueProblem: this.queue.problem(),
      route: this.fleet.route(),
      routing: this.settings.routing,
      monitoringPaused: this.fleet.isPaused(),
      flushing: this.flusher.isFlushing(),
      flushesPlaced: this.flushesPlaced,
      configWarnings: this.configNotes,
    };
  }

  /** Every queue entry at the current revision (`getQueue`; then `queue` events). */
  queueListing(): QueueListing {
    return this.queueFeed.listing();
  }

  /** The activity log, newest first (`getActivity`; then `activity` events). */
  activityList(): ActivityItem[] {
    return this.activity.list();
  }

  /** Records infohashes this engine placed (for `torrentFinished`'s `addedHere`); {@link stop} waits for the write. */
  private recordPlaced(infohashes: string[]): void {
    if (infohashes.length === 0) return;
    const next = this.placedHere.record(infohashes);
    this.placing = Promise.all([this.placing, next]).then(() => undefined);
  }

  /** Sends `torrentFinished` for torrents that completed on `instance`; `addedHere` from {@link PlacedHere}. */
  private async announceFinished(instance: string, torrents: FinishedTorrent[]): Promise<void> {
    for (const t of torrents) {
      const addedHere = await this.placedHere.has([t.hash, t.v1, t.v2]);
      this.logger.info(`finished ${t.name || t.hash} on ${instance}`);
      this.emit('event', { type: 'torrentFinished', instance, infohash: t.hash, name: t.name, category: t.category, addedHere } satisfies EngineEvent);
    }
  }

  /** Notes up to 5 `messages` of one kind, then one line "N <more>" for the rest (a foreign write of 1 000 magnets is one screen, not 1 000 lines). */
  private noteEach(kind: ActivityItem['kind'], messages: string[], more: string): void {
    for (const m of messages.slice(0, 5)) this.note(kind, m);
    if (messages.length > 5) this.note(kind, `${messages.length - 5} ${more}`);
  }

  /** Logs `message` and adds it to the activity log, which sends it as an `activity` event at once. */
  private note(kind: ActivityItem['kind'], message: string): void {
    (kind === 'error' ? this.logger.warn : this.logger.info)(message);
    const item = this.activity.add(kind, message);
    this.emit('event', { type: 'activity', item } satisfies EngineEvent);
  }

  /**
   * Sends a `snapshot` event (and a `queue` event first when the entries changed) within 25 ms;
   * calls in between are merged into one.
   */
  private emitSoon(): void {
    if (this.emitTimer) return;
    this.emitTimer = setTimeout(() => {
      this.emitTimer = null;
      if (this.queueDirty) {
        this.queueDirty = false;
        this.emit('event', { type: 'queue', queue: this.queueFeed.listing() } satisfies EngineEvent);
      }
      this.emit('event', { type: 'snapshot', snapshot: this.snapshot() } satisfies EngineEvent);
    }, 25);
    this.emitTimer.unref?.();
  }
}


/**
 * The engine's parts, for tests and the bench only (instrumenting a client, reading the ledger):
 * never for shells, which go through the engine's methods.
 */
export function engineInternals(engine: Engine): { instances: readonly InstanceRuntime[]; queue: QueueStore; uncertain: UncertainAdds } {
  const e = engine as unknown as { fleet: Fleet; queue: QueueStore; uncertain: UncertainAdds };
  return { instances: e.fleet.list(), queue: e.queue, uncertain: e.uncertain };
}

/** A client's self-description fit for the activity log: printable characters only, 80 at most. */
function clientLabel(client: string): string {
  // eslint-disable-next-line no-control-regex
  return client.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim().slice(0, 80) || 'unnamed client';
}

/** Creates and loads an engine (not started). @throws ConfigError when `config.json` is invalid. */
export async function createEngine(opts: EngineOptions): Promise<Engine> {
  const engine = new Engine(opts);
  await engine.load();
  return engine;
}
