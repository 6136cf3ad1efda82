import { readFileSync, writeFileSync } from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import { forgetDirectSession, waitForHashes } from '../../harness/direct';
import { randomMagnet } from '../../harness/inputs';
import { formatFailures, measureContrast, type ContrastFailure } from '../support/contrast';
import { desktopStateWithEverything, useDesktopWindow } from '../support/desktop-window';
import { addResult, dropText, openTab, useSession } from '../support/session';

/**
 * Every text of the dashboard meets WCAG AA contrast (4.5:1, large text 3:1) in the light and the
 * dark theme (the theme follows prefers-color-scheme; Chromium emulates both), measured in the
 * real browser from computed styles (see support/contrast.ts). Views are found by walking the
 * tab bar (and any tab bar inside a view), so a view added later is measured without touching
 * this file. The states a user sees are put on screen for real: instances up and down, the VPN
 * down, queued entries, add results of every outcome, settings errors, toasts, a corrupt queue
 * file, the dashboard cut off from `serve`; and the renderer as the Electron window runs it
 * (support/desktop-window.ts), with its add dialog and recent adds. A failure lists each text
 * with its colours and ratio.
 */

const session = useSession();
const THEMES = ['light', 'dark'] as const;

/** Failures collected over a test; asserted once at its end so one run lists them all. */
class Audit {
  private readonly failures = new Map<string, ContrastFailure & { where: string[] }>();
  private measured = 0;
  private readonly unmeasured = new Set<string>();
  constructor(private readonly page: Page) {}

  /** Measures the page as it is now, in both themes (the page is left in light). */
  async here(state: string): Promise<void> {
    for (const theme of THEMES) {
      await this.page.emulateMedia({ colorScheme: theme });
      const r = await measureContrast(this.page);
      this.measured += r.checked;
      // A text this cannot measure (background image, unknown filter) counts against it: every text is measured.
      for (const why of r.skipped.filter((w) => !w.endsWith(': disabled control'))) this.unmeasured.add(`${theme}: ${state}: ${why}`);
      for (const f of r.failures) {
        const key = `${theme}|${f.element}|${f.text}|${f.fg}|${f.bg}`;
        const known = this.failures.get(key);
        if (known) known.where.push(state);
        else this.failures.set(key, { ...f, where: [`${theme}: ${state}`] });
      }
    }
    await this.page.emulateMedia({ colorScheme: 'light' });
  }

  /** Opens every tab of the tab bar (and of any tab bar inside a view) and measures each view. */
  async everyView(state: string): Promise<string[]> {
    const { page } = this;
    const visited: string[] = [];
    const top = page.getByRole('tablist').first().getByRole('tab');
    const count = await top.count();
    expect(count, 'tabs in the tab bar').toBeGreaterThanOrEqual(5);
    for (let i = 0; i < count; i++) {
      const tab = top.nth(i);
      const name = await viewName(page, tab);
      await select(page, tab);
      await this.here(`${state} · ${name}`);
      visited.push(name);
      // A view with its own tabs (sub-views): each of them too.
      const inner = page.getByRole('tabpanel').getByRole('tab');
      for (let j = 0; j < (await inner.count()); j++) {
        const sub = inner.nth(j);
        const subName = await viewName(page, sub);
        await select(page, sub);
        await this.here(`${state} · ${name} › ${subName}`);
        visited.push(`${name} › ${subName}`);
      }
    }
    await select(page, top.first());
    return visited;
  }

  /** Asserts that nothing measured so far was below the minimum; lists every failure. */
  assertAll(): void {
    const lines = [...this.failures.values()].map((f) => `${formatFailures([f])}\n      in ${f.where.slice(0, 4).join('; ')}${f.where.length > 4 ? ` (+${f.where.length - 4})` : ''}`);
    expect(this.measured, 'texts measured').toBeGreaterThan(100);
    expect(lines, `${lines.length} text(s) below WCAG AA contrast:\n${lines.join('\n')}\n`).toEqual([]);
    expect([...this.unmeasured], 'texts whose contrast cannot be measured').toEqual([]);
  }
}

/** A tab's name without its counter badge ("Queue 2" → "Queue"). */
async function viewName(page: Page, tab: ReturnType<Page['getByRole']>): Promise<string> {
  return (await tab.evaluate((el) => Array.from(el.childNodes).filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim() || el.textContent || '')).trim();
}

/**
 * Clicks a tab, waits for its view to finish loading, and unfolds what it folds away: every
 * `<details>` and every collapsed section behind a button with `aria-expanded="false"`.
 */
async function select(page: Page, tab: ReturnType<Page['getByRole']>): Promise<void> {
  await tab.click();
  await expect(tab).toHaveAttribute('aria-selected', 'true');
  const panel = page.getByRole('tabpanel').first();
  await expect(panel).not.toHaveText(/^\s*Loading…?\s*$/);
  await panel.evaluate((el) => el.querySelectorAll('details').forEach((d) => (d.open = true)));
  const folded = panel.locator('button[aria-expanded="false"]:enabled');
  for (let i = await folded.count(); i > 0; i--) {
    await folded.first().click();
    if ((await folded.count()) >= i) break; // the button did not unfold anything: leave the rest
  }
}

