import path from 'node:path';
import { app, dialog, safeStorage } from 'electron';
import { defaultSettings, type Settings } from '../../shared/settings';
import { createTrayActions } from './tray/actions';
import { registerAppScheme, setupAppScheme } from './security/app-scheme';
import { createApiBackend, createEngine, runGatewayFromSettings } from './engine/bridge';
import type { Engine, Logger } from './engine/types';
import { iconPathFor } from './tray/icons';
import { setupIpc } from './ipc/ipc-main';
import { parseLaunchArgs } from './launch/args';
import { setupLogging } from './logging/logging';
import { setupNotifier } from './notifications/desktop';
import { PendingLaunches } from './launch/pending';
import { setupLaunchSources } from './launch/sources';
import { SafeStorageSecretStore } from './security/secret-store';
import { setupSecurityGuards } from './security/guards';
import { setupTray } from './tray/tray';
import { createUiSettingsApplier } from './os/ui-settings';
import { createMainWindowController } from './window/window';
import { isPopoverPlatform } from './window/options';
import { openDesktopStore } from './desktop/store';
import { createDesktopBackend } from './desktop/desktop-backend';
import { AddPrompts } from './desktop/prompts';
import { changedSettingsChoices } from './notifications/rules';

/**
 * Electron main entry: wires the `setupXxx()` modules in order. Before `ready`: privileged scheme,
 * single-instance lock, launch sources (they may fire before `ready`). After `ready`: security
 * guards, app protocol, engine, desktop state (electron-store), IPC, tray, notifications; then held
 * launch requests are handed to the engine (or held for the add dialog when the user asked for
 * it). The app lives in the tray: closing the window hides it, Quit stops the engine.
 */

/** Most time given to `engine.stop()` on quit, ms. */
const STOP_TIMEOUT_MS = 5_000;

function main(): void {
  registerAppScheme();
  // https://www.electronjs.org/docs/latest/api/app#apprequestsingleinstancelockadditionaldata
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  const { logger, logDir } = setupLogging();
  let onSecondInstance = (_hadInputs: boolean) => {};
  const pending = new PendingLaunches((err) => logger.error('launch request failed', { error: String(err) }));
  setupLaunchSources({ pending, onSecondInstance: (had) => onSecondInstance(had), logger });
  // Tray app: closing every window must not quit (https://www.electronjs.org/docs/latest/api/app#event-window-all-closed).
  app.on('window-all-closed', () => {});
  app
    .whenReady()
    .then(() => onReady({ logger, logDir, pending, setSecondInstance: (f) => (onSecondInstance = f) }))
    .catch((err: Error) => {
      logger.error('startup failed', { error: err.message, stack: err.stack });
      dialog.showErrorBox('qbit-failover could not start', `${err.message}\n\nLogs: ${logDir}`);
      app.exit(1);
    });
}

