// The qBittorrent versions the tests run against, and where their binaries come from
// (facts: ../shared/qbittorrent-facts.md, "Newer versions"). One owner for the version table:
// the harness (qbittorrent.ts), the prepare script and test/run-all.mjs all import this module.
//
// 4.5 is the host's Debian bookworm package (/usr/bin/qbittorrent-nox). 5.1 (trixie) and 5.3
// (sid) live in Debian chroots built with mmdebstrap under CACHE_ROOT/<suite>-<yyyymmdd>/ by
// `node test/harness/prepare-versions.mjs` (CI: .ci/run). Tests never build a tree; they only
// find one (the newest that answers the label's version) and bind-mount /tmp, /proc and /dev.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';

/** Where chroot trees are cached between runs (override: QBF_QBT_CACHE). */
export const CACHE_ROOT = process.env.QBF_QBT_CACHE ?? '/var/cache/qbit-failover-test';

/** The version a test gets when QBT_VERSION is not set. */
export const DEFAULT_VERSION = '4.5';

/**
 * Supported labels → origin. `suite` null = the host binary; otherwise a Debian suite whose
 * qbittorrent-nox must report `v<label>.x`. `aptOpts`: sid's Release file is expired on the
 * mirror, so validity is not checked there.
 */
export const VERSIONS = {
  '4.5': { suite: null, binary: process.env.QBF_QBITTORRENT_NOX ?? '/usr/bin/qbittorrent-nox', aptOpts: [] },
  '5.1': { suite: 'trixie', binary: '/usr/bin/qbittorrent-nox', aptOpts: [] },
  '5.3': { suite: 'sid', binary: '/usr/bin/qbittorrent-nox', aptOpts: ['Acquire::Check-Valid-Until "false"'] },
};

/** The label chosen by QBT_VERSION (default 4.5). Throws on an unknown label. */
export function selectedVersion() {
  const v = process.env.QBT_VERSION || DEFAULT_VERSION;
  if (!(v in VERSIONS)) throw new Error(`QBT_VERSION=${v}: expected one of ${Object.keys(VERSIONS).join(', ')}`);
  return v;
}

/**
 * The label for an instance in the primary role: QBT_PRIMARY_VERSION, else {@link selectedVersion}.
 * `QBT_VERSION=4.5 QBT_PRIMARY_VERSION=5.3` runs the mixed cluster users have (a 5.3 seedbox
 * primary, a 4.5 local fallback).
 */
export function primaryVersion() {
  const v = process.env.QBT_PRIMARY_VERSION;
  if (!v) return selectedVersion();
  if (!(v in VERSIONS)) throw new Error(`QBT_PRIMARY_VERSION=${v}: expected one of ${Object.keys(VERSIONS).join(', ')}`);
  return v;
}

/** `qbittorrent-nox --version` (e.g. `v5.3.0`) of the binary, run inside `root` when given; null when it does not run. */
function versionOf(binary, root) {
  const [cmd, args] = root ? ['chroot', [root, binary, '--version']] : [binary, ['--version']];
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000, env: root ? chrootEnv() : process.env });
  if (r.status !== 0) return null;
  const m = /v\d+\.\d+\.\d+\S*/.exec(r.stdout);
  return m ? m[0] : null;
}

/** True when `version` (`v5.3.0`) belongs to `label` (`5.3`). */
function matches(label, version) {
  return version !== null && version.startsWith(`v${label}.`);
}

