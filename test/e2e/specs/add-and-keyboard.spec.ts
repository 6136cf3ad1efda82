import { test, expect } from '@playwright/test';
import { listHashes, listTorrents, waitForHashes } from '../../harness/direct';
import { makeTorrentFile, randomMagnet } from '../../harness/inputs';
import { addResult, openTab, shoot, useSession } from '../support/session';

/** The paste box (with options), duplicates and bad input, and the keyboard path through the tabs. */

// Each test has its own stack and page (see useSession).
const session = useSession();

test('the paste box adds every magnet in the text with the chosen tags, and clears itself', async () => {
  const { page, stack } = session();
  const [a, b] = [randomMagnet('pasted one (e2e)'), randomMagnet('pasted two (e2e)')];
  await openTab(page, 'Add');
  const box = page.getByLabel('Magnet links or .torrent URLs');
  // Words around the magnets (a chat message, a web page's text) are ignored.
  await box.fill(`grab these:\n${a.magnet}\n\n  ${b.magnet}   thanks!`);
  await page.locator('details.options summary').click();
  await page.getByLabel('Tags').fill('e2e, pasted');
  await page.getByRole('button', { name: 'Add', exact: true }).click();

  const results = page.getByTestId('add-result');
  await expect(results).toHaveCount(2);
  await expect(results.filter({ hasText: 'added to primary' })).toHaveCount(2);
  await expect(results.nth(0)).toContainText('pasted one (e2e)');
  await expect(box).toHaveValue('');
  await shoot(page, 'add', { window: true });

  await waitForHashes(stack.primary, [a.infohash, b.infohash]);
  const onServer = await listTorrents(stack.primary, [a.infohash, b.infohash]);
  expect(onServer).toHaveLength(2);
  for (const t of onServer) expect(String(t.tags).split(/,\s*/).sort()).toEqual(['e2e', 'pasted']);
  expect(await listHashes(stack.secondary)).not.toContain(a.infohash);
});

test('text without any magnet is rejected with a reason, and a repeat is reported as a duplicate', async () => {
  const { page, stack } = session();
  const box = page.getByLabel('Magnet links or .torrent URLs');
  const results = page.getByTestId('add-result');
  await openTab(page, 'Add');
  await box.fill('not-a-magnet');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(addResult(page, 'not-a-magnet')).toHaveAttribute('data-outcome', 'rejected');
  await expect(results).toHaveCount(1);
  await expect(results).toContainText(/^rejected: /);
  await expect(results).toContainText('not-a-magnet');
  await shoot(page, 'add-rejected', { dark: false });

  const first = randomMagnet('added once (e2e)');
  await box.fill(first.magnet);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(addResult(page, 'added once (e2e)')).toHaveAttribute('data-outcome', 'added');
  await waitForHashes(stack.primary, [first.infohash]);
  await box.fill(`magnet:?xt=urn:btih:${first.infohash.toUpperCase()}`);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(results).toHaveCount(1);
  await expect(results).toHaveAttribute('data-outcome', 'duplicate');
  await expect(results).toContainText('already on primary (duplicate)');
});

test('a .torrent file dropped on the window is uploaded and added to the primary', async () => {
  const { page, stack } = session();
  const t = makeTorrentFile('dropped file (e2e).iso');
  await openTab(page, 'Status');
  await page.evaluate(
    ({ b64, name }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name, { type: 'application/x-bittorrent' }));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
    },
    { b64: t.data.toString('base64'), name: 'from-the-desktop.torrent' },
  );
  const row = addResult(page, 'dropped file (e2e).iso');
  await expect(row).toHaveAttribute('data-outcome', 'added');
  await expect(row).toContainText('added to primary');
  await waitForHashes(stack.primary, [t.infohash]);
});

test('the tabs are reachable and switchable from the keyboard alone', async () => {
  const { page } = session();
  // A fresh load, as a keyboard user starts: nothing focused, Status selected.
  await page.reload();
  await expect(page.getByTestId('route-banner')).toBeVisible();
  // Only the selected tab is in the Tab order (roving tabindex), so one Tab from the top lands on it.
  await page.keyboard.press('Tab');
  const status = page.getByTestId('tab-status');
  await expect(status).toBeFocused();

  const order = ['queue', 'add', 'torrents', 'settings', 'activity'] as const;
  for (const id of order) {
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId(`tab-${id}`)).toBeFocused();
    await expect(page.getByTestId(`tab-${id}`)).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('tabpanel')).toHaveAttribute('aria-labelledby', `tab-${id}`);
  }
  await page.keyboard.press('ArrowRight'); // wraps around
  await expect(status).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.getByTestId('tab-activity')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Home');
  await expect(status).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('tab-activity')).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-queue')).toHaveAttribute('aria-selected', 'true');

  // Tab leaves the tab bar for the view; the Add view's controls work with Enter.
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-add')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Magnet links or .torrent URLs')).toBeFocused();
  const m = randomMagnet('typed (e2e)');
  await page.keyboard.type(m.magnet);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Add', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(addResult(page, 'typed (e2e)')).toHaveAttribute('data-outcome', 'added');
  await waitForHashes(session().stack.primary, [m.infohash]);
});
