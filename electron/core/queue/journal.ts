/**
 * The queue's journal: `<queue file>.journal` beside the queue file, JSON lines, append-only,
 * written only by qbit-failover processes and only under the queue lock. It is our own durable
 * record of every entry we accepted, because the queue file alone cannot be: programs without
 * our lock (the old Python tool, users' scripts) rewrite it from stale reads and drop entries.
 *
 * Records: `{"op":"add","entry":{…QueueEntry}}` and `{"op":"remove","infohash":"…"}`. Replaying
 * them gives the entries accepted and not removed; every read merges those back into the file's
 * view (see `reconcile`). Only our own `remove()` writes a `remove`: a rewrite that drops a
 * magnet never makes us forget it. A line that does not parse (a crash cut the last append) is
 * skipped, and the next append starts on a fresh line.
 */
import { open, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsyncDir, writeDurable } from './disk';
import { entryFromJson } from './merge';
import type { QueueEntry } from './types';

/** One journal line. */
export type JournalRecord = { op: 'add'; entry: QueueEntry } | { op: 'remove'; infohash: string };

/** The journal replayed. */
export interface JournalState {
  /** Entries added and not removed since, by infohash, in the order they were (last) added. */
  live: Map<string, QueueEntry>;
  /** Infohashes our `remove()` removed and nobody re-added since (forgotten by compaction). */
  removed: Set<string>;
  /** Lines read, parsable or not (drives compaction). */
  lines: number;
  /** Lines that did not parse (a torn last append, a hand edit): skipped. */
  skipped: number;
}

/** Compact once the journal holds more than this many lines beyond twice the live entries. */
const COMPACT_SLACK_LINES = 500;

/** Reader and appender of one queue file's journal. Every method that writes must run under the queue lock. */
export class QueueJournal {
  /** Absolute path of the journal (`<queue file>.journal`). */
  readonly path: string;
  private cache: { signature: string; state: JournalState } | null = null;

  constructor(queueFile: string) {
    this.path = `${queueFile}.journal`;
  }

  /**
   * Replays the journal; a missing journal is empty. Re-reads only when the file changed (inode,
   * size, mtime). Throws the underlying error when the journal exists but cannot be read.
   */
  async replay(): Promise<JournalState> {
    const signature = await this.signature();
    if (signature === null) return { live: new Map(), removed: new Set(), lines: 0, skipped: 0 };
    if (this.cache?.signature === signature) return cloneState(this.cache.state);
    const fh = await open(this.path, 'r');
    let text: string;
    try {
      text = await fh.readFile('utf8');
    } finally {
      await fh.close();
    }
    const state = parseJournal(text);
    this.cache = { signature, state };
    return cloneState(state);
  }

  /**
   * Appends records as one write and fsyncs the journal (and its folder when the journal was
   * just created), so they survive a crash or power cut before the caller reports anything.
   * Call under the queue lock. Throws the underlying error (disk full, permissions).
   */
  async append(records: JournalRecord[]): Promise<void> {
    if (records.length === 0) return;
    // The replayed state stays valid if nobody touched the journal since: apply our records to it.
    const prior = this.cache && this.cache.signature === (await this.signature()) ? this.cache.state : null;
    this.cache = null;
    const fh = await open(this.path, 'a+', 0o644);
    let created = false;
    try {
      const { size } = await fh.stat();
      created = size === 0;
      let lead = '';
      if (size > 0) {
        // A crash mid-append leaves a line without its newline: start ours on a fresh line.
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) lead = '\n';
      }
      await fh.appendFile(lead + records.map((r) => `${JSON.stringify(r)}\n`).join(''));
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (created) await fsyncDir(dirname(this.path));
    if (prior) {
      const state = cloneState(prior);
      for (const r of records) applyRecord(state, r);
      state.lines += records.length;
      const signature = await this.signature();
      if (signature) this.cache = { signature, state };
    }
  }

  /**
   * Rewrites the journal (atomically, durably) as one `add` per live entry when it grew well
   * beyond them (removed entries, superseded lines). Call under the queue lock, with the state
   * just replayed. Returns whether it compacted.
   */
  async compactIfLarge(state: JournalState): Promise<boolean> {
    if (state.lines <= 2 * state.live.size + COMPACT_SLACK_LINES) return false;
    const text = [...state.live.values()].map((entry) => `${JSON.stringify({ op: 'add', entry } satisfies JournalRecord)}\n`).join('');
    await writeDurable(this.path, text);
    this.cache = null;
    return true;
  }

  private async signature(): Promise<string | null> {
    try {
      const s = await stat(this.path, { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }
}

/** Replays journal text (pure): unparsable lines are counted in `skipped`, never thrown. */
export function parseJournal(text: string): JournalState {
  const state: JournalState = { live: new Map(), removed: new Set(), lines: 0, skipped: 0 };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    state.lines++;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      state.skipped++;
      continue;
    }
    const r = rec as Record<string, unknown> | null;
    const entry = r?.op === 'add' ? entryFromJson(r.entry) : null;
    if (entry) applyRecord(state, { op: 'add', entry });
    else if (r?.op === 'remove' && typeof r.infohash === 'string') applyRecord(state, { op: 'remove', infohash: r.infohash.toLowerCase() });
    else state.skipped++;
  }
  return state;
}

function applyRecord(state: JournalState, r: JournalRecord): void {
  if (r.op === 'add') {
    state.live.delete(r.entry.infohash);
    state.live.set(r.entry.infohash, r.entry);
    state.removed.delete(r.entry.infohash);
  } else {
    state.live.delete(r.infohash);
    state.removed.add(r.infohash);
  }
}

function cloneState(s: JournalState): JournalState {
  return { live: new Map(s.live), removed: new Set(s.removed), lines: s.lines, skipped: s.skipped };
}
