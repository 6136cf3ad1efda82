import { test, expect } from '@playwright/test';
import { writeOldQueueFile } from '../../harness/cli';
import { randomMagnet } from '../../harness/inputs';
import { QbitClient } from '../../../electron/core/qbittorrent';
import { addResult, dropText, openTab, shoot, useSession } from '../support/session';

/**
 * Status that tells the truth (issue 11), in the dashboard: the torrent counts say which
 * category they count and how many the whole instance holds; a down instance's card shows its
 * last facts as "last seen", never as current; the activity log names what happened to each
 * input in words (duplicate, rejected, written by another program), not all as a green "add".
 */

// The primary counts the "tv" category (the URL and password come from the environment as usual).
const session = useSession({ config: { instances: [{ name: 'primary', url: 'http://127.0.0.1:9', username: 'admin', category: 'tv' }] } });

test('the counts say "1 in tv · 2 in all"; a killed instance keeps its facts only as "last seen", without "Connection"', async () => {
  const { page, stack } = session();
  const client = new QbitClient({ url: stack.primary.url, username: stack.primary.username, password: stack.primary.password });
  try {
    await client.addMagnets([randomMagnet('in tv (e2e)').magnet], { category: 'tv' });
    await client.addMagnets([randomMagnet('elsewhere (e2e)').magnet]);
  } finally {
    await client.close();
  }
  await openTab(page, 'Status');
  const card = page.getByTestId('instance-primary');
  await expect(page.getByTestId('torrents-primary')).toHaveText('1 in tv (1 incomplete) · 2 in all');
  await expect(card.locator('dt', { hasText: /^Connection$/ })).toHaveCount(1);
  await shoot(page, 'status-counts');

  await stack.primary.kill();
  await expect(page.getByTestId('light-primary')).not.toHaveAttribute('data-status', 'OK', { timeout: 5_000 });
  const lastSeen = page.getByTestId('last-seen-primary');
  await expect(lastSeen).toBeVisible();
  await expect(lastSeen).toContainText(`then ${stack.primary.version}`);
  await expect(lastSeen).toContainText('1 in tv (1 incomplete) · 2 in all');
  // Nothing of the last check is shown as if it were current.
  await expect(card.locator('dt', { hasText: /^Connection$/ })).toHaveCount(0);
  await expect(card.locator('dt', { hasText: /^qBittorrent$/ })).toHaveCount(0);
  await expect(page.getByTestId('torrents-primary')).toHaveCount(0);
  await shoot(page, 'status-last-seen');
});

test('Activity tags a duplicate as "already there" and a magnet written into the queue file by a script as "from another program", never as "added"', async () => {
  const { page, stack } = session();
  const m = randomMagnet('twice (e2e)');
  await dropText(page, m.magnet);
  await expect(addResult(page, 'twice (e2e)')).toHaveAttribute('data-outcome', 'added');
  await dropText(page, m.magnet);
  await expect(addResult(page, 'twice (e2e)').first()).toHaveAttribute('data-outcome', 'duplicate');

  const foreign = randomMagnet('from a script (e2e)');
  writeOldQueueFile(stack.queueFile, [foreign.magnet]);

  await openTab(page, 'Activity');
  const items = page.getByTestId('activity-item');
  await expect(items.filter({ hasText: 'from a script (e2e)' }).filter({ has: page.locator('.kind-tag-foreign') })).toHaveCount(1);
  await expect(items.filter({ has: page.locator('.kind-tag-foreign') }).locator('.tag')).toHaveText('from another program');
  const dup = items.filter({ hasText: /twice \(e2e\) already on/ });
  await expect(dup.locator('.tag')).toHaveText('already there');
  const added = items.filter({ hasText: 'twice (e2e)' }).filter({ has: page.locator('.kind-tag-add') });
  await expect(added).toHaveCount(1);
  await expect(added.locator('.tag')).toHaveText('added');
  await shoot(page, 'activity-kinds');
});
