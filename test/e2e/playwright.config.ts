import { defineConfig } from '@playwright/test';

/**
 * Chromium e2e against the real `qbit-failover serve` and real qbittorrent-nox instances
 * (`npm run test:e2e`; `QBT_VERSION=5.3 npm run test:e2e` for qBittorrent 5.3). Debian's Chromium
 * only: no browser is ever downloaded. The reporter is left to the caller (`npm test` passes
 * `--reporter=list,json`).
 */
export default defineConfig({
  testDir: './specs',
  globalSetup: './support/global-setup.ts',
  // npm test runs the specs once per qBittorrent version: each run keeps its own artifacts.
  outputDir: process.env.QBF_E2E_OUTPUT_DIR ?? '../../test-results/e2e-artifacts',
  // One worker: each test starts its own qBittorrent pair + serve (no state shared between tests) on a shared 2-core machine.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // One retry (on a fresh stack, like every test): the machine is shared, and Chromium drops
  // connections when another suite changes an interface address. A retried pass is reported as flaky.
  retries: 1,
  forbidOnly: !!process.env.CI,
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
