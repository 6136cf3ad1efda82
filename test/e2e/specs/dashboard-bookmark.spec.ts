import { test, expect, type Page } from '@playwright/test';
import { randomMagnet } from '../../harness/inputs';
import { serveAgain } from '../support/serve-again';
import { openTab, queueWhileDown, shoot, useSession, type Session } from '../support/session';

/**
 * A dashboard you can bookmark on a NAS (issue 11): the link survives `serve` restarts and an
 * open tab reconnects by itself; a page without a valid token explains how to get the link; a
 * lost connection greys everything out with "last seen"; the tab title and (opt-in) browser
 * notifications carry the state; settings only the desktop app can honour are not offered.
 */

const session = useSession();

/** Console noise a stopped or refusing server causes in the browser; expected where a test stops serve or sends a bad token. */
const EXPECTED_NETWORK_NOISE = /ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|ERR_CONNECTION_RESET|status of 401/;
function dropNetworkNoise(s: Session): void {
  s.errors.splice(0, s.errors.length, ...s.errors.filter((e) => !EXPECTED_NETWORK_NOISE.test(e)));
}

/** The dashboard's port, from the URL serve printed. */
function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** Counts what the page shows as Notifications: wraps the real API (permission granted by the test) so the test can read them. */
async function recordNotifications(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Real = window.Notification;
    const seen: { title: string; body: string }[] = [];
    (window as unknown as { __notes: typeof seen }).__notes = seen;
    class Recording extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        seen.push({ title, body: options?.body ?? '' });
      }
    }
    window.Notification = Recording as typeof Notification;
  });
  await page.reload();
  await expect(page.getByTestId('stream-state')).toHaveCount(0);
}

test('the link survives a serve restart, and the open tab reconnects by itself', async () => {
  const s = session();
  const { page, stack } = s;
  await expect(page.getByTestId('route-banner')).toHaveAttribute('data-route', 'primary');
  await stack.stopServe();
  await expect(page.getByTestId('stream-state')).toContainText('reconnecting…');

  const again = await serveAgain(stack, portOf(stack.url));
  try {
    // Same token: the printed link and the bookmark from before still work.
    expect(again.url).toBe(stack.url);
    // The tab that stayed open comes back without a reload (back-off ≤ 8 s).
    await expect(page.getByTestId('stream-state')).toHaveCount(0, { timeout: 20_000 });
    await expect(page.getByTestId('app')).toHaveAttribute('data-connection', 'live');
    await expect(page.getByTestId('route-banner')).toHaveAttribute('data-route', 'primary');
    // And it can act: an add goes through the restarted server.
    await openTab(page, 'Add');
    const m = randomMagnet('after-restart');
    await page.getByLabel('Magnet links or .torrent URLs').fill(m.magnet);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.locator('[data-testid="add-result"][data-outcome="added"]')).toHaveCount(1);
    // A reload keeps working too (cookie and meta token still valid).
    await page.reload();
    await expect(page.getByRole('tab', { name: 'Status' })).toBeVisible();
    await expect(page.getByTestId('stream-state')).toHaveCount(0);
  } finally {
    await again.stop();
  }
  dropNetworkNoise(s);
});

test('a page without a valid token explains how to get the link, never raw JSON', async ({ browser }) => {
  const s = session();
  const base = s.stack.url.replace(/\?token=.*$/, '');
  // A bad token in the link (e.g. from before a rotation), in the tab that had a good cookie:
  const bad = await s.page.goto(`${base}?token=${'A'.repeat(43)}`);
  expect(bad?.status()).toBe(401);
  await expect(s.page.getByRole('heading', { name: 'Open the dashboard with its link' })).toBeVisible();
  await expect(s.page.getByText('qbit-failover dashboard-token', { exact: true })).toBeVisible();
  await expect(s.page.locator('body')).not.toContainText('"error"');
  // A bookmark of the bare address in a browser that never had the link:
  const fresh = await browser.newContext();
  try {
    const page = await fresh.newPage();
    const r = await page.goto(base);
    expect(r?.status()).toBe(401);
    expect(r?.headers()['content-type']).toContain('text/html');
    await expect(page.getByTestId('token-help')).toContainText('qbit-failover serve');
    await expect(page.getByTestId('token-help')).not.toContainText('UNAUTHORIZED');
  } finally {
    await fresh.close();
  }
  dropNetworkNoise(s);
});

