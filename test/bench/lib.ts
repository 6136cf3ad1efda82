/**
 * Helpers of the benchmark (test/bench/run.ts): temp homes with a written `config.json`,
 * engines on real loopback qbittorrent-nox, a warm raw {@link QbitClient} for the direct
 * references, timing statistics, and the row shape printed in the table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstanceSettingsInput, SettingsInput } from '../../shared/settings';
import { FileSecretStore } from '../../electron/core/config/secret-store';
import { saveSettingsFile } from '../../electron/core/config/settings-file';
import { createEngine, type Engine } from '../../electron/core/engine';
import { QbitClient } from '../../electron/core/qbittorrent';
import { startQbittorrent, type QbtProcess } from '../harness/qbittorrent';

/** One line of the result table. `pass` is null for a figure without a target. */
export interface Row {
  id: string;
  figure: string;
  value: string;
  reference: string;
  ratio: string;
  target: string;
  pass: boolean | null;
  /** Method or reason (always given for a MISS). */
  note: string;
  /** The row's main number (ms, MB or requests/h), for the spread across runs. */
  metric: number;
  /** Ours / reference for rows with a same-run reference (p50 for the warm add). */
  ratioNum?: number;
  /** Raw numbers (ms, counts, bytes) for results.json. */
  data: Record<string, unknown>;
}

/** Milliseconds since `t0` (performance.now based), rounded to 0.01 ms. */
export function since(t0: number): number {
  return Math.round((performance.now() - t0) * 100) / 100;
}

/** Times an async call, ms. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: since(t0), value };
}

/** Nearest-rank percentile of a list of numbers (p in 0..100). */
export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx]!;
}

