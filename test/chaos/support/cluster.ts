import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeSandbox as makeCliSandbox, type Sandbox } from '../../harness/cli';
import { forgetDirectSession, listTorrents, type DirectTarget } from '../../harness/direct';
import { qbtPasswordHash, startQbittorrent, type QbtProcess } from '../../harness/qbittorrent';

/** `CHAOS_SCALE` (`ci` default, or `full`). */
export const SCALE: 'ci' | 'full' = process.env.CHAOS_SCALE === 'full' ? 'full' : 'ci';
/** Picks the value for the current scale. */
export const byScale = <T>(ci: T, full: T): T => (SCALE === 'full' ? full : ci);

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One harness instance with the name the engine knows it by and its CURRENT password. */
export interface Member {
  name: string;
  requiresVpn: boolean;
  q: QbtProcess;
  /** Direct (independent) access with the server's current password. */
  target: DirectTarget;
  /** True while a fault owns it. */
  busy: boolean;
  frozen: boolean;
}

/** Starts `names.length` real qbittorrent-nox instances (3 max on this machine). */
export async function startMembers(specs: { name: string; requiresVpn?: boolean; extraConfig?: Record<string, Record<string, string>> }[]): Promise<Member[]> {
  const out: Member[] = [];
  for (const s of specs) {
    const q = await startQbittorrent({ name: `chaos-${s.name}`, extraConfig: s.extraConfig, role: s.name === 'primary' ? 'primary' : undefined });
    out.push({ name: s.name, requiresVpn: !!s.requiresVpn, q, target: { url: q.url, username: q.username, password: q.password }, busy: false, frozen: false });
  }
  return out;
}

/** Thaws and disposes every member (SIGKILL + profile removal). */
export async function disposeMembers(members: Member[]): Promise<void> {
  for (const m of members) {
    try {
      m.q.thaw();
    } catch {
      /* not running */
    }
    await m.q.dispose().catch(() => undefined);
  }
}

/**
 * Restarts a member with a different WebUI password written into its qBittorrent.conf (the
 * server's password was changed behind the app's back). Resolves with the new password.
 */
export async function restartWithPassword(m: Member, password: string): Promise<void> {
  m.q.thaw();
  m.frozen = false;
  await m.q.stop();
  const conf = join(m.q.profileDir, 'qBittorrent', 'config', 'qBittorrent.conf');
  // 4.5/5.1 keep `WebUI\Password_PBKDF2=` under [Preferences]; 5.3 migrates the file on its first
  // exit into a [WebUI] section with a plain `Password_PBKDF2=`. Rewrite whichever is there.
  const before = readFileSync(conf, 'utf8');
  const line = /^((?:WebUI\\)?Password_PBKDF2=).*$/gm;
  if (!line.test(before)) throw new Error(`no Password_PBKDF2 key in ${conf}: cannot change ${m.name}'s password`);
  writeFileSync(conf, before.replace(line, (_l, key: string) => `${key}"${qbtPasswordHash(password)}"`));
  await m.q.restart();
  m.target.password = password;
  forgetDirectSession(m.target);
}

export type { Sandbox };

/** The CLI harness's sandbox (fresh home, cwd, user HOME, queue path), with the queue's folder made up front. */
export function makeSandbox(label: string): Sandbox {
  const sandbox = makeCliSandbox(`chaos-${label}`);
  mkdirSync(dirname(sandbox.queueFile), { recursive: true });
  return sandbox;
}

/** Engine timing used by the chaos tests (fast failover on a loaded 2-core box). */
export interface Timing {
  pollIntervalMs?: number;
  maxBackoffMs?: number;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  confirmTimeoutMs?: number;
}

/** Writes `<home>/config.json` (instances in priority order) and `<home>/secrets.json` (0600). */
export function writeHome(
  sb: Sandbox,
  members: { name: string; url: string; username: string; password: string; requiresVpn: boolean }[],
  vpnCheck: string,
  t: Timing = {},
): void {
  const config = {
    version: 1,
    instances: members.map((m) => ({
      name: m.name,
      url: m.url,
      username: m.username,
      requiresVpn: m.requiresVpn,
      connectTimeoutMs: t.connectTimeoutMs ?? 1_000,
      requestTimeoutMs: t.requestTimeoutMs ?? 3_000,
    })),
    vpn: { check: vpnCheck },
    pollIntervalMs: t.pollIntervalMs ?? 1_000,
    maxBackoffMs: t.maxBackoffMs ?? 3_000,
    confirmTimeoutMs: t.confirmTimeoutMs ?? 2_000,
    queueFile: sb.queueFile,
  };
  writeFileSync(join(sb.home, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  writeFileSync(join(sb.home, 'secrets.json'), JSON.stringify(Object.fromEntries(members.map((m) => [m.name, m.password]))), { mode: 0o600 });
}

/** The queue file's magnets' infohashes (lowercase hex), parsed strictly: throws when it is not JSON. */
export function queuedHashes(file: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return new Set();
  }
  const doc = JSON.parse(text) as { magnets?: unknown[] };
  const out = new Set<string>();
  for (const m of doc.magnets ?? []) {
    const h = typeof m === 'string' ? /btih:([0-9a-fA-F]{40})/.exec(m)?.[1] : undefined;
    if (h) out.add(h.toLowerCase());
  }
  return out;
}

/** Where each infohash is: instance names by hash, from every member's `torrents/info`, plus `added_on` (s). */
export async function census(members: Member[]): Promise<Map<string, { on: string[]; addedOn: Record<string, number> }>> {
  const where = new Map<string, { on: string[]; addedOn: Record<string, number> }>();
  for (const m of members) {
    for (const t of await listTorrents(m.target)) {
      // A hybrid is listed under its truncated v2 hash; our reports name it by its v1: index both.
      const keys = new Set([String(t.hash).toLowerCase(), String(t.infohash_v1 ?? '').toLowerCase()].filter(Boolean));
      for (const h of keys) {
        const w = where.get(h) ?? { on: [], addedOn: {} };
        w.on.push(m.name);
        w.addedOn[m.name] = Number(t.added_on);
        where.set(h, w);
      }
    }
  }
  return where;
}
