import { test, expect, type Page } from '@playwright/test';
import { forgetDirectSession, listTorrents, waitForHashes } from '../../harness/direct';
import { randomMagnet } from '../../harness/inputs';
import { addResult, dropText, openTab, queueWhileDown, useSession } from '../support/session';

/**
 * Torrent names come from strangers (`dn=` of a magnet, the name in a .torrent). HTML or script
 * in them must show as literal text in every view and never become markup.
 */

const session = useSession();
const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert(2)</script>';
const img = randomMagnet(IMG);
const script = randomMagnet(`Movie ${SCRIPT} 1080p`);

/** Asserts no markup came from a name: only the app's own elements, no injected img/script. */
async function expectNoInjection(page: Page): Promise<void> {
  await expect(page.locator('img')).toHaveCount(0);
  await expect(page.locator('body script')).toHaveCount(0);
  await expect(page.locator('[onerror]')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
}

test('names with HTML are shown literally in the add results and the queue', async () => {
  const { page, stack } = session();
  // A tripwire on top of the CSP: any alert() the page runs is recorded (and dialogs fail the test).
  await page.evaluate(() => {
    window.alert = () => ((window as unknown as { __pwned?: boolean }).__pwned = true);
  });
  await Promise.all([stack.primary.kill(), stack.secondary.kill()]);
  await expect(page.getByTestId('route-banner')).toHaveAttribute('data-route', 'queue', { timeout: 2_500 });

  await dropText(page, `${img.magnet}\n${script.magnet}`);
  const results = page.getByTestId('add-result');
  await expect(results).toHaveCount(2);
  await expect(results.nth(0)).toHaveAttribute('data-outcome', 'queued');
  await expect(results.nth(0).locator('.add-input')).toHaveText(IMG);
  await expect(results.nth(1).locator('.add-input')).toHaveText(`Movie ${SCRIPT} 1080p`);
  await expectNoInjection(page);

  await openTab(page, 'Queue');
  const imgRow = page.getByTestId(`queue-row-${img.infohash}`);
  const scriptRow = page.getByTestId(`queue-row-${script.infohash}`);
  await expect(imgRow.locator('.queue-name')).toHaveText(IMG);
  await expect(scriptRow.locator('.queue-name')).toHaveText(`Movie ${SCRIPT} 1080p`);
  await expect(imgRow.getByRole('button', { name: `Remove ${IMG}` })).toBeVisible();
  await expectNoInjection(page);

  await openTab(page, 'Activity');
  await expect(page.getByTestId('activity-item').filter({ hasText: `queued ${IMG}` })).toHaveCount(1);
  await expect(page.getByTestId('activity-item').filter({ hasText: `queued Movie ${SCRIPT} 1080p` })).toHaveCount(1);
  await expectNoInjection(page);
});

test('after a flush the same names reach qBittorrent unchanged and the page stays clean', async () => {
  const s = session();
  const { page, stack } = s;
  await queueWhileDown(s, [img, script]);
  await stack.primary.restart();
  forgetDirectSession(stack.primary);
  await openTab(page, 'Queue');
  // The engine flushes by itself once the primary is back.
  await expect(page.getByTestId('queue-empty')).toBeVisible({ timeout: 8_000 });
  await waitForHashes(stack.primary, [img.infohash, script.infohash]);
  const names = (await listTorrents(stack.primary, [img.infohash, script.infohash])).map((t) => String(t.name)).sort();
  expect(names).toEqual([IMG, `Movie ${SCRIPT} 1080p`].sort());

  // A name added directly (not via the queue) is echoed in the results as text too.
  const live = randomMagnet(`"><svg onload=alert(3)>`);
  await dropText(page, live.magnet);
  const row = addResult(page, '"><svg onload=alert(3)>');
  await expect(row).toHaveAttribute('data-outcome', 'added');
  await expect(row.locator('.add-input')).toHaveText(`"><svg onload=alert(3)>`);
  await expect(page.getByTestId('add-result')).toHaveCount(1);
  await expect(page.locator('svg')).toHaveCount(0);
  await expectNoInjection(page);
});
