import type { ApiArgs, ApiBackend, ApiMethod, ApiResults, SettingsView } from '../../../shared/contract';
import type { ActivityItem, AddResult, EngineEvent, EngineSnapshot, InstanceHealth, QueueEntryView, QueueListing } from '../../../shared/model';
import { desktopOnlyError, unavailableDesktopState } from '../../../shared/desktop';
import { defaultSettings, type InstanceSettings, type Settings } from '../../../shared/settings';
import type { StatusCode } from '../../../shared/status';

/**
 * FAKE engine: an in-memory {@link ApiBackend} used ONLY to develop the renderer and to unit-test
 * the dashboard server's auth/validation. It does not talk to qBittorrent and its routing is a
 * caricature; real behaviour is tested against the real engine and qbittorrent-nox.
 */

/** Seed of the fake: settings, per-instance status, queued entries. */
export interface MemoryBackendSeed {
  settings?: Settings;
  statuses?: Record<string, StatusCode>;
  queue?: QueueEntryView[];
  passwordsSet?: string[];
}

/** The fake backend, with a hook to flip an instance's status from a test. */
export interface MemoryBackend extends ApiBackend {
  setStatus(name: string, status: StatusCode): void;
}

const MAGNET_HASH = /xt=urn:btih:([0-9a-f]{40})/i;