/** Formats ms for the table: 2 decimals below 10 ms, 1 below 1 s, else seconds. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** `a / b` as `1.23×`. */
export function fmtRatio(a: number, b: number): string {
  return b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a';
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Temp folders made by the bench, removed by {@link cleanupTemp}. */
const temps: string[] = [];

/** A new temp folder `qbf-bench-<label>-*`. */
export function tempDir(label: string): string {
  const d = mkdtempSync(join(tmpdir(), `qbf-bench-${label}-`));
  temps.push(d);
  return d;
}

/** Removes every temp folder made by {@link tempDir}. */
export function cleanupTemp(): void {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Instances started by the bench, disposed (thawed first) by {@link disposeAll}. */
const live = new Set<QbtProcess>();

/** Starts fresh loopback qbittorrent-nox instances in parallel. */
export async function startInstances<N extends string[]>(...names: N): Promise<{ [K in keyof N]: QbtProcess }> {
  const qs = await Promise.all(names.map((name) => startQbittorrent({ name: `bench-${name}` })));
  for (const q of qs) live.add(q);
  return qs as { [K in keyof N]: QbtProcess };
}

/** Thaws and disposes instances (all live ones when none given). Never throws. */
export async function disposeAll(qs: QbtProcess[] = [...live]): Promise<void> {
  await Promise.all(
    qs.map(async (q) => {
      live.delete(q);
      try {
        q.thaw();
      } catch {
        /* not running */
      }
      await q.dispose().catch(() => undefined);
    }),
  );
}

/** An instance entry for `config.json` (VPN never required: the bench never probes a gateway). */
export function instanceConfig(name: string, q: { url: string; username: string }, extra: Partial<InstanceSettingsInput> = {}): InstanceSettingsInput {
  return { name, url: q.url, username: q.username, requiresVpn: false, ...extra };
}

/**
 * Writes a temp home (`config.json` via saveSettingsFile, passwords via FileSecretStore, queue
 * file inside the home, VPN probe `none`) for the given instances. Returns the home.
 */
export async function writeHome(
  label: string,
  instances: { name: string; q: { url: string; username: string; password: string } }[],
  settings: Partial<SettingsInput> = {},
): Promise<string> {
  const home = tempDir(`home-${label}`);
  await saveSettingsFile(home, {
    instances: instances.map((i) => instanceConfig(i.name, i.q)),
    vpn: { check: 'none' },
    queueFile: join(home, 'qbittorrent_queue.json'),
    ...settings,
  });
  const secrets = new FileSecretStore(home);
  for (const i of instances) await secrets.set(i.name, i.q.password);
  return home;
}

/** Engines made by {@link benchEngine}, stopped by {@link stopEngines}. */
const engines = new Set<Engine>();

/** A loaded (not started) engine on a fresh temp home; no environment import. */
export async function benchEngine(
  label: string,
  instances: { name: string; q: { url: string; username: string; password: string } }[],
  settings: Partial<SettingsInput> = {},
  o: { watchQueueFile?: boolean } = {},
): Promise<Engine> {
  const home = await writeHome(label, instances, settings);
  const engine = await createEngine({ home, secrets: new FileSecretStore(home), watchQueueFile: o.watchQueueFile });
  engines.add(engine);
  return engine;
}

/** Stops one engine, or every engine made by {@link benchEngine}. Never throws. */
export async function stopEngines(only?: Engine): Promise<void> {
  const list = only ? [only] : [...engines];
  for (const e of list) {
    engines.delete(e);
    await e.stop().catch(() => undefined);
  }
}

/** A raw WebUI client (the engine's transport without the engine), already logged in. */
export async function directClient(q: QbtProcess): Promise<QbitClient> {
  const c = new QbitClient({ url: q.url, username: q.username, password: q.password });
  await c.login();
  return c;
}

/**
 * Polls `torrents/info?hashes=` until every hash is listed: at once, then every 10 ms (the
 * engine's first confirm delay). Throws after `timeoutMs`. Returns the polls made.
 */
export async function waitVisible(c: QbitClient, hashes: string[], timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const want = new Set(hashes.map((h) => h.toLowerCase()));
  let polls = 0;
  for (;;) {
    polls++;
    const missing = [...want];
    for (const t of await c.info({ hashes: missing })) want.delete(t.hash.toLowerCase());
    if (want.size === 0) return polls;
    if (Date.now() > deadline) throw new Error(`${want.size} of ${hashes.length} not visible after ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** Time spent per wrapped method: calls and total ms (overlapping calls both count). */
export type Breakdown = Map<string, { n: number; ms: number }>;

/**
 * Wraps async methods of `obj` so each call adds its duration to `acc[label.method]`.
 * Returns a function restoring the originals. Used only to explain where time goes.
 */
export function instrument(obj: object, label: string, methods: string[], acc: Breakdown): () => void {
  const target = obj as Record<string, unknown>;
  const originals = new Map<string, unknown>();
  for (const m of methods) {
    const orig = target[m];
    if (typeof orig !== 'function') continue;
    originals.set(m, orig);
    target[m] = async function (this: unknown, ...args: unknown[]) {
      const t0 = performance.now();
      try {
        return await (orig as (...a: unknown[]) => Promise<unknown>).apply(obj, args);
      } finally {
        const k = `${label}.${m}`;
        const cur = acc.get(k) ?? { n: 0, ms: 0 };
        cur.n++;
        cur.ms += performance.now() - t0;
        acc.set(k, cur);
      }
    };
  }
  return () => {
    for (const [m, orig] of originals) target[m] = orig;
  };
}

/** A breakdown as `{ "label.method": { n, ms } }` (ms rounded, per-call mean included). */
export function breakdownJson(acc: Breakdown, per = 1): Record<string, { calls: number; ms: number }> {
  const out: Record<string, { calls: number; ms: number }> = {};
  for (const [k, v] of [...acc].sort((a, b) => b[1].ms - a[1].ms)) out[k] = { calls: Math.round((v.n / per) * 100) / 100, ms: Math.round((v.ms / per) * 100) / 100 };
  return out;
}
