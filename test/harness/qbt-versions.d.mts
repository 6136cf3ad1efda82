/** Types of ./qbt-versions.mjs (the qBittorrent versions the tests run against). */

/** A supported version label. */
export type QbtVersionLabel = '4.5' | '5.1' | '5.3';

/** Where a version's server is: found (`root` null = host binary) or missing with a reason. */
export type ResolvedVersion =
  | { label: string; version: string; root: string | null; binary: string; missing?: undefined }
  | { label: string; missing: string; version?: undefined; root?: undefined; binary?: undefined };

/** Cache directory of the chroot trees (QBF_QBT_CACHE overrides). */
export const CACHE_ROOT: string;
/** The label used when QBT_VERSION is unset. */
export const DEFAULT_VERSION: QbtVersionLabel;
/** Label → Debian suite (null = host) and binary path. */
export const VERSIONS: Record<QbtVersionLabel, { suite: string | null; binary: string; aptOpts: string[] }>;
/** The label chosen by QBT_VERSION (default 4.5); throws on an unknown label. */
export function selectedVersion(): QbtVersionLabel;
/** The label for the primary role: QBT_PRIMARY_VERSION, else {@link selectedVersion}. */
export function primaryVersion(): QbtVersionLabel;
/** Environment for a process inside a chroot. */
export function chrootEnv(): Record<string, string>;
/** Finds the server of `label` (cached per process). */
export function resolveVersion(label: string): ResolvedVersion;
/** Mounts /tmp, /proc, /dev into the chroot when not yet mounted; throws on failure. */
export function ensureMounts(root: string): void;
/** Undoes {@link ensureMounts}. */
export function unmount(root: string): void;
/** Reuses or builds the tree of `label`. */
export function prepareVersion(label: string, opts?: { refresh?: boolean; log?: (line: string) => void }): ResolvedVersion;
