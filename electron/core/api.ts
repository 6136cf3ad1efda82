import type { ApiArgs, ApiBackend, ApiMethod, ApiResults, CallContext, SettingsView } from '../../shared/contract';
import type { EngineEvent } from '../../shared/model';
import { desktopOnlyError, unavailableDesktopState } from '../../shared/desktop';
import { torrentListing } from './torrent-listing';
import type { Engine } from './engine';

/** Builds the settings view: settings without secrets, which instances have a password, and paths. */
async function settingsView(engine: Engine): Promise<SettingsView> {
  return {
    settings: engine.currentSettings(),
    passwordsSet: await engine.passwordsSet(),
    paths: engine.paths(),
  };
}

type Handlers = { [M in ApiMethod]: (engine: Engine, arg: ApiArgs[M], ctx: CallContext) => Promise<ApiResults[M]> };

/** One handler per contract method; arguments arrive validated by the transport. */
const handlers: Handlers = {
  getSnapshot: async (e) => e.snapshot(),
  getQueue: async (e) => e.queueListing(),
  getActivity: async (e) => e.activityList(),
  addText: (e, a, ctx) => e.addText(a.text, a.options, ctx),
  addTorrentFile: (e, a) => e.addTorrentBytes(a.fileName, new Uint8Array(Buffer.from(a.dataBase64, 'base64')), a.options),
  flush: (e, a) => e.flush(a.infohashes),
  removeEntry: async (e, a) => ({ removed: await e.removeEntry(a.infohash) }),
  removeEntries: async (e, a) => ({ removed: await e.removeEntries(a.infohashes) }),
  checkNow: (e) => e.checkAll(),
  setMonitoringPaused: (e, a) => e.setMonitoringPaused(a.paused),
  getSettings: (e) => settingsView(e),
  saveSettings: async (e, a, ctx) => {
    await e.saveSettings(a.settings, ctx);
    return settingsView(e);
  },
  setPassword: async (e, a) => {
    await e.setPassword(a.instance, a.password, a.url);
    return { ok: true as const };
  },
  importEnvironment: async (e) => {
    const applied = await e.importLegacyEnv(process.env, process.cwd());
    return { applied, view: await settingsView(e) };
  },
  testConnection: (e, a) => e.testConnection(a.instance, a.password),
  getGatewayStatus: (e) => e.gatewayStatus(),
  setGatewayPassword: async (e, a) => {
    await e.setGatewayPassword(a.password);
    return { ok: true as const };
  },
  rotateGatewayApiKey: async (e) => ({ apiKey: await e.rotateGatewayApiKey() }),
  // The desktop app answers these in its main process (electron/main/desktop); every other transport has no desktop state.
  getDesktopState: async () => unavailableDesktopState(),
  saveDesktopPrefs: async () => {
    throw desktopOnlyError();
  },
  answerAddPrompt: async () => {
    throw desktopOnlyError();
  },
  resendRecentAdd: async () => {
    throw desktopOnlyError();
  },
  listTorrents: (e, a) => torrentListing(e, a.instances),
  torrentAction: async (e, a) => {
    // The ids qBittorrent lists torrents under are 40 hex digits (a v2 infohash cut to 40).
    await e.torrentAction(a.instance, a.action, a.hashes.map((h) => h.slice(0, 40).toLowerCase()), a.deleteFiles ?? false);
    return { ok: true as const };
  },
};

/**
 * The engine behind the shared API contract, for every transport (Electron IPC, the dashboard's
 * HTTP bridge). Passwords only go in (`setPassword`, `testConnection`); no result carries one.
 */
export function createApiBackend(engine: Engine): ApiBackend {
  return {
    call<M extends ApiMethod>(method: M, arg: ApiArgs[M], ctx: CallContext = {}): Promise<ApiResults[M]> {
      const handler = handlers[method] as (engine: Engine, arg: ApiArgs[M], ctx: CallContext) => Promise<ApiResults[M]>;
      return handler(engine, arg, ctx);
    },
    subscribe(listener: (event: EngineEvent) => void): () => void {
      engine.on('event', listener);
      return () => engine.off('event', listener);
    },
  };
}
