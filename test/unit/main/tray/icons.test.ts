import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { iconPathFor, TRAY_IMAGES_DIR } from '../../../../electron/main/tray/icons';
import type { TrayColor } from '../../../../electron/main/tray/state';

const repo = path.resolve(__dirname, '../../../..');
const COLORS: TrayColor[] = ['green', 'amber', 'red', 'grey'];

describe('iconPathFor', () => {
  it('macOS uses template images (one shape per state), Windows 32 px, Linux 24 px', () => {
    expect(path.basename(iconPathFor('green', 'darwin', false, '/r', repo))).toBe('trayTemplate.png');
    expect(path.basename(iconPathFor('red', 'darwin', false, '/r', repo))).toBe('trayRedTemplate.png');
    expect(path.basename(iconPathFor('amber', 'win32', false, '/r', repo))).toBe('tray-amber-32.png');
    expect(path.basename(iconPathFor('grey', 'linux', false, '/r', repo))).toBe('tray-grey-24.png');
  });

  it('packaged: under process.resourcesPath/tray (electron-builder extraResources)', () => {
    expect(iconPathFor('green', 'linux', true, '/opt/qbf/resources', '/opt/qbf/resources/app.asar')).toBe(path.join('/opt/qbf/resources', 'tray', 'tray-green-24.png'));
  });

  it('every icon it can pick exists in the source tree as a real PNG, with an @2x sibling', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      for (const c of COLORS) {
        const p = iconPathFor(c, platform, false, '/r', repo);
        expect(existsSync(p), p).toBe(true);
        expect(readFileSync(p).subarray(1, 4).toString('ascii')).toBe('PNG');
        expect(existsSync(p.replace(/\.png$/, '@2x.png')), p).toBe(true);
      }
    }
  });

  it('electron-builder ships the tray folder as extraResources "tray"', () => {
    const yml = readFileSync(path.join(repo, 'build', 'electron-builder.yml'), 'utf8');
    expect(yml).toContain(`from: ${TRAY_IMAGES_DIR}\n    to: tray`);
  });

  it('keeps one copy of the tray PNGs: none under build/ (a second copy drifts)', () => {
    const build = path.join(repo, 'build');
    const pngs = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? (e.name === 'tools' ? [] : pngs(path.join(dir, e.name))) : /^tray.*\.png$/.test(e.name) ? [e.name] : [],
      );
    expect(pngs(build)).toEqual([]);
    expect(readdirSync(path.join(repo, TRAY_IMAGES_DIR)).filter((f) => f.endsWith('.png'))).toHaveLength(32);
  });
});
