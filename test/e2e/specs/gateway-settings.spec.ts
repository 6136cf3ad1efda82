import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect } from '@playwright/test';
import { freePort } from '../../harness/qbittorrent';
import { formatFailures, measureContrast } from '../support/contrast';
import { expectCleanPage, openTab, shoot, useSession } from '../support/session';

/**
 * The qBittorrent-compatible gateway from the dashboard: turn it on (on a free port), set its
 * password, make and rotate its API key, and read on Status the URL and the text to type into
 * Sonarr/Radarr — then check with a plain WebUI client that the gateway really answers with that
 * password and the current key (and refuses the rotated-out one).
 */

const session = useSession();

test('enable the gateway, set its password, rotate its key: Status shows the URL and what to type into Sonarr', async () => {
  const s = session();
  const { page, context } = s;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(s.stack.url).origin });
  const port = await freePort();
  const password = 'e2e gateway pass';

  await openTab(page, 'Settings');
  const section = page.getByTestId('gateway-settings');
  await expect(section).toBeVisible();
  await section.getByLabel('Run the gateway').check();
  await section.getByLabel('Port').fill(String(port));
  await expect(section.getByLabel('Gateway username')).toHaveValue('admin');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Settings saved')).toBeVisible();

  await section.getByLabel('Gateway password').fill(password);
  await section.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByText('Gateway password set')).toBeVisible();
  await expect(section.getByLabel('Gateway password')).toHaveValue('');

  await section.getByRole('button', { name: 'Generate API key' }).click();
  const keyBox = section.getByTestId('gateway-new-key');
  await expect(keyBox).toHaveValue(/^\S{32,}$/);
  const firstKey = await keyBox.inputValue();
  await section.getByRole('button', { name: 'Rotate API key' }).click();
  await expect(keyBox).not.toHaveValue(firstKey);
  const key = await keyBox.inputValue();
  expect(key).toMatch(/^\S{32,}$/);
  await shoot(page, 'gateway-settings', { center: section });

  await openTab(page, 'Status');
  const card = page.getByTestId('gateway-card');
  const url = `http://127.0.0.1:${port}`;
  await expect(card.getByTestId('gateway-url')).toHaveText(url);
  const setup = card.getByTestId('gateway-setup-text');
  await expect(setup).toContainText(`Host 127.0.0.1, Port ${port}, Use SSL off, Username admin, Password: the gateway password.`);
  await card.getByRole('button', { name: /^Copy settings/ }).click();
  await expect(card.getByTestId('gateway-copied')).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`Gateway: ${url}\n${await setup.innerText()}`);
  await shoot(page, 'gateway-status', { center: card });

  // The gateway behind that text answers a real client: login with the password, Bearer with the current key only.
  const login = await fetch(`${url}/api/v2/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'admin', password }),
  });
  expect(await login.text()).toBe('Ok.');
  expect(login.headers.get('set-cookie')).toMatch(/^SID=/);
  const withKey = await fetch(`${url}/api/v2/app/webapiVersion`, { headers: { authorization: `Bearer ${key}` } });
  expect(withKey.status).toBe(200);
  const oldKey = await fetch(`${url}/api/v2/app/webapiVersion`, { headers: { authorization: `Bearer ${firstKey}` } });
  expect(oldKey.status).toBe(403);
  // Neither secret is in any answer the dashboard gave the page.
  expect(await page.content()).not.toContain(password);
  expectCleanPage(s);
});

test('the gateway port is taken by another program: the Status card names the port and the fix, and listens once the port is free', async () => {
  const s = session();
  const { page } = s;
  const port = await freePort();
  // Another program on the gateway's port: a plain loopback listener.
  const other = createServer((sock) => sock.destroy());
  await new Promise<void>((resolve, reject) => {
    other.once('error', reject);
    other.listen(port, '127.0.0.1', () => resolve());
  });
  try {
    await openTab(page, 'Settings');
    const section = page.getByTestId('gateway-settings');
    await section.getByLabel('Run the gateway').check();
    await section.getByLabel('Port').fill(String(port));
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByText('Settings saved')).toBeVisible();
    await section.getByLabel('Gateway password').fill('e2e busy-port pass');
    await section.getByRole('button', { name: 'Set password' }).click();
    await expect(page.getByText('Gateway password set')).toBeVisible();

    await openTab(page, 'Status');
    const card = page.getByTestId('gateway-card');
    const problem = card.getByTestId('gateway-problem');
    await expect(problem).toContainText(`Not listening: port ${port} is in use by another program`);
    await expect(problem).toContainText('choose another port in Settings, or stop the other program');
    await expect(card).not.toContainText('see the log');
    await expect(card.getByTestId('gateway-url')).toHaveCount(0);
    await shoot(page, 'gateway-status-port-in-use', { center: card });
    // The reason is read in both themes (WCAG AA, as every text in contrast.spec.ts).
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      const { failures } = await measureContrast(page);
      expect(failures, `${colorScheme}:\n${formatFailures(failures)}`).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  } finally {
    await new Promise<void>((resolve) => other.close(() => resolve()));
  }
  // The other program stopped: the gateway starts by itself (tried every 5 s) and the card says so.
  const card = page.getByTestId('gateway-card');
  await expect(card.getByTestId('gateway-url')).toHaveText(`http://127.0.0.1:${port}`, { timeout: 15_000 });
  await expect(card.getByTestId('gateway-problem')).toHaveCount(0);
  expectCleanPage(s);
});

