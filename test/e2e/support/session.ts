import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test, expect, type Browser, type BrowserContext, type Locator, type Page, type TestInfo } from '@playwright/test';
import { startStack, type Stack, type StackOptions } from './stack';

/**
 * One test's world: a {@link Stack} (real qbittorrent-nox ×2 + `qbit-failover serve`) and one
 * Chromium page on its dashboard, started for that test alone and stopped after it: no test sees
 * another's torrents, queue, settings or page state, so each can run (and be retried) by itself.
 * Browser console errors, page errors and dialogs are recorded; a test fails when any appeared.
 */

/** Tray popover size, px. */
export const TRAY = { width: 420, height: 600 };
/** Window size for the one wide shot per view, px. */
export const WINDOW = { width: 900, height: 700 };

/** A test's stack and page (valid between its beforeEach and afterEach). */
export interface Session {
  stack: Stack;
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far. */
  errors: string[];
  /** Messages of every `alert`/`confirm`/`prompt` the page opened (each is dismissed). */
  dialogs: string[];
}

/** Console errors that are the browser's, not the app's. */
const IGNORED_CONSOLE = [
  // index.html repeats the CSP in a <meta>, where Chromium ignores (and reports) frame-ancestors;
  // the server also sends it as a header, where it applies.
  /frame-ancestors/,
  // Chromium drops open connections when any interface address changes (other test suites on a
  // shared machine add loopback aliases); the event stream reconnects by itself and a lost call
  // shows up as a failed assertion anyway.
  /net::ERR_NETWORK_CHANGED/,
];

