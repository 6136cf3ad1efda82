import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import { API_METHODS, validateApiArg, type ApiMethod } from '../../../shared/contract';
import { toWireError } from '../../../shared/wire-error';
import { createApiBackend } from '../../../electron/core/api';
import { FileSecretStore } from '../../../electron/core/config/secret-store';
import { saveSettingsFile } from '../../../electron/core/config/settings-file';
import { createEngine, type Engine } from '../../../electron/core/engine';
import { silentLogger } from '../../../electron/core/logger';
import { createDesktopBackend, type DesktopBackend, type DesktopStoreLike } from '../../../electron/main/desktop/desktop-backend';
import { desktopDataFrom, type DesktopData } from '../../../electron/main/desktop/desktop-data';
import { AddPrompts } from '../../../electron/main/desktop/prompts';
import { parseLaunchArgs } from '../../../electron/main/launch/args';
import { listHashes, waitForHashes } from '../../harness/direct';
import { randomMagnet } from '../../harness/inputs';
import { expectCleanPage, shoot, useSession, type Session } from '../support/session';

/**
 * The desktop app's add dialog and recent adds, in Chromium, on the real renderer: the page gets
 * a `window.qbitFailover` as the preload gives it (same methods, same `CODE: words` errors), whose
 * calls reach the REAL desktop backend (electron/main/desktop) over a real engine and the stack's
 * two qbittorrent-nox — everything the Electron window has except the binary, which cannot run
 * here. A magnet "from the browser" is handed to the backend as the shell does (`launch`).
 */

const session = useSession();
let engine: Engine;
let home: string;

test.afterEach(async () => {
  await engine?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** A desktop backend over an engine with the stack's instances (`nas` = primary, `seedbox` = secondary), the dialog switched on. */
async function desktop(s: Session): Promise<DesktopBackend> {
  home = mkdtempSync(join(tmpdir(), 'qbf-e2e-desktop-'));
  const instances = [
    { name: 'nas', url: s.stack.primary.url, username: s.stack.primary.username },
    { name: 'seedbox', url: s.stack.secondary.url, username: s.stack.secondary.username },
  ];
  await saveSettingsFile(home, { vpn: { check: 'none' }, queueFile: join(home, 'q.json'), instances });
  const secrets = new FileSecretStore(home);
  await secrets.set('nas', s.stack.primary.password);
  await secrets.set('seedbox', s.stack.secondary.password);
  engine = await createEngine({ home, secrets, logger: silentLogger });
  await engine.checkAll();
  let data: DesktopData = desktopDataFrom({ prefs: { askBeforeAdd: true } });
  const store: DesktopStoreLike = { read: () => data, update: (p) => (data = { ...data, ...p }) };
  return createDesktopBackend({ engine: createApiBackend(engine), store, prompts: new AddPrompts(), settings: () => engine.currentSettings(), onPrompt: () => {}, onChange: () => {}, logger: silentLogger });
}

/** A page whose `window.qbitFailover` goes to `backend` the way the preload and the IPC dispatcher do. */
async function desktopPage(s: Session, backend: DesktopBackend, hash: string): Promise<Page> {
  await s.context.exposeFunction('__qbfDesktopCall', async (method: string, arg: unknown) => {
    const valid = validateApiArg(method as ApiMethod, arg);
    if (!valid.ok) return { error: valid.error };
    try {
      return { result: await backend.call(method as ApiMethod, valid.value as never) };
    } catch (err) {
      return toWireError(err).body;
    }
  });
  await s.context.addInitScript((methods: string[]) => {
    const call = (window as unknown as { __qbfDesktopCall(m: string, a: unknown): Promise<{ result?: unknown; error?: { code: string; message: string } }> }).__qbfDesktopCall;
    const api: Record<string, unknown> = { subscribe: () => () => {} };
    for (const m of methods) {
      api[m] = async (arg: unknown) => {
        const r = await call(m, arg ?? {});
        if (r.error) throw new Error(`${r.error.code}: ${r.error.message}`);
        return r.result;
      };
    }
    (window as unknown as { qbitFailover: unknown }).qbitFailover = Object.freeze(api);
  }, API_METHODS as string[]);
  const page = await s.context.newPage();
  await page.goto(`${s.stack.url}${hash}`);
  return page;
}

test('a magnet from the browser opens the add dialog; the chosen instance, category and "start stopped" are used', async () => {
  const s = session();
  const backend = await desktop(s);
  const m = randomMagnet('from the browser');
  expect(await backend.launch({ args: parseLaunchArgs([m.magnet]), cwd: home })).toBeNull();
  expect(await listHashes(s.stack.secondary)).not.toContain(m.infohash);

  const page = await desktopPage(s, backend, '#/add-prompt');
  const dialog = page.getByRole('dialog', { name: 'Add this torrent' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('listitem')).toHaveText(['from the browser']);
  await expect(dialog.getByLabel('Instance')).toHaveValue('');
  await dialog.getByLabel('Instance').selectOption('seedbox');
  await dialog.getByLabel('Category').fill('linux');
  await dialog.getByLabel('Start stopped').check();
  await shoot(page, 'add-dialog', { center: dialog });
  await dialog.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: '1 added' })).toBeVisible();
  await expect(dialog).toHaveCount(0);
  await waitForHashes(s.stack.secondary, [m.infohash]);
  expect(await listHashes(s.stack.primary)).not.toContain(m.infohash);
  expectCleanPage(s);
});

test('recent adds list each outcome and send one again; "don\'t ask again" switches the dialog off', async () => {
  const s = session();
  const backend = await desktop(s);
  const m = randomMagnet('recent one');
  await backend.launch({ args: parseLaunchArgs([m.magnet]), cwd: home });
  const page = await desktopPage(s, backend, '#/add-prompt');
  const dialog = page.getByRole('dialog', { name: 'Add this torrent' });
  await dialog.getByLabel("Don't ask again (add links from the browser at once)").check();
  await dialog.getByRole('button', { name: 'Add' }).click();
  await expect(dialog).toHaveCount(0);
  expect((await backend.call('getDesktopState', {})).prefs.askBeforeAdd).toBe(false);

  await page.getByTestId('recent-link').click();
  const panel = page.getByRole('dialog', { name: 'Recent adds' });
  const row = panel.getByTestId('recent-add').filter({ hasText: 'recent one' });
  await expect(row).toHaveAttribute('data-outcome', 'placed');
  await expect(row).toContainText('placed on nas');
  await expect(panel.getByLabel('Ask before adding a magnet or .torrent from the browser (name, category, save path, tags, instance)')).not.toBeChecked();
  await shoot(page, 'recent-adds', { center: panel });
  await row.getByRole('button', { name: 'Send again' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: '1 already there' })).toBeVisible();
  await expect(panel.getByTestId('recent-add').first()).toHaveAttribute('data-outcome', 'duplicate');
  expectCleanPage(s);
});
