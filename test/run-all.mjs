// `npm test`: type-check, lint, then every test suite (Vitest unit + integration + CI-sized chaos,
// Playwright e2e in Debian's Chromium) against qBittorrent 4.5 (the host's package), plus the
// runs against the newer versions users have (test/harness/qbt-versions.mjs): integration on
// 5.3 and 5.1, chaos and e2e on 5.3, and a mixed cluster (5.3 primary, 4.5 secondary). One
// closing line `N passed, N failed, N skipped` summed from the runners' JSON reports; a run whose
// qBittorrent version is not installed counts as one skipped line naming it, never as passed.
// Exits non-zero when anything failed or a runner crashed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { resolveVersion } from './harness/qbt-versions.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}test-results`;
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const bin = (name) => `${root}node_modules/.bin/${name}`;
let passed = 0;
let failed = 0;
let skipped = 0;
let broken = false;
/** One row per suite run, for the summary: title, versions, counts, seconds. */
const runs = [];
/**
 * Each failed test as `run: file > name: first line of its error`, repeated in the summary so a
 * CI log that keeps only its tail still says which test failed and why.
 */
const failures = [];
/** Each test that failed and then passed on its one retry, in the same form: a pass, but named. */
const flaky = [];
/** First non-empty line of a runner's failure message, without ANSI colours, at most 300 chars. */
const firstLine = (m) => stripVTControlCharacters(String(m ?? '')).split('\n').map((l) => l.trim()).find((l) => l) ?? '';

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

/** Counts one run's results into the totals and the summary table. */
function count(title, versions, p, f, s, seconds) {
  passed += p;
  failed += f;
  skipped += s;
  runs.push({ title, versions, line: `${p} passed, ${f} failed, ${s} skipped`, seconds });
}

/**
 * The qBittorrent servers a run needs (labels): their exact versions, or null after recording
 * the run as one skipped line naming the version that is not installed.
 */
function serversFor(title, labels) {
  const found = labels.map((l) => resolveVersion(l));
  const missing = found.find((v) => v.missing !== undefined);
  if (missing) {
    process.stdout.write(`\n=== ${title} ===\nSKIPPED: qBittorrent ${missing.label} not available (${missing.missing})\n`);
    skipped++;
    runs.push({ title, versions: `${missing.label} NOT AVAILABLE`, line: 'not run (1 skipped)', seconds: 0 });
    return null;
  }
  return [...new Set(found.map((v) => v.version))].join(' + ');
}

/** One Vitest run of `projects` (and optional file filters) with `env`, reported as JSON `name`. */
function vitest(title, name, { projects, files = [], exclude = [], env = {}, labels, sequential = false }) {
  const versions = serversFor(title, labels);
  if (!versions) return;
  const json = `${out}/${name}.json`;
  const t0 = Date.now();
  const status = step(`${title} [${versions}]`, bin('vitest'), [
    'run', '-c', 'test/vitest.config.ts', ...projects.flatMap((p) => ['--project', p]), ...files,
    ...exclude.flatMap((e) => ['--exclude', e]), ...(sequential ? ['--no-file-parallelism'] : []),
    '--reporter=default', '--reporter=json', `--outputFile.json=${json}`,
  ], env);
  const seconds = (Date.now() - t0) / 1000;
  if (!existsSync(json)) {
    broken = true;
    runs.push({ title, versions, line: 'runner crashed (no report)', seconds });
    return;
  }
  const v = JSON.parse(readFileSync(json, 'utf8'));
  for (const file of v.testResults ?? []) {
    for (const a of file.assertionResults ?? []) {
      const line = `${title}: ${file.name.replace(root, '')} > ${a.fullName}: ${firstLine(a.failureMessages?.[0]).slice(0, 300)}`;
      if (a.status === 'failed') failures.push(line);
      // Vitest keeps the failed attempt's error on a test that passed on its retry.
      else if (a.status === 'passed' && (a.failureMessages?.length ?? 0) > 0) flaky.push(line);
    }
    if (file.status === 'failed' && !(file.assertionResults ?? []).some((a) => a.status === 'failed')) {
      failures.push(`${title}: ${file.name.replace(root, '')}: ${firstLine(file.message).slice(0, 300)}`);
    }
  }
  count(title, versions, v.numPassedTests ?? 0, v.numFailedTests ?? 0, (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0), seconds);
  if (status !== 0 && !(v.numFailedTests > 0)) broken = true;
}

