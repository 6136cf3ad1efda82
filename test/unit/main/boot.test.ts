import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

interface Report {
  privilegedSchemes: { scheme: string; standard: boolean; secure: boolean }[];
  singleInstanceLock: boolean;
  permissionHandlers: number;
  protocolHandlers: string[];
  ipcChannels: string[];
  windows: { webPreferences: Record<string, unknown>; urls: string[]; shown: boolean }[];
  tray: { images: string[]; tooltip: string; menu: string[] } | null;
  errorBoxes: { title: string; content: string }[];
  drive: {
    gaveUp?: boolean;
    page: { status: number; csp: string | null; body: string };
    traversalStatus: number;
    foreignCall: { error?: { code: string } };
    invalidCall: { error?: { code: string } };
    snapshot: { queued: number; instances: number; route: string };
    tooltipAfterQueue: string;
  } | null;
  quit: { calls?: number; exitCode?: number } | null;
}

let work: string;
let bundleDir: string;
let report: Report;
let exitCode: number | null;
let output = '';

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'qbf-boot-'));
  // Inside the repository so the bundle's bare imports (undici, zod, electron-log…) resolve to node_modules.
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
  // The app folder as in development: the built renderer under out/, the tray images under electron/.
  const appPath = path.join(work, 'app');
  mkdirSync(path.join(appPath, 'out', 'renderer'), { recursive: true });
  writeFileSync(path.join(appPath, 'out', 'renderer', 'index.html'), '<!doctype html><title>qbit-failover</title>\n');
  symlinkSync(path.join(repo, 'electron'), path.join(appPath, 'electron'));
  const home = path.join(work, 'home');
  mkdirSync(home);
  const reportFile = path.join(work, 'report.json');
  exitCode = await new Promise<number | null>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', path.join(__dirname, 'stand-in', 'hooks.mjs'), path.join(bundleDir, 'main.mjs'), '--allow-file-access-from-files', MAGNET],
      {
        cwd: bundleDir,
        // Nothing inherited that the engine would import as settings (QBITTORRENT_*, a .env): a first run.
        env: { PATH: process.env.PATH ?? '', HOME: home, QBF_STANDIN_HOME: home, QBF_STANDIN_APP_PATH: appPath, QBF_STANDIN_REPORT: reportFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve(code));
  });
  if (!existsSync(reportFile)) throw new Error(`the shell wrote no report (exit ${exitCode}):\n${output}`);
  report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
}, 120_000);

afterAll(() => {
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the Electron shell boots and runs (stand-in for the Electron binary)', () => {
  it('starts without an error box and quits cleanly: the engine stops first, then the app', () => {
    expect(report.errorBoxes, output).toEqual([]);
    expect(report.drive?.gaveUp, output).toBeUndefined();
    expect(report.quit).toEqual({ calls: 2 });
    expect(exitCode).toBe(0);
  });

  it('takes the single-instance lock and registers app: as a privileged scheme before ready', () => {
    expect(report.singleInstanceLock).toBe(true);
    expect(report.privilegedSchemes).toEqual([expect.objectContaining({ scheme: 'app', standard: true, secure: true })]);
    expect(report.permissionHandlers).toBe(2);
  });

  it('serves the renderer on app:// with the one CSP (shared/csp.ts) and refuses path traversal', () => {
    expect(report.protocolHandlers).toEqual(['app']);
    expect(report.drive?.page).toEqual({ status: 200, csp: CONTENT_SECURITY_POLICY, body: '<!doctype html><title>qbit-failover</title>\n' });
    expect(report.drive?.traversalStatus).toBe(404);
  });

  it('answers every contract method over IPC, and refuses a foreign sender and an invalid argument', () => {
    expect(report.ipcChannels).toEqual(expect.arrayContaining(API_METHODS.map((m) => ipcChannel(m))));
    expect(report.drive?.foreignCall.error?.code).toBe('FORBIDDEN');
    expect(report.drive?.invalidCall.error?.code).toBe('INVALID_ARGUMENT');
  });

  it('first run: shows the locked-down window on our page', () => {
    expect(report.windows).toHaveLength(1);
    const [win] = report.windows;
    expect(win!.urls[0]).toBe(APP_INDEX_URL);
    expect(win!.shown).toBe(true);
    expect(win!.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webviewTag: false });
  });

  it('puts a tray icon from the one copy of the images, with the status and the menu', () => {
    const icon = report.tray!.images.at(-1)!;
    expect(path.dirname(icon)).toBe(path.join(work, 'app', ...TRAY_IMAGES_DIR.split('/')));
    expect(existsSync(path.join(repo, TRAY_IMAGES_DIR, path.basename(icon))), icon).toBe(true);
    expect(report.tray!.menu).toEqual(expect.arrayContaining(['No instance configured (disabled)', 'Quit']));
  });

  it('a magnet given on the command line before ready is held, then queued (no instance yet), and the tray counts it', () => {
    expect(report.drive?.snapshot).toEqual({ queued: 1, instances: 0, route: 'unconfigured' });
    expect(report.drive?.tooltipAfterQueue).toMatch(/no instance configured · queue 1$/);
    const queue = JSON.parse(readFileSync(path.join(work, 'home', 'qbittorrent_queue.json'), 'utf8')) as { magnets: string[] };
    expect(queue.magnets.join('\n')).toContain('0123456789abcdef0123456789abcdef01234567');
  });
});
