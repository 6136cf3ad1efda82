import { test, expect } from '@playwright/test';
import { forgetDirectSession, listHashes, waitForHashes } from '../../harness/direct';
import { randomMagnet } from '../../harness/inputs';
import { addResult, dropText, openTab, queueWhileDown, shoot, useSession } from '../support/session';

/**
 * The product's core promise, seen from the dashboard: a magnet dropped on the window lands on
 * the primary; when it dies, on the secondary; when both are down, in the queue; and the queue
 * empties onto a server again (by "Flush queue", and by itself on recovery). Each test starts
 * from two healthy instances and an empty queue, and brings about the rest itself.
 */

const session = useSession();

test('shows both instances healthy and adds a magnet dropped anywhere on the window to the primary', async () => {
  const { page, stack } = session();
  await expect(page.getByTestId('light-primary')).toHaveAttribute('data-status', 'OK');
  await expect(page.getByTestId('light-secondary')).toHaveAttribute('data-status', 'OK');
  await expect(page.getByTestId('vpn-light')).toHaveAttribute('data-status', 'CONNECTED');
  const banner = page.getByTestId('route-banner');
  await expect(banner).toHaveAttribute('data-route', 'primary');
  await expect(banner).toHaveText('Adds go to primary (first choice)');
  await shoot(page, 'status', { window: true });

  const m = randomMagnet('Debian 12 netinst (e2e)');
  await dropText(page, m.magnet, { stopAtOverlay: true });
  await expect(page.getByTestId('drop-overlay')).toBeVisible();
  await expect(page.getByTestId('drop-overlay')).toContainText('Drop to add');
  await shoot(page, 'drop-overlay');

  await dropText(page, m.magnet);
  await expect(page.getByTestId('drop-overlay')).toHaveCount(0);
  await expect(page.getByRole('tab', { name: 'Add' })).toHaveAttribute('aria-selected', 'true');
  const result = page.getByTestId('add-result');
  await expect(result).toHaveCount(1);
  await expect(result).toHaveAttribute('data-outcome', 'added');
  await expect(result).toContainText('added to primary');
  await expect(result).toContainText('Debian 12 netinst (e2e)');
  await waitForHashes(stack.primary, [m.infohash]);
  expect(await listHashes(stack.secondary)).not.toContain(m.infohash);
});

test('when the primary dies its light changes within one poll and a drop lands on the secondary', async () => {
  const { page, stack } = session();
  await openTab(page, 'Status');
  await stack.primary.kill();
  // pollIntervalMs is 1 000: one poll plus the probe itself.
  await expect(page.getByTestId('light-primary')).not.toHaveAttribute('data-status', 'OK', { timeout: 2_500 });
  await expect(page.getByTestId('status-primary')).not.toHaveText(/^OK/);
  const banner = page.getByTestId('route-banner');
  await expect(banner).toHaveAttribute('data-route', 'fallback');
  await expect(banner).toHaveText('Adds go to secondary (fallback)');
  await expect(page.getByTestId('light-secondary')).toHaveAttribute('data-status', 'OK');
  await shoot(page, 'status-failover', { window: true });

  const m = randomMagnet('after failover (e2e)');
  await dropText(page, m.magnet);
  const result = addResult(page, 'after failover (e2e)');
  await expect(result).toHaveAttribute('data-outcome', 'added');
  await expect(result).toContainText('added to secondary');
  await waitForHashes(stack.secondary, [m.infohash]);
});

