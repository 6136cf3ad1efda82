import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { app } from 'electron';
import type { Settings } from '../../../shared/settings';
import type { Logger } from '../engine/types';
import { AUTOSTART_FILE, linuxAutostartEntry, loginItemSettings } from './login-item';
import { applyMagnetHandler } from './magnet-handler';

/**
 * Applies the `ui` part of the settings to the OS: start at login and the `magnet:` handler role.
 * Called with the settings read at start and after every successful `saveSettings`; only what
 * changed is touched. The engine owns `config.json`; this never writes it.
 */

/** The `ui` settings (`settings.ui`). */
export type UiSettings = Settings['ui'];

/** Keeps the last applied `ui` settings and applies differences. */
export function createUiSettingsApplier(logger: Logger): { apply(ui: UiSettings): Promise<void>; current(): UiSettings | null } {
  let last: UiSettings | null = null;
  return {
    current: () => last,
    async apply(ui) {
      const prev = last;
      last = ui;
      if (!prev || prev.magnetHandler !== ui.magnetHandler) {
        try {
          applyMagnetHandler(ui.magnetHandler, logger);
        } catch (err) {
          logger.error('cannot change the magnet: handler', { error: (err as Error).message });
        }
      }
      if (!prev || prev.startAtLogin !== ui.startAtLogin) await applyStartAtLogin(ui.startAtLogin, logger);
    },
  };
}

async function applyStartAtLogin(on: boolean, logger: Logger): Promise<void> {
  try {
    if (process.platform !== 'linux') {
      app.setLoginItemSettings(loginItemSettings(on));
      return;
    }
    const dir = path.join(process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'autostart');
    const file = path.join(dir, AUTOSTART_FILE);
    if (!on) {
      await rm(file, { force: true });
      return;
    }
    const exec = process.env.APPIMAGE || process.execPath;
    const args = process.defaultApp && process.argv[1] ? [path.resolve(process.argv[1])] : [];
    await mkdir(dir, { recursive: true });
    await writeFile(file, linuxAutostartEntry(exec, args), { mode: 0o644 });
  } catch (err) {
    logger.error('cannot change start at login', { error: (err as Error).message });
  }
}
