import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, EngineSnapshot } from '../../shared/model';
import { createEngine, type Engine } from '../../electron/core/engine';
import { FileSecretStore } from '../../electron/core/config/secret-store';
import { saveSettingsFile } from '../../electron/core/config/settings-file';
import { QbitClient } from '../../electron/core/qbittorrent';
import { listTorrents } from '../harness/direct';
import { makeTorrentFile } from '../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../harness/qbittorrent';

/**
 * "Finished" events and the torrent counts, against real qbittorrent-nox: a torrent whose data
 * is already in its save path is added stopped (0 %), then started: qBittorrent checks the files
 * and it completes. The engine notices it in the `sync/maindata` its health poll reads (no extra
 * request) and sends `torrentFinished`, saying whether it placed the torrent itself — also after a
 * restart of the engine. A torrent already complete when first seen is never reported.
 */

let q: QbtProcess;
let root: string;
let data: string;
const engines: Engine[] = [];
const other: QbitClient[] = [];

beforeAll(async () => {
  q = await startQbittorrent({ name: 'finished' });
  root = mkdtempSync(join(tmpdir(), 'qbf-finished-'));
  data = join(root, 'data');
  mkdirSync(data, { recursive: true });
});

afterAll(async () => {
  await Promise.allSettled(engines.map((e) => e.stop()));
  await Promise.allSettled(other.map((c) => c.close()));
  await q?.dispose();
  rmSync(root, { recursive: true, force: true });
});

/** A tiny torrent whose (zero-filled) data already sits in the save path: it completes once qBittorrent checks it. */
function torrentWithData(label: string): { data: Buffer; infohash: string; name: string } {
  const name = `qbf-finished-${label}-${Math.random().toString(16).slice(2, 8)}`;
  const t = makeTorrentFile(name, 40_000);
  writeFileSync(join(data, name), Buffer.alloc(40_000));
  return { ...t, name };
}

async function engineOn(home: string): Promise<Engine> {
  const engine = await createEngine({ home, secrets: new FileSecretStore(home) });
  engines.push(engine);
  return engine;
}

function collect(engine: Engine): Extract<EngineEvent, { type: 'torrentFinished' }>[] {
  const got: Extract<EngineEvent, { type: 'torrentFinished' }>[] = [];
  engine.on('event', (ev: EngineEvent) => {
    if (ev.type === 'torrentFinished') got.push(ev);
  });
  return got;
}

async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const stateOf = async (hash: string): Promise<{ state: string; progress: number } | undefined> =>
  (await listTorrents(q, [hash]))[0] as { state: string; progress: number } | undefined;

const snapOf = (engine: Engine): EngineSnapshot['instances'][number] => engine.snapshot().instances[0]!;

describe('torrent finished', () => {
  it('a torrent added here completes → torrentFinished with addedHere (also after the engine restarted); one added by another program → addedHere false; one complete when first seen → nothing', async () => {
    const home = join(root, 'home');
    await saveSettingsFile(home, {
      vpn: { check: 'none' },
      queueFile: join(root, 'queue', 'qbittorrent_queue.json'),
      pollIntervalMs: 1_000,
      instances: [{ name: 'seedbox', url: q.url, username: q.username, category: 'tv' }],
    });
    await new FileSecretStore(home).set('seedbox', q.password);

    // Complete before any engine sees it: never reported.
    const done = torrentWithData('done');
    const direct = new QbitClient({ url: q.url, username: q.username, password: q.password });
    other.push(direct);
    await direct.addTorrentFiles([{ name: `${done.name}.torrent`, data: done.data }], { savePath: data, category: 'tv' });
    await until('the complete torrent checked', async () => (await stateOf(done.infohash))?.progress === 1);

    // Placed by a first engine, stopped (0 %), then that engine stops.
    const first = await engineOn(home);
    await first.start();
    const mine = torrentWithData('mine');
    const res = await first.addTorrentBytes(`${mine.name}.torrent`, mine.data, { savePath: data, category: 'tv', paused: true });
    expect(res.results[0]).toMatchObject({ outcome: 'added', instance: 'seedbox' });
    expect((await stateOf(mine.infohash))?.progress).toBe(0);
    await first.stop();

    // Another program adds one, stopped too.
    const theirs = torrentWithData('theirs');
    await direct.addTorrentFiles([{ name: `${theirs.name}.torrent`, data: theirs.data }], { savePath: data, category: 'movies', paused: true });

    // A new engine (a restart of the app) watches: it sees both incomplete, then they complete.
    const engine = await engineOn(home);
    const finished = collect(engine);
    await engine.start();
    await until('both seen incomplete by the poll', () => (snapOf(engine).torrentsAll?.incomplete ?? 0) >= 2);
    await direct.resume([mine.infohash, theirs.infohash]);
    await until('two finished events', () => finished.length >= 2);
    // A few more polls: nothing else (not the torrent that was complete from the start, no repeats).
    await new Promise((r) => setTimeout(r, 2_500));
    const byHash = new Map(finished.map((f) => [f.infohash, f]));
    expect(finished).toHaveLength(2);
    expect(byHash.get(mine.infohash)).toEqual({ type: 'torrentFinished', instance: 'seedbox', infohash: mine.infohash, name: mine.name, category: 'tv', addedHere: true });
    expect(byHash.get(theirs.infohash)).toEqual({ type: 'torrentFinished', instance: 'seedbox', infohash: theirs.infohash, name: theirs.name, category: 'movies', addedHere: false });
    expect(byHash.has(done.infohash)).toBe(false);

    // The counts say which category they count: 2 in tv, 3 in all.
    const s = snapOf(engine);
    expect(s.category).toBe('tv');
    expect(s.torrents).toEqual({ total: 2, incomplete: 0 });
    expect(s.torrentsAll).toEqual({ total: 3, incomplete: 0 });
    expect(s.lastSeenAt).toBe(s.checkedAt);
  });
});
