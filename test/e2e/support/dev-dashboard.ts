import { fileURLToPath } from 'node:url';
import { SettingsSchema } from '../../../shared/settings';
import type { QueueEntryView } from '../../../shared/model';
import { startDashboardServer, type DashboardServer } from '../../../electron/cli/dashboard/server';
import { createMemoryBackend, type MemoryBackend, type MemoryBackendSeed } from './memory-backend';

/**
 * Serves the already built renderer (`out/renderer`; build it first with
 * `npx vite build --config renderer/vite.config.ts`) through the real dashboard server, backed by
 * the FAKE in-memory backend, for looking at the UI. Run: `npx tsx test/e2e/support/dev-dashboard.ts [--empty]`.
 */

/** Folder of the built renderer. */
export const RENDERER_OUT = fileURLToPath(new URL('../../../out/renderer', import.meta.url));

const hash = (c: string) => c.repeat(40);

/** A demo state: two instances (the second down), two queued entries. */
export function demoSeed(): MemoryBackendSeed {
  const ago = (min: number) => new Date(Date.now() - min * 60_000).toISOString();
  const queue: QueueEntryView[] = [
    {
      id: 'q1', infohash: hash('a'), name: 'Debian 12.7 netinst amd64 — a rather long torrent name that must not break the layout',
      kind: 'magnet', magnet: `magnet:?xt=urn:btih:${hash('a')}`, reason: 'primary: CONNECTION_REFUSED; secondary: TIMEOUT', queuedAt: ago(42),
      failures: [
        { instance: 'primary', code: 'CONNECTION_REFUSED', message: 'connection refused' },
        { instance: 'secondary', code: 'TIMEOUT', message: 'timed out after 10000 ms' },
      ],
      attempts: 3, lastError: 'primary: CONNECTION_REFUSED; secondary: TIMEOUT', lastAttempt: ago(2),
    },
    {
      id: 'q2', infohash: hash('b'), name: null, kind: 'torrent', magnet: `magnet:?xt=urn:btih:${hash('b')}`,
      reason: 'VPN down', failures: null, queuedAt: ago(5), attempts: 0, lastError: null, lastAttempt: null,
    },
  ];
  return {
    settings: SettingsSchema.parse({
      instances: [
        { name: 'primary', url: 'http://127.0.0.1:8080', category: 'failover' },
        { name: 'secondary', url: 'https://seedbox.example.net:8443', requiresVpn: true, tls: { mode: 'insecure' } },
      ],
      vpn: { check: 'interface:wg0' },
    }),
    statuses: { secondary: 'CONNECTION_REFUSED' },
    passwordsSet: ['primary'],
    queue,
  };
}

/** Starts the demo dashboard; `empty` gives a first-run state. */
export async function startDevDashboard(empty = false, port = 0): Promise<{ server: DashboardServer; backend: MemoryBackend }> {
  const backend = createMemoryBackend(empty ? {} : demoSeed());
  const server = await startDashboardServer({ backend, staticDir: RENDERER_OUT, port });
  return { server, backend };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { server } = await startDevDashboard(process.argv.includes('--empty'), Number(process.env.PORT ?? 0));
  console.log(`FAKE backend dashboard: ${server.url}`);
}
