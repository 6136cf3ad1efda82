import { test, expect, type Locator, type Page } from '@playwright/test';
import type { SettingsInput } from '../../../shared/settings';
import { freePort } from '../../harness/qbittorrent';
import { openTab, shoot, useSession, type Session } from '../support/session';

/**
 * Issue 11, "Settings that forgive mistakes", in the dashboard against real qbittorrent-nox:
 * a Test connection result never stays beside a URL it did not test, a field error goes away
 * once the field is fixed, "Wrong username or password" is said once, and config.json keys
 * that were ignored are shown with their fix while the rest of the settings work.
 */

/** Fields of an open instance editor, by their labels. */
function fields(editor: Locator) {
  return {
    name: editor.getByLabel('Name', { exact: true }),
    url: editor.getByLabel('WebUI URL'),
    password: editor.getByLabel('Password'),
    test: editor.getByRole('button', { name: /^Test(ing)? connection|^Testing/ }),
    result: editor.getByTestId('test-connection-result'),
  };
}

/** Opens Settings and adds an unsaved instance `third` pointing at the live secondary with its password. */
async function openThird({ page, stack }: Session): Promise<Locator> {
  await openTab(page, 'Settings');
  await page.getByRole('button', { name: 'Add instance', exact: true }).click();
  await fields(page.getByTestId('settings-instance-local')).name.fill('third');
  const third = page.getByTestId('settings-instance-third');
  await expect(third).toBeVisible();
  await fields(third).url.fill(stack.secondary.url);
  await fields(third).password.fill(stack.secondary.password);
  return third;
}

/** How many times `text` shows in `locator`'s visible text, case-insensitively. */
async function occurrences(locator: Locator, text: string): Promise<number> {
  const all = (await locator.innerText()).toLowerCase();
  return all.split(text.toLowerCase()).length - 1;
}

test.describe('the instance editor', () => {
  const session = useSession();

  test('"OK" from Test connection goes away when the URL changes, and comes back only from a new test', async () => {
    const s = session();
    const f = fields(await openThird(s));
    await f.test.click();
    await expect(f.result).toHaveAttribute('data-status', 'OK');

    await f.url.fill(`http://127.0.0.1:${await freePort()}`);
    await expect(f.result).toHaveCount(0);
    await f.test.click();
    await expect(f.result).toHaveAttribute('data-status', 'CONNECTION_REFUSED');
    // A new password is a new test too.
    await f.url.fill(s.stack.secondary.url);
    await f.test.click();
    await expect(f.result).toHaveAttribute('data-status', 'OK');
    await f.password.fill('another-password');
    await expect(f.result).toHaveCount(0);
  });

  test('"Wrong username or password" is said once', async () => {
    const s = session();
    const third = await openThird(s);
    const f = fields(third);
    await f.password.fill('not-the-password');
    await f.test.click();
    await expect(f.result).toHaveAttribute('data-status', 'AUTH_FAILED');
    await expect(f.result).toContainText('Wrong username or password');
    expect(await occurrences(f.result, 'wrong username or password')).toBe(1);
    await shoot(s.page, 'settings-auth-failed-once', { center: f.result });
  });

  test('an invalid URL marked at Save is cleared as soon as it is fixed', async () => {
    const s = session();
    const { page } = s;
    const f = fields(await openThird(s));
    await f.url.fill('not a url');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('settings-errors')).toHaveText('1 field to fix');
    await expect(f.url).toHaveAttribute('aria-invalid', 'true');

    await f.url.fill(s.stack.secondary.url);
    await expect(f.url).not.toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('settings-instance-third')).not.toContainText('url must be a full http(s) URL');
    await expect(page.getByTestId('settings-errors')).toHaveCount(0);

    // Still wrong after an edit: the message stays.
    await f.url.fill('still not a url');
    await page.getByRole('button', { name: 'Save' }).click();
    await f.url.fill('also not a url');
    await expect(f.url).toHaveAttribute('aria-invalid', 'true');
  });
});

test.describe('config.json keys that were ignored', () => {
  // A "password" key and "instance" beside "instances": ignored, the instances still load.
  const session = useSession({ config: { password: 'hunter2', instance: [] } as Partial<SettingsInput> });

  test('are shown above every view with their fix, and the configured instances still work', async () => {
    const { page } = session();
    const banner = page.getByTestId('config-warnings');
    await expect(banner).toBeVisible();
    await expect(banner).toContainText('"password" is not a setting, ignored');
    await expect(banner).toContainText('qbit-failover password');
    await expect(banner).toContainText('did you mean `instances`?');
    await expect(banner).not.toContainText('hunter2');
    await expect(page.getByTestId('status-instance-primary').or(page.getByText('primary').first())).toBeVisible();
    await openTab(page as Page, 'Settings');
    await expect(banner).toBeVisible();
    await expect(page.locator('[data-testid^="settings-instance-"]')).toHaveCount(2);
    await shoot(page, 'config-warnings');
  });
});
