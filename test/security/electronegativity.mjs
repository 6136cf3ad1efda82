// Security gate (`npm test` runs it when present): Doyensec's electronegativity over electron/ and
// renderer/ (https://github.com/doyensec/electronegativity), failing on any HIGH or MEDIUM finding.
//
// - The tool lives in build/tools/electronegativity/ with its own pinned package.json/lock (at the
//   root its commander clashes with ours); the first run installs it with `npm ci` there.
// - electron/ and renderer/ are copied into one temp folder and scanned together, so global checks
//   (CSP) see the renderer's <meta> CSP next to the main process code. The copied index.html gets
//   the <meta> the build writes into it (build/vite-csp.ts, from shared/csp.ts), so the scan sees
//   the policy as shipped rather than a hand-kept copy.
// - The tool itself honours `eng-disable CHECK_ID` in a comment on the finding's own line (or the
//   file's first line) and drops that finding. This gate adds the rule that every such comment must
//   say why: `// eng-disable CHECK_A CHECK_B -- reason in words`. Punctuation ends the tool's list of
//   check names, so the reason after `--` is never mistaken for one.
// - A self-test first proves the tool still reports a HIGH finding on a known-bad window and that a
//   reasoned `eng-disable` silences exactly that line, so a broken parser cannot pass the gate by
//   finding nothing.
// The tool exits 0 whatever it finds, so the gate reads its JSON output (see scan.cjs for why not CSV).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const toolDir = join(root, 'build/tools/electronegativity');
const SCANNED = ['electron', 'renderer'];
const GATED = new Set(['HIGH', 'MEDIUM']);
const SOURCE_EXT = /\.(?:[cm]?[jt]sx?|html?)$/i;
/** `eng-disable` followed by check ids, then `--` or `:` and a reason of at least 10 characters. */
const REASONED = /eng-disable[ \t]+((?:[A-Z0-9_]+_CHECK[ \t,]*)+)(?:--|:)[ \t]*(\S.{9,})/;

const fail = (msg) => {
  process.stderr.write(`electronegativity: ${msg}\n`);
  process.exit(1);
};

function ensureTool() {
  if (existsSync(join(toolDir, 'node_modules/@doyensec/electronegativity/dist/runner.js'))) return;
  process.stdout.write('electronegativity: installing build/tools/electronegativity (npm ci)…\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--prefix', toolDir, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) fail(`npm ci in ${relative(root, toolDir)} failed (exit ${r.status})`);
}

function electronVersion() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return String(pkg.devDependencies?.electron ?? pkg.dependencies?.electron ?? '').replace(/^[^\d]*/, '');
}

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* sourceFiles(p);
    else if (SOURCE_EXT.test(name)) yield p;
  }
}

/** Every `eng-disable` in the scanned sources that gives no reason. */
function unexplainedDisables() {
  const bad = [];
  for (const top of SCANNED) {
    for (const file of sourceFiles(join(root, top))) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (/eng-disable/.test(line) && !REASONED.test(line)) bad.push(`${relative(root, file)}:${i + 1}: ${line.trim().slice(0, 200)}`);
      });
    }
  }
  return bad;
}

/** Imports a TypeScript module (bundled with esbuild, a dev dependency) from Node without a loader. */
async function loadTs(file, tmp) {
  const { build } = await import('esbuild');
  const outfile = join(tmp, 'loaded-module.mjs');
  await build({ entryPoints: [file], outfile, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'warning' });
  return import(pathToFileURL(outfile).href);
}

const work = mkdtempSync(join(tmpdir(), 'qbf-electronegativity-'));
try {
  ensureTool();

  // Self-test fixtures: one known-bad window, and the same window with a reasoned disable.
  const bad = join(work, 'selftest-bad');
  const silenced = join(work, 'selftest-silenced');
  mkdirSync(bad);
  mkdirSync(silenced);
  const win = "const { BrowserWindow } = require('electron');\nconst w = new BrowserWindow({ webPreferences: { contextIsolation: false, nodeIntegration: true } });";
  writeFileSync(join(bad, 'main.js'), `${win}\nmodule.exports = w;\n`);
  writeFileSync(
    join(silenced, 'main.js'),
    `${win} // eng-disable CONTEXT_ISOLATION_JS_CHECK NODE_INTEGRATION_JS_CHECK -- self-test fixture of the gate\nmodule.exports = w;\n`,
  );

  const scanRoot = join(work, 'src');
  for (const top of SCANNED) {
    cpSync(join(root, top), join(scanRoot, top), { recursive: true, filter: (src) => !src.split(/[\\/]/).includes('node_modules') });
  }
  const { withCspMeta } = await loadTs(join(root, 'build/vite-csp.ts'), work);
  const html = join(scanRoot, 'renderer/index.html');
  writeFileSync(html, withCspMeta(readFileSync(html, 'utf8')));

  const out = join(work, 'findings.json');
  const r = spawnSync(process.execPath, [join(toolDir, 'scan.cjs'), out, electronVersion(), bad, silenced, scanRoot], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
  });
  // The tool prints "no connectivity" notes when offline (it fetches translations and Electron's release list); harmless.
  if (r.status !== 0 || !existsSync(out)) fail(`scan failed (exit ${r.status}):\n${r.stderr || r.stdout}`);
  const { runs } = JSON.parse(readFileSync(out, 'utf8'));
  const [badRun, silencedRun, realRun] = runs;

  const ids = (run) => run.findings.map((f) => f.id);
  if (!ids(badRun).includes('CONTEXT_ISOLATION_JS_CHECK') || !badRun.findings.some((f) => f.severity === 'HIGH')) {
    fail(`self-test: the tool no longer reports a HIGH finding for contextIsolation:false (got ${JSON.stringify(ids(badRun))})`);
  }
  if (ids(silencedRun).includes('CONTEXT_ISOLATION_JS_CHECK')) fail('self-test: an inline eng-disable comment was not honoured');

  const problems = [];
  if (realRun.errors?.length) problems.push(...realRun.errors.map((e) => `parse error (file not scanned): ${JSON.stringify(e).slice(0, 300)}`));
  for (const f of realRun.findings) {
    if (GATED.has(f.severity)) problems.push(`${f.severity} ${f.id} (${f.confidence}) ${f.file}:${f.line}:${f.column}  ${f.sample?.slice(0, 160)}\n    ${f.description}`);
  }
  problems.push(...unexplainedDisables().map((l) => `eng-disable without a reason ("-- why"): ${l}`));

  const shown = realRun.findings.filter((f) => !GATED.has(f.severity));
  process.stdout.write(
    `electronegativity: ${realRun.checks} checks over ${SCANNED.join('/, ')}/; ${realRun.findings.length} finding(s), ` +
      `${realRun.findings.length - shown.length} HIGH/MEDIUM\n`,
  );
  for (const f of shown) process.stdout.write(`  (not gated) ${f.severity} ${f.id} ${f.file}:${f.line}  ${f.description}\n`);
  if (problems.length) fail(`${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.stdout.write('electronegativity: OK\n');
} finally {
  rmSync(work, { recursive: true, force: true });
}