test('the gateway port is held by another qbit-failover gateway: the Status card says it is served there, not an error, and keeps the Sonarr setup', async () => {
  const s = session();
  const { page } = s;
  const port = await freePort();
  // Another qbit-failover process on the port: `qbit-failover gateway --port <port>` (its own home).
  const root = mkdtempSync(join(tmpdir(), 'qbf-e2e-elsewhere-'));
  const cli = fileURLToPath(new URL('../../../electron/cli/bin.mjs', import.meta.url));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root, LANG: 'C.UTF-8', QBIT_FAILOVER_HOME: root, QBIT_FAILOVER_GATEWAY_PASSWORD: 'e2e other pass' };
  const other = spawn(process.execPath, [cli, 'gateway', '--port', String(port)], { cwd: root, env, stdio: 'ignore' });
  try {
    await expect.poll(() => accepts(port), { timeout: 15_000, message: '`qbit-failover gateway` listening' }).toBe(true);
    await openTab(page, 'Settings');
    const section = page.getByTestId('gateway-settings');
    await section.getByLabel('Run the gateway').check();
    await section.getByLabel('Port').fill(String(port));
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByText('Settings saved')).toBeVisible();
    await section.getByLabel('Gateway password').fill('e2e elsewhere pass');
    await section.getByRole('button', { name: 'Set password' }).click();
    await expect(page.getByText('Gateway password set')).toBeVisible();

    await openTab(page, 'Status');
    const card = page.getByTestId('gateway-card');
    const note = card.getByTestId('gateway-elsewhere');
    await expect(note).toContainText(`Served by another qbit-failover process on this machine (port ${port})`);
    await expect(card).toContainText('Served by another process');
    await expect(card.getByTestId('gateway-problem')).toHaveCount(0);
    await expect(card.locator('.error-text')).toHaveCount(0);
    await expect(card).not.toContainText('another program');
    await expect(card.getByTestId('gateway-url')).toHaveCount(0);
    // What to type into Sonarr stays (the other process serves the same settings).
    await expect(card.getByTestId('gateway-setup-text')).toContainText(String(port));
    await expect(card.getByRole('button', { name: 'Copy settings for Sonarr/Radarr' })).toBeVisible();
    await shoot(page, 'gateway-status-served-elsewhere', { center: card });
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      const { failures } = await measureContrast(page);
      expect(failures, `${colorScheme}:\n${formatFailures(failures)}`).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  } finally {
    if (other.exitCode === null && other.signalCode === null) {
      const exited = new Promise((resolve) => other.once('exit', resolve));
      other.kill('SIGTERM');
      await exited;
    }
    rmSync(root, { recursive: true, force: true });
  }
  expectCleanPage(s);
});

/** True when something accepts a TCP connection on 127.0.0.1:`port`. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}
