import { test, expect } from '@playwright/test';
import { waitForHashes } from '../../harness/direct';
import { randomMagnet } from '../../harness/inputs';
import { addResult, openTab, useSession } from '../support/session';

/**
 * The paste box gives every line a result: a garbage line among magnets is listed as rejected
 * with its reason (as the CLI does), never dropped; Ctrl+Enter (Cmd+Enter) submits.
 */

const session = useSession();

test('a garbage line among magnets is listed as rejected with its reason; the magnets are added', async () => {
  const { page, stack } = session();
  const [a, b] = [randomMagnet('pasted before garbage (e2e)'), randomMagnet('pasted after garbage (e2e)')];
  await openTab(page, 'Add');
  await page.getByLabel('Magnet links or .torrent URLs').fill(`${a.magnet}\nnot-a-magnet\n${b.magnet}`);
  await page.getByRole('button', { name: 'Add', exact: true }).click();

  const results = page.getByTestId('add-result');
  await expect(results).toHaveCount(3);
  await expect(results.nth(0)).toHaveAttribute('data-outcome', 'added');
  await expect(results.nth(1)).toHaveAttribute('data-outcome', 'rejected');
  await expect(results.nth(1)).toContainText('rejected: not a magnet URI or http(s) .torrent URL');
  await expect(results.nth(1)).toContainText('not-a-magnet');
  await expect(results.nth(2)).toHaveAttribute('data-outcome', 'added');
  await expect(results.nth(1)).not.toContainText('INVALID_INPUT');
  await waitForHashes(stack.primary, [a.infohash, b.infohash]);
});

test('Ctrl+Enter in the paste box adds (Cmd+Enter too); a plain Enter is a new line', async () => {
  const { page, stack } = session();
  const [a, b] = [randomMagnet('ctrl enter (e2e)'), randomMagnet('meta enter (e2e)')];
  await openTab(page, 'Add');
  const box = page.getByLabel('Magnet links or .torrent URLs');
  await box.fill(a.magnet);
  await box.press('Enter');
  await expect(box).toHaveValue(`${a.magnet}\n`);
  await expect(page.getByTestId('add-result')).toHaveCount(0);
  await box.press('Control+Enter');
  await expect(addResult(page, 'ctrl enter (e2e)')).toHaveAttribute('data-outcome', 'added');
  await expect(box).toHaveValue('');

  await box.fill(b.magnet);
  await box.press('Meta+Enter');
  await expect(addResult(page, 'meta enter (e2e)')).toHaveAttribute('data-outcome', 'added');
  await waitForHashes(stack.primary, [a.infohash, b.infohash]);
});
