// ESLint flat config (`npm run lint`; `npm test` runs it with --max-warnings 0 over the whole repo).
// TypeScript recommended rules without type information (fast), plus the LAYERING rule of
// ../shared/conventions.md, modelled on VS Code's code-layering lint and GitHub Desktop's ban on
// raw ipcMain/ipcRenderer:
//   shared/          imports nothing of ours (no electron/, no renderer/, no 'electron')
//   electron/core/   imports shared/ only: no 'electron', no electron/main|cli|preload, no renderer/
//   electron/cli/    plain Node: no 'electron', no electron/main|preload, no renderer/
//   electron/main|preload  core + shared; never renderer/
//   renderer/src/    imports shared/ only: no electron/, no 'electron', no Node builtins
//   ipcMain          only in electron/main/ipc/ipc-main.ts (the one module wrapping it)
//   ipcRenderer      only in electron/preload/
// ESLint cannot resolve relative paths in `no-restricted-imports`, so each layer bans, by regex,
// relative specifiers that climb (`../`) into a forbidden folder. Flat config replaces (does not
// merge) a rule's options per matching object, so every layer below lists its complete set and
// the file globs are disjoint.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** A relative specifier that reaches into one of `dirs` (e.g. `../../main/ipc`, `../renderer/src/x`). */
const into = (dirs) => `^\\.{1,2}/(?:.*/)?(?:${dirs.join('|')})(?:/|$)`;

const ELECTRON_ALL = { name: 'electron', message: 'This layer never imports Electron (see ../shared/conventions.md).' };
const NO_IPC_MAIN = {
  name: 'electron',
  importNames: ['ipcMain'],
  message: 'Raw ipcMain only in electron/main/ipc/ipc-main.ts; register handlers through setupIpc().',
};
const NO_IPC_RENDERER = {
  name: 'electron',
  importNames: ['ipcRenderer'],
  message: 'Raw ipcRenderer only in electron/preload/; the renderer gets the contract API from the preload.',
};
const NOT_RENDERER = { regex: into(['renderer']), message: 'Nothing outside renderer/ imports the renderer.' };
const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));

const restrict = (paths, patterns) => ({ 'no-restricted-imports': ['error', { paths, patterns }] });

/** Layering rules by folder; exported so test/unit/lint-layering.test.ts can name them. */
export const layers = [
  {
    name: 'layering/shared',
    files: ['shared/**/*.{ts,tsx,mts,js,mjs}'],
    rules: restrict([ELECTRON_ALL], [
      { regex: into(['electron', 'renderer']), message: 'shared/ imports nothing of ours: no electron/ or renderer/.' },
    ]),
  },
  {
    name: 'layering/core',
    files: ['electron/core/**/*.{ts,tsx,mts,js,mjs}'],
    rules: restrict([ELECTRON_ALL], [
      { regex: into(['main', 'cli', 'preload']), message: 'electron/core is plain Node: it never imports the shells (main, cli, preload).' },
      NOT_RENDERER,
    ]),
  },
  {
    name: 'layering/cli',
    files: ['electron/cli/**/*.{ts,tsx,mts,js,mjs}'],
    rules: restrict([ELECTRON_ALL], [
      { regex: into(['main', 'preload']), message: 'The CLI runs in plain Node: it never imports the Electron shell or preload.' },
      NOT_RENDERER,
    ]),
  },
  {
    name: 'layering/main',
    files: ['electron/main/**/*.{ts,tsx,mts,js,mjs}'],
    ignores: ['electron/main/ipc/ipc-main.ts'],
    rules: restrict([NO_IPC_MAIN, NO_IPC_RENDERER], [NOT_RENDERER]),
  },
  {
    name: 'layering/main-ipc',
    files: ['electron/main/ipc/ipc-main.ts'],
    rules: restrict([NO_IPC_RENDERER], [NOT_RENDERER]),
  },
  {
    name: 'layering/preload',
    files: ['electron/preload/**/*.{ts,tsx,mts,js,mjs}'],
    rules: restrict([NO_IPC_MAIN], [NOT_RENDERER]),
  },
  {
    name: 'layering/renderer',
    files: ['renderer/src/**/*.{ts,tsx,mts,js,mjs}'],
    rules: restrict(
      [ELECTRON_ALL, ...nodeBuiltins.map((name) => ({ name, message: 'The renderer never uses Node built-ins.' }))],
      [
        { regex: into(['electron']), message: 'The renderer imports only shared/ (the contract), never electron/.' },
        { regex: '^node:', message: 'The renderer never uses Node built-ins.' },
      ],
    ),
  },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'out/**', 'dist/**', 'test-results/**', 'playwright-report/**', 'test/.tmp/**', 'build/tools/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    name: 'project/base',
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Tests poke at parsed JSON and hostile values; `any` there is a tool, not a leak into the product.
    name: 'project/tests',
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  { name: 'project/renderer-globals', files: ['renderer/src/**'], languageOptions: { globals: { ...globals.browser } } },
  {
    // CommonJS files (the `electron` stand-in of test/unit/main/boot.test.ts) load modules with require().
    name: 'project/commonjs',
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...layers,
);