/** Environment for a process inside a chroot: nothing host-specific (TMPDIR, XDG dirs) leaks in. */
export function chrootEnv() {
  return { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C.UTF-8' };
}

/** Tree directories for `suite`, newest first (`<suite>-<yyyymmdd>`; unfinished `.tmp` builds excluded). */
function treesOf(suite) {
  if (!existsSync(CACHE_ROOT)) return [];
  return readdirSync(CACHE_ROOT)
    .filter((d) => new RegExp(`^${suite}-\\d{8}$`).test(d))
    .sort()
    .reverse()
    .map((d) => join(CACHE_ROOT, d));
}

/** Resolved servers by label, so a test process checks each tree once. */
const resolved = new Map();

/**
 * Where the server of `label` is: `{ label, version, root, binary }` (root null for the host
 * binary; version exact, e.g. `v5.3.0`), or `{ label, missing }` with the reason it cannot run.
 */
export function resolveVersion(label) {
  const cached = resolved.get(label);
  if (cached) return cached;
  const spec = VERSIONS[label];
  let out;
  if (!spec) out = { label, missing: `unknown qBittorrent version ${label}` };
  else if (!spec.suite) {
    const version = existsSync(spec.binary) ? versionOf(spec.binary, null) : null;
    out = matches(label, version)
      ? { label, version, root: null, binary: spec.binary }
      : { label, missing: `${spec.binary} is ${version ?? 'missing'} (apt-get install qbittorrent-nox on bookworm)` };
  } else {
    out = { label, missing: `no ${spec.suite} tree under ${CACHE_ROOT} (run: node test/harness/prepare-versions.mjs ${label})` };
    for (const root of treesOf(spec.suite)) {
      const version = versionOf(spec.binary, root);
      if (matches(label, version)) {
        out = { label, version, root, binary: spec.binary };
        break;
      }
      if (version) out = { label, missing: `${root} holds ${version}, not ${label}.x` };
    }
  }
  resolved.set(label, out);
  return out;
}

/** Whether `path` is a mount point (`mountpoint -q`). */
function isMountPoint(path) {
  return spawnSync('mountpoint', ['-q', path]).status === 0;
}

/**
 * Bind-mounts /tmp and /dev and mounts proc into the chroot `root` (each only when not yet a
 * mount point), so profiles under /tmp have the same path inside. Needs root; throws when a
 * mount fails.
 */
export function ensureMounts(root) {
  const mounts = [
    ['tmp', ['--bind', '/tmp']],
    ['proc', ['-t', 'proc', 'proc']],
    ['dev', ['--bind', '/dev']],
  ];
  for (const [dir, args] of mounts) {
    const target = join(root, dir);
    if (isMountPoint(target)) continue;
    const r = spawnSync('mount', [...args, target], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mount ${args.join(' ')} ${target} failed: ${(r.stderr || '').trim()}`);
  }
}

/** Unmounts what {@link ensureMounts} mounted in `root` (ignores what is not mounted). */
export function unmount(root) {
  for (const dir of ['dev', 'proc', 'tmp']) {
    const target = join(root, dir);
    if (isMountPoint(target)) spawnSync('umount', [target]);
  }
}

/**
 * Deletes a half-built tree. `--one-file-system`, after unmounting: never follow a bind mount
 * of /tmp or /dev (mmdebstrap mounts inside the tree while it works).
 */
function removeTree(dir) {
  unmount(dir);
  for (const sub of ['sys', 'proc', 'dev']) spawnSync('umount', ['-R', join(dir, sub)], { stdio: 'ignore' });
  // /tmp is often on the same device as the tree, so --one-file-system alone would not stop
  // rm at a bind mount: refuse outright while anything is still mounted inside.
  const still = spawnSync('findmnt', ['-rn', '-o', 'TARGET'], { encoding: 'utf8' }).stdout.split('\n').filter((t) => t.startsWith(`${dir}/`));
  if (still.length) throw new Error(`not deleting ${dir}: still mounted inside (${still.join(', ')})`);
  spawnSync('rm', ['-rf', '--one-file-system', dir], { stdio: 'ignore' });
}

/** Today as yyyymmdd (UTC): the cache key of a new tree. */
function today() {
  return new Date().toISOString().slice(0, 10).replace(/-/g, '');
}

/**
 * Makes `label` runnable: reuses the newest cached tree that answers the right version, else
 * builds one with mmdebstrap (~15-60 s, ~220 MB, needs root and deb.debian.org) into
 * `<suite>-<yyyymmdd>.tmp` and renames it when complete. `refresh` builds even when a tree exists.
 * Returns {@link resolveVersion}'s answer; never throws for a failed build (the answer says `missing`).
 * `log` receives progress lines.
 */
export function prepareVersion(label, { refresh = false, log = () => {} } = {}) {
  const spec = VERSIONS[label];
  if (!spec) return { label, missing: `unknown qBittorrent version ${label}` };
  resolved.delete(label);
  if (!spec.suite) return resolveVersion(label);
  const have = resolveVersion(label);
  if (!have.missing && !refresh) {
    log(`${label}: reusing ${have.root} (${have.version})`);
    ensureMounts(have.root);
    return have;
  }
  const dest = join(CACHE_ROOT, `${spec.suite}-${today()}`);
  const tmp = `${dest}.tmp`;
  mkdirSync(CACHE_ROOT, { recursive: true });
  if (existsSync(tmp)) removeTree(tmp);
  log(`${label}: building ${dest} with mmdebstrap (${spec.suite})`);
  const args = ['--variant=apt', ...spec.aptOpts.map((o) => `--aptopt=${o}`), '--include=qbittorrent-nox,ca-certificates',
    spec.suite, tmp, `deb http://deb.debian.org/debian ${spec.suite} main`];
  const r = spawnSync('mmdebstrap', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 900_000 });
  resolved.delete(label);
  if (r.status !== 0) {
    removeTree(tmp);
    const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n').slice(-3).join(' | ');
    log(`${label}: mmdebstrap failed: ${why}`);
    const fallback = resolveVersion(label);
    return fallback.missing ? { label, missing: `mmdebstrap ${spec.suite} failed: ${why}` } : fallback;
  }
  if (existsSync(dest)) {
    // A same-day tree that answered the wrong version: keep it aside rather than delete through mounts.
    unmount(dest);
    renameSync(dest, `${dest}.old-${Date.now()}`);
  }
  renameSync(tmp, dest);
  resolved.delete(label);
  const out = resolveVersion(label);
  if (!out.missing) ensureMounts(out.root);
  log(out.missing ? `${label}: ${out.missing}` : `${label}: ready at ${out.root} (${out.version})`);
  return out;
}
