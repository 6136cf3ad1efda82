import { randomBytes } from 'node:crypto';
import { test, expect, type Page } from '@playwright/test';
import { serializeQueueFile } from '../../../electron/core/queue/file-format';
import type { QueueEntry } from '../../../electron/core/queue/types';
import { forgetDirectSession, listHashes, waitForHashes } from '../../harness/direct';
import { randomMagnet } from '../../harness/inputs';
import { openTab, queueWhileDown, shoot, useSession } from '../support/session';

/**
 * The queue as a work list: a table of 10 000 entries (from a queue file left from before) that
 * stays light (only the rows in view are in the page), search by infohash, sort by attempts,
 * select three and remove them from the file; and Retry of a selection places exactly those
 * once an instance is up. Codes never show raw.
 */

const ENTRIES = 10_000;
/** The entry the search looks for, and the one with the most attempts. */
const FIND = 7_777;
const MOST_TRIED = 4_321;

/** 10 000 queue entries in the product's own file format (our block: attempts, typed failures). */
function bigQueue(): { text: string; entries: QueueEntry[] } {
  const start = Date.parse('2026-01-01T00:00:00Z');
  const entries: QueueEntry[] = [];
  for (let i = 0; i < ENTRIES; i++) {
    const infohash = randomBytes(20).toString('hex');
    const name = `table entry ${i}`;
    const attempts = i === MOST_TRIED ? 99 : i % 7;
    const down = i % 2 === 0;
    entries.push({
      id: `e2e-${i}`,
      infohash,
      name,
      kind: 'magnet',
      magnet: `magnet:?xt=urn:btih:${infohash}&dn=${encodeURIComponent(name)}`,
      reason: down ? 'primary: CONNECTION_REFUSED; secondary: TIMEOUT' : 'NOT_CONFIGURED: no qBittorrent instance configured',
      ...(down ? { failures: [{ instance: 'primary', code: 'CONNECTION_REFUSED', message: 'ECONNREFUSED' }, { instance: 'secondary', code: 'TIMEOUT', message: 'timed out' }] } : {}),
      queuedAt: new Date(start + i * 60_000).toISOString(),
      attempts,
      // Half say the same as their reason (shown once), the others a different last error.
      lastError: attempts === 0 ? null : i % 3 === 0 ? 'primary: HTTP_502' : down ? 'primary: CONNECTION_REFUSED; secondary: TIMEOUT' : 'NOT_CONFIGURED: no qBittorrent instance configured',
      lastAttempt: attempts === 0 ? null : new Date(start + i * 60_000 + 1_000).toISOString(),
    });
  }
  return { text: serializeQueueFile(entries, [], {}, new Date()), entries };
}

const big = bigQueue();

/** Rows in the page now (the table renders only those in view, plus a few). */
const rowsInPage = (page: Page) => page.locator('[data-testid^="queue-row-"]');
/** The first row of the table as shown (aria-rowindex 2: the header is row 1). */
const firstRow = (page: Page) => page.locator('[role="row"][aria-rowindex="2"]');

