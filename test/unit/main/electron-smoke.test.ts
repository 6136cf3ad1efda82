import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_METHODS } from '../../../shared/contract';

/**
 * Launches the real app with Playwright's `_electron` — only where an Electron binary exists.
 * `require('electron')` outside Electron would try to DOWNLOAD the binary, so availability is
 * detected from files (`node_modules/electron/path.txt` + `dist/`), and the test is reported as
 * SKIPPED (never passed) when they are missing. Needs `npm run build` first (out/ present).
 */
const repo = path.resolve(__dirname, '../../..');
const electronDir = path.join(repo, 'node_modules', 'electron');
const pathTxt = path.join(electronDir, 'path.txt');
const binary = existsSync(pathTxt) ? path.join(electronDir, 'dist', readFileSync(pathTxt, 'utf8').trim()) : null;
const available = binary !== null && existsSync(binary) && existsSync(path.join(repo, 'out', 'main', 'index.js'));

describe('Electron smoke (Playwright _electron)', () => {
  it.skipIf(!available)(
    available ? 'launches, creates the tray, shows the status window' : 'Electron binary not available on this machine — not run',
    async () => {
      const { _electron } = await import('playwright-core');
      const home = await mkdtemp(path.join(os.tmpdir(), 'qbf-smoke-'));
      const app = await _electron.launch({
        executablePath: binary!,
        args: [repo, '--show'],
        env: { ...process.env, XDG_CONFIG_HOME: home, HOME: home, QBF_TEST_HOOKS: '1' },
      });
      try {
        const page = await app.firstWindow();
        await page.waitForLoadState('domcontentloaded');
        expect(page.url()).toMatch(/^app:\/\/qbit-failover\//);
        // The page sees exactly the contract API and no Node.
        const keys = await page.evaluate(() => Object.keys((globalThis as unknown as { qbitFailover: object }).qbitFailover).sort());
        expect(keys).toEqual([...API_METHODS, 'subscribe'].sort());
        expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
        // First run, nothing configured: grey tray, the app still runs.
        const tooltip = await app.evaluate(() => (globalThis as { __qbitFailoverTray?: { tooltip(): string } }).__qbitFailoverTray?.tooltip());
        expect(tooltip).toMatch(/no instance configured/);
        await expect.poll(() => page.locator('body').innerText(), { timeout: 10_000 }).not.toBe('');
      } finally {
        await app.close();
      }
    },
  );
});
