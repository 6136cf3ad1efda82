import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listHashes, listTorrents, waitForHashes } from '../harness/direct';
import { assertCliBuilt, legacyEnv, makeSandbox, serveFiles, type CliResult, type Sandbox } from '../harness/cli';
import { base32Magnet, makeTorrentFile, randomMagnet, stripTrackers, topLevelEntries, torrentInfohash, v2Magnet } from '../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../harness/qbittorrent';

/**
 * Every kind of input through the real CLI, against one real qbittorrent-nox (`primary`, VPN
 * probe on `lo`): `.torrent` paths (generated, and a webtorrent fixture stripped of trackers),
 * `.torrent` URLs on a loopback HTTP server, base32 and v2 magnets, and inputs that must be
 * refused without anything reaching the server.
 */

let q: QbtProcess;
let files: Awaited<ReturnType<typeof serveFiles>>;
const sandboxes: Sandbox[] = [];
const served = makeTorrentFile('served-over-http.bin', 50_000);

function sandbox(): Sandbox {
  const s = makeSandbox('inputs');
  sandboxes.push(s);
  return s;
}

function expectExit(r: CliResult, code: number): void {
  expect(r.code, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);
}

interface JsonOut {
  results: { input: string; outcome: string; infohash: string | null; instance: string | null; error: { code: string; message: string } | null }[];
  summary: Record<string, number>;
}

const env = (): Record<string, string> => legacyEnv(q, undefined, 'up');

beforeAll(async () => {
  assertCliBuilt();
  [q, files] = await Promise.all([startQbittorrent({ name: 'inputs' }), serveFiles({ '/files/served.torrent': served.data })]);
});

afterAll(async () => {
  await Promise.allSettled([q?.dispose(), files?.close()]);
  for (const s of sandboxes) s.dispose();
});

describe('.torrent inputs', () => {
  it('a generated .torrent path and a tracker-stripped webtorrent fixture are added and confirmed by infohash', async () => {
    const s = sandbox();
    const made = makeTorrentFile('generated-path.bin');
    const madePath = join(s.cwd, 'generated.torrent');
    writeFileSync(madePath, made.data);
    const raw = readFileSync('node_modules/webtorrent-fixtures/fixtures/leaves.torrent');
    const stripped = stripTrackers(raw);
    const keys = topLevelEntries(stripped).map((e) => e.key);
    for (const k of ['announce', 'announce-list', 'url-list', 'httpseeds', 'nodes']) expect(keys).not.toContain(k);
    const fixtureHash = torrentInfohash(stripped);
    const fixturePath = join(s.cwd, 'leaves (no trackers).torrent');
    writeFileSync(fixturePath, stripped);

    const r = await s.run(['add', '--json', '--paused', madePath, fixturePath], env());
    expectExit(r, 0);
    const out = JSON.parse(r.stdout) as JsonOut;
    expect(out.results).toEqual([
      expect.objectContaining({ input: madePath, outcome: 'added', infohash: made.infohash, instance: 'primary' }),
      expect.objectContaining({ input: fixturePath, outcome: 'added', infohash: fixtureHash, instance: 'primary' }),
    ]);
    await waitForHashes(q, [made.infohash, fixtureHash], 2_000);
  });

  it('a .torrent URL on a loopback HTTP server is downloaded, added and confirmed', async () => {
    const s = sandbox();
    const url = `${files.url}/files/served.torrent`;
    const r = await s.run(['add', url], env());
    expectExit(r, 0);
    expect(r.stdout).toMatch(new RegExp(`\\[ADDED\\] .*${served.infohash}.* → primary`));
    expect(files.hits).toContain('/files/served.torrent');
    await waitForHashes(q, [served.infohash], 2_000);
  });

  it('a garbage .torrent and a 404 URL are rejected (exit 2) and nothing reaches the server', async () => {
    const s = sandbox();
    const junk = join(s.cwd, 'junk.torrent');
    writeFileSync(junk, 'this is not bencode');
    const before = (await listHashes(q)).length;
    const r = await s.run(['add', '--json', junk, `${files.url}/files/missing.torrent`], env());
    expectExit(r, 2);
    const out = JSON.parse(r.stdout) as JsonOut;
    expect(out.summary).toEqual({ added: 0, duplicate: 0, queued: 0, rejected: 2 });
    expect(out.results[0]).toMatchObject({ input: junk, outcome: 'rejected', error: { code: 'INVALID_INPUT' } });
    expect(out.results[0]!.error!.message).toMatch(/not a valid \.torrent/);
    expect(out.results[1]).toMatchObject({ outcome: 'rejected', error: { code: 'INVALID_INPUT' } });
    expect(out.results[1]!.error!.message).toMatch(/HTTP 404/);
    expect((await listHashes(q)).length).toBe(before);
  });
});

describe('magnet forms', () => {
  it('base32 btih and v2-only btmh magnets land and are confirmed (v2 under the first 40 hex of its SHA-256)', async () => {
    const s = sandbox();
    const b32 = base32Magnet();
    const v2 = v2Magnet();
    const r = await s.run(['add', '--json', b32.magnet, v2.magnet], env());
    expectExit(r, 0);
    const out = JSON.parse(r.stdout) as JsonOut;
    expect(out.results).toEqual([
      expect.objectContaining({ outcome: 'added', infohash: b32.infohash, instance: 'primary' }),
      expect.objectContaining({ outcome: 'added', infohash: v2.infohash, instance: 'primary' }),
    ]);
    await waitForHashes(q, [b32.infohash, v2.torrentId], 2_000);
    const rows = await listTorrents(q, [v2.torrentId]);
    expect(rows[0]?.hash).toBe(v2.torrentId);
    // Adding the same v2 magnet again is recognised as the same torrent.
    const again = await s.run(['add', '--json', v2.magnet], env());
    expectExit(again, 0);
    expect((JSON.parse(again.stdout) as JsonOut).results[0]).toMatchObject({ outcome: 'duplicate', instance: 'primary' });
  });

  it('invalid magnet, javascript: URL and a wrong-length hash are rejected (exit 2) and nothing is sent', async () => {
    const s = sandbox();
    const bad = [
      'magnet:?dn=no-topic-at-all',
      'javascript:alert(1)',
      `magnet:?xt=urn:btih:${'a'.repeat(39)}&dn=short`,
      `magnet:?xt=urn:btih:${'b'.repeat(41)}`,
      'not a magnet at all',
    ];
    const before = (await listHashes(q)).length;
    const r = await s.run(['add', '--json', ...bad], env());
    expectExit(r, 2);
    const out = JSON.parse(r.stdout) as JsonOut;
    expect(out.summary).toEqual({ added: 0, duplicate: 0, queued: 0, rejected: bad.length });
    for (const [i, res] of out.results.entries()) {
      expect(res).toMatchObject({ input: bad[i], outcome: 'rejected', infohash: null, instance: null, error: { code: 'INVALID_INPUT' } });
    }
    expect(out.results[1]!.error!.message).toMatch(/unsupported URL scheme "javascript:"/);
    expect((await listHashes(q)).length).toBe(before);

    // One good magnet among bad ones: the good one lands, the exit code still says "rejected".
    const good = randomMagnet();
    const mixed = await s.run(['add', good.magnet, 'javascript:void(0)'], env());
    expectExit(mixed, 2);
    expect(mixed.stdout).toContain('[RESULT] added=1 duplicate=0 queued=0 rejected=1');
    await waitForHashes(q, [good.infohash], 2_000);
  });
});
