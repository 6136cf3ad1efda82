/** Shared helpers of the queue unit tests: temp dirs, infohashes, magnets, old-format files. */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewQueueEntry } from '../../../electron/core/queue';

/** A fresh temp folder; remove with `cleanup`. */
export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'qbf-queue-'));
}

/**
 * Removes a temp folder. A watcher's reload that was already running when the test stopped it
 * may still write (e.g. restoring entries a foreign rewrite dropped), so retry on ENOTEMPTY.
 */
export async function cleanup(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
}

/** Deterministic v1 infohash (40 hex) for a label. */
export function hash(label: string): string {
  return createHash('sha1').update(label).digest('hex');
}

/** Magnet URI for a label (hex btih + dn). */
export function magnetOf(label: string): string {
  return `magnet:?xt=urn:btih:${hash(label)}&dn=${encodeURIComponent(label)}`;
}

/** A magnet `add()` input for a label. */
export function item(label: string, reason = 'Both qBittorrent instances unreachable'): NewQueueEntry {
  return { infohash: hash(label), name: label, kind: 'magnet', magnet: magnetOf(label), reason };
}

/** Writes a file the way the old Python tool does: the four keys only. */
export async function writeOldFormat(path: string, magnets: unknown[], savedAt = '2025-11-28T02:30:00.000000'): Promise<void> {
  const doc = {
    saved_at: savedAt,
    reason: 'Both qBittorrent instances unreachable',
    magnets,
    instructions: 'Run the script again when qBittorrent is reachable to add these magnets.',
  };
  await writeFile(path, JSON.stringify(doc, null, 2));
}

/** The queue file parsed. */
export async function readJson(path: string): Promise<Record<string, any>> {
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, any>;
}

/**
 * Sets a file's modification time `ms` in the past: a file cut short that was modified a moment
 * ago is a write in progress (the store re-reads it for ~2 s); an older one is corrupt at once.
 */
export async function ageFile(path: string, ms = 10_000): Promise<void> {
  const past = new Date(Date.now() - ms);
  await utimes(path, past, past);
}
