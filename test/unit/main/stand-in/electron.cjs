'use strict';
/**
 * A stand-in for the `electron` module, for booting the real main process (electron/main/index.ts,
 * bundled) under plain Node where the Electron binary cannot run. It implements just what the
 * shell and electron-log call, records what the shell did, and — once the shell is up — drives it
 * like a user and the OS would: calls the app:// protocol handler, invokes IPC handlers as our
 * window and as a foreign one, waits for the magnet given on the command line to reach the queue,
 * then quits. Everything seen goes to the JSON file named by QBF_STANDIN_REPORT.
 * Loaded in place of `electron` by ./hooks.mjs (`node --import`).
 */
const { EventEmitter } = require('node:events');
const { readFile, writeFile } = require('node:fs/promises');
const path = require('node:path');
const { fileURLToPath } = require('node:url');

const HOME = process.env.QBF_STANDIN_HOME;
const APP_PATH = process.env.QBF_STANDIN_APP_PATH;
const REPORT = process.env.QBF_STANDIN_REPORT;
/** `first-run` (nothing configured) or `configured` (config.json and desktop state written by the test, packaged layout). */
const SCENARIO = process.env.QBF_STANDIN_SCENARIO || 'first-run';
const PACKAGED = process.env.QBF_STANDIN_PACKAGED === '1';
/** Magnet handed over by a second launch (Windows/Linux protocol activation while the app runs). */
const SECOND_MAGNET = process.env.QBF_STANDIN_SECOND_MAGNET;
// What electron sets in a packaged app: the folder holding app.asar and electron-builder's extraResources.
if (process.env.QBF_STANDIN_RESOURCES) process.resourcesPath = process.env.QBF_STANDIN_RESOURCES;
/** Upper bound for the whole boot-and-drive, so a broken shell fails the test instead of hanging it. */
const GIVE_UP_MS = 30_000;

const seen = {
  privilegedSchemes: [],
  singleInstanceLock: false,
  permissionHandlers: 0,
  protocolHandlers: [],
  ipcChannels: [],
  windows: [],
  tray: null,
  errorBoxes: [],
  protocolClients: [],
  drive: null,
  quit: null,
};

let reported = false;
async function report(exitCode) {
  if (reported) return;
  reported = true;
  await writeFile(REPORT, JSON.stringify(seen, null, 2));
  process.exit(exitCode);
}

let nextId = 1;
class WebContents extends EventEmitter {
  constructor() {
    super();
    this.id = nextId++;
    this.sent = [];
  }
  send(channel, event) {
    this.sent.push({ channel, type: event && event.type });
  }
  isDestroyed() {
    return false;
  }
  isLoading() {
    return false;
  }
  isDevToolsOpened() {
    return false;
  }
  setWindowOpenHandler(fn) {
    this.windowOpenHandler = fn;
  }
}

const app = new EventEmitter();
let ready = false;
let quitting = 0;
Object.assign(app, {
  name: 'qbit-failover',
  isPackaged: PACKAGED,
  dock: undefined,
  getName: () => 'qbit-failover',
  getVersion: () => '0.0.0-stand-in',
  getAppPath: () => APP_PATH,
  getPath: (name) => path.join(HOME, name),
  isReady: () => ready,
  requestSingleInstanceLock() {
    seen.singleInstanceLock = true;
    return true;
  },
  whenReady() {
    return new Promise((resolve) =>
      setImmediate(() => {
        ready = true;
        app.emit('will-finish-launching');
        app.emit('ready');
        resolve();
        setTimeout(() => void drive(), 0);
      }),
    );
  },
  quit() {
    quitting++;
    let prevented = false;
    app.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    seen.quit = { calls: quitting };
    void report(0);
  },
  exit(code) {
    seen.quit = { exitCode: code };
    void report(code || 1);
  },
  setLoginItemSettings() {},
  isDefaultProtocolClient: (scheme) => seen.protocolClients.includes(scheme),
  setAsDefaultProtocolClient(scheme) {
    seen.protocolClients.push(scheme);
    return true;
  },
  removeAsDefaultProtocolClient(scheme) {
    seen.protocolClients = seen.protocolClients.filter((s) => s !== scheme);
    return true;
  },
});