/** Creates the fake (see the module comment: a development aid, not an engine). */
export function createMemoryBackend(seed: MemoryBackendSeed = {}): MemoryBackend {
  let settings: Settings = seed.settings ?? defaultSettings();
  const statuses = new Map(Object.entries(seed.statuses ?? {}));
  const passwords = new Set(seed.passwordsSet ?? []);
  const held = new Map<string, Set<string>>();
  let queue: QueueEntryView[] = [...(seed.queue ?? [])];
  let paused = false;
  let activityId = 0;
  const activity: ActivityItem[] = [];
  let revision = 1;
  let arrived = 0;
  let flushesPlaced = 0;
  /** The queue as last sent, to send a `queue` event only when it changed. */
  let sentQueue = JSON.stringify(queue);
  const listeners = new Set<(e: EngineEvent) => void>();
  const checkedAt = new Date().toISOString();

  const health = (i: InstanceSettings, index: number): InstanceHealth => {
    const status = statuses.get(i.name) ?? 'OK';
    return {
      name: i.name,
      url: i.url,
      requiresVpn: i.requiresVpn,
      status,
      usable: status === 'OK',
      latencyMs: status === 'OK' ? 12 + index * 7 : null,
      version: status === 'OK' ? 'v5.0.4' : null,
      apiVersion: status === 'OK' ? '2.11.2' : null,
      connectionStatus: status === 'OK' ? 'connected' : null,
      torrents: status === 'OK' ? { total: held.get(i.name)?.size ?? 0, incomplete: 0 } : null,
      error: status === 'OK' ? null : `fake ${status}`,
      checkedAt,
    };
  };

  const snapshot = (): EngineSnapshot => {
    const instances = settings.instances.map(health);
    const firstUsable = instances.findIndex((i) => i.usable);
    const route: EngineSnapshot['route'] = paused
      ? { kind: 'paused', instance: null }
      : instances.length === 0
        ? { kind: 'unconfigured', instance: null }
        : firstUsable < 0
          ? { kind: 'queue', instance: null }
          : { kind: firstUsable === 0 ? 'primary' : 'fallback', instance: instances[firstUsable]!.name };
    return {
      vpn: { state: 'DISABLED', check: 'none', target: null, error: null, checkedAt },
      instances,
      queue: { length: queue.length, revision, arrived, oldestQueuedAt: queue.reduce<string | null>((m, e) => (m === null || e.queuedAt < m ? e.queuedAt : m), null) },
      queueFile: '/tmp/fake/qbittorrent_queue.json',
      queueProblem: null,
      route,
      routing: settings.routing,
      monitoringPaused: paused,
      flushing: false,
      flushesPlaced,
      configWarnings: [],
    };
  };

  const listing = (): QueueListing => ({ revision, entries: queue.map((e) => ({ ...e })) });

  const emit = (kind: ActivityItem['kind'], message: string): void => {
    const item = { id: ++activityId, at: new Date().toISOString(), kind, message };
    activity.push(item);
    for (const l of listeners) l({ type: 'activity', item });
    const now = JSON.stringify(queue);
    if (now !== sentQueue) {
      sentQueue = now;
      revision++;
      const q = listing();
      for (const l of listeners) l({ type: 'queue', queue: q });
    }
    const snap = snapshot();
    for (const l of listeners) l({ type: 'snapshot', snapshot: snap });
  };

  const addOne = (input: string, infohash: string | null, name: string | null): AddResult => {
    const base = { input, infohash, name, instance: null, reason: null, failures: null, error: null };
    if (!infohash) return { ...base, outcome: 'rejected', error: { code: 'INVALID_INPUT', message: 'not a magnet URI' } };
    const owner = [...held].find(([, set]) => set.has(infohash));
    if (owner) return { ...base, outcome: 'duplicate', instance: owner[0] };
    const target = snapshot().instances.find((i) => i.usable);
    if (!target) {
      queue.push({
        id: infohash, infohash, name, kind: 'magnet', magnet: `magnet:?xt=urn:btih:${infohash}`,
        reason: 'no instance usable', failures: null, queuedAt: new Date().toISOString(), attempts: 0, lastError: null, lastAttempt: null,
      });
      arrived++;
      return { ...base, outcome: 'queued', reason: 'no instance usable' };
    }
    if (!held.has(target.name)) held.set(target.name, new Set());
    held.get(target.name)!.add(infohash);
    return { ...base, outcome: 'added', instance: target.name };
  };

  const summarize = (results: AddResult[]): ApiResults['addText'] => {
    const summary = { added: 0, duplicate: 0, queued: 0, rejected: 0 };
    for (const r of results) summary[r.outcome]++;
    emit('add', `${results.length} input(s): ${summary.added} added, ${summary.queued} queued`);
    return { results, summary };
  };

  const view = (): SettingsView => ({
    settings,
    passwordsSet: settings.instances.map((i) => i.name).filter((n) => passwords.has(n)),
    paths: { home: '/tmp/fake', queueFile: settings.queueFile ?? '/tmp/fake/qbittorrent_queue.json' },
  });

  const handlers: { [M in ApiMethod]: (arg: ApiArgs[M]) => ApiResults[M] } = {
    getSnapshot: () => snapshot(),
    getQueue: () => listing(),
    getActivity: () => [...activity].reverse(),
    importEnvironment: () => ({ applied: [], view: view() }),
    getDesktopState: () => unavailableDesktopState(),
    saveDesktopPrefs: () => {
      throw desktopOnlyError();
    },
    answerAddPrompt: () => {
      throw desktopOnlyError();
    },
    resendRecentAdd: () => {
      throw desktopOnlyError();
    },
    addText: ({ text }) =>
      summarize(
        text.split(/\s+/).filter(Boolean).map((t) => {
          const dn = /[?&]dn=([^&]*)/.exec(t);
          return addOne(t, MAGNET_HASH.exec(t)?.[1]?.toLowerCase() ?? null, dn ? decodeURIComponent(dn[1]!.replace(/\+/g, ' ')) : null);
        }),
      ),
    addTorrentFile: ({ fileName, dataBase64 }) => {
      const hash = Buffer.from(dataBase64, 'base64').length ? 'f'.repeat(8) + fileName.length.toString(16).padStart(32, '0') : null;
      return summarize([addOne(fileName, hash, fileName.replace(/\.torrent$/i, ''))]);
    },
    flush: ({ infohashes }) => {
      const placed: { infohash: string; instance: string; name: string | null; outcome: 'added' | 'duplicate' }[] = [];
      const wanted = queue.filter((e) => !infohashes || infohashes.includes(e.infohash));
      const target = snapshot().instances.find((i) => i.usable);
      for (const e of wanted) {
        if (!target) {
          e.attempts++;
          e.lastError = 'no instance usable';
          continue;
        }
        placed.push({ infohash: e.infohash, instance: target.name, name: e.name, outcome: 'added' });
        queue = queue.filter((q) => q !== e);
      }
      if (placed.length) flushesPlaced++;
      emit('flush', `flushed ${placed.length}`);
      const remaining = wanted.filter((e) => queue.includes(e)).map((e) => ({ infohash: e.infohash, name: e.name, error: e.lastError }));
      const notQueued = (infohashes ?? []).filter((h) => !wanted.some((e) => e.infohash === h));
      return { placed, remaining, notQueued, queueLength: queue.length };
    },
    removeEntry: ({ infohash }) => {
      const before = queue.length;
      queue = queue.filter((e) => e.infohash !== infohash);
      emit('queue', `removed ${infohash}`);
      return { removed: queue.length < before };
    },
    removeEntries: ({ infohashes }) => {
      const removed = queue.filter((e) => infohashes.includes(e.infohash)).map((e) => e.infohash);
      queue = queue.filter((e) => !removed.includes(e.infohash));
      emit('queue', `removed ${removed.length}`);
      return { removed };
    },
    checkNow: () => snapshot(),
    setMonitoringPaused: ({ paused: p }) => {
      paused = p;
      emit('status', p ? 'monitoring paused' : 'monitoring resumed');
      return snapshot();
    },
    getSettings: () => view(),
    saveSettings: ({ settings: s }) => {
      settings = s;
      emit('status', 'settings saved');
      return view();
    },
    setPassword: ({ instance }) => {
      passwords.add(instance);
      return { ok: true };
    },
    testConnection: ({ instance }) => health(instance, 0),
    getGatewayStatus: () => ({ enabled: settings.gateway.enabled, host: settings.gateway.host, port: settings.gateway.port, username: settings.gateway.username, hasPassword: false, hasApiKey: false }),
    setGatewayPassword: () => ({ ok: true as const }),
    rotateGatewayApiKey: () => ({ apiKey: 'fake-gateway-key' }),
    listTorrents: () => ({
      at: new Date().toISOString(),
      instances: settings.instances.map((i) => {
        const up = (statuses.get(i.name) ?? 'OK') === 'OK';
        const torrents = [...(held.get(i.name) ?? [])].map((hash) => ({ hash, name: hash, state: 'downloading', progress: 0, category: '', size: 0, addedOn: 0 }));
        return { instance: i.name, reachable: up, error: up ? null : { code: statuses.get(i.name)!, message: `fake ${statuses.get(i.name)!}` }, torrents: up ? torrents : [] };
      }),
    }),
    torrentAction: ({ instance, action, hashes }) => {
      if (action === 'delete') for (const h of hashes) held.get(instance)?.delete(h);
      return { ok: true };
    },
  };

  return {
    async call<M extends ApiMethod>(method: M, arg: ApiArgs[M]): Promise<ApiResults[M]> {
      return (handlers[method] as (a: ApiArgs[M]) => ApiResults[M])(arg);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setStatus(name, status) {
      statuses.set(name, status);
      emit('status', `${name} is ${status}`);
    },
  };
}
