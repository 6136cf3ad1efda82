import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The layering lint (build/eslint.config.mjs) reports each forbidden import, proven with
 * in-memory samples linted as if they lived in each layer (the files need not exist).
 */
const repo = path.resolve(__dirname, '../..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: repo, overrideConfigFile: path.join(repo, 'build/eslint.config.mjs') });
});

/** `no-restricted-imports` messages for `code` linted as `file` (relative to the repo). */
async function layering(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repo, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const violations: [layer: string, file: string, code: string][] = [
  ['shared', 'shared/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
  ['shared', 'shared/x.ts', "import { createEngine } from '../electron/core/engine';\nexport const a = createEngine;\n"],
  ['shared', 'shared/x.ts', "import { App } from '../renderer/src/App';\nexport const a = App;\n"],
  ['core', 'electron/core/failover/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
  ['core', 'electron/core/x.ts', "import type { BrowserWindow } from 'electron';\nexport type A = BrowserWindow;\n"],
  ['core', 'electron/core/failover/x.ts', "import { setupIpc } from '../../main/ipc';\nexport const a = setupIpc;\n"],
  ['core', 'electron/core/x.ts', "import { main } from '../cli/main';\nexport const a = main;\n"],
  ['core', 'electron/core/queue/x.ts', "import { makeApi } from '../../preload/make-api';\nexport const a = makeApi;\n"],
  ['core', 'electron/core/x.ts', "import { useStore } from '../../renderer/src/store/app-store';\nexport const a = useStore;\n"],
  ['core', 'electron/core/x.ts', "export { setupIpc } from '../main/ipc';\n"],
  ['cli', 'electron/cli/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
  ['cli', 'electron/cli/x.ts', "import { setupIpc } from '../main/ipc';\nexport const a = setupIpc;\n"],
  ['renderer', 'renderer/src/views/X.tsx', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n"],
  ['renderer', 'renderer/src/views/X.tsx', "import { createEngine } from '../../../electron/core/engine';\nexport const a = createEngine;\n"],
  ['renderer', 'renderer/src/lib/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n"],
  ['renderer', 'renderer/src/lib/x.ts', "import path from 'path';\nexport const a = path;\n"],
  ['renderer', 'renderer/src/lib/x.ts', "import { readFile } from 'fs/promises';\nexport const a = readFile;\n"],
  ['main: raw ipcMain', 'electron/main/window/window.ts', "import { ipcMain } from 'electron';\nexport const a = ipcMain;\n"],
  ['main: raw ipcMain beside the wrapper', 'electron/main/ipc/dispatcher.ts', "import { ipcMain } from 'electron';\nexport const a = ipcMain;\n"],
  ['main: raw ipcRenderer', 'electron/main/tray/tray.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n"],
  ['main/ipc/ipc-main.ts: raw ipcRenderer', 'electron/main/ipc/ipc-main.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n"],
  ['main: renderer (from a feature folder)', 'electron/main/tray/x.ts', "import { App } from '../../../renderer/src/App';\nexport const a = App;\n"],
  ['shared: core (a new shared single source)', 'shared/limits.ts', "import { sha1Hex } from '../electron/core/digest';\nexport const a = sha1Hex;\n"],
  ['main: renderer', 'electron/main/x.ts', "import { App } from '../../renderer/src/App';\nexport const a = App;\n"],
  ['preload: raw ipcMain', 'electron/preload/index.ts', "import { ipcMain } from 'electron';\nexport const a = ipcMain;\n"],
];

describe('layering lint', () => {
  it.each(violations)('reports a %s violation in %s: %s', async (_layer, file, code) => {
    expect(await layering(file, code)).not.toEqual([]);
  });

  const allowed: [file: string, code: string][] = [
    ['shared/x.ts', "import { z } from 'zod';\nexport const a = z;\n"],
    ['electron/core/x.ts', "import { LIMITS } from '../../shared/contract';\nimport fs from 'node:fs';\nexport const a = [LIMITS, fs];\n"],
    ['electron/core/failover/x.ts', "import { QueueStore } from '../queue';\nexport const a = QueueStore;\n"],
    ['electron/cli/x.ts', "import { createEngine } from '../core/engine';\nexport const a = createEngine;\n"],
    ['electron/main/ipc/ipc-main.ts', "import { ipcMain } from 'electron';\nexport const a = ipcMain;\n"],
    ['electron/main/window/window.ts', "import { BrowserWindow } from 'electron';\nimport { createEngine } from '../../core/engine';\nexport const a = [BrowserWindow, createEngine];\n"],
    ['electron/main/security/app-scheme.ts', "import { CONTENT_SECURITY_POLICY } from '../../../shared/csp';\nexport const a = CONTENT_SECURITY_POLICY;\n"],
    ['electron/core/queue/x.ts', "import { LIMITS } from '../../../shared/limits';\nimport { sha1Hex } from '../digest';\nexport const a = [LIMITS, sha1Hex];\n"],
    ['electron/preload/index.ts', "import { contextBridge, ipcRenderer } from 'electron';\nexport const a = [contextBridge, ipcRenderer];\n"],
    ['renderer/src/lib/x.ts', "import { LIMITS } from '../../../shared/contract';\nimport { create } from 'zustand';\nexport const a = [LIMITS, create];\n"],
  ];
  it.each(allowed)('allows %s: %s', async (file, code) => {
    expect(await layering(file, code)).toEqual([]);
  });

  // Runs the whole eslint config over the source tree: ~10 s on an idle 2-core machine, past the
  // unit project's 20 s default when the machine is loaded (CI, other suites running).
  const WHOLE_LINT_TIMEOUT_MS = 120_000;

  it('the repository itself is clean under the layering rule', { timeout: WHOLE_LINT_TIMEOUT_MS }, async () => {
    const results = await eslint.lintFiles(['shared', 'electron', 'renderer/src']);
    const hits = results.flatMap((r) =>
      r.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => `${path.relative(repo, r.filePath)}:${m.line} ${m.message}`),
    );
    expect(hits).toEqual([]);
  });
});
