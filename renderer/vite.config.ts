import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { cspMeta } from '../build/vite-csp.js';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('..', import.meta.url));

/** Renderer build: `npx vite build --config renderer/vite.config.ts` → `out/renderer` (relative asset URLs for file:// and the dashboard). */
export default defineConfig({
  root: here,
  base: './',
  plugins: [react(), cspMeta()],
  build: {
    outDir: `${repo}out/renderer`,
    emptyOutDir: true,
    target: 'es2022',
    // The polyfill is not needed by Chromium and keeps the bundle free of injected helpers.
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: { fs: { allow: [repo] } },
});