const ipcHandlers = new Map();
const ipcMain = new EventEmitter();
ipcMain.handle = (channel, fn) => {
  ipcHandlers.set(channel, fn);
  seen.ipcChannels.push(channel);
};
ipcMain.removeHandler = (channel) => ipcHandlers.delete(channel);

const protocolHandlers = new Map();
const protocol = {
  registerSchemesAsPrivileged(list) {
    seen.privilegedSchemes.push(...list.map((s) => ({ scheme: s.scheme, ...s.privileges })));
  },
  handle(scheme, fn) {
    protocolHandlers.set(scheme, fn);
    seen.protocolHandlers.push(scheme);
  },
};

const net = {
  /** Only `file:` URLs, which is all the app:// handler fetches. */
  async fetch(url) {
    const body = await readFile(fileURLToPath(url));
    return new Response(body, { status: 200, headers: { 'content-type': 'text/html' } });
  },
};

class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents();
    this.visible = false;
    this.record = { webPreferences: options.webPreferences, urls: [], shown: false, webContentsId: this.webContents.id };
    seen.windows.push(this.record);
    app.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(url) {
    this.record.urls.push(url);
  }
  show() {
    this.visible = this.record.shown = true;
  }
  hide() {
    this.visible = false;
  }
  focus() {}
  isVisible() {
    return this.visible;
  }
  isDestroyed() {
    return false;
  }
  getBounds() {
    return { x: 0, y: 0, width: 900, height: 680 };
  }
  setPosition() {}
}

class Tray extends EventEmitter {
  constructor(image) {
    super();
    seen.tray = { images: [image.path], tooltip: '', menu: [] };
    this.destroyed = false;
  }
  setImage(image) {
    seen.tray.images.push(image.path);
  }
  setToolTip(text) {
    seen.tray.tooltip = text;
  }
  setContextMenu(menu) {
    const label = (i) => (i.type === 'separator' ? '---' : `${i.label}${i.enabled === false ? ' (disabled)' : ''}`);
    // A submenu's items follow it, prefixed "› " (what the user sees on hovering it).
    seen.tray.menu = menu.flatMap((i) => [label(i), ...(i.submenu || []).map((s) => `› ${label(s)}`)]);
    this.menu = menu;
  }
  isDestroyed() {
    return this.destroyed;
  }
  getBounds() {
    return { x: 0, y: 0, width: 0, height: 0 };
  }
}

class Notification extends EventEmitter {
  static isSupported() {
    return false;
  }
  show() {}
}

const session = {
  defaultSession: {
    setPermissionRequestHandler() {
      seen.permissionHandlers++;
    },
    setPermissionCheckHandler() {
      seen.permissionHandlers++;
    },
  },
};

/** Calls an IPC handler the way ipcMain does, as the given sender. */
function invoke(channel, sender, arg) {
  const fn = ipcHandlers.get(channel);
  if (!fn) return Promise.resolve({ missing: channel });
  return fn({ sender: { id: sender.id }, senderFrame: { url: sender.url } }, arg);
}

