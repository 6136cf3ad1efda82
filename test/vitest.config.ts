import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Test projects: `unit` (pure Node, fast), `integration` (real qbittorrent-nox on loopback),
 * `chaos` (fault injection; long). Browser tests run under Playwright (test/e2e).
 */
export default defineConfig({
  test: {
    root,
    // test/run-all.mjs names each run's JSON report itself (--outputFile.json): a fixed outputFile here would override it.
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          root,
          sequence: { groupOrder: 0 },
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          root,
          // Groups run one after another (unit → integration → chaos): the suites do not compete for 2 cores.
          sequence: { groupOrder: 1 },
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One retry, as the e2e specs have: these tests race real servers on a shared 2-core
          // machine. A test that passes only on its retry is still named in `npm test`'s summary
          // (flaky), never silently counted; the unit and chaos projects get no retry.
          retry: 1,
          // Files start their own qbittorrent-nox processes on free ports; 2 cores here.
          maxWorkers: 2,
          fileParallelism: true,
        },
      },
      {
        test: {
          name: 'chaos',
          root,
          sequence: { groupOrder: 2 },
          include: ['test/chaos/**/*.test.ts'],
          environment: 'node',
          testTimeout: 600_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
