import { describe, expect, it } from 'vitest';
import { boundsOnScreen, mainWindowOptions, positionNearTray } from '../../../../electron/main/window/options';

describe('mainWindowOptions', () => {
  for (const platform of ['darwin', 'win32', 'linux'] as const) {
    it(`${platform}: sandboxed, context-isolated, no Node, web security on, our preload`, () => {
      const w = mainWindowOptions(platform, '/app/out/preload/index.cjs').webPreferences!;
      expect(w.sandbox).toBe(true);
      expect(w.contextIsolation).toBe(true);
      expect(w.nodeIntegration).toBe(false);
      expect(w.nodeIntegrationInSubFrames).toBe(false);
      expect(w.webSecurity).toBe(true);
      expect(w.allowRunningInsecureContent).toBe(false);
      expect(w.experimentalFeatures).toBe(false);
      expect(w.webviewTag).toBe(false);
      expect(w.preload).toBe('/app/out/preload/index.cjs');
    });
  }

  it('macOS and Windows: a frameless ~420×600 popover kept out of the taskbar, hidden until placed', () => {
    for (const p of ['darwin', 'win32'] as const) {
      const o = mainWindowOptions(p, '/p');
      expect(o).toMatchObject({ frame: false, width: 420, height: 600, skipTaskbar: true, show: false, resizable: false });
    }
  });

  it('Linux: a normal framed, resizable window', () => {
    const o = mainWindowOptions('linux', '/p');
    expect(o.frame).toBe(true);
    expect(o.resizable).toBe(true);
    expect(o.skipTaskbar).toBeUndefined();
  });
});

describe('positionNearTray', () => {
  const size = { width: 420, height: 600 };
  it('macOS menu bar: below the icon, centred on it', () => {
    const at = positionNearTray({ x: 1200, y: 0, width: 22, height: 24 }, size, { x: 0, y: 25, width: 1440, height: 875 });
    expect(at).toEqual({ x: 1001, y: 28 });
  });

  it('Windows taskbar at the bottom: above the icon, kept inside the right screen edge', () => {
    const at = positionNearTray({ x: 1880, y: 1050, width: 24, height: 30 }, size, { x: 0, y: 0, width: 1920, height: 1040 });
    // 1050 - 600 - 4 = 446 would overlap the taskbar; the work area ends at 1040.
    expect(at).toEqual({ x: 1500, y: 440 });
  });

  it('vertical taskbar on the left: beside it', () => {
    const at = positionNearTray({ x: 10, y: 900, width: 24, height: 24 }, size, { x: 60, y: 0, width: 1860, height: 1080 });
    expect(at.x).toBe(64);
    expect(at.y).toBeLessThanOrEqual(1080 - 600);
  });

  it('unknown tray position (empty bounds): centred in the work area', () => {
    expect(positionNearTray({ x: 0, y: 0, width: 0, height: 0 }, size, { x: 0, y: 0, width: 1920, height: 1080 })).toEqual({ x: 750, y: 240 });
  });
});

describe('boundsOnScreen', () => {
  const area = { x: 0, y: 0, width: 1920, height: 1080 };
  it('restores saved bounds on a display, not ones left on a monitor that is gone', () => {
    const saved = { x: 100, y: 80, width: 900, height: 680 };
    expect(boundsOnScreen(saved, [area])).toEqual(saved);
    expect(boundsOnScreen({ x: 2500, y: 80, width: 900, height: 680 }, [area])).toBeNull();
    expect(boundsOnScreen({ x: 2500, y: 80, width: 900, height: 680 }, [area, { x: 1920, y: 0, width: 1920, height: 1080 }])).not.toBeNull();
    expect(boundsOnScreen(null, [area])).toBeNull();
  });
});
