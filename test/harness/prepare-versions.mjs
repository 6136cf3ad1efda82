#!/usr/bin/env node
// Makes the qBittorrent versions the tests run against available on this machine (needs root
// and deb.debian.org for a first build): `node test/harness/prepare-versions.mjs [5.1 5.3 ...]`
// (default: all), `--refresh` rebuilds even when a cached tree exists, `--unmount` undoes the
// bind mounts. Prints one line per version; exits 0 even when a version cannot be installed —
// test/run-all.mjs then reports that version's suites as not run (skipped), never as passed.
import { VERSIONS, prepareVersion, resolveVersion, unmount } from './qbt-versions.mjs';

const args = process.argv.slice(2);
const labels = args.filter((a) => !a.startsWith('--'));
const wanted = labels.length ? labels : Object.keys(VERSIONS);

if (args.includes('--unmount')) {
  for (const label of wanted) {
    const r = resolveVersion(label);
    if (r.root) unmount(r.root);
  }
  process.exit(0);
}

for (const label of wanted) {
  const t0 = Date.now();
  const r = prepareVersion(label, { refresh: args.includes('--refresh'), log: (l) => process.stdout.write(`  ${l}\n`) });
  const took = ((Date.now() - t0) / 1000).toFixed(1);
  process.stdout.write(r.missing ? `qBittorrent ${label}: NOT AVAILABLE (${r.missing})\n` : `qBittorrent ${label}: ${r.version} ${r.root ? `in ${r.root}` : '(host)'} [${took} s]\n`);
}
