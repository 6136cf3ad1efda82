import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Guards in the spirit of GitHub Desktop's lint rule: raw `ipcMain` only in `ipc.ts`, raw
 * `ipcRenderer` only in the preload entry, and the pure modules never import 'electron' (so they
 * stay testable here, where the Electron binary cannot run).
 */
const repo = path.resolve(__dirname, '../../..');
const src = (dir: string) =>
  readdirSync(path.join(repo, dir))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: `${dir}/${f}`, text: readFileSync(path.join(repo, dir, f), 'utf8') }));
const code = (t: string) => t.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

const PURE = [
  'tray-state.ts', 'icons.ts', 'launch-args.ts', 'pending-launches.ts', 'window-options.ts', 'security-policy.ts',
  'ipc-guard.ts', 'notifications.ts', 'safe-storage-secret-store.ts', 'login-item.ts', 'engine-types.ts',
];

describe('main/preload layering', () => {
  it('uses ipcMain only in electron/main/ipc.ts', () => {
    const users = src('electron/main').filter((f) => /\bipcMain\b/.test(code(f.text))).map((f) => f.file);
    expect(users).toEqual(['electron/main/ipc.ts']);
  });

  it('uses ipcRenderer only in electron/preload/index.ts, and never exposes it or process', () => {
    const users = src('electron/preload').filter((f) => /\bipcRenderer\b/.test(code(f.text))).map((f) => f.file);
    expect(users).toEqual(['electron/preload/index.ts']);
    const preload = code(readFileSync(path.join(repo, 'electron/preload/index.ts'), 'utf8'));
    expect(preload.match(/exposeInMainWorld/g)).toHaveLength(1);
    expect(preload).not.toMatch(/\bprocess\b/);
  });

  it('pure modules do not import electron (type-only imports are erased)', () => {
    for (const f of src('electron/main').filter((f) => PURE.includes(path.basename(f.file)))) {
      const valueImport = /^import\s+(?!type\b)[^;]*from\s+['"]electron['"]/m.test(f.text);
      expect(valueImport, f.file).toBe(false);
    }
  });
});
