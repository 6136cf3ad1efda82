import Store from 'electron-store';
import type { Settings } from '../../../shared/settings';
import type { Logger } from '../engine/types';
import type { DesktopStoreLike } from './desktop-backend';
import { DESKTOP_STORE_NAME, desktopDataFrom } from './desktop-data';

/**
 * The desktop state in electron-store (main process only): `<userData>/desktop-state.json`.
 * Never the engine's `config.json` in the same folder (electron-store's default name is
 * `config`, which would overwrite it). A file that is not valid JSON is set aside by
 * electron-store (`clearInvalidConfig`); a store that cannot be opened at all (permissions)
 * falls back to memory for this run, logged, so the app still starts.
 */

/** The open store: what it holds, where, and how to save parts. */
export interface DesktopStore extends DesktopStoreLike {
  /** The JSON file, or null when only in memory. */
  path: string | null;
}

/**
 * Opens the store in `dir` (the userData folder).
 * @param seed config.json's `ui.notifications`, the notification choices until some are saved here
 */
export function openDesktopStore(opts: { dir: string; seed?: Settings['ui']['notifications']; logger: Logger }): DesktopStore {
  let store: Store<Record<string, unknown>> | null = null;
  try {
    store = new Store<Record<string, unknown>>({ name: DESKTOP_STORE_NAME, cwd: opts.dir, clearInvalidConfig: true });
  } catch (err) {
    opts.logger.error('desktop state cannot be opened; kept in memory for this run', { error: (err as Error).message });
  }
  let data = desktopDataFrom(store?.store, opts.seed);
  return {
    path: store?.path ?? null,
    read: () => data,
    update(patch) {
      data = { ...data, ...patch };
      try {
        store?.set(patch as Record<string, unknown>);
      } catch (err) {
        opts.logger.error('desktop state not saved', { error: (err as Error).message });
      }
      return data;
    },
  };
}
