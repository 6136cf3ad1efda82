import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS, ipcChannel } from '../../../shared/contract';
import { CONTENT_SECURITY_POLICY } from '../../../shared/csp';
import { TRAY_IMAGES_DIR } from '../../../electron/main/tray/icons';
import { APP_INDEX_URL } from '../../../electron/main/security/policy';

/**
 * Boots the real Electron main process (electron/main/index.ts and everything it wires: the
 * engine, IPC, tray, window, app:// scheme, launch sources, logging) under plain Node, with
 * `electron` replaced by ./stand-in/electron.cjs — the Electron binary cannot run here, and
 * electron-smoke.test.ts is skipped without it. The stand-in records what the shell does and
 * drives it as the OS and a user would; this test reads its report. It runs the source as bundled
 * now (esbuild, dependencies external like electron-vite's main build), so a wrong path after a
 * move, a lost `setupXxx()` call or a broken import fails here.
 */
const repo = path.resolve(__dirname, '../../..');
const MAGNET = 'magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=launched';
const SECOND_MAGNET = 'magnet:?xt=urn:btih:89abcdef0123456789abcdef0123456789abcdef&dn=handed%20over';

interface Report {
  privilegedSchemes: { scheme: string; standard: boolean; secure: boolean }[];
  singleInstanceLock: boolean;
  permissionHandlers: number;
  protocolHandlers: string[];
  protocolClients: string[];
  ipcChannels: string[];
  windows: { webPreferences: Record<string, unknown>; urls: string[]; shown: boolean }[];
  tray: { images: string[]; tooltip: string; menu: string[] } | null;
  errorBoxes: { title: string; content: string }[];
  drive: {
    gaveUp?: boolean;
    page: { status: number; csp: string | null; body: string };
    assets: { ref: string; status: number }[];
    traversalStatus: number;
    foreignCall: { error?: { code: string } };
    invalidCall: { error?: { code: string } };
    snapshot: { queued: number; instances: number; route: string };
    tooltipAfterQueue: string;
    handoff: { queued: number; windowShown: boolean };
    recentAdds: { label: string; outcome: string }[];
    trayMenu: string[];
    windowUrls: string[];
    pendingAdd: { id: string; labels: string[]; instances: string[] } | null;
    queuedBeforeAnswer: number;
    answer: { summary: { queued: number }; pendingAfter: unknown; recent: { label: string; outcome: string }[] };
  } | null;
  quit: { calls?: number; exitCode?: number } | null;
}

/** One boot of the shell under the stand-in, and where it ran. */
interface Boot {
  work: string;
  home: string;
  appPath: string;
  resources: string | null;
  report: Report;
  exitCode: number | null;
  output: string;
}

let bundleDir: string;
const works: string[] = [];
/** First run in development: nothing configured, a magnet on the command line, a second launch handing over another. */
let first: Boot;
/** Packaged and configured: the magnet handler and the add dialog switched on. */
let configured: Boot;

/** The renderer as built (base './'): index.html referencing a script and a stylesheet under assets/. */
const INDEX_HTML = '<!doctype html><title>qbit-failover</title><script type="module" src="./assets/index.js"></script><link rel="stylesheet" href="./assets/index.css">\n';

/**
 * electron-builder's `extraResources` (build/electron-builder.yml) laid out as a packaged app has
 * them under `process.resourcesPath`: each `from` folder's PNGs copied to its `to` folder.
 */
function packagedResources(dir: string): string {
  const yml = readFileSync(path.join(repo, 'build', 'electron-builder.yml'), 'utf8');
  const block = /^extraResources:\n((?:[ \t-].*\n)+)/m.exec(yml)?.[1] ?? '';
  for (const m of block.matchAll(/from:\s*(\S+)\s*\n\s*to:\s*(\S+)/g)) {
    const to = path.join(dir, m[2]!);
    mkdirSync(to, { recursive: true });
    for (const f of readdirSync(path.join(repo, m[1]!)).filter((n) => n.endsWith('.png'))) copyFileSync(path.join(repo, m[1]!, f), path.join(to, f));
  }
  return dir;
}

