// Runs the pinned electronegativity programmatically and writes its findings as JSON:
//   node scan.cjs <out.json> <electron version> <input dir>...   (one run per input dir)
// The CLI's own CSV writer writes the header and the rows with two unawaited fs.writeFile calls
// (util/file.js), which can race; the runner's return value is the same list, with severity and
// confidence names, in one piece. Inline `eng-disable` comments are already applied by the tool.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const run = require('@doyensec/electronegativity/dist/runner.js');

async function scan(input, electronVersion) {
  const res = await run(
    {
      input: path.resolve(input),
      isRelative: true,
      isVerbose: false,
      customScan: [],
      excludeFromScan: [],
      parserPlugins: [],
      electronVersionOverride: electronVersion || undefined,
    },
    false,
  );
  const findings = res.issues.map((i) => ({
    id: i.id,
    severity: i.severity && i.severity.name,
    confidence: i.confidence && i.confidence.name,
    file: i.file,
    line: i.location ? i.location.line : 0,
    column: i.location ? i.location.column : 0,
    sample: i.sample,
    description: i.description,
    manualReview: !!i.manualReview,
  }));
  return { input, checks: res.atomicChecks + res.globalChecks, errors: res.errors, findings };
}

async function main() {
  const [out, electronVersion, ...inputs] = process.argv.slice(2);
  if (!out || inputs.length === 0) throw new Error('usage: node scan.cjs <out.json> <electron version> <input dir>...');
  const runs = [];
  for (const input of inputs) runs.push(await scan(input, electronVersion));
  fs.writeFileSync(out, JSON.stringify({ runs }, null, 2));
}

main().catch((err) => {
  process.stderr.write(`electronegativity scan failed: ${err && err.stack ? err.stack : err}\n`);
  process.exit(2);
});