async function drive() {
  const giveUp = setTimeout(() => {
    seen.drive = { ...(seen.drive || {}), gaveUp: true };
    void report(1);
  }, GIVE_UP_MS);
  giveUp.unref();
  // Up: IPC handlers registered, tray made, window shown (first run: nothing configured).
  await until(() => ipcHandlers.has('qbf:getSnapshot') && seen.tray && seen.windows.some((w) => w.shown));
  const win = seen.windows[0];
  const ours = { id: win.webContentsId, url: 'app://qbit-failover/index.html' };
  const drove = (seen.drive = {});

  const serve = protocolHandlers.get('app');
  const page = await serve(new Request('app://qbit-failover/index.html'));
  drove.page = { status: page.status, csp: page.headers.get('content-security-policy'), body: await page.text() };
  const escape = await serve(new Request('app://qbit-failover/..%2f..%2fpackage.json'));
  drove.traversalStatus = escape.status;

  // Every file the page references resolves on app:// (relative to index.html, as the renderer is built with base './').
  const html = await readFile(path.join(APP_PATH, 'out', 'renderer', 'index.html'), 'utf8');
  drove.assets = [];
  for (const [, ref] of html.matchAll(/(?:src|href)="\.?\/?([^"#?]+)"/g)) {
    const res = await serve(new Request(new URL(ref, 'app://qbit-failover/index.html').href));
    drove.assets.push({ ref, status: res.status });
  }

  drove.foreignCall = await invoke('qbf:getSnapshot', { id: 999, url: 'https://evil.example/' }, {});
  drove.invalidCall = await invoke('qbf:addText', ours, { text: 42 });
  if (SCENARIO === 'configured') return driveConfigured(ours, drove, giveUp);
  // The magnet given on the command line is held until the engine is ready, then queued (no instance).
  await until(async () => ((await invoke('qbf:getSnapshot', ours, {})).result?.queue?.length ?? 0) > 0);
  const snap = (await invoke('qbf:getSnapshot', ours, {})).result;
  drove.snapshot = { queued: snap.queue.length, instances: snap.instances.length, route: snap.route.kind };
  // The tray follows the engine's events: its tooltip counts the queued magnet too.
  await until(() => /queue 1\b/.test(seen.tray.tooltip));
  drove.tooltipAfterQueue = seen.tray.tooltip;

  // A second launch with a magnet (the browser, while the app runs): handed over to this instance.
  win.shown = false;
  app.emit('second-instance', {}, ['/opt/qbit-failover/qbit-failover', '--', SECOND_MAGNET], '/');
  await until(async () => ((await invoke('qbf:getSnapshot', ours, {})).result?.queue?.length ?? 0) > 1);
  drove.handoff = { queued: (await invoke('qbf:getSnapshot', ours, {})).result.queue.length, windowShown: win.shown };
  const desktop = (await invoke('qbf:getDesktopState', ours, {})).result;
  drove.recentAdds = desktop.recentAdds.map((r) => ({ label: r.label, outcome: r.outcome }));
  await until(() => seen.tray.menu.some((l) => l.startsWith('Recent adds (2)')));
  drove.trayMenu = seen.tray.menu;
  clearTimeout(giveUp);
  app.quit();
}

/**
 * Configured and packaged, the add dialog switched on: the magnet from the command line is not
 * added but waits for the dialog, which the window opens; the user answers it (as the renderer
 * would, over IPC), and only then is it added.
 */
async function driveConfigured(ours, drove, giveUp) {
  const win = seen.windows[0];
  await until(() => win.urls.some((u) => u.endsWith('#/add-prompt')));
  drove.windowUrls = [...win.urls];
  const before = (await invoke('qbf:getDesktopState', ours, {})).result;
  drove.pendingAdd = before.pendingAdd;
  drove.queuedBeforeAnswer = (await invoke('qbf:getSnapshot', ours, {})).result.queue.length;
  const answer = (await invoke('qbf:answerAddPrompt', ours, { id: before.pendingAdd.id, add: true, options: { category: 'tv', instance: 'nas' } })).result;
  drove.answer = { summary: answer.response.summary, pendingAfter: answer.state.pendingAdd, recent: answer.state.recentAdds.map((r) => ({ label: r.label, outcome: r.outcome })) };
  clearTimeout(giveUp);
  app.quit();
}

async function until(what) {
  while (!(await what())) await new Promise((r) => setTimeout(r, 20));
}

// One `exports.x =` per name: Node finds a CommonJS module's named exports for `import { x }` by
// reading these assignments (cjs-module-lexer).
exports.app = app;
exports.ipcMain = ipcMain;
exports.protocol = protocol;
exports.net = net;
exports.session = session;
exports.BrowserWindow = BrowserWindow;
exports.Tray = Tray;
exports.Notification = Notification;
exports.Menu = { buildFromTemplate: (template) => template };
exports.nativeImage = { createFromPath: (p) => ({ path: p }) };
exports.screen = {
  getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
  getPrimaryDisplay: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }),
  getDisplayMatching: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }),
};
exports.dialog = {
  showErrorBox(title, content) {
    seen.errorBoxes.push({ title, content });
  },
};
exports.safeStorage = {
  isEncryptionAvailable: () => true,
  encryptString: (s) => Buffer.from(`stand-in:${s}`),
  decryptString: (b) => b.toString().replace(/^stand-in:/, ''),
  getSelectedStorageBackend: () => 'gnome_libsecret',
};
exports.clipboard = { readText: () => '' };
exports.shell = { openPath: async () => '' };
exports.webContents = { getAllWebContents: () => [] };
