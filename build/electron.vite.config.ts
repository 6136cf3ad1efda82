import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { cspMeta } from './vite-csp';

/**
 * electron-vite build of the desktop app (`npx electron-vite build -c build/electron.vite.config.ts`):
 * main → `out/main/index.js` (ESM, dependencies left external and shipped in node_modules),
 * preload → `out/preload/index.cjs` (CommonJS, everything bundled: a sandboxed preload can only
 * `require` a few Electron/Node built-ins, https://www.electronjs.org/docs/latest/tutorial/sandbox#preload-scripts),
 * renderer → `out/renderer` from `renderer/index.html`.
 * Paths are absolute because this file lives in build/, not the project root.
 */
const repo = fileURLToPath(new URL('..', import.meta.url));
const at = (p: string) => `${repo}${p}`;

export default defineConfig({
  main: {
    build: {
      outDir: at('out/main'),
      externalizeDeps: true,
      rollupOptions: { input: { index: at('electron/main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: at('out/preload'),
      // Sandboxed preloads cannot load node_modules: bundle zod and shared/ in.
      externalizeDeps: { exclude: ['zod'] },
      rollupOptions: {
        input: { index: at('electron/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: at('renderer'),
    base: './',
    plugins: [react(), cspMeta()],
    build: {
      outDir: at('out/renderer'),
      target: 'es2022',
      modulePreload: { polyfill: false },
      rollupOptions: { input: { index: at('renderer/index.html') } },
    },
  },
});
