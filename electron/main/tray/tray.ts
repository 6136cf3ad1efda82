import { Menu, Tray, nativeImage } from 'electron';
import type { MenuItemConstructorOptions, Rectangle } from 'electron';
import type { EngineSnapshot } from '../../../shared/model';
import type { RecentAdd } from '../../../shared/desktop';
import type { MenuItemSpec, TrayAction, TrayColor, TrayState } from './state';
import { sameTrayState, trayStateFrom } from './state';

/**
 * The tray icon: image, tooltip and context menu from `trayStateFrom`, rebuilt on every snapshot
 * change but only when the state actually differs (menus flicker on some Linux panels when reset).
 * The context menu is always set, because Linux without AppIndicator click support only shows it
 * (https://www.electronjs.org/docs/latest/api/tray#platform-considerations).
 */

/** Handle on the tray for the rest of the shell. */
export interface TrayHandle {
  update(snapshot: EngineSnapshot): void;
  /** New recent adds list (the "Recent adds" submenu). */
  setRecent(recent: readonly RecentAdd[]): void;
  bounds(): Rectangle | null;
  /** Current tooltip text (what the user sees on hover). */
  tooltip(): string;
}

/**
 * Creates the tray.
 * @param opts.iconPath absolute path of the icon for a colour (`iconPathFor`)
 * @param opts.onAction runs a menu action
 * @param opts.onClick left click (Windows/macOS; Linux may never emit it)
 */
export function setupTray(opts: {
  iconPath: (color: TrayColor) => string;
  onAction: (action: TrayAction, arg?: string) => void;
  onClick: () => void;
  initial: EngineSnapshot;
  recent?: readonly RecentAdd[];
}): TrayHandle {
  let state: TrayState | null = null;
  let snapshot = opts.initial;
  let recent: readonly RecentAdd[] = opts.recent ?? [];
  const toTemplate = (item: MenuItemSpec): MenuItemConstructorOptions => {
    if (item.type === 'separator') return { type: 'separator' };
    if (item.type === 'submenu') return { label: item.label, enabled: item.enabled, submenu: item.items.map(toTemplate) };
    const { action, arg } = item;
    return { label: item.label, enabled: item.enabled, click: action ? () => opts.onAction(action, arg) : undefined };
  };
  const tray = new Tray(nativeImage.createFromPath(opts.iconPath('grey')));
  tray.on('click', opts.onClick);

  const render = () => {
    const next = trayStateFrom(snapshot, recent);
    if (sameTrayState(state, next)) return;
    if (!state || state.color !== next.color) tray.setImage(nativeImage.createFromPath(opts.iconPath(next.color)));
    if (!state || state.tooltip !== next.tooltip) tray.setToolTip(next.tooltip);
    tray.setContextMenu(Menu.buildFromTemplate(next.menu.map(toTemplate)));
    state = next;
  };
  render();

  return {
    update(next) {
      snapshot = next;
      render();
    },
    setRecent(next) {
      recent = next;
      render();
    },
    bounds: () => (tray.isDestroyed() ? null : tray.getBounds()),
    tooltip: () => state?.tooltip ?? '',
  };
}