test.describe.configure({ timeout: 180_000 });

test('every text meets WCAG AA contrast with both instances up: every view, add results of every outcome, settings test result and errors', async () => {
  const { page } = session();
  const audit = new Audit(page);
  await expect(page.getByTestId('route-banner')).toHaveAttribute('data-route', 'primary');
  await expect(page.getByTestId('light-primary')).toHaveAttribute('data-status', 'OK');
  await expect(page.getByTestId('vpn-light')).toHaveAttribute('data-status', 'CONNECTED');

  // Add: added, then the same magnet again (duplicate) beside a line that is no magnet.
  const m = randomMagnet('contrast added (e2e)');
  await dropText(page, m.magnet);
  await expect(addResult(page, 'contrast added (e2e)')).toHaveAttribute('data-outcome', 'added');
  await audit.here('add: added');
  await page.getByLabel('Magnet links or .torrent URLs').fill(`${m.magnet}\nnot-a-magnet`);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.locator('[data-testid="add-result"][data-outcome="duplicate"]')).toHaveCount(1);
  await audit.here('add: duplicate (+ rejected line)');

  // Settings: a connection test that passes, then one that fails, then a field error.
  await openTab(page, 'Settings');
  const editor = page.getByTestId('settings-instance-secondary');
  await page.getByRole('button', { name: 'Edit secondary' }).click();
  await editor.getByRole('button', { name: /^Test connection/ }).click();
  await expect(editor.getByTestId('test-connection-result')).toHaveAttribute('data-status', 'OK');
  await audit.here('settings: test OK');
  await editor.getByLabel('Password').fill('not-the-password');
  await editor.getByRole('button', { name: /^Test connection/ }).click();
  await expect(editor.getByTestId('test-connection-result')).toHaveAttribute('data-status', 'AUTH_FAILED');
  await audit.here('settings: test AUTH_FAILED');
  await editor.getByLabel('WebUI URL').fill('not a url');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('settings-errors')).toBeVisible();
  await audit.here('settings: field errors');
  await page.getByRole('button', { name: 'Revert' }).click();

  const views = await audit.everyView('all up');
  test.info().annotations.push({ type: 'views', description: views.join(', ') });
  audit.assertAll();
});

