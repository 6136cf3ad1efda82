import { Menu, Tray, nativeImage } from 'electron';
import type { MenuItemConstructorOptions, Rectangle } from 'electron';
import type { EngineSnapshot } from '../../../shared/model';
import type { TrayAction, TrayColor, TrayState } from './state';
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
  onAction: (action: TrayAction) => void;
  onClick: () => void;
  initial: EngineSnapshot;
}): TrayHandle {
  let state: TrayState | null = null;
  const tray = new Tray(nativeImage.createFromPath(opts.iconPath('grey')));
  tray.on('click', opts.onClick);

  const update = (snapshot: EngineSnapshot) => {
    const next = trayStateFrom(snapshot);
    if (sameTrayState(state, next)) return;
    if (!state || state.color !== next.color) tray.setImage(nativeImage.createFromPath(opts.iconPath(next.color)));
    if (!state || state.tooltip !== next.tooltip) tray.setToolTip(next.tooltip);
    const template: MenuItemConstructorOptions[] = next.menu.map((item) => {
      if (item.type === 'separator') return { type: 'separator' };
      const action = item.action;
      return {
        label: item.label,
        enabled: item.enabled,
        click: action ? () => opts.onAction(action) : undefined,
      };
    });
    tray.setContextMenu(Menu.buildFromTemplate(template));
    state = next;
  };
  update(opts.initial);

  return {
    update,
    bounds: () => (tray.isDestroyed() ? null : tray.getBounds()),
    tooltip: () => state?.tooltip ?? '',
  };
}
