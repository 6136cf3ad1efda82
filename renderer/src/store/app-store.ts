import { create } from 'zustand';
import type { AddOptions, QbitFailoverApi, SettingsView } from '../../../shared/contract';
import type { ActivityItem, AddResult, EngineEvent, EngineSnapshot, FlushProgress, FlushResponse, QueueListing } from '../../../shared/model';
import { LIMITS } from '../../../shared/limits';
import { flushResultText, placedPerInstance } from '../../../shared/flush-result';
import type { Settings } from '../../../shared/settings';
import { errorText, type StreamState, type Transport } from '../api';
import { bytesToBase64, isTorrentFile, torrentFileProblem } from '../lib/files';
import { flushSummary } from '../lib/format';
import { mergeActivity, newerQueue } from '../lib/event-merge';

/** The views of the window, in tab order. */
export type Tab = 'status' | 'queue' | 'add' | 'torrents' | 'settings' | 'activity';

/** One short message at the bottom of the window. */
export interface Toast {
  id: number;
  tone: 'info' | 'error';
  message: string;
}

/** Everything the renderer keeps: engine state from the API, plus UI state. */
export interface AppState {
  transport: Transport['kind'];
  stream: StreamState;
  /** When the dashboard last heard from `serve` (ms since epoch; null before the first contact), shown while disconnected. */
  lastSeenAt: number | null;
  tab: Tab;
  /** Health, route, VPN, queue summary: replaced by every `snapshot` event. */
  snapshot: EngineSnapshot | null;
  /** Every queue entry: fetched once (`getQueue`), then replaced by newer `queue` events. */
  queue: QueueListing | null;
  /** The activity log, newest first, at most ACTIVITY_LIMIT: fetched once (`getActivity`), then `activity` events. */
  activity: ActivityItem[];
  settingsView: SettingsView | null;
  addOptions: AddOptions;
  adding: boolean;
  addResults: AddResult[];
  flushBusy: boolean;
  flushResult: { summary: string; response: FlushResponse } | null;
  /** The latest flush's progress (any flush: a click, Retry, or the engine's own on recovery), from `flushProgress` events. */
  flushProgress: FlushProgress | null;
  /** The latest finished flush per instance in words ("1 204 → seedbox, 798 → local, 0 left"); null before one. */
  flushOutcome: string | null;
  toasts: Toast[];
  /** Set by the first-run card on Status: Settings opens with a prefilled new instance. */
  wantNewInstance: boolean;
  setTab(tab: Tab): void;
  setAddOptions(options: AddOptions): void;
  toast(message: string, tone?: Toast['tone']): void;
  dismissToast(id: number): void;
  refresh(): Promise<void>;
  /** Fetches the queue entries and the activity log (at start, and after the event stream was lost). */
  loadLists(): Promise<void>;
  /** Applies one pushed event. */
  apply(event: EngineEvent): void;
  checkNow(): Promise<void>;
  setMonitoringPaused(paused: boolean): Promise<void>;
  addText(text: string): Promise<boolean>;
  addFiles(files: File[]): Promise<void>;
  flush(infohashes?: string[]): Promise<void>;
  removeEntry(infohash: string): Promise<void>;
  /** Removes many entries (the queue view's bulk Remove), in calls of at most LIMITS.maxInputs. */
  removeEntries(infohashes: string[]): Promise<void>;
  loadSettings(): Promise<void>;
  /** Stores each typed password, then saves settings; throws the API error so the form can map it to fields. */
  saveSettings(settings: Settings, passwords: Record<string, string>): Promise<void>;
  /** Imports the old tool's environment variables (QBITTORRENT_URL, …) into saved settings. */
  importEnvironment(): Promise<void>;
}

let api: QbitFailoverApi;
let nextToast = 1;
let dashboardCalls: Transport['dashboard'] | null = null;

/** The dashboard's own calls (token rotation, its link); null in the Electron window. */
export function currentDashboard(): Transport['dashboard'] | null {
  return dashboardCalls;
}