test('every text meets WCAG AA contrast when things go wrong: VPN down, an instance down, entries queued, toasts, a corrupt queue file, the dashboard disconnected', async () => {
  const s = session();
  const { page, stack } = s;
  const audit = new Audit(page);
  const m = randomMagnet('contrast before the outage (e2e)');
  await dropText(page, m.magnet);
  await expect(addResult(page, 'contrast before the outage (e2e)')).toHaveAttribute('data-outcome', 'added');
  // The same magnet again beside a line that is no magnet: a duplicate and a rejected line in Activity.
  await page.getByLabel('Magnet links or .torrent URLs').fill(`${m.magnet}\nnot-a-magnet`);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.locator('[data-testid="add-result"][data-outcome="duplicate"]')).toHaveCount(1);

  // The VPN goes down: the VPN-bound primary is held back (amber), the secondary takes the adds.
  await openTab(page, 'Settings');
  await page.getByLabel('Interface name').fill('nonexistent0');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Settings saved' })).toBeVisible();
  await audit.here('settings saved (toast)');
  await openTab(page, 'Status');
  await expect(page.getByTestId('vpn-light')).toHaveAttribute('data-status', 'DOWN', { timeout: 5_000 });
  await expect(page.getByTestId('light-primary')).toHaveAttribute('data-status', 'VPN_DOWN');
  await expect(page.getByTestId('route-banner')).toHaveAttribute('data-route', 'fallback');
  await audit.everyView('VPN down, secondary up');

  // The secondary dies too: adds are queued.
  await stack.secondary.kill();
  await expect(page.getByTestId('route-banner')).toHaveAttribute('data-route', 'queue', { timeout: 5_000 });
  const queued = [randomMagnet('contrast queued one (e2e)'), randomMagnet('contrast queued two (e2e)')];
  await dropText(page, queued.map((q) => q.magnet).join('\r\n'));
  await expect(page.locator('[data-testid="add-result"][data-outcome="queued"]')).toHaveCount(2);
  await expect(page.getByRole('tab', { name: /^Queue/ })).toContainText('2');
  await audit.here('add: queued');
  // A file that is no .torrent dropped on the window: rejected, with an error toast.
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['hello'], 'notes.txt', { type: 'text/plain' }));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await expect(page.getByTestId('toast').filter({ hasText: 'notes.txt' })).toBeVisible();
  await expect(page.locator('[data-testid="add-result"][data-outcome="rejected"]')).toHaveCount(1);
  await audit.here('add: rejected + error toast');
  await openTab(page, 'Queue');
  await page.getByTestId('flush-button').click();
  await expect(page.getByTestId('flush-result')).toBeVisible();
  await audit.here('queue: flush with every instance down');
  await audit.everyView('everything down, 2 queued');
  // Another program writes an entry into the queue file (Activity: from another program).
  const foreign = randomMagnet('contrast foreign (e2e)');
  const file = JSON.parse(readFileSync(stack.queueFile, 'utf8')) as { magnets: string[] };
  writeFileSync(stack.queueFile, JSON.stringify({ ...file, magnets: [...file.magnets, foreign.magnet] }, null, 2));
  await expect(page.getByRole('tab', { name: /^Queue/ })).toContainText('3', { timeout: 10_000 });
  queued.push(foreign);

  // The secondary is back: the queue flushes by itself.
  await stack.secondary.restart();
  forgetDirectSession(stack.secondary);
  await waitForHashes(stack.secondary, queued.map((q) => q.infohash), 15_000);
  await expect(page.getByRole('tab', { name: /^Queue/ })).not.toContainText(/\d/, { timeout: 10_000 });

  // Activity: every kind the stylesheet styles (.kind-X / .kind-tag-X). Kinds this run did not
  // produce are shown as a copy of a real row with that kind's classes (colours from the same rules).
  await openTab(page, 'Activity');
  const kinds = await page.evaluate(() => {
    const css = new Set<string>();
    for (const sheet of Array.from(document.styleSheets)) {
      const walk = (rules: CSSRuleList): void => {
        for (const r of Array.from(rules)) {
          if (r instanceof CSSStyleRule) for (const m of r.selectorText.matchAll(/\.kind-(?:tag-)?([\w-]+)/g)) if (m[1] !== 'tag') css.add(m[1]!);
          else if ('cssRules' in r) walk((r as CSSGroupingRule).cssRules);
        }
      };
      walk(sheet.cssRules);
    }
    const list = document.querySelector('[data-testid="activity-list"]')!;
    const rows = Array.from(list.querySelectorAll('[data-testid="activity-item"]'));
    const kindOf = (row: Element): string => /(?:^|\s)kind-([\w-]+)/.exec(row.className)?.[1] ?? '';
    const real = new Set(rows.map(kindOf));
    const copied: string[] = [];
    for (const kind of css) {
      if (real.has(kind)) continue;
      const row = rows[0]!.cloneNode(true) as HTMLElement;
      row.className = `activity-item kind-${kind}`;
      const tag = row.querySelector('.tag')!;
      tag.className = `tag kind-tag-${kind}`;
      tag.textContent = kind;
      list.prepend(row);
      copied.push(kind);
    }
    return { real: [...real], copied };
  });
  test.info().annotations.push({ type: 'activity kinds', description: `from the run: ${kinds.real.join(', ')}; copies: ${kinds.copied.join(', ') || 'none'}` });
  expect(kinds.real).toEqual(expect.arrayContaining(['add', 'duplicate', 'rejected', 'foreign', 'status', 'vpn', 'queue', 'flush']));
  await audit.here('activity: every kind');

  // The queue file is corrupted by hand: a banner above every view.
  writeFileSync(stack.queueFile, '{ this is not json');
  await expect(page.getByTestId('queue-problem')).toBeVisible({ timeout: 10_000 });
  await audit.everyView('corrupt queue file');

  // `serve` goes away: the dashboard shows it has lost its backend.
  await stack.stopServe();
  await expect(page.getByTestId('stream-state')).toBeVisible({ timeout: 10_000 });
  await audit.everyView('disconnected from serve');
  // The browser logs the refused reconnects; those are expected here, nothing else is.
  const refused = /ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|ERR_CONNECTION_RESET/;
  s.errors.splice(0, s.errors.length, ...s.errors.filter((e) => !refused.test(e)));
  audit.assertAll();
});

test('every text meets WCAG AA contrast in the Electron window: every view with the desktop-only settings, the add dialog, recent adds of every outcome', async () => {
  const { page, stack } = session();
  const audit = new Audit(page);
  await useDesktopWindow(page, desktopStateWithEverything(['primary', 'secondary']));
  await page.goto(stack.url);
  await expect(page.getByTestId('route-banner')).toHaveAttribute('data-route', 'primary');
  // The window's own header link is there: the renderer runs as in Electron.
  await expect(page.getByRole('link', { name: 'Recent adds' }).or(page.getByRole('button', { name: 'Recent adds' }))).toBeVisible();
  await audit.everyView('Electron window');

  await page.evaluate(() => (location.hash = '#/add-prompt'));
  await expect(page.getByTestId('add-prompt')).toBeVisible();
  await expect(page.getByTestId('add-prompt')).toContainText('Debian 12.7 netinst amd64');
  await page.getByTestId('add-prompt').evaluate((el) => el.querySelectorAll('details').forEach((d) => (d.open = true)));
  await audit.here('add dialog');

  await page.evaluate(() => (location.hash = '#/recent'));
  await expect(page.getByTestId('recent-add')).toHaveCount(4);
  await audit.here('recent adds');
  audit.assertAll();
});
