import { test, expect } from '@playwright/test';
import { forgetDirectSession, listHashes, waitForHashes } from '../../harness/direct';
import { randomMagnet } from '../../harness/inputs';
import { openTab, queueWhileDown, useSession, type Session } from '../support/session';

/**
 * Retry and Remove act on one queue entry only, on the real queue file and real servers. Each
 * test queues its own two magnets on a fresh stack.
 */

const session = useSession();
const pair = (): [{ magnet: string; infohash: string }, { magnet: string; infohash: string }] => [randomMagnet('retry me (e2e)'), randomMagnet('remove me (e2e)')];

/** Queues `a` and `b` (both instances down), then pauses monitoring so only the user's clicks place anything. */
async function queuedAndPaused(s: Session, a: { magnet: string; infohash: string }, b: { magnet: string; infohash: string }): Promise<void> {
  await queueWhileDown(s, [a, b]);
  await openTab(s.page, 'Status');
  await s.page.getByRole('button', { name: 'Pause monitoring' }).click();
  await expect(s.page.getByTestId('route-banner')).toHaveAttribute('data-route', 'paused');
}

test('two magnets pasted while every instance is down are queued', async () => {
  const { page, stack } = session();
  const [a, b] = pair();
  await Promise.all([stack.primary.kill(), stack.secondary.kill()]);
  await expect(page.getByTestId('route-banner')).toHaveAttribute('data-route', 'queue', { timeout: 2_500 });
  await openTab(page, 'Add');
  await page.getByLabel('Magnet links or .torrent URLs').fill(`${a.magnet}\n${b.magnet}`);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByTestId('add-result')).toHaveCount(2);
  await expect(page.getByTestId('add-result').first()).toHaveAttribute('data-outcome', 'queued');
  await expect(page.getByTestId('add-result').first()).toContainText('connection refused');
  await openTab(page, 'Queue');
  await expect(page.getByTestId(`queue-row-${a.infohash}`)).toBeVisible();
  await expect(page.getByTestId(`queue-row-${b.infohash}`)).toBeVisible();
});

test('Retry on one entry places only that entry once an instance is back', async () => {
  const s = session();
  const { page, stack } = s;
  const [a, b] = pair();
  // Paused: recovery must not flush the queue by itself, so only Retry can place the entry.
  await queuedAndPaused(s, a, b);
  await stack.secondary.restart();
  forgetDirectSession(stack.secondary);
  await page.getByRole('button', { name: 'Check now' }).click();
  await expect(page.getByTestId('light-secondary')).toHaveAttribute('data-status', 'OK');

  await openTab(page, 'Queue');
  await page.getByRole('button', { name: 'Retry retry me (e2e)' }).click();
  await expect(page.getByTestId('flush-result')).toHaveText('1 added');
  await expect(page.getByTestId(`queue-row-${a.infohash}`)).toHaveCount(0);
  await expect(page.getByTestId(`queue-row-${b.infohash}`)).toBeVisible();
  await expect(page.getByTestId('flush-button')).toHaveText('Flush queue (1)');
  await waitForHashes(stack.secondary, [a.infohash]);
  expect(await listHashes(stack.secondary)).not.toContain(b.infohash);
  expect(stack.queuedOnDisk()).toEqual([b.infohash]);
});

test('Remove on one entry drops it from the queue file without adding it anywhere', async () => {
  const s = session();
  const { page, stack } = s;
  const [a, b] = pair();
  await queuedAndPaused(s, a, b);
  await openTab(page, 'Queue');
  await page.getByRole('button', { name: 'Remove remove me (e2e)' }).click();
  await expect(page.getByTestId(`queue-row-${b.infohash}`)).toHaveCount(0);
  await expect(page.getByTestId(`queue-row-${a.infohash}`)).toBeVisible();
  await expect(page.getByRole('tab', { name: /^Queue/ })).toHaveText('Queue1');
  expect(stack.queuedOnDisk()).toEqual([a.infohash]);
  await page.getByRole('button', { name: 'Remove retry me (e2e)' }).click();
  await expect(page.getByTestId('queue-empty')).toBeVisible();
  await expect(page.getByRole('tab', { name: /^Queue/ })).toHaveText('Queue');
  expect(stack.queuedOnDisk()).toEqual([]);

  // Nothing comes back after monitoring resumes and both instances are up again.
  await Promise.all([stack.primary.restart(), stack.secondary.restart()]);
  forgetDirectSession(stack.primary);
  forgetDirectSession(stack.secondary);
  await openTab(page, 'Status');
  await page.getByRole('button', { name: 'Resume monitoring' }).click();
  await expect(page.getByTestId('route-banner')).toHaveAttribute('data-route', 'primary');
  expect(await listHashes(stack.primary)).not.toContain(b.infohash);
  expect(await listHashes(stack.secondary)).not.toContain(b.infohash);
  await openTab(page, 'Activity');
  await expect(page.getByTestId('activity-item').filter({ hasText: 'removed remove me (e2e) from the queue' })).toHaveCount(1);
});