test('with every instance down a drop is queued, shown in the queue view (why, in words) and written to the queue file', async () => {
  const { page, stack } = session();
  const queued = [randomMagnet('queued one (e2e)'), randomMagnet('queued two (e2e)')];
  await openTab(page, 'Status');
  await Promise.all([stack.primary.kill(), stack.secondary.kill()]);
  await expect(page.getByTestId('light-primary')).not.toHaveAttribute('data-status', 'OK', { timeout: 2_500 });
  await expect(page.getByTestId('light-secondary')).not.toHaveAttribute('data-status', 'OK', { timeout: 2_500 });
  await expect(page.getByTestId('route-banner')).toHaveAttribute('data-route', 'queue');
  await expect(page.getByTestId('route-banner')).toHaveText(/queued/);
  await shoot(page, 'status-all-down');

  await dropText(page, queued.map((q) => q.magnet).join('\r\n'));
  await expect(addResult(page, 'queued one (e2e)')).toHaveAttribute('data-outcome', 'queued');
  await expect(addResult(page, 'queued two (e2e)')).toHaveAttribute('data-outcome', 'queued');
  await expect(page.getByTestId('add-result')).toHaveCount(2);
  await expect(page.getByRole('tab', { name: /^Queue/ })).toContainText('2');
  await shoot(page, 'add-queued');

  await openTab(page, 'Queue');
  for (const q of queued) await expect(page.getByTestId(`queue-row-${q.infohash}`)).toBeVisible();
  const row = page.getByTestId(`queue-row-${queued[0]!.infohash}`);
  await expect(row).toContainText('queued one (e2e)');
  // Why, from the entry's typed failures (one per instance), in words: never the raw codes.
  await expect(row).toContainText('primary: connection refused; secondary: connection refused');
  await expect(row).not.toContainText('CONNECTION_REFUSED');
  await expect(page.getByTestId('flush-button')).toHaveText('Flush queue (2)');
  expect(stack.queuedOnDisk().sort()).toEqual(queued.map((q) => q.infohash).sort());
  await shoot(page, 'queue', { window: true });
});

test('after a restart, "Flush queue" places every queued magnet and the queue view empties', async () => {
  const s = session();
  const { page, stack } = s;
  const queued = [randomMagnet('flushed one (e2e)'), randomMagnet('flushed two (e2e)')];
  await queueWhileDown(s, queued);
  // Paused monitoring keeps the engine's own auto-flush on recovery from beating the click.
  await openTab(page, 'Status');
  await page.getByRole('button', { name: 'Pause monitoring' }).click();
  await expect(page.getByTestId('route-banner')).toHaveAttribute('data-route', 'paused');
  await stack.primary.restart();
  forgetDirectSession(stack.primary);
  await page.getByRole('button', { name: 'Check now' }).click();
  await expect(page.getByTestId('light-primary')).toHaveAttribute('data-status', 'OK');

  await openTab(page, 'Queue');
  await expect(page.getByTestId('flush-button')).toHaveText('Flush queue (2)');
  await page.getByTestId('flush-button').click();
  await expect(page.getByTestId('flush-result')).toHaveText('2 added');
  await expect(page.getByTestId('queue-empty')).toBeVisible();
  await expect(page.getByTestId('flush-button')).toBeDisabled();
  await waitForHashes(stack.primary, queued.map((q) => q.infohash));
  expect(stack.queuedOnDisk()).toEqual([]);
  await shoot(page, 'queue-flushed', { window: true });

  await openTab(page, 'Status');
  await page.getByRole('button', { name: 'Resume monitoring' }).click();
  await expect(page.getByTestId('route-banner')).toHaveAttribute('data-route', 'primary');
});

test('a queued magnet goes out by itself when an instance comes back (auto-flush), and Activity tells the story', async () => {
  const s = session();
  const { page, stack } = s;
  const first = randomMagnet('before the outage (e2e)');
  await dropText(page, first.magnet);
  await expect(addResult(page, 'before the outage (e2e)')).toHaveAttribute('data-outcome', 'added');
  const m = randomMagnet('comes back (e2e)');
  await queueWhileDown(s, [m]);

  await stack.secondary.restart();
  forgetDirectSession(stack.secondary);
  await openTab(page, 'Queue');
  // Re-probed within maxBackoffMs (2 s) + a poll; the flush then runs on its own.
  await expect(page.getByTestId('queue-empty')).toBeVisible({ timeout: 8_000 });
  await waitForHashes(stack.secondary, [m.infohash]);
  expect(stack.queuedOnDisk()).toEqual([]);

  await openTab(page, 'Activity');
  const items = page.getByTestId('activity-item');
  await expect(items.filter({ hasText: 'added before the outage (e2e) to primary' })).toHaveCount(1);
  await expect(items.filter({ hasText: 'queued comes back (e2e)' })).toHaveCount(1);
  await expect(items.filter({ hasText: /flushed 1 from the queue/ })).toHaveCount(1);
  await shoot(page, 'activity', { window: true });
});
