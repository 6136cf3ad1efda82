import { test, expect } from '@playwright/test';
import { randomMagnet } from '../../harness/inputs';
import { openTab, useSession } from '../support/session';

/** When `serve` goes away the window says so and an add fails loudly instead of pretending. */

const session = useSession();

test('stopping serve shows the stream as lost and an add as failed, never as added', async () => {
  const s = session();
  const { page, stack } = s;
  await expect(page.getByTestId('route-banner')).toHaveAttribute('data-route', 'primary');
  await stack.stopServe();
  await expect(page.getByTestId('stream-state')).toHaveText(/Connecting…|Disconnected/);

  await openTab(page, 'Add');
  await page.getByLabel('Magnet links or .torrent URLs').fill(randomMagnet().magnet);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  const toast = page.getByTestId('toast').filter({ hasText: 'Adding failed' });
  await expect(toast).toBeVisible();
  await expect(toast).toHaveAttribute('role', 'alert');
  await expect(page.getByTestId('add-result')).toHaveCount(0);
  // The typed text stays, so nothing is lost.
  await expect(page.getByLabel('Magnet links or .torrent URLs')).toHaveValue(/^magnet:/);

  // The browser logs the refused reconnects; those are expected here, nothing else is.
  const refused = /ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|ERR_CONNECTION_RESET/;
  s.errors.splice(0, s.errors.length, ...s.errors.filter((e) => !refused.test(e)));
});