async function boot(scenario: 'first-run' | 'configured'): Promise<Boot> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'qbf-boot-'));
  works.push(work);
  // The app folder as electron-vite builds it: renderer and preload under out/; in development the tray images under electron/.
  const appPath = path.join(work, 'app');
  mkdirSync(path.join(appPath, 'out', 'renderer', 'assets'), { recursive: true });
  writeFileSync(path.join(appPath, 'out', 'renderer', 'index.html'), INDEX_HTML);
  writeFileSync(path.join(appPath, 'out', 'renderer', 'assets', 'index.js'), '');
  writeFileSync(path.join(appPath, 'out', 'renderer', 'assets', 'index.css'), '');
  mkdirSync(path.join(appPath, 'out', 'preload'), { recursive: true });
  copyFileSync(path.join(bundleDir, 'preload.cjs'), path.join(appPath, 'out', 'preload', 'index.cjs'));
  const home = path.join(work, 'home');
  mkdirSync(home);
  let resources: string | null = null;
  if (scenario === 'first-run') {
    symlinkSync(path.join(repo, 'electron'), path.join(appPath, 'electron'));
  } else {
    resources = packagedResources(path.join(work, 'resources'));
    const userData = path.join(home, 'userData');
    mkdirSync(userData);
    // A closed loopback port: the instance is down, so the answered add is queued (nothing leaves the machine).
    writeFileSync(path.join(userData, 'config.json'), JSON.stringify({ vpn: { check: 'none' }, instances: [{ name: 'nas', url: 'http://127.0.0.1:9' }], ui: { magnetHandler: true } }));
    writeFileSync(path.join(userData, 'desktop-state.json'), JSON.stringify({ prefs: { askBeforeAdd: true } }));
  }
  const reportFile = path.join(work, 'report.json');
  let output = '';
  const exitCode = await new Promise<number | null>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', path.join(__dirname, 'stand-in', 'hooks.mjs'), path.join(bundleDir, 'main.mjs'), '--allow-file-access-from-files', MAGNET],
      {
        cwd: bundleDir,
        // Nothing inherited that the engine would import as settings (QBITTORRENT_*, a .env).
        env: {
          PATH: process.env.PATH ?? '',
          HOME: home,
          QBF_STANDIN_HOME: home,
          QBF_STANDIN_APP_PATH: appPath,
          QBF_STANDIN_REPORT: reportFile,
          QBF_STANDIN_SCENARIO: scenario,
          QBF_STANDIN_SECOND_MAGNET: SECOND_MAGNET,
          ...(resources ? { QBF_STANDIN_PACKAGED: '1', QBF_STANDIN_RESOURCES: resources } : {}),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve(code));
  });
  // No report (the shell died, or the stand-in's drive never finished): every test of this boot fails on its own assertion.
  const report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as Report) : ({ errorBoxes: [{ title: 'no report', content: output }], windows: [], drive: null } as unknown as Report);
  return { work, home, appPath, resources, report, exitCode, output };
}

