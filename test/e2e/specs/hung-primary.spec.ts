import { test, expect } from '@playwright/test';
import { listHashes, waitForHashes } from '../../harness/direct';
import { randomMagnet } from '../../harness/inputs';
import { addResult, dropText, openTab, useSession, type Session } from '../support/session';

/**
 * A primary that accepts TCP connections but never answers (SIGSTOP: a stalled VPN tunnel, a
 * hung process) must cost one request timeout, not hang the window: the drop fails over to the
 * secondary, and when the primary wakes the late copy it may have taken is removed.
 */

// The environment fills in the URLs; config.json keeps these instances' short timeouts.
const session = useSession({
  config: {
    instances: [
      { name: 'primary', url: 'http://127.0.0.1:9', requiresVpn: true, connectTimeoutMs: 500, requestTimeoutMs: 1_500 },
      { name: 'secondary', url: 'http://127.0.0.1:9' },
    ],
  },
});

/** Freezes the primary and drops a new magnet: it must land on the secondary within 8 s. Returns the magnet. */
async function dropWhileHung({ page, stack }: Session): Promise<{ magnet: string; infohash: string }> {
  const m = randomMagnet('dropped on a hung primary (e2e)');
  await expect(page.getByTestId('light-primary')).toHaveAttribute('data-status', 'OK');
  stack.primary.freeze();
  const t0 = Date.now();
  await dropText(page, m.magnet);
  const row = addResult(page, 'dropped on a hung primary (e2e)');
  await expect(row).toHaveAttribute('data-outcome', 'added', { timeout: 8_000 });
  await expect(row).toContainText('added to secondary');
  expect(Date.now() - t0).toBeLessThan(8_000);
  await waitForHashes(stack.secondary, [m.infohash]);
  return m;
}

test('a drop while the primary hangs lands on the secondary within a request timeout or two', async () => {
  const s = session();
  const { page } = s;
  await dropWhileHung(s);

  await openTab(page, 'Status');
  await expect(page.getByTestId('light-primary')).toHaveAttribute('data-status', 'TIMEOUT');
  await expect(page.getByTestId('status-primary')).toHaveText('Timed out');
  await expect(page.getByTestId('route-banner')).toHaveAttribute('data-route', 'fallback');
});

test('when the primary wakes it turns green again and the magnet ends up on exactly one instance', async () => {
  const s = session();
  const { page, stack } = s;
  const m = await dropWhileHung(s);
  await openTab(page, 'Status');
  stack.primary.thaw();
  await expect(page.getByTestId('light-primary')).toHaveAttribute('data-status', 'OK', { timeout: 8_000 });
  await expect(page.getByTestId('route-banner')).toHaveAttribute('data-route', 'primary');
  // A woken qBittorrent may still process the add it read before it froze; the engine removes that copy.
  await expect.poll(async () => (await listHashes(stack.primary)).includes(m.infohash), { timeout: 8_000 }).toBe(false);
  expect(await listHashes(stack.secondary)).toContain(m.infohash);
});