test.describe('10 000 entries', () => {
  // No instance configured: nothing can take the entries, so the table stays as the file says.
  const session = useSession({ instances: [], queueFileText: big.text });

  test('the table shows all 10 000 with only the rows in view in the page; search, sort, select 3 → remove', async () => {
    const { page, stack } = session();
    // Figures for the README (printed, never asserted: the machine is shared).
    const t0 = performance.now();
    await openTab(page, 'Queue');
    await expect(page.getByTestId('queue-count')).toHaveText('10 000 queued');
    console.info(`[figure] queue view: 10 000 entries shown ${Math.round(performance.now() - t0)} ms after the tab click`);
    await expect(page.getByTestId('flush-button')).toHaveText('Flush queue (10000)');
    const inPage = await rowsInPage(page).count();
    expect(inPage).toBeGreaterThan(0);
    expect(inPage).toBeLessThan(60);
    // Codes are in words, and a last error that repeats the reason is not shown twice.
    const table = page.getByTestId('queue-table');
    await expect(table).not.toContainText('CONNECTION_REFUSED');
    await expect(table).not.toContainText('NOT_CONFIGURED');
    await expect(table).not.toContainText('HTTP_502');
    const row0 = page.getByTestId(`queue-row-${big.entries[0]!.infohash}`);
    await expect(row0).toContainText('primary: connection refused; secondary: timed out');
    await expect(row0).not.toContainText('Last error');
    await expect(page.getByTestId(`queue-row-${big.entries[1]!.infohash}`)).toContainText('no qBittorrent instance configured');
    await expect(page.getByTestId(`queue-row-${big.entries[3]!.infohash}`)).toContainText('Last error: primary: server error (HTTP 502)');
    await shoot(page, 'queue-table', { window: true });

    // Scrolling to the end shows the last entry (rows are made as they come into view).
    await page.locator('.queue-scroll').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect(page.getByTestId(`queue-row-${big.entries[ENTRIES - 1]!.infohash}`)).toBeVisible();
    expect(await rowsInPage(page).count()).toBeLessThan(60);

    // Search by infohash (a part of it, any case).
    const target = big.entries[FIND]!;
    const search = page.getByLabel('Search name or infohash');
    const t1 = performance.now();
    await search.fill(target.infohash.slice(4, 24).toUpperCase());
    await expect(page.getByTestId('queue-count')).toHaveText('1 of 10 000 shown');
    console.info(`[figure] queue view: a search among 10 000 answered in ${Math.round(performance.now() - t1)} ms`);
    await expect(rowsInPage(page)).toHaveCount(1);
    await expect(page.getByTestId(`queue-row-${target.infohash}`)).toContainText(`table entry ${FIND}`);
    await search.fill('');
    await expect(page.getByTestId('queue-count')).toHaveText('10 000 queued');

    // Sort by attempts: the most tried first; clicked again, the fewest first.
    const t2 = performance.now();
    await page.getByTestId('sort-attempts').click();
    await expect(firstRow(page)).toHaveAttribute('data-testid', `queue-row-${big.entries[MOST_TRIED]!.infohash}`);
    console.info(`[figure] queue view: sorted 10 000 by attempts in ${Math.round(performance.now() - t2)} ms`);
    await expect(page.locator('[role="columnheader"]').filter({ has: page.getByTestId('sort-attempts') })).toHaveAttribute('aria-sort', 'descending');
    await page.getByTestId('sort-attempts').click();
    await expect(firstRow(page).getByTestId('queue-attempts')).toHaveText('0');

    // Select three, remove them: gone from the table and from the queue file.
    await page.getByTestId('sort-attempts').click();
    const three = [MOST_TRIED, 6, 13].map((i) => big.entries[i]!); // attempts 99, 6, 6: the top of the sort
    for (const e of three) await page.getByRole('checkbox', { name: `Select ${e.name}`, exact: true }).check();
    await expect(page.getByTestId('selected-count')).toHaveText('3 selected');
    const t3 = performance.now();
    await page.getByRole('button', { name: 'Remove selected', exact: true }).click();
    for (const e of three) await expect(page.getByTestId(`queue-row-${e.infohash}`)).toHaveCount(0);
    console.info(`[figure] queue view: 3 selected removed (one queue write of 10 000 entries) in ${Math.round(performance.now() - t3)} ms`);
    await expect(page.getByTestId('queue-count')).toHaveText('9 997 queued');
    await expect.poll(() => stack.queuedOnDisk().length).toBe(ENTRIES - 3);
    const onDisk = new Set(stack.queuedOnDisk());
    for (const e of three) expect(onDisk.has(e.infohash)).toBe(false);
    expect(onDisk.has(big.entries[FIND]!.infohash)).toBe(true);
    await expect(page.getByTestId('selected-count')).toHaveCount(0);
  });
});