/** The one store of the renderer. */
export const useApp = create<AppState>()((set, get) => {
  /** Runs a call, turning a failure into an error toast; returns undefined on failure. */
  const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (err) {
      get().toast(`${what} failed: ${errorText(err)}`, 'error');
      return undefined;
    }
  };
  const addCleanOptions = (): AddOptions | undefined => {
    const o = get().addOptions;
    const clean: AddOptions = {};
    if (o.category?.trim()) clean.category = o.category.trim();
    if (o.savePath?.trim()) clean.savePath = o.savePath.trim();
    if (o.tags?.length) clean.tags = o.tags;
    if (o.paused !== undefined) clean.paused = o.paused;
    return Object.keys(clean).length ? clean : undefined;
  };

  return {
    transport: 'http',
    stream: 'connecting',
    lastSeenAt: null,
    tab: tabFromHash(typeof location === 'undefined' ? '' : location.hash),
    snapshot: null,
    queue: null,
    activity: [],
    settingsView: null,
    addOptions: {},
    adding: false,
    addResults: [],
    flushBusy: false,
    flushResult: null,
    flushProgress: null,
    flushOutcome: null,
    toasts: [],
    wantNewInstance: false,
    setTab: (tab) => set({ tab }),
    setAddOptions: (addOptions) => set({ addOptions }),
    toast: (message, tone = 'info') => {
      const id = nextToast++;
      set((s) => ({ toasts: [...s.toasts.slice(-3), { id, tone, message }] }));
      setTimeout(() => get().dismissToast(id), tone === 'error' ? 8000 : 4000);
    },
    dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
    refresh: async () => {
      const snapshot = await attempt('Loading status', () => api.getSnapshot({}));
      if (snapshot) set({ snapshot });
    },
    loadLists: async () => {
      const [queue, activity] = await Promise.all([
        attempt('Loading the queue', () => api.getQueue({})),
        attempt('Loading activity', () => api.getActivity({})),
      ]);
      set((s) => ({
        ...(queue ? { queue: newerQueue(s.queue, queue) } : {}),
        ...(activity ? { activity: mergeActivity(s.activity, activity) } : {}),
      }));
    },
    apply: (event) => {
      if (event.type === 'snapshot') set({ snapshot: event.snapshot, stream: 'open' });
      else if (event.type === 'queue') set((s) => ({ queue: newerQueue(s.queue, event.queue) }));
      else if (event.type === 'activity') set((s) => ({ activity: mergeActivity(s.activity, [event.item]) }));
      else if (event.type === 'flushProgress') {
        const p = event.progress;
        set(p.done ? { flushProgress: p, flushOutcome: flushResultText(p.perInstance, p.left) } : { flushProgress: p });
      }
    },
    checkNow: async () => {
      const snapshot = await attempt('Check', () => api.checkNow({}));
      if (snapshot) set({ snapshot });
    },
    setMonitoringPaused: async (paused) => {
      const snapshot = await attempt(paused ? 'Pausing' : 'Resuming', () => api.setMonitoringPaused({ paused }));
      if (snapshot) set({ snapshot });
    },
    addText: async (text) => {
      if (!text.trim()) return false;
      set({ adding: true });
      const r = await attempt('Adding', () => api.addText({ text, options: addCleanOptions() }));
      set({ adding: false, ...(r ? { addResults: r.results } : {}) });
      return !!r;
    },
    addFiles: async (files) => {
      const results: AddResult[] = [];
      set({ adding: true });
      for (const f of files) {
        const problem = isTorrentFile(f) ? torrentFileProblem(f) : `${f.name} is not a .torrent file`;
        if (problem) {
          get().toast(problem, 'error');
          results.push({ input: f.name, outcome: 'rejected', infohash: null, name: null, instance: null, reason: null, failures: null, error: { code: 'INVALID_INPUT', message: problem } });
          continue;
        }
        const dataBase64 = bytesToBase64(await f.arrayBuffer());
        const r = await attempt(`Adding ${f.name}`, () => api.addTorrentFile({ fileName: f.name, dataBase64, options: addCleanOptions() }));
        if (r) results.push(...r.results);
      }
      set({ adding: false, addResults: results });
    },
    flush: async (infohashes) => {
      set({ flushBusy: true });
      // A selection larger than one call may carry goes in several flushes, one after another.
      const parts = infohashes ? chunks(infohashes, LIMITS.maxInputs) : [undefined];
      let response: FlushResponse | undefined;
      for (const part of parts) {
        const r = await attempt('Flush', () => api.flush(part ? { infohashes: part } : {}));
        if (!r) break;
        response = response
          ? { placed: [...response.placed, ...r.placed], remaining: [...response.remaining, ...r.remaining], notQueued: [...response.notQueued, ...r.notQueued], queueLength: r.queueLength }
          : r;
      }
      set({ flushBusy: false });
      if (response) {
        set({
          flushResult: { summary: flushSummary(response.placed.length, response.remaining.length), response },
          flushOutcome: flushResultText(placedPerInstance(response.placed), response.remaining.length),
        });
      }
    },
    removeEntry: async (infohash) => {
      const r = await attempt('Remove', () => api.removeEntry({ infohash }));
      if (r && !r.removed) get().toast('That entry was no longer in the queue');
      await get().refresh();
    },
    removeEntries: async (infohashes) => {
      let removed = 0;
      for (const part of chunks(infohashes, LIMITS.maxInputs)) {
        const r = await attempt('Remove', () => api.removeEntries({ infohashes: part }));
        if (!r) break;
        removed += r.removed.length;
      }
      if (removed < infohashes.length) get().toast(`${infohashes.length - removed} of the selected entries were no longer in the queue`);
      await get().refresh();
    },
    loadSettings: async () => {
      const settingsView = await attempt('Loading settings', () => api.getSettings({}));
      if (settingsView) set({ settingsView });
    },
    importEnvironment: async () => {
      const r = await attempt('Import', () => api.importEnvironment({}));
      if (!r) return;
      set({ settingsView: r.view });
      get().toast(
        r.applied.length
          ? `Imported ${r.applied.join(', ')}`
          : 'None of the old tool\'s variables (QBITTORRENT_URL, QB_HOST, …) is set, in the environment or a .env',
      );
      void get().refresh();
    },
    saveSettings: async (settings, passwords) => {
      // Passwords first: saving rebuilds the sessions and probes at once, and a new instance
      // probed before its password is stored costs a failed login (qBittorrent bans after 5).
      for (const [instance, password] of Object.entries(passwords)) {
        // Bound to the address being saved: the engine sends a password only to the origin it was stored for.
        if (password) await api.setPassword({ instance, password, url: settings.instances.find((i) => i.name === instance)?.url });
      }
      let settingsView = await api.saveSettings({ settings });
      if (Object.keys(passwords).length) settingsView = await api.getSettings({});
      set({ settingsView });
      get().toast('Settings saved');
      void get().refresh();
    },
  };
});