async function onReady(ctx: {
  logger: Logger;
  logDir: string;
  pending: PendingLaunches;
  setSecondInstance: (f: (hadInputs: boolean) => void) => void;
}): Promise<void> {
  const { logger } = ctx;
  const appPath = app.getAppPath();
  const home = app.getPath('userData');
  if (process.platform === 'darwin') app.dock?.hide(); // tray-only (LSUIElement when packaged)
  setupSecurityGuards(logger);
  setupAppScheme(path.join(appPath, 'out', 'renderer'), logger);

  const secrets = new SafeStorageSecretStore({ home, cipher: safeStorage, logger });
  const storage = secrets.status();
  logger.info('starting', { home, version: app.getVersion(), secretBackend: storage.backend, encryption: storage.encryptionAvailable });
  const engine: Engine = await createEngine({ home, secrets, logger, watchQueueFile: true });
  // Desktop-only state (add dialog switch, notification choices, recent adds, window bounds): electron-store in userData, never config.json.
  const desktopStore = openDesktopStore({ dir: home, seed: engine.currentSettings().ui.notifications, logger });
  logger.info('desktop state', { file: desktopStore.path });
  let onDesktopPrompt = () => {};
  let onDesktopChange = (_recent: ReturnType<typeof desktopStore.read>) => {};
  const backend = createDesktopBackend({
    engine: createApiBackend(engine),
    store: desktopStore,
    prompts: new AddPrompts(),
    settings: () => engine.currentSettings(),
    onPrompt: () => onDesktopPrompt(),
    onChange: (d) => onDesktopChange(d),
    logger,
  });

  let ui = defaultSettings().ui;
  let settingsNotifications: Settings['ui']['notifications'] | null = null;
  const uiApplier = createUiSettingsApplier(logger);
  // Every settings change (saved in a window or over the dashboard, imported from the environment) reaches the tray and window here.
  const applyUi = (settings: Readonly<Settings>) => {
    ui = settings.ui;
    void uiApplier.apply(ui);
    // The settings editor's notification switches (config.json) still count: a switch changed there changes the desktop choice.
    const changed = changedSettingsChoices(settingsNotifications, settings.ui.notifications);
    settingsNotifications = settings.ui.notifications;
    if (Object.keys(changed).length) {
      const prefs = desktopStore.read().prefs;
      desktopStore.update({ prefs: { ...prefs, notifications: { ...prefs.notifications, ...changed } } });
    }
  };
  engine.onSettings(applyUi);

  let trayBounds: () => Electron.Rectangle | null = () => null;
  const windows = createMainWindowController({
    platform: process.platform,
    preloadPath: path.join(appPath, 'out', 'preload', 'index.cjs'),
    trayBounds: () => trayBounds(),
    pinned: () => ui.pinWindow,
    bounds: { initial: desktopStore.read().windowBounds, save: (windowBounds) => desktopStore.update({ windowBounds }) },
    logger,
  });
  onDesktopPrompt = () => windows.show('add-prompt');
  setupIpc({
    backend,
    ourWebContentsIds: () => windows.webContentsIds(),
    send: (channel, e) => windows.send(channel, e),
    logger,
  });

  const notifier = setupNotifier({ prefs: () => desktopStore.read().prefs.notifications, onClick: () => windows.show(), logger });
  const tray = setupTray({
    iconPath: (color) => iconPathFor(color, process.platform, app.isPackaged, process.resourcesPath, appPath),
    onAction: createTrayActions({ backend, windows, logDir: ctx.logDir, quit: () => app.quit(), logger }),
    onClick: () => (isPopoverPlatform(process.platform) ? windows.toggle() : windows.show()),
    initial: engine.snapshot(),
    recent: desktopStore.read().recentAdds,
  });
  trayBounds = () => tray.bounds();
  onDesktopChange = (d) => tray.setRecent(d.recentAdds);
  // Read-only handle for the Playwright smoke test (test/unit/main/electron-smoke.test.ts).
  if (process.env.QBF_TEST_HOOKS === '1') (globalThis as { __qbitFailoverTray?: unknown }).__qbitFailoverTray = tray;
  backend.subscribe((e) => {
    if (e.type === 'snapshot') tray.update(e.snapshot);
    notifier.onEvent(e);
  });

  let stopped = false;
  app.on('before-quit', (event) => {
    windows.allowClose();
    if (stopped) return;
    event.preventDefault();
    stopped = true;
    notifier.dispose();
    const timeout = new Promise((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS));
    void Promise.race([gateway.stop().then(() => engine.stop()), timeout])
      .catch((err: Error) => logger.error('engine stop failed', { error: err.message }))
      .finally(() => {
        logger.info('stopped');
        app.quit();
      });
  });

  // Probing every instance can take a request timeout (10 s); the UI does not wait for it.
  const started = engine.start().catch((err: Error) => logger.error('engine start failed', { error: err.message }));
  // The qBittorrent-compatible gateway (Sonarr, Radarr, scripts), while enabled in the settings.
  const gateway = runGatewayFromSettings(engine, logger);
  applyUi(engine.currentSettings());
  const snap = engine.snapshot();
  tray.update(snap);
  notifier.onEvent({ type: 'snapshot', snapshot: snap });
  ctx.setSecondInstance(() => windows.show());

  const flags = parseLaunchArgs(process.argv).flags;
  // First run (nothing configured) shows the window so the user can set up; `--hidden` (login) never does.
  if (!flags.hidden && (flags.show || snap.instances.length === 0 || !isPopoverPlatform(process.platform))) windows.show();

  // Launch requests held since start-up go in once the first health check has run, so they are
  // routed on real health rather than queued for lack of it.
  await started;
  await ctx.pending.setReady(async (req) => {
    const out = await backend.launch(req);
    if (out) logger.info('launch inputs added', { responses: out.responses.map((r) => r.summary), unreadable: out.unreadable.length });
    else logger.info('launch inputs held for the add dialog', { magnets: req.args.magnets.length, torrentFiles: req.args.torrentFiles.length });
  });
}

main();