test.describe('retry of a selection', () => {
  const session = useSession();

  test('"Retry selected" places the selected entries once an instance is up, and leaves the others queued', async () => {
    const s = session();
    const { page, stack } = s;
    const [a, b, c] = [randomMagnet('selected one (e2e)'), randomMagnet('selected two (e2e)'), randomMagnet('not selected (e2e)')];
    await queueWhileDown(s, [a, b, c]);
    // Paused: recovery must not flush the queue by itself, so only the click places anything.
    await openTab(page, 'Status');
    await page.getByRole('button', { name: 'Pause monitoring' }).click();
    await expect(page.getByTestId('route-banner')).toHaveAttribute('data-route', 'paused');
    await stack.secondary.restart();
    forgetDirectSession(stack.secondary);
    await page.getByRole('button', { name: 'Check now' }).click();
    await expect(page.getByTestId('light-secondary')).toHaveAttribute('data-status', 'OK');

    await openTab(page, 'Queue');
    await page.getByRole('checkbox', { name: 'Select selected one (e2e)' }).check();
    await page.getByRole('checkbox', { name: 'Select selected two (e2e)' }).check();
    await page.getByRole('button', { name: 'Retry selected', exact: true }).click();
    await expect(page.getByTestId('flush-outcome')).toHaveText('Last flush: 2 → secondary, 0 left');
    await expect(page.getByTestId(`queue-row-${a.infohash}`)).toHaveCount(0);
    await expect(page.getByTestId(`queue-row-${b.infohash}`)).toHaveCount(0);
    await expect(page.getByTestId(`queue-row-${c.infohash}`)).toBeVisible();
    await waitForHashes(stack.secondary, [a.infohash, b.infohash]);
    expect(await listHashes(stack.secondary)).not.toContain(c.infohash);
    expect(stack.queuedOnDisk()).toEqual([c.infohash]);

    // A toast (here: a failed call, serve gone) appears above the view, never over the result.
    await stack.stopServe();
    await page.getByRole('button', { name: 'Remove not selected (e2e)' }).click();
    const toast = page.getByTestId('toast').filter({ hasText: 'Remove failed' });
    await expect(toast).toBeVisible();
    for (const result of [page.getByTestId('flush-outcome'), page.getByTestId('flush-result')]) {
      await expect(result).toBeVisible();
      const r = (await result.boundingBox())!;
      const t = (await toast.boundingBox())!;
      const overlap = t.x < r.x + r.width && r.x < t.x + t.width && t.y < r.y + r.height && r.y < t.y + t.height;
      expect(overlap, 'a toast covers a result').toBe(false);
    }
    // The browser logs the refused reconnects; those are expected here, nothing else is.
    const refused = /ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|ERR_CONNECTION_RESET/;
    s.errors.splice(0, s.errors.length, ...s.errors.filter((e) => !refused.test(e)));
  });

  test('a flush shows its progress while it runs and its result per instance after; no toast covers it', async () => {
    const s = session();
    const { page, stack } = s;
    const many = Array.from({ length: 200 }, (_, i) => randomMagnet(`flush progress ${i} (e2e)`));
    await queueWhileDown(s, many);
    await openTab(page, 'Status');
    await page.getByRole('button', { name: 'Pause monitoring' }).click();
    await expect(page.getByTestId('route-banner')).toHaveAttribute('data-route', 'paused');
    await stack.primary.restart();
    forgetDirectSession(stack.primary);
    await page.getByRole('button', { name: 'Check now' }).click();
    await expect(page.getByTestId('light-primary')).toHaveAttribute('data-status', 'OK');

    await openTab(page, 'Queue');
    // Record every progress line the page shows while the flush runs.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { progressSeen: string[] }).progressSeen = seen;
      new MutationObserver(() => {
        const el = document.querySelector('[data-testid="flush-progress"]');
        if (el?.textContent && seen[seen.length - 1] !== el.textContent) seen.push(el.textContent);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByTestId('flush-button').click();
    await expect(page.getByTestId('flush-outcome')).toHaveText('Last flush: 200 → primary, 0 left');
    await expect(page.getByTestId('queue-empty')).toBeVisible();
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
    expect(seen.length, 'the progress was shown while the flush ran').toBeGreaterThan(0);
    expect(seen[0]).toMatch(/^Flushing: placed \d+ of 200/);
    await waitForHashes(stack.primary, many.map((m) => m.infohash), 10_000);
  });
});
