import { describe, expect, it } from 'vitest';
import { trayStateFrom } from '../../../../electron/main/tray/state';
import { snapshot } from '../snapshot-fixture';

/** Issue 11: the tray menu says what config.json held that was ignored, with the fix. */
describe('tray menu: config.json warnings', () => {
  it('shows each ignored key with its fix as a disabled line, and nothing when there is none', () => {
    const warning = 'config.json: "instance" is not a setting, ignored — did you mean `instances`?';
    const menu = trayStateFrom(snapshot({ configWarnings: [warning] })).menu;
    expect(menu).toContainEqual({ type: 'normal', label: `⚠ ${warning}`, enabled: false });
    expect(trayStateFrom(snapshot()).menu.some((m) => m.type === 'normal' && m.label.startsWith('⚠'))).toBe(false);
  });
});