/** One Playwright run of the e2e specs with `env`, reported as JSON `name`. */
function playwright(title, name, { env = {}, labels }) {
  const pwConfig = `${root}test/e2e/playwright.config.ts`;
  if (!existsSync(pwConfig)) return;
  const versions = serversFor(title, labels);
  if (!versions) return;
  const json = `${out}/${name}.json`;
  const t0 = Date.now();
  const status = step(`${title} [${versions}]`, bin('playwright'), ['test', '-c', pwConfig, '--reporter=list,json'], {
    ...env,
    PLAYWRIGHT_JSON_OUTPUT_NAME: json,
    QBF_E2E_OUTPUT_DIR: `${out}/${name}-artifacts`,
  });
  const seconds = (Date.now() - t0) / 1000;
  if (!existsSync(json)) {
    broken = true;
    runs.push({ title, versions, line: 'runner crashed (no report)', seconds });
    return;
  }
  const report = JSON.parse(readFileSync(json, 'utf8'));
  const s = report.stats ?? {};
  // Suites are the spec file (titled by its path) and its describe blocks: a test's name is its describes' titles and its own.
  const walk = (suite, path) => {
    const here = suite.title && suite.title !== suite.file ? [...path, suite.title] : path;
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status === 'unexpected' || t.status === 'flaky') {
          const err = t.results?.find((r) => r.error)?.error?.message;
          (t.status === 'flaky' ? flaky : failures).push(`${title}: ${spec.file} > ${[...here, spec.title].join(' > ')}: ${firstLine(err).slice(0, 300)}`);
        }
      }
    }
    for (const child of suite.suites ?? []) walk(child, here);
  };
  // A run that failed outside any test (global setup): its errors, named.
  for (const e of report.errors ?? []) failures.push(`${title}: ${firstLine(e.message).slice(0, 300)}`);
  for (const suite of report.suites ?? []) walk(suite, []);
  count(title, versions, (s.expected ?? 0) + (s.flaky ?? 0), s.unexpected ?? 0, s.skipped ?? 0, seconds);
  if (status !== 0 && !(s.unexpected > 0)) broken = true;
}

gate('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
if (existsSync(`${root}renderer/tsconfig.json`)) gate('typecheck renderer', bin('tsc'), ['-p', 'renderer/tsconfig.json', '--noEmit']);
if (existsSync(`${root}test/e2e/tsconfig.json`)) gate('typecheck e2e', bin('tsc'), ['-p', 'test/e2e/tsconfig.json', '--noEmit']);
if (existsSync(`${root}build/eslint.config.mjs`)) gate('lint', bin('eslint'), ['-c', 'build/eslint.config.mjs', '--max-warnings', '0', '.']);
if (existsSync(`${root}test/security/electronegativity.mjs`)) gate('electronegativity', process.execPath, ['test/security/electronegativity.mjs']);

// The chaos project runs its CI-sized version (CHAOS_SCALE=ci); `npm run test:chaos` runs the full one.
const chaosScale = process.env.CHAOS_SCALE ?? 'ci';
vitest('vitest unit + integration + chaos, qBittorrent 4.5', 'vitest', {
  projects: ['unit', 'integration', 'chaos'], env: { CHAOS_SCALE: chaosScale, QBT_VERSION: '4.5', QBT_PRIMARY_VERSION: '' }, labels: ['4.5'],
});
playwright('playwright e2e, qBittorrent 4.5', 'playwright', { env: { QBT_VERSION: '4.5', QBT_PRIMARY_VERSION: '' }, labels: ['4.5'] });
// What most users run. The mixed cluster: a 5.3 seedbox as primary, a local 4.5 as secondary,
// through the failover, queue/flush and pause/resume tests of the CLI.
vitest('mixed cluster: 5.3 primary + 4.5 secondary (CLI failover, queue/flush, pause/resume)', 'vitest-mixed', {
  projects: ['integration'], files: ['test/integration/cli-failover.test.ts', 'test/integration/cli-queue.test.ts'],
  env: { QBT_VERSION: '4.5', QBT_PRIMARY_VERSION: '5.3' }, labels: ['5.3', '4.5'],
  // One file at a time: cli-queue restarting its 5.3 beside cli-failover's 2 s failover check
  // starved the CLI of CPU on a loaded 2-core machine (2.0-2.5 s measured; 0.5-0.9 s alone).
  sequential: true,
});
vitest('vitest integration, qBittorrent 5.3', 'vitest-5.3-integration', { projects: ['integration'], env: { QBT_VERSION: '5.3', QBT_PRIMARY_VERSION: '' }, labels: ['5.3'] });
vitest('vitest chaos, qBittorrent 5.3', 'vitest-5.3-chaos', { projects: ['chaos'], env: { CHAOS_SCALE: chaosScale, QBT_VERSION: '5.3', QBT_PRIMARY_VERSION: '' }, labels: ['5.3'] });
playwright('playwright e2e, qBittorrent 5.3', 'playwright-5.3', { env: { QBT_VERSION: '5.3', QBT_PRIMARY_VERSION: '' }, labels: ['5.3'] });
vitest('vitest integration, qBittorrent 5.1', 'vitest-5.1-integration', { projects: ['integration'], env: { QBT_VERSION: '5.1', QBT_PRIMARY_VERSION: '' }, labels: ['5.1'] });

if (broken) {
  failed++;
  process.stdout.write('a test runner crashed or wrote no report (counted as one failure)\n');
}
const table = runs.map((r) => `  ${r.title} [${r.versions}]: ${r.line} (${r.seconds.toFixed(0)} s)`).join('\n');
const failedList = [
  ...(flaky.length > 0 ? [`passed only on their retry (flaky; counted as passed):\n${flaky.map((f) => `  ${f}`).join('\n')}`] : []),
  ...(failures.length > 0 ? [`failed tests:\n${failures.map((f) => `  ${f}`).join('\n')}`] : []),
].map((part) => `\n\n${part}`).join('');
const summary = `${passed} passed, ${failed} failed, ${skipped} skipped`;
writeFileSync(`${out}/summary.txt`, `${table}${failedList}\n${summary}\n`);
process.stdout.write(`\n=== summary (qBittorrent versions as \`qbittorrent-nox --version\` reports them) ===\n${table}${failedList}\n\n${summary}\n`);
process.exit(failed > 0 ? 1 : 0);