/** Opens a page on the stack's dashboard and waits until the first snapshot is shown. */
async function openPage(browser: Browser, stack: Stack): Promise<Omit<Session, 'stack'>> {
  const context = await browser.newContext({ viewport: TRAY, colorScheme: 'light', reducedMotion: 'reduce' });
  const page = await context.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !IGNORED_CONSOLE.some((re) => re.test(m.text()))) errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${String(e)}`));
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(stack.url).catch(async (e: Error) => {
    if (!/ERR_NETWORK_CHANGED/.test(e.message)) throw e;
    await page.goto(stack.url); // see IGNORED_CONSOLE
  });
  await expect(page.getByRole('tab', { name: 'Status' })).toBeVisible();
  await expect(page.getByTestId('stream-state')).toHaveCount(0); // the event stream is open
  return { context, page, errors, dialogs };
}

/**
 * Registers beforeEach/afterEach hooks for the calling spec file and returns a getter of the
 * running test's {@link Session}: every test gets a fresh stack (with `o`) and page, and sets up
 * whatever state it needs itself. On a failure the `serve` output is attached to the report.
 */
export function useSession(o: StackOptions = {}): () => Session {
  let session: Session | undefined;
  test.beforeEach(async ({ browser }) => {
    const stack = await startStack(o);
    try {
      session = { stack, ...(await openPage(browser, stack)) };
    } catch (e) {
      await stack.stop();
      throw e;
    }
  });
  // eslint-disable-next-line no-empty-pattern -- Playwright wants a destructured first argument
  test.afterEach(async ({}, testInfo: TestInfo) => {
    if (!session) return;
    if (testInfo.status !== testInfo.expectedStatus) {
      await testInfo.attach('serve-output.txt', { body: session.stack.logs(), contentType: 'text/plain' });
    }
    const done = session;
    session = undefined;
    try {
      expectCleanPage({ ...done, errors: done.errors.splice(0), dialogs: done.dialogs.splice(0) });
    } finally {
      await done.context.close();
      await done.stack.stop();
    }
  });
  return () => {
    if (!session) throw new Error('session not started (beforeEach failed?)');
    return session;
  };
}

/** Asserts that the page showed no console/page error and opened no dialog so far. */
export function expectCleanPage(s: Session): void {
  expect(s.errors, 'browser console/page errors').toEqual([]);
  expect(s.dialogs, 'dialogs opened by the page').toEqual([]);
}

/**
 * Drops `text` on the window the way a browser does for a dragged link: dragenter, dragover and
 * drop on `document.body`, each carrying one DataTransfer with `text/uri-list` and `text/plain`.
 */
export async function dropText(page: Page, text: string, opts: { stopAtOverlay?: boolean } = {}): Promise<void> {
  await page.evaluate(
    ({ text, stopAtOverlay }) => {
      const dt = new DataTransfer();
      dt.setData('text/uri-list', text);
      dt.setData('text/plain', text);
      const fire = (type: string): void => {
        document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      };
      fire('dragenter');
      fire('dragover');
      if (!stopAtOverlay) fire('drop');
    },
    { text, stopAtOverlay: !!opts.stopAtOverlay },
  );
}

/** Ends a drag started with `stopAtOverlay` (the pointer left the window). */
export async function leaveDrag(page: Page): Promise<void> {
  await page.evaluate(() => document.body.dispatchEvent(new DragEvent('dragleave', { bubbles: true })));
}

/**
 * Where screenshots go: test/e2e/screenshots/ (committed) when `QBF_UPDATE_SCREENSHOTS=1`,
 * else test-results/e2e-screenshots/ so an ordinary run leaves the working tree clean.
 */
const SHOTS = process.env.QBF_UPDATE_SCREENSHOTS === '1'
  ? fileURLToPath(new URL('../screenshots/', import.meta.url))
  : fileURLToPath(new URL('../../../test-results/e2e-screenshots/', import.meta.url));

/**
 * Screenshots the current view as `<name>-tray-light.png` and `<name>-tray-dark.png` (420×600),
 * plus `<name>-window-light.png` and `<name>-window-dark.png` (900×700) when `window` is set
 * (`dark: false` leaves out both dark ones); restores light and tray size. The README's gallery
 * is written from these files by `npx tsx test/e2e/support/readme-gallery.ts`.
 * `center` scrolls that element to the middle of the view before each picture.
 */
export async function shoot(page: Page, name: string, o: { window?: boolean; dark?: boolean; center?: Locator } = {}): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  // No focus ring from the last click in the picture.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
  await page.mouse.move(TRAY.width - 2, 2); // park the pointer on the empty header: no hover styles
  const snap = async (file: string): Promise<void> => {
    // The point of the picture in the middle, clear of the sticky save bar.
    await o.center?.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: `${SHOTS}${name}-${file}.png`, animations: 'disabled', caret: 'hide' });
  };
  await snap('tray-light');
  if (o.dark !== false) {
    await page.emulateMedia({ colorScheme: 'dark' });
    await snap('tray-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  }
  if (o.window) {
    await page.setViewportSize(WINDOW);
    await snap('window-light');
    if (o.dark !== false) {
      await page.emulateMedia({ colorScheme: 'dark' });
      await snap('window-dark');
      await page.emulateMedia({ colorScheme: 'light' });
    }
    await page.setViewportSize(TRAY);
  }
}

/** Clicks a tab of the tab bar and waits until it is selected. */
export async function openTab(page: Page, name: 'Status' | 'Queue' | 'Add' | 'Settings' | 'Activity'): Promise<void> {
  const tab = page.getByRole('tab', { name: new RegExp(`^${name}`) });
  await tab.click();
  await expect(tab).toHaveAttribute('aria-selected', 'true');
}

/**
 * The add result row naming `text` (a torrent name or input). Results of the previous add stay
 * on screen until the next call answers, so a test picks its row by name, not by position.
 */
export function addResult(page: Page, text: string): Locator {
  return page.getByTestId('add-result').filter({ hasText: text });
}

/**
 * Puts `magnets` in the durable queue the way a user does: both instances are killed, the page
 * shows the route as "queue" (Status view), the magnets are dropped on the window and each result
 * says queued. Leaves both instances down and the Add view open.
 */
export async function queueWhileDown(s: Session, magnets: { magnet: string; infohash: string }[]): Promise<void> {
  const { page, stack } = s;
  await openTab(page, 'Status');
  await Promise.all([stack.primary.kill(), stack.secondary.kill()]);
  await expect(page.getByTestId('route-banner')).toHaveAttribute('data-route', 'queue', { timeout: 2_500 });
  await dropText(page, magnets.map((m) => m.magnet).join('\r\n'));
  await expect(page.getByTestId('add-result')).toHaveCount(magnets.length);
  await expect(page.locator('[data-testid="add-result"][data-outcome="queued"]')).toHaveCount(magnets.length);
  await expect.poll(() => stack.queuedOnDisk().sort()).toEqual(magnets.map((m) => m.infohash).sort());
}