test('a lost connection greys everything out with "last seen", and the title says so', async () => {
  const s = session();
  const { page, stack } = s;
  await expect(page.getByTestId('route-banner')).toHaveAttribute('data-route', 'primary');
  await expect(page.getByTestId('app')).toHaveAttribute('data-connection', 'live');
  await expect.poll(() => page.locator('main.panel').evaluate((el) => getComputedStyle(el).filter)).toBe('none');
  await stack.stopServe();
  await expect(page.getByTestId('stream-state')).toHaveText(/^Disconnected — last seen \d{1,2}:\d{2}:\d{2}.*, reconnecting…$/);
  await expect(page.getByTestId('app')).toHaveAttribute('data-connection', 'lost');
  // The green banner and lights are still there to read, but grey: nothing passes for current.
  await expect.poll(() => page.locator('main.panel').evaluate((el) => getComputedStyle(el).filter)).toContain('grayscale(1)');
  await expect(page).toHaveTitle('✕ disconnected — qbit-failover');
  await shoot(page, 'dashboard-disconnected');
  dropNetworkNoise(s);
});

test('the tab title shows the state: ✓ when all is good, "⚠ 3 queued" when magnets wait', async () => {
  const s = session();
  await expect(s.page).toHaveTitle('✓ qbit-failover');
  await queueWhileDown(s, [randomMagnet(), randomMagnet(), randomMagnet()]);
  await expect(s.page).toHaveTitle('⚠ 3 queued — qbit-failover');
});

test('browser notifications, once switched on, tell that magnets were queued', async () => {
  const s = session();
  const { page, context, stack } = s;
  await context.grantPermissions(['notifications'], { origin: new URL(stack.url).origin });
  await recordNotifications(page);
  await openTab(page, 'Settings');
  const toggle = page.getByLabel(/Show notifications in this browser/);
  await expect(toggle).not.toBeChecked();
  await toggle.check();
  await expect(toggle).toBeChecked();
  await queueWhileDown(s, [randomMagnet(), randomMagnet()]);
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __notes: { title: string; body: string }[] }).__notes), { timeout: 15_000 })
    .toContainEqual({ title: 'Queued', body: '2 magnets queued; they are added when an instance is reachable.' });
  // Instances going down are told as well (same rules as the tray).
  const titles = await page.evaluate(() => (window as unknown as { __notes: { title: string }[] }).__notes.map((n) => n.title));
  expect(titles.some((t) => /is down|No qBittorrent instance reachable/.test(t))).toBe(true);
});

test('settings only the desktop app can honour are not offered under serve; the dashboard gets its own', async () => {
  const { page } = session();
  await openTab(page, 'Settings');
  await expect(page.getByRole('heading', { name: 'This dashboard' })).toBeVisible();
  for (const label of ['Open magnet links with qBit Failover', 'Start at login', 'Keep the window open (pin)']) {
    await expect(page.getByText(label, { exact: true })).toHaveCount(0);
  }
  await expect(page.getByRole('heading', { name: 'Desktop app' })).toHaveCount(0);
  await shoot(page, 'settings-dashboard', { center: page.getByTestId('dashboard-settings') });
});

test('rotating the token from settings: this tab keeps working, the old link gets the help page', async ({ browser }) => {
  const s = session();
  const { page, stack } = s;
  // A tab in another browser, open on the old link:
  const other = await browser.newContext();
  const elsewhere = await other.newPage();
  await elsewhere.goto(stack.url);
  await expect(elsewhere.getByTestId('stream-state')).toHaveCount(0);
  await openTab(page, 'Settings');
  const link = page.getByLabel(/Dashboard link/);
  await expect(link).toHaveValue(stack.url);
  await page.getByRole('button', { name: 'Rotate token…' }).click();
  await page.getByRole('button', { name: 'Make a new link' }).click();
  await expect(link).not.toHaveValue(stack.url);
  const next = await link.inputValue();
  expect(next).toMatch(/\/\?token=[\w-]{43}$/);
  // This tab reconnects with the new cookie and can still call the API.
  await expect(page.getByTestId('stream-state')).toHaveCount(0, { timeout: 15_000 });
  await openTab(page, 'Status');
  await page.getByRole('button', { name: /Check now/ }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'failed' })).toHaveCount(0);
  try {
    // The tab elsewhere loses its stream and says how to get the new link, instead of retrying forever.
    await expect(elsewhere.getByTestId('stream-state')).toContainText('no longer valid', { timeout: 15_000 });
    await expect(elsewhere.getByTestId('stream-state')).toContainText('qbit-failover dashboard-token');
    const old = await other.newPage();
    expect((await old.goto(stack.url))?.status()).toBe(401);
    await expect(old.getByTestId('token-help')).toBeVisible();
    const fresh = await other.newPage();
    await fresh.goto(next);
    await expect(fresh.getByRole('tab', { name: 'Status' })).toBeVisible();
    await expect(fresh.getByTestId('stream-state')).toHaveCount(0);
  } finally {
    await other.close();
  }
  dropNetworkNoise(s);
});
