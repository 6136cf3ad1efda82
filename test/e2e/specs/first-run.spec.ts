import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from '@playwright/test';
import { waitForHashes } from '../../harness/direct';
import { randomMagnet } from '../../harness/inputs';
import { openTab, shoot, useSession, type Session } from '../support/session';

/**
 * First run: nothing configured → add an instance from the Status card → test → save → add.
 * Each test starts with nothing configured.
 */

const session = useSession({ instances: [] });

/** From the Status card: "Add an instance", point it at the primary with its password, test, save. */
async function addFirstInstance({ page, stack }: Session, o: { shots?: boolean } = {}): Promise<void> {
  await openTab(page, 'Status');
  await page.getByRole('button', { name: 'Add an instance' }).click();
  await expect(page.getByRole('tab', { name: 'Settings' })).toHaveAttribute('aria-selected', 'true');
  const editor = page.getByTestId('settings-instance-local');
  await expect(editor.getByLabel('WebUI URL')).toHaveValue('http://localhost:8080');
  if (o.shots) await shoot(page, 'first-run-new-instance');

  await editor.getByLabel('WebUI URL').fill(stack.primary.url);
  await editor.getByLabel('Password').fill(stack.primary.password);
  await editor.getByRole('button', { name: 'Test connection' }).click();
  await expect(editor.getByTestId('test-connection-result')).toHaveAttribute('data-status', 'OK');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Settings saved' })).toBeVisible();
  await expect(page.getByText('Saved', { exact: true })).toBeVisible();
}

test('with no instance the Status and Settings views say so and offer to add one', async () => {
  const { page } = session();
  const banner = page.getByTestId('route-banner');
  await expect(banner).toHaveAttribute('data-route', 'unconfigured');
  await expect(banner).toHaveText('No instance configured');
  await expect(page.getByRole('heading', { name: 'No instance yet' })).toBeVisible();
  await shoot(page, 'first-run-status', { window: true });

  await openTab(page, 'Settings');
  await expect(page.getByTestId('first-run')).toContainText('Add your first qBittorrent instance');
  await shoot(page, 'first-run-settings');
});

test('"Add an instance" opens Settings with a prefilled instance that tests OK and saves', async () => {
  const s = session();
  const { page, stack } = s;
  await addFirstInstance(s, { shots: true });
  const editor = page.getByTestId('settings-instance-local');
  await page.getByRole('button', { name: 'Edit local' }).click();
  await expect(editor.getByLabel('Password')).toHaveAttribute('placeholder', '•••• stored');
  await expect(editor.getByLabel('Password')).toHaveValue('');

  const config = JSON.parse(readFileSync(join(stack.home, 'config.json'), 'utf8')) as { instances: { name: string; url: string }[] };
  expect(config.instances.map((i) => [i.name, i.url])).toEqual([['local', stack.primary.url]]);
  expect(readFileSync(join(stack.home, 'config.json'), 'utf8')).not.toContain(stack.primary.password);
  expect(statSync(join(stack.home, 'secrets.json')).mode & 0o777).toBe(0o600);

  await openTab(page, 'Status');
  await expect(page.getByTestId('light-local')).toHaveAttribute('data-status', 'OK');
  // The password was stored before the first probe: not one failed login on the server.
  expect(stack.logs()).not.toMatch(/local: AUTH_FAILED/);
  await expect(page.getByTestId('route-banner')).toHaveText('Adds go to local (first choice)');
});

test('the saved instance receives magnets from the paste box', async () => {
  const s = session();
  const { page, stack } = s;
  await addFirstInstance(s);
  await openTab(page, 'Status');
  await expect(page.getByTestId('light-local')).toHaveAttribute('data-status', 'OK');
  const m = randomMagnet('after first run (e2e)');
  await openTab(page, 'Add');
  await page.getByLabel('Magnet links or .torrent URLs').fill(m.magnet);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByTestId('add-result')).toHaveAttribute('data-outcome', 'added');
  await expect(page.getByTestId('add-result')).toContainText('added to local');
  await waitForHashes(stack.primary, [m.infohash]);
});
