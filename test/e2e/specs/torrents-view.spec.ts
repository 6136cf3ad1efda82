import { test, expect, type Page } from '@playwright/test';
import { randomMagnet } from '../../harness/inputs';
import { openTab, shoot, useSession } from '../support/session';

/**
 * The Torrents view (issue 11): the torrents of every instance in one table, filtered by instance
 * and state, paused and deleted from the page — against two real qbittorrent-nox instances.
 * Round-robin routing spreads the adds over both.
 */

const session = useSession({ config: { routing: 'round-robin' } });

/** Opens the Torrents tab. */
async function openTorrents(page: Page): Promise<void> {
  const tab = page.getByRole('tab', { name: /^Torrents/ });
  await tab.click();
  await expect(tab).toHaveAttribute('aria-selected', 'true');
}

test('lists the torrents of both instances, filters by instance and state, pauses and deletes one', async () => {
  const s = session();
  const { page, stack } = s;
  const magnets = [randomMagnet('tv-alpha'), randomMagnet('tv-bravo'), randomMagnet('tv-charlie'), randomMagnet('tv-delta')];
  await openTab(page, 'Add');
  // One add at a time: round-robin takes turns per add.
  for (const m of magnets) {
    await page.getByLabel('Magnet links or .torrent URLs').fill(m.magnet);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.locator('[data-testid="add-result"][data-outcome="added"]').filter({ hasText: m.magnet.match(/dn=([^&]+)/)![1]! })).toHaveCount(1);
  }

  await openTorrents(page);
  const rows = page.getByTestId('torrent-row');
  await expect(rows).toHaveCount(4);
  // One table, both instances.
  const onPrimary = await page.locator('[data-testid="torrent-row"][data-instance="primary"]').count();
  const onSecondary = await page.locator('[data-testid="torrent-row"][data-instance="secondary"]').count();
  expect(onPrimary).toBeGreaterThan(0);
  expect(onSecondary).toBeGreaterThan(0);
  expect(onPrimary + onSecondary).toBe(4);
  for (const m of magnets) await expect(rows.filter({ hasText: m.magnet.match(/dn=([^&]+)/)![1]! })).toHaveCount(1);
  await expect(page.getByTestId('torrents-unreachable')).toHaveCount(0);
  await shoot(page, 'torrents', { window: true });

  // Filter by instance.
  await page.getByLabel('Instance filter').selectOption('secondary');
  await expect(rows).toHaveCount(onSecondary);
  await expect(page.locator('[data-testid="torrent-row"][data-instance="primary"]')).toHaveCount(0);
  await page.getByLabel('Instance filter').selectOption('');
  await expect(rows).toHaveCount(4);

  // Pause one: it shows as paused, and the state filter finds exactly it.
  const bravo = rows.filter({ hasText: 'tv-bravo' });
  await bravo.getByRole('checkbox').check();
  await expect(page.getByTestId('torrents-selected')).toHaveText('1 selected');
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(bravo).toHaveAttribute('data-state', 'paused');
  await page.getByLabel('State filter').selectOption('paused');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('tv-bravo');
  await page.getByLabel('State filter').selectOption('');
  await expect(rows).toHaveCount(4);

  // Delete one, with its files: asked first, then gone from the table and from qBittorrent.
  const delta = rows.filter({ hasText: 'tv-delta' });
  const deltaInstance = (await delta.getAttribute('data-instance'))!;
  await bravo.getByRole('checkbox').uncheck();
  await delta.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Delete…' }).click();
  const confirm = page.getByTestId('delete-confirm');
  await expect(confirm).toContainText(`Delete tv-delta from ${deltaInstance}?`);
  await confirm.getByLabel('Also delete the downloaded files').check();
  await confirm.getByRole('button', { name: 'Delete torrents and files' }).click();
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ hasText: 'tv-delta' })).toHaveCount(0);
  // A fresh listing (not the page's memory) agrees: qBittorrent no longer has it.
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ hasText: 'tv-bravo' })).toHaveAttribute('data-state', 'paused');

  // An instance that is down is named as unreachable, not silently missing.
  const downName = deltaInstance === 'primary' ? 'secondary' : 'primary';
  await (downName === 'primary' ? stack.primary : stack.secondary).kill();
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.locator(`[data-testid="torrents-unreachable"][data-instance="${downName}"]`)).toContainText(`${downName} is unreachable`);
  await expect(page.locator(`[data-testid="torrent-row"][data-instance="${downName}"]`)).toHaveCount(0);
  await expect(page.locator(`[data-testid="torrent-row"][data-instance="${deltaInstance}"]`)).not.toHaveCount(0);
  await shoot(page, 'torrents-unreachable');
});
