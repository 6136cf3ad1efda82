import { chromium, type Page } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { startDevDashboard } from './dev-dashboard';

/**
 * Screenshots of every view, light and dark, at tray size (420×600) and as a window (900×700),
 * against the FAKE backend, into test-results/fake-screenshots/ (the committed ones in
 * test/e2e/screenshots/ come from the real-engine specs). Build the renderer first.
 * Run: `npx tsx test/e2e/support/screenshots.ts`.
 */

// Not ../screenshots/: those come from the real-engine specs (QBF_UPDATE_SCREENSHOTS=1).
const OUT = fileURLToPath(new URL('../../../test-results/fake-screenshots/', import.meta.url));
const LAUNCH_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${OUT}${name}.png`, fullPage: false });
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: LAUNCH_ARGS });
const errors: string[] = [];
try {
  for (const scheme of ['light', 'dark'] as const) {
    for (const [size, viewport] of [['tray', { width: 420, height: 600 }], ['window', { width: 900, height: 700 }]] as const) {
      const { server } = await startDevDashboard();
      const ctx = await browser.newContext({ colorScheme: scheme, viewport, reducedMotion: 'reduce' });
      const page = await ctx.newPage();
      // The meta CSP repeats frame-ancestors on purpose (the server also sends it as a header).
      page.on('console', (m) => m.type() === 'error' && !m.text().includes('frame-ancestors') && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(server.url);
      await page.getByTestId('route-banner').waitFor();
      const tag = `${size}-${scheme}`;
      await shoot(page, `status-${tag}`);
      await page.getByRole('tab', { name: 'Queue' }).click();
      await page.getByTestId(`queue-row-${'a'.repeat(40)}`).waitFor();
      await shoot(page, `queue-${tag}`);
      await page.getByTestId('flush-button').click();
      await page.getByTestId('flush-result').waitFor();
      await shoot(page, `queue-flushed-${tag}`);
      await page.getByRole('tab', { name: 'Add' }).click();
      await page.getByLabel('Magnet links or .torrent URLs').fill(
        `magnet:?xt=urn:btih:${'c'.repeat(40)}&dn=Ubuntu+24.04\nmagnet:?xt=urn:btih:${'c'.repeat(40)}\nnot-a-magnet`,
      );
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await page.getByTestId('add-result').first().waitFor();
      await page.locator('details.options summary').click();
      await shoot(page, `add-${tag}`);
      await page.getByRole('tab', { name: 'Settings' }).click();
      await page.getByRole('button', { name: 'Edit primary' }).click();
      await page.getByRole('button', { name: 'Test connection' }).click();
      await page.getByTestId('test-connection-result').waitFor();
      await shoot(page, `settings-${tag}`);
      await page.getByLabel('WebUI URL').fill('not a url');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByTestId('settings-errors').waitFor();
      await shoot(page, `settings-errors-${tag}`);
      await page.getByRole('tab', { name: 'Activity' }).click();
      await shoot(page, `activity-${tag}`);
      await ctx.close();
      await server.close();
    }
  }
  const { server } = await startDevDashboard(true);
  const ctx = await browser.newContext({ colorScheme: 'light', viewport: { width: 420, height: 600 }, reducedMotion: 'reduce' });
  const page = await ctx.newPage();
  await page.goto(server.url);
  await page.getByTestId('route-banner').waitFor();
  await shoot(page, 'first-run-status-tray-light');
  await page.getByRole('tab', { name: 'Settings' }).click();
  await shoot(page, 'first-run-settings-tray-light');
  await page.getByRole('tab', { name: 'Status' }).click();
  await page.getByRole('button', { name: 'Add an instance' }).click();
  await page.getByTestId('settings-instance-local').waitFor();
  await shoot(page, 'first-run-new-instance-tray-light');
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.setData('text/uri-list', 'magnet:?xt=urn:btih:' + 'd'.repeat(40));
    document.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }));
  });
  await page.getByTestId('drop-overlay').waitFor();
  await shoot(page, 'drop-overlay-tray-light');
  await ctx.close();
  await server.close();
} finally {
  await browser.close();
}
if (errors.length) {
  console.error('browser errors:\n' + errors.join('\n'));
  process.exitCode = 1;
}
console.log(`screenshots in ${OUT}`);
