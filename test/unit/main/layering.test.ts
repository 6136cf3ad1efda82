import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Guards in the spirit of GitHub Desktop's lint rule: raw `ipcMain` only in `ipc/ipc-main.ts`, raw
 * `ipcRenderer` only in the preload entry, and the pure modules never import 'electron' (so they
 * stay testable here, where the Electron binary cannot run).
 */
const repo = path.resolve(__dirname, '../../..');
/** Every `.ts` file under `dir` (repository-relative, `/`-separated), with its text. */
const src = (dir: string): { file: string; text: string }[] =>
  readdirSync(path.join(repo, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? src(`${dir}/${e.name}`)
      : e.name.endsWith('.ts')
        ? [{ file: `${dir}/${e.name}`, text: readFileSync(path.join(repo, dir, e.name), 'utf8') }]
        : [],
  );
const code = (t: string) => t.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

/** The pure modules of the shell (repository-relative); each must exist. */
const PURE = [
  'electron/main/tray/state.ts', 'electron/main/tray/icons.ts', 'electron/main/launch/args.ts',
  'electron/main/launch/pending.ts', 'electron/main/window/options.ts', 'electron/main/security/policy.ts',
  'electron/main/ipc/dispatcher.ts', 'electron/main/notifications/rules.ts', 'electron/main/security/secret-store.ts',
  'electron/main/os/login-item.ts', 'electron/main/engine/types.ts',
  'electron/main/desktop/recent.ts', 'electron/main/desktop/prompts.ts', 'electron/main/desktop/desktop-data.ts',
  'electron/main/desktop/desktop-backend.ts',
];

describe('main/preload layering', () => {
  it('uses ipcMain only in electron/main/ipc/ipc-main.ts', () => {
    const users = src('electron/main').filter((f) => /\bipcMain\b/.test(code(f.text))).map((f) => f.file);
    expect(users).toEqual(['electron/main/ipc/ipc-main.ts']);
  });

  it('uses ipcRenderer only in electron/preload/index.ts, and never exposes it or process', () => {
    const users = src('electron/preload').filter((f) => /\bipcRenderer\b/.test(code(f.text))).map((f) => f.file);
    expect(users).toEqual(['electron/preload/index.ts']);
    const preload = code(readFileSync(path.join(repo, 'electron/preload/index.ts'), 'utf8'));
    expect(preload.match(/exposeInMainWorld/g)).toHaveLength(1);
    expect(preload).not.toMatch(/\bprocess\b/);
  });

  it('pure modules do not import electron (type-only imports are erased)', () => {
    const pure = src('electron/main').filter((f) => PURE.includes(f.file));
    expect(pure.map((f) => f.file).sort()).toEqual([...PURE].sort());
    for (const f of pure) {
      const valueImport = /^import\s+(?!type\b)[^;]*from\s+['"]electron['"]/m.test(f.text);
      expect(valueImport, f.file).toBe(false);
    }
  });
});
