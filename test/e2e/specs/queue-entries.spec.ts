import { test, expect } from '@playwright/test';
import { forgetDirectSession, listHashes, waitForHashes } from '../../harness/direct';
import { randomMagnet } from '../../harness/inputs';
import { openTab, useSession } from '../support/session';

/** Retry and Remove act on one queue entry only, on the real queue file and real servers. */

const session = useSession();
const a = randomMagnet('retry me (e2e)');
const b = randomMagnet('remove me (e2e)');

test('two magnets pasted while every instance is down are queued', async () => {
  const { page, stack } = session();
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
  const { page, stack } = session();
  // Paused: recovery must not flush the queue by itself, so only Retry can place the entry.
  await openTab(page, 'Status');
  await page.getByRole('button', { name: 'Pause monitoring' }).click();
  await expect(page.getByTestId('route-banner')).toHaveAttribute('data-route', 'paused');
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
  const { page, stack } = session();
  await page.getByRole('button', { name: 'Remove remove me (e2e)' }).click();
  await expect(page.getByTestId(`queue-row-${b.infohash}`)).toHaveCount(0);
  await expect(page.getByTestId('queue-empty')).toBeVisible();
  await expect(page.getByRole('tab', { name: /^Queue/ })).toHaveText('Queue');
  expect(stack.queuedOnDisk()).toEqual([]);
  expect(await listHashes(stack.secondary)).not.toContain(b.infohash);

  // Nothing comes back after monitoring resumes and the primary is up again.
  await stack.primary.restart();
  forgetDirectSession(stack.primary);
  await openTab(page, 'Status');
  await page.getByRole('button', { name: 'Resume monitoring' }).click();
  await expect(page.getByTestId('route-banner')).toHaveAttribute('data-route', 'primary');
  expect(await listHashes(stack.primary)).not.toContain(b.infohash);
  await openTab(page, 'Activity');
  await expect(page.getByTestId('activity-item').filter({ hasText: 'removed remove me (e2e) from the queue' })).toHaveCount(1);
});
