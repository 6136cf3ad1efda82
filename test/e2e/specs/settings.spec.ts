import { test, expect, type Locator, type Page } from '@playwright/test';
import { freePort } from '../../harness/qbittorrent';
import { openTab, shoot, useSession, type Session } from '../support/session';

/**
 * Settings → add an instance → Test connection, against live, wrong-password and dead servers.
 * Each test opens its own (unsaved) instance "third" on a fresh stack.
 */

const session = useSession();

/** Fields of an open instance editor, by their labels. */
function fields(editor: Locator) {
  return {
    name: editor.getByLabel('Name', { exact: true }),
    url: editor.getByLabel('WebUI URL'),
    username: editor.getByLabel('Username'),
    password: editor.getByLabel('Password'),
    test: editor.getByRole('button', { name: /^Test(ing)? connection|^Testing/ }),
    result: editor.getByTestId('test-connection-result'),
  };
}

async function openNewInstance(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Add instance', exact: true }).click();
  const editor = page.getByTestId('settings-instance-local');
  await expect(editor).toBeVisible();
  await expect(fields(editor).url).toHaveValue('http://localhost:8080');
  await expect(fields(editor).username).toHaveValue('admin');
  return editor;
}

/** Opens Settings and adds an unsaved instance `third` pointing at the live secondary with its password. */
async function openThird({ page, stack }: Session): Promise<Locator> {
  await openTab(page, 'Settings');
  await fields(await openNewInstance(page)).name.fill('third');
  const third = page.getByTestId('settings-instance-third');
  await expect(third).toBeVisible();
  const f = fields(third);
  await f.url.fill(stack.secondary.url);
  await f.password.fill(stack.secondary.password);
  return third;
}

test('lists the configured instances in priority order', async () => {
  const { page } = session();
  await openTab(page, 'Settings');
  const editors = page.locator('[data-testid^="settings-instance-"]');
  await expect(editors).toHaveCount(2);
  await expect(editors.nth(0)).toHaveAttribute('data-testid', 'settings-instance-primary');
  await expect(editors.nth(1)).toHaveAttribute('data-testid', 'settings-instance-secondary');
  await expect(page.getByTestId('settings-instance-primary')).toContainText(session().stack.primary.url);
  await expect(page.getByRole('button', { name: 'Move primary up' })).toBeDisabled();
  await shoot(page, 'settings-list');
});

test('a new instance pointing at a live server tests OK', async () => {
  const s = session();
  const { page } = s;
  const third = await openThird(s);
  const f = fields(third);
  await f.test.click();
  await expect(f.result).toHaveAttribute('data-status', 'OK');
  await expect(f.result).toContainText(/OK · \d+ ms · qBittorrent v\d/);
  await expect(third.getByTestId('test-connection-light')).toHaveAttribute('data-status', 'OK');
  await expect(page.getByText('Unsaved changes')).toBeVisible();
  await shoot(page, 'settings', { window: true, center: f.result });
});

test('a wrong password tests as AUTH_FAILED, in words', async () => {
  const s = session();
  const { page } = s;
  const f = fields(await openThird(s));
  await f.password.fill('not-the-password');
  await f.test.click();
  await expect(f.result).toHaveAttribute('data-status', 'AUTH_FAILED');
  await expect(f.result).toContainText('Wrong username or password');
  await shoot(page, 'settings-auth-failed', { center: f.result });
});

test('a port nobody listens on tests as CONNECTION_REFUSED', async () => {
  const f = fields(await openThird(session()));
  await f.url.fill(`http://127.0.0.1:${await freePort()}`);
  await f.test.click();
  await expect(f.result).toHaveAttribute('data-status', 'CONNECTION_REFUSED');
  await expect(f.result).toContainText('Connection refused');
});

test('an invalid URL is refused at Save with the field marked, and Revert drops the draft', async () => {
  const s = session();
  const { page } = s;
  const f = fields(await openThird(s));
  await f.url.fill('not a url');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('settings-errors')).toHaveText('1 field to fix');
  await expect(f.url).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('settings-instance-third')).toContainText('url must be a full http(s) URL');
  await shoot(page, 'settings-errors', { window: true, center: f.url });

  await page.getByRole('button', { name: 'Revert' }).click();
  await expect(page.getByTestId('settings-instance-third')).toHaveCount(0);
  await expect(page.locator('[data-testid^="settings-instance-"]')).toHaveCount(2);
  await expect(page.getByText('Saved', { exact: true })).toBeVisible();
});
