/**
 * The health record shared between processes: `<home>/health.json`. A polling engine (the
 * `watch` and `serve` daemons, the tray app) writes what its probes learned — per instance its
 * URL, status and checkedAt — and a one-shot CLI `add` reads it, so that it does not spend a
 * connect timeout (3 s by default, ~4 s for a frozen server) finding out again what a daemon
 * found out seconds ago. This is the old tool's own plan ("cache health status 30–60 s"): a
 * record says an instance is down only while it is younger than {@link HEALTH_RECORD_FRESH_MS},
 * and only the two statuses that cost a timeout to learn are trusted (TIMEOUT, CONNECTION_REFUSED).
 * Everything else (OK, AUTH_FAILED, …) is probed by the CLI as before.
 *
 * The file is written atomically (temporary file + rename), so a reader sees the old or the new
 * record, never half of one; several writers simply take turns (last one wins). A missing,
 * unreadable or foreign file is the same as no record. Nothing here ever throws.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InstanceHealth } from '../../../shared/model';
import type { StatusCode } from '../../../shared/status';

/** File name of the record inside the home folder. */
export const HEALTH_RECORD_FILE = 'health.json';
/** How long a recorded "down" is trusted by another process, ms (the old tool planned 30–60 s). */
export const HEALTH_RECORD_FRESH_MS = 60_000;
/** A daemon rewrites an unchanged record at most this often (its checkedAt keeps it fresh), ms. */
export const HEALTH_RECORD_REFRESH_MS = 20_000;
/** The statuses a reader may take from the record instead of probing: learning them costs a timeout. */
const TRUSTED_DOWN: ReadonlySet<StatusCode> = new Set<StatusCode>(['TIMEOUT', 'CONNECTION_REFUSED']);

/** One instance as recorded: its URL (a record for another address is ignored), status and ISO checkedAt. */
export interface RecordedInstance {
  url: string;
  status: StatusCode;
  error: string | null;
  checkedAt: string;
}

/** The file's shape (version 1): instances by name, who wrote it and when (ISO). */
export interface HealthRecord {
  version: 1;
  writtenAt: string;
  pid: number;
  instances: Record<string, RecordedInstance>;
}

/** Path of the record in `home`. */
export function healthRecordPath(home: string): string {
  return join(home, HEALTH_RECORD_FILE);
}

/** Reads the record; null when missing, unreadable or not version 1. Never throws. */
export async function readHealthRecord(home: string): Promise<HealthRecord | null> {
  try {
    const doc = JSON.parse(await readFile(healthRecordPath(home), 'utf8')) as Partial<HealthRecord>;
    if (doc?.version !== 1 || typeof doc.instances !== 'object' || doc.instances === null) return null;
    return doc as HealthRecord;
  } catch {
    return null;
  }
}

/** A recorded "down" a reader may use instead of probing: the status and a message saying where it comes from. */
export interface RecordedDown {
  code: StatusCode;
  message: string;
}

/**
 * The instances of `instances` (name + current URL) that a fresh record says are TIMEOUT or
 * CONNECTION_REFUSED: recorded for the same URL, checked less than {@link HEALTH_RECORD_FRESH_MS}
 * before `now` (and not in the future). Never throws; no record → empty map.
 */
export async function recordedDown(home: string, instances: readonly { name: string; url: string }[], now = Date.now()): Promise<Map<string, RecordedDown>> {
  const out = new Map<string, RecordedDown>();
  const rec = await readHealthRecord(home);
  if (!rec) return out;
  for (const i of instances) {
    const r = rec.instances[i.name];
    if (!r || r.url !== i.url || !TRUSTED_DOWN.has(r.status)) continue;
    const age = now - Date.parse(r.checkedAt);
    if (!(age >= 0 && age < HEALTH_RECORD_FRESH_MS)) continue;
    const secs = Math.max(0, Math.round(age / 1000));
    out.set(i.name, { code: r.status, message: `${r.error ?? r.status} (recorded by a running qbit-failover ${secs} s ago; not probed again)` });
  }
  return out;
}

/**
 * Writes the record of a polling engine: on every status change at once, otherwise at most every
 * {@link HEALTH_RECORD_REFRESH_MS} (fresh checkedAt). Writes never overlap; a failed write is
 * reported to `onError` and retried on the next update. Call {@link update} with the fleet's
 * health after each probe.
 */
export class HealthRecorder {
  private lastStatuses = '';
  private lastWrite = 0;
  private writing: Promise<void> | null = null;
  private pending: InstanceHealth[] | null = null;

  constructor(
    private readonly home: string,
    private readonly onError: (message: string) => void = () => undefined,
  ) {}

  /** Records `health` when a status changed or the last write is older than the refresh interval. */
  update(health: readonly InstanceHealth[]): void {
    const statuses = health.map((h) => `${h.name}\u0000${h.url}\u0000${h.status}`).join('\u0001');
    if (statuses === this.lastStatuses && Date.now() - this.lastWrite < HEALTH_RECORD_REFRESH_MS) return;
    this.pending = [...health];
    if (!this.writing) this.writing = this.drain();
  }

  /** Resolves when no write is in flight (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending) {
        const health = this.pending;
        this.pending = null;
        const statuses = health.map((h) => `${h.name}\u0000${h.url}\u0000${h.status}`).join('\u0001');
        try {
          await writeRecord(this.home, health);
          this.lastStatuses = statuses;
          this.lastWrite = Date.now();
        } catch (err) {
          this.onError(`could not write the health record ${healthRecordPath(this.home)}: ${(err as Error).message}`);
        }
      }
    } finally {
      this.writing = null;
    }
  }
}

/** Writes `health` (checked instances only) as the record, atomically. @throws the file system's error. */
async function writeRecord(home: string, health: readonly InstanceHealth[]): Promise<void> {
  const instances: Record<string, RecordedInstance> = {};
  for (const h of health) if (h.checkedAt) instances[h.name] = { url: h.url, status: h.status, error: h.error, checkedAt: h.checkedAt };
  const rec: HealthRecord = { version: 1, writtenAt: new Date().toISOString(), pid: process.pid, instances };
  const file = healthRecordPath(home);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(rec)}\n`, { mode: 0o600 });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}