beforeAll(async () => {
  // Inside the repository so the bundle's bare imports (undici, zod, electron-log, electron-store…) resolve to node_modules.
  mkdirSync(path.join(repo, 'test', '.tmp'), { recursive: true }); // absent in a fresh clone (ignored by git)
  bundleDir = mkdtempSync(path.join(repo, 'test', '.tmp', 'boot-'));
  await build({
    entryPoints: [path.join(repo, 'electron/main/index.ts')],
    outfile: path.join(bundleDir, 'main.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  // The preload as electron-vite bundles it (build/electron.vite.config.ts: CommonJS, zod and shared/ inside, electron external).
  await build({
    entryPoints: [path.join(repo, 'electron/preload/index.ts')],
    outfile: path.join(bundleDir, 'preload.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['electron'],
    logLevel: 'warning',
  });
  [first, configured] = await Promise.all([boot('first-run'), boot('configured')]);
}, 120_000);

afterAll(() => {
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  for (const w of works) rmSync(w, { recursive: true, force: true });
});

describe('the Electron shell boots and runs (stand-in for the Electron binary)', () => {
  it('starts without an error box and quits cleanly: the engine stops first, then the app', () => {
    expect(first.report.errorBoxes, first.output).toEqual([]);
    expect(first.report.drive?.gaveUp, first.output).toBeUndefined();
    expect(first.report.quit).toEqual({ calls: 2 });
    expect(first.exitCode).toBe(0);
  });

  it('takes the single-instance lock and registers app: as a privileged scheme before ready', () => {
    expect(first.report.singleInstanceLock).toBe(true);
    expect(first.report.privilegedSchemes).toEqual([expect.objectContaining({ scheme: 'app', standard: true, secure: true })]);
    expect(first.report.permissionHandlers).toBe(2);
  });

  it('serves the renderer on app:// with the one CSP (shared/csp.ts) and refuses path traversal', () => {
    expect(first.report.protocolHandlers).toEqual(['app']);
    expect(first.report.drive?.page).toEqual({ status: 200, csp: CONTENT_SECURITY_POLICY, body: INDEX_HTML });
    expect(first.report.drive?.traversalStatus).toBe(404);
  });

  it('answers every contract method over IPC, and refuses a foreign sender and an invalid argument', () => {
    expect(first.report.ipcChannels).toEqual(expect.arrayContaining(API_METHODS.map((m) => ipcChannel(m))));
    expect(first.report.drive?.foreignCall.error?.code).toBe('FORBIDDEN');
    expect(first.report.drive?.invalidCall.error?.code).toBe('INVALID_ARGUMENT');
  });

  it('first run: shows the locked-down window on our page', () => {
    expect(first.report.windows).toHaveLength(1);
    const [win] = first.report.windows;
    expect(win!.urls[0]).toBe(APP_INDEX_URL);
    expect(win!.shown).toBe(true);
    expect(win!.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webviewTag: false });
  });

  it('puts a tray icon from the one copy of the images, with the status and the menu', () => {
    const icon = first.report.tray!.images.at(-1)!;
    expect(path.dirname(icon)).toBe(path.join(first.work, 'app', ...TRAY_IMAGES_DIR.split('/')));
    expect(existsSync(path.join(repo, TRAY_IMAGES_DIR, path.basename(icon))), icon).toBe(true);
    expect(first.report.tray!.menu).toEqual(expect.arrayContaining(['No instance configured (disabled)', 'Quit']));
  });

  it('a magnet given on the command line before ready is held, then queued (no instance yet), and the tray counts it', () => {
    expect(first.report.drive?.snapshot).toEqual({ queued: 1, instances: 0, route: 'unconfigured' });
    expect(first.report.drive?.tooltipAfterQueue).toMatch(/no instance configured · queue 1$/);
    const queue = JSON.parse(readFileSync(path.join(first.work, 'home', 'qbittorrent_queue.json'), 'utf8')) as { magnets: string[] };
    expect(queue.magnets.join('\n')).toContain('0123456789abcdef0123456789abcdef01234567');
  });
});

describe('what a user would see break: tray, magnet handler, window, app://, hand-off, add dialog, desktop state', () => {
  it('the configured, packaged boot starts and quits cleanly too', () => {
    expect(configured.report.errorBoxes, configured.output).toEqual([]);
    expect(configured.report.drive?.gaveUp, configured.output).toBeUndefined();
    expect(configured.report.quit).toEqual({ calls: 2 });
    expect(configured.exitCode).toBe(0);
  });

  it('packaged: the tray icon is a file that exists where electron-builder puts the images (resourcesPath/tray)', () => {
    const icon = configured.report.tray!.images.at(-1)!;
    expect(path.dirname(icon)).toBe(path.join(configured.resources!, 'tray'));
    expect(existsSync(icon), icon).toBe(true);
    for (const image of configured.report.tray!.images) expect(existsSync(image), image).toBe(true);
  });

  it('the magnet: handler is registered only when enabled in the settings', () => {
    expect(first.report.protocolClients).toEqual([]);
    expect(configured.report.protocolClients).toEqual(['magnet']);
  });

  it('the window preload is a file that exists in the built layout, and its prefs are sandboxed', () => {
    for (const b of [first, configured]) {
      const prefs = b.report.windows[0]!.webPreferences;
      expect(prefs.preload).toBe(path.join(b.appPath, 'out', 'preload', 'index.cjs'));
      expect(existsSync(prefs.preload as string)).toBe(true);
      expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, nodeIntegrationInSubFrames: false, webSecurity: true });
    }
    // The build writes the preload where the shell looks for it.
    const viteConfig = readFileSync(path.join(repo, 'build', 'electron.vite.config.ts'), 'utf8');
    expect(viteConfig).toMatch(/outDir: at\('out\/preload'\)/);
    expect(viteConfig).toMatch(/entryFileNames: '\[name\]\.cjs'/);
  });

  it('app:// resolves every file the page references (script, stylesheet) to a file that exists', () => {
    expect(first.report.drive?.assets).toEqual([
      { ref: 'assets/index.js', status: 200 },
      { ref: 'assets/index.css', status: 200 },
    ]);
  });

  it('a second launch hands its magnet to the running app: queued, window shown, listed in the recent adds and the tray', () => {
    expect(first.report.drive?.handoff).toEqual({ queued: 2, windowShown: true });
    expect(first.report.drive?.recentAdds).toEqual([
      { label: 'handed over', outcome: 'queued' },
      { label: 'launched', outcome: 'queued' },
    ]);
    const menu = first.report.drive!.trayMenu;
    expect(menu).toEqual(expect.arrayContaining(['Recent adds (2) — click one to send it again']));
    expect(menu.filter((l) => l.startsWith('› '))).toEqual([
      expect.stringMatching(/^› handed over — queued — /),
      expect.stringMatching(/^› launched — queued — /),
      '› ---',
      '› Show recent adds in the window',
    ]);
  });

  it('with the add dialog on, a magnet from the browser opens the dialog in the window and is added only once answered', () => {
    const d = configured.report.drive!;
    expect(d.windowUrls).toContain(`${APP_INDEX_URL}#/add-prompt`);
    expect(d.pendingAdd).toMatchObject({ labels: ['launched'], instances: ['nas'] });
    expect(d.queuedBeforeAnswer).toBe(0);
    expect(d.answer.summary.queued).toBe(1);
    expect(d.answer.pendingAfter).toBeNull();
    expect(d.answer.recent).toEqual([{ label: 'launched', outcome: 'queued' }]);
    // The dialog's choices travel with the entry (category, and the chosen instance for the flush).
    const queue = readFileSync(path.join(configured.home, 'qbittorrent_queue.json'), 'utf8');
    expect(queue).toContain('"category": "tv"');
    expect(queue).toContain('"instance": "nas"');
  });

  it('desktop state is kept by electron-store in the userData folder, beside config.json and never in it', () => {
    const userData = path.join(first.home, 'userData');
    const state = JSON.parse(readFileSync(path.join(userData, 'desktop-state.json'), 'utf8')) as { recentAdds: { label: string }[] };
    expect(state.recentAdds.map((r) => r.label)).toEqual(['handed over', 'launched']);
    const configuredDir = path.join(configured.home, 'userData');
    const config = JSON.parse(readFileSync(path.join(configuredDir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ instances: [expect.objectContaining({ name: 'nas' })], ui: { magnetHandler: true } });
    expect(Object.keys(config)).not.toContain('recentAdds');
    const desktop = JSON.parse(readFileSync(path.join(configuredDir, 'desktop-state.json'), 'utf8')) as { prefs: { askBeforeAdd: boolean }; recentAdds: unknown[] };
    expect(desktop.prefs.askBeforeAdd).toBe(true);
    expect(desktop.recentAdds).toHaveLength(1);
  });
});