/** `list` in pieces of at most `size` items. */
function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** The tab named by a `#/<tab>` location hash (the tray's "Settings" opens `#/settings`), else Status. */
export function tabFromHash(hash: string): Tab {
  const id = hash.replace(/^#\/?/, '');
  return (['status', 'queue', 'add', 'torrents', 'settings', 'activity'] as const).find((t) => t === id) ?? 'status';
}

/**
 * Connects the store to a transport: subscribes first (nothing is missed), then fetches the
 * snapshot, the queue entries and the activity log once; afterwards only events change them.
 * When the event stream comes back after a loss, the lists are fetched again (events sent while
 * it was down are gone). Returns a disposer.
 */
export function connectStore(transport: Transport): () => void {
  api = transport.api;
  dashboardCalls = transport.dashboard ?? null;
  useApp.setState({ transport: transport.kind, stream: transport.kind === 'electron' ? 'open' : 'connecting' });
  let seenOpen = false;
  let lost = false;
  const offState = transport.onStreamState((stream, lastSeenAt) => {
    useApp.setState({ stream, lastSeenAt });
    if (stream !== 'open') {
      lost = seenOpen;
      return;
    }
    seenOpen = true;
    if (lost) {
      lost = false;
      void useApp.getState().loadLists();
    }
  });
  const offEvents = api.subscribe((event: EngineEvent) => useApp.getState().apply(event));
  void useApp.getState().refresh();
  void useApp.getState().loadLists();
  void useApp.getState().loadSettings();
  return () => {
    offState();
    offEvents();
  };
}

/** The API in use (for one-off calls such as Test connection that keep their result local). */
export function currentApi(): QbitFailoverApi {
  return api;
}
