// `npm test`: type-check, lint, then every test suite (Vitest unit + integration, Playwright e2e
// in Debian's Chromium), and one closing line `N passed, N failed, N skipped` summed from the
// runners' JSON reports. Exits non-zero when anything failed or a runner crashed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}test-results`;
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const bin = (name) => `${root}node_modules/.bin/${name}`;
let passed = 0;
let failed = 0;
let skipped = 0;
let broken = false;

function step(title, cmd, args, env = {}) {
  process.stdout.write(`\n=== ${title} ===\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function gate(title, cmd, args) {
  const status = step(title, cmd, args);
  if (status === 0) passed++;
  else {
    failed++;
    process.stdout.write(`${title}: FAILED (exit ${status})\n`);
  }
}

gate('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
if (existsSync(`${root}renderer/tsconfig.json`)) gate('typecheck renderer', bin('tsc'), ['-p', 'renderer/tsconfig.json', '--noEmit']);
if (existsSync(`${root}test/e2e/tsconfig.json`)) gate('typecheck e2e', bin('tsc'), ['-p', 'test/e2e/tsconfig.json', '--noEmit']);
if (existsSync(`${root}build/eslint.config.mjs`)) gate('lint', bin('eslint'), ['-c', 'build/eslint.config.mjs', '--max-warnings', '0', '.']);
if (existsSync(`${root}test/security/electronegativity.mjs`)) gate('electronegativity', process.execPath, ['test/security/electronegativity.mjs']);

const vitestJson = `${out}/vitest.json`;
// The chaos project runs its CI-sized version here (CHAOS_SCALE=ci); `npm run test:chaos` runs the full one.
const vStatus = step('vitest (unit + integration + short chaos)', bin('vitest'), [
  'run', '-c', 'test/vitest.config.ts', '--project', 'unit', '--project', 'integration', '--project', 'chaos',
  '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`,
], { CHAOS_SCALE: process.env.CHAOS_SCALE ?? 'ci' });
if (existsSync(vitestJson)) {
  const v = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += v.numPassedTests ?? 0;
  failed += v.numFailedTests ?? 0;
  skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
  if (vStatus !== 0 && !(v.numFailedTests > 0)) broken = true;
} else broken = true;

const pwConfig = `${root}test/e2e/playwright.config.ts`;
if (existsSync(pwConfig)) {
  const pwJson = `${out}/playwright.json`;
  const pStatus = step('playwright (Chromium e2e)', bin('playwright'), ['test', '-c', pwConfig, '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson,
  });
  if (existsSync(pwJson)) {
    const s = JSON.parse(readFileSync(pwJson, 'utf8')).stats ?? {};
    passed += (s.expected ?? 0) + (s.flaky ?? 0);
    failed += s.unexpected ?? 0;
    skipped += s.skipped ?? 0;
    if (pStatus !== 0 && !(s.unexpected > 0)) broken = true;
  } else broken = true;
}

if (broken) {
  failed++;
  process.stdout.write('a test runner crashed or wrote no report (counted as one failure)\n');
}
const summary = `${passed} passed, ${failed} failed, ${skipped} skipped`;
writeFileSync(`${out}/summary.txt`, `${summary}\n`);
process.stdout.write(`\n${summary}\n`);
process.exit(failed > 0 ? 1 : 0);
