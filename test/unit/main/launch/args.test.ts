import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parseLaunchArgs } from '../../../../electron/main/launch/args';
import { addLaunchRequest, PendingLaunches } from '../../../../electron/main/launch/pending';

const M1 = 'magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=one';
const M2 = 'MAGNET:?xt=urn:btih:89ABCDEF0123456789ABCDEF0123456789ABCDEF&dn=two';

describe('parseLaunchArgs', () => {
  it('cold start: packaged exe followed by a magnet (protocol activation)', () => {
    const a = parseLaunchArgs(['/opt/qbit-failover/qbit-failover', M1]);
    expect(a.magnets).toEqual([M1]);
    expect(a.torrentFiles).toEqual([]);
  });

  it('second instance on Windows: exe, chromium switches, "--" separator, then the magnet', () => {
    const a = parseLaunchArgs([
      'C:\\Program Files\\qbit-failover\\qbit-failover.exe',
      '--allow-file-access-from-files',
      '--original-process-start-time=13370000000000000',
      '--',
      M1,
    ]);
    expect(a.magnets).toEqual([M1]);
  });

  it('development: electron binary and app path are not taken as inputs', () => {
    expect(parseLaunchArgs(['/x/node_modules/electron/dist/electron', '/x/app', M1]).magnets).toEqual([M1]);
  });

  it('accepts MAGNET: in any case and strips quotes a launcher left on', () => {
    expect(parseLaunchArgs(['app', M2, `"${M1}"`]).magnets).toEqual([M2, M1]);
  });

  it('collects relative, absolute and file:// .torrent paths (any case), without fetching URLs', () => {
    const a = parseLaunchArgs([
      'app',
      'downloads/ubuntu.torrent',
      '/home/u/Debian.TORRENT',
      'C:\\Users\\u\\x.torrent',
      'file:///home/u/My%20File.torrent',
      'https://example.org/remote.torrent',
    ]);
    expect(a.torrentFiles).toEqual(['downloads/ubuntu.torrent', '/home/u/Debian.TORRENT', 'C:\\Users\\u\\x.torrent', '/home/u/My File.torrent']);
  });

  it('ignores junk: other URLs, plain files, empty strings, switches, magnet look-alikes', () => {
    const a = parseLaunchArgs(['app', '', 'http://example.org', 'notes.txt', '--inspect=9229', 'magnet:xt=nope', 'magnetic', '-x']);
    expect(a).toEqual({ magnets: [], torrentFiles: [], flags: { hidden: false, show: false } });
  });

  it('de-duplicates and reads --hidden/--show', () => {
    const a = parseLaunchArgs(['app', '--hidden', M1, M1]);
    expect(a.magnets).toEqual([M1]);
    expect(a.flags.hidden).toBe(true);
  });
});

describe('PendingLaunches', () => {
  it('holds requests that arrive before the engine is ready and hands all of them over, in order', async () => {
    const p = new PendingLaunches();
    p.push({ args: parseLaunchArgs([M1]), cwd: '/' });
    p.push({ args: parseLaunchArgs([M2]), cwd: '/' });
    p.push({ args: parseLaunchArgs(['junk']), cwd: '/' }); // nothing to add: not held
    const seen: string[] = [];
    let handled = 0;
    await p.setReady(async (r) => void (handled++, seen.push(...r.args.magnets)));
    expect(handled).toBe(2);
    expect(seen).toEqual([M1, M2]);
    p.push({ args: parseLaunchArgs([M1]), cwd: '/' });
    await p.idle();
    expect(seen).toEqual([M1, M2, M1]);
  });

  it('keeps going after a handler fails (reported, not swallowed silently)', async () => {
    const errors: unknown[] = [];
    const p = new PendingLaunches((e) => errors.push(e));
    p.push({ args: parseLaunchArgs([M1]), cwd: '/' });
    p.push({ args: parseLaunchArgs([M2]), cwd: '/' });
    const handled: string[] = [];
    await p.setReady(async (r) => {
      if (r.args.magnets[0] === M1) throw new Error('engine busy');
      handled.push(...r.args.magnets);
    });
    expect(errors).toHaveLength(1);
    expect(handled).toEqual([M2]);
  });
});

describe('addLaunchRequest', () => {
  it('sends magnets as one addText and each readable .torrent as addTorrentFile; missing files are reported', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'qbf-launch-'));
    await writeFile(path.join(dir, 'a.torrent'), Buffer.from('d4:infod4:name1:aee'));
    const empty = { results: [], summary: { added: 0, duplicate: 0, queued: 0, rejected: 0 } };
    const call = vi.fn(async () => empty);
    const out = await addLaunchRequest({ call } as never, { args: parseLaunchArgs([M1, M2, 'a.torrent', 'missing.torrent']), cwd: dir });
    expect(call).toHaveBeenCalledTimes(2);
    expect(call.mock.calls[0]).toEqual(['addText', { text: `${M1}\n${M2}` }]);
    expect(call.mock.calls[1]).toEqual(['addTorrentFile', { fileName: 'a.torrent', dataBase64: Buffer.from('d4:infod4:name1:aee').toString('base64') }]);
    expect(out.unreadable.map((u) => path.basename(u.file))).toEqual(['missing.torrent']);
  });
});
