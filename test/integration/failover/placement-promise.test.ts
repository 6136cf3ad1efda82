import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettingsInput } from '../../../shared/settings';
import { createEngine, type Engine } from '../../../electron/core/engine';
import { FileSecretStore } from '../../../electron/core/config/secret-store';
import { saveSettingsFile } from '../../../electron/core/config/settings-file';
import { directLogin, listHashes, listTorrents, waitForHashes } from '../../harness/direct';
import { freePort, startQbittorrent, type QbtProcess } from '../../harness/qbittorrent';
import { hybridMagnet, makeHybridTorrentFile, makeTorrentFile, randomMagnet } from '../../harness/inputs';
import { FakeVpn } from '../../chaos/support/vpn';
import { ALIASES_FRESH_MS } from '../../../electron/core/failover/placer';

/**
 * The promise — every magnet confirmed on exactly ONE instance or in the queue, and the user told
 * which — against real qbittorrent-nox, for the inputs a hostile review found breaking it: magnet
 * forms the queue could not read back, hybrid (v1+v2) torrents, a duplicate held by a VPN-gated
 * instance, malformed `xt`s, invalid categories, and flush's own report.
 */

let a: QbtProcess;
let b: QbtProcess;
const dirs: string[] = [];
const engines: Engine[] = [];
const vpn = new FakeVpn();

async function engineWith(over: Partial<SettingsInput> & { instances: SettingsInput['instances'] }, queueFile?: string): Promise<{ engine: Engine; queueFile: string }> {
  const root = mkdtempSync(join(tmpdir(), 'qbf-promise-'));
  dirs.push(root);
  const home = join(root, 'home');
  const file = queueFile ?? join(root, 'queue', 'qbittorrent_queue.json');
  const secrets = new FileSecretStore(home);
  await saveSettingsFile(home, { vpn: { check: 'none' }, queueFile: file, ...over });
  for (const i of over.instances ?? []) await secrets.set(i.name, i.name === 'b' ? b.password : a.password);
  const engine = await createEngine({ home, secrets });
  engines.push(engine);
  return { engine, queueFile: file };
}

type InstanceInput = NonNullable<SettingsInput['instances']>[number];
const inst = (name: 'a' | 'b', q: QbtProcess, extra: Partial<InstanceInput> = {}): InstanceInput => ({ name, url: q.url, username: q.username, ...extra });

beforeAll(async () => {
  [a, b] = await Promise.all([startQbittorrent({ name: 'promise-a' }), startQbittorrent({ name: 'promise-b' })]);
});

afterAll(async () => {
  vpn.remove();
  await Promise.allSettled(engines.map((e) => e.stop()));
  await Promise.allSettled([a, b].filter(Boolean).map((q) => q.dispose()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('one magnet parser: what add accepts survives queue → foreign rewrite → reload → flush', () => {
  it('xt.1=, XT=, lower-case base32 and a percent-encoded urn keep infohash, name and options through the queue', async () => {
    const forms = [randomMagnet('dotted xt'), randomMagnet('upper XT'), randomMagnet('b32 lower'), randomMagnet('pct urn')];
    const b32 = (hex: string): string => {
      const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
      let bits = '';
      for (const c of hex) bits += parseInt(c, 16).toString(2).padStart(4, '0');
      let out = '';
      for (let i = 0; i < bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
      return out;
    };
    const inputs = [
      `magnet:?xt.1=urn:btih:${forms[0]!.infohash}&dn=dotted+xt`,
      `magnet:?XT=urn:btih:${forms[1]!.infohash.toUpperCase()}&DN=upper%20XT`,
      `magnet:?xt=urn:btih:${b32(forms[2]!.infohash)}&dn=b32%20lower`,
      `magnet:?xt=urn%3Abtih%3A${forms[3]!.infohash}&dn=pct%20urn`,
    ];
    const dead = `http://127.0.0.1:${await freePort()}`;
    const down = await engineWith({ instances: [{ name: 'a', url: dead, username: 'admin' }] });
    const res = await down.engine.add(inputs, { category: 'tv/hd', tags: ['promise'] });
    expect(res.results.map((r) => r.outcome)).toEqual(['queued', 'queued', 'queued', 'queued']);

    // The old tool rewrites the file with its four keys only (our block is gone).
    const doc = JSON.parse(readFileSync(down.queueFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(down.queueFile, JSON.stringify({ saved_at: doc.saved_at, reason: doc.reason, magnets: doc.magnets, instructions: doc.instructions }, null, 2));

    const up = await engineWith({ instances: [inst('a', a)] }, down.queueFile);
    const queued = up.engine.queueListing().entries;
    expect(queued.map((e) => e.infohash).sort()).toEqual(forms.map((f) => f.infohash).sort());
    expect(queued.map((e) => e.name).sort()).toEqual(['b32 lower', 'dotted xt', 'pct urn', 'upper XT']);

    await up.engine.checkAll();
    const flushed = await up.engine.flush();
    expect(flushed.placed.map((p) => p.infohash).sort()).toEqual(forms.map((f) => f.infohash).sort());
    expect(flushed.queueLength).toBe(0);
    const rows = await listTorrents(a, forms.map((f) => f.infohash));
    expect(rows).toHaveLength(4);
    expect(rows.map((r) => r.name).sort()).toEqual(['b32 lower', 'dotted xt', 'pct urn', 'upper XT']);
  });

  it('a queued add keeps its category and tags for the flush (the block is ours)', async () => {
    const m = randomMagnet('with options');
    const dead = `http://127.0.0.1:${await freePort()}`;
    const down = await engineWith({ instances: [{ name: 'a', url: dead, username: 'admin' }] });
    expect((await down.engine.add([m.magnet], { category: 'promise-cat', tags: ['t1', 't2'] })).summary.queued).toBe(1);
    const up = await engineWith({ instances: [inst('a', a)] }, down.queueFile);
    await up.engine.checkAll();
    expect((await up.engine.flush()).placed).toHaveLength(1);
    const [row] = await listTorrents(a, [m.infohash]);
    expect(row?.category).toBe('promise-cat');
    expect(String(row?.tags).split(',').map((t) => t.trim()).sort()).toEqual(['t1', 't2']);
  });
});

describe('hybrid (v1+v2) torrents are matched on hash, infohash_v1 and infohash_v2', () => {
  it('a hybrid magnet is confirmed (not queued) and lands on one instance only', async () => {
    const h = hybridMagnet();
    const { engine } = await engineWith({ instances: [inst('a', a), inst('b', b)], confirmTimeoutMs: 2_000 });
    await engine.checkAll();
    const res = await engine.add([h.magnet]);
    expect(res.results[0]).toMatchObject({ outcome: 'added', instance: 'a', infohash: h.v1 });
    await waitForHashes(a, [h.listedAs], 2_000);
    expect(await listHashes(b)).not.toContain(h.listedAs);
    expect(engine.queueListing().entries).toHaveLength(0);
  });

  it('the v1-only magnet of a hybrid already on one instance is a duplicate, not a second copy', async () => {
    const h = hybridMagnet();
    const { engine } = await engineWith({ instances: [inst('a', a), inst('b', b)], confirmTimeoutMs: 2_000 });
    await engine.checkAll();
    // The hybrid lands on b directly (another tool put it there).
    const sid = (await directLogin(b)).cookie!;
    const form = new URLSearchParams({ urls: h.magnet });
    const r = await fetch(`${b.url}/api/v2/torrents/add`, { method: 'POST', headers: { cookie: sid, 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    expect(r.status).toBeLessThan(300);
    await waitForHashes(b, [h.listedAs], 2_000);
    // Not seen by any poll yet: the add refreshes b's state first (it is older than ALIASES_FRESH_MS by now).
    await new Promise((r) => setTimeout(r, ALIASES_FRESH_MS + 100));
    const res = await engine.add([h.v1Magnet]);
    expect(res.results[0]).toMatchObject({ outcome: 'duplicate', instance: 'b' });
    expect(await listHashes(a)).not.toContain(h.v1);
    expect(await listHashes(a)).not.toContain(h.listedAs);
  });

  it('a hybrid .torrent queued while down is flushed once and leaves the queue', async () => {
    const t = makeHybridTorrentFile(`qbf-hybrid-${Date.now()}`);
    const dead = `http://127.0.0.1:${await freePort()}`;
    const down = await engineWith({ instances: [{ name: 'a', url: dead, username: 'admin' }] });
    const q = await down.engine.addTorrentBytes('hybrid.torrent', t.data);
    expect(q.results[0]).toMatchObject({ outcome: 'queued', infohash: t.v1 });
    const up = await engineWith({ instances: [inst('a', a), inst('b', b)], confirmTimeoutMs: 2_000 }, down.queueFile);
    await up.engine.checkAll();
    const f = await up.engine.flush();
    expect(f.placed).toEqual([expect.objectContaining({ infohash: t.v1, instance: 'a', outcome: 'added' })]);
    expect(f.queueLength).toBe(0);
    expect(await listHashes(b)).not.toContain(t.v2.slice(0, 40));
  });
});

describe('a VPN-gated instance that still answers is asked about duplicates', () => {
  it('a hash already on the requiresVpn primary is not added to the secondary while the VPN is down', async () => {
    vpn.up();
    const m = randomMagnet('gated duplicate');
    const { engine } = await engineWith({ instances: [inst('a', a, { requiresVpn: true }), inst('b', b)], vpn: { check: vpn.check } });
    await engine.checkAll();
    expect((await engine.add([m.magnet])).results[0]).toMatchObject({ outcome: 'added', instance: 'a' });
    vpn.down();
    await engine.checkAll();
    expect(engine.snapshot().instances.find((i) => i.name === 'a')?.status).toBe('VPN_DOWN');
    const again = await engine.add([m.magnet]);
    expect(again.results[0]).toMatchObject({ outcome: 'duplicate', instance: 'a' });
    expect(await listHashes(b)).not.toContain(m.infohash);
    // The torrents command does not reach a VPN-bound instance while the VPN is down.
    await expect(engine.listTorrents('a')).rejects.toMatchObject({ code: 'VPN_DOWN' });
    // VPN back: an add at once sees `a` again (probed before the add goes on), not its stale VPN_DOWN.
    vpn.up();
    const m2 = randomMagnet('right after the VPN came back');
    const sid = (await directLogin(a)).cookie!;
    await fetch(`${a.url}/api/v2/torrents/add`, { method: 'POST', headers: { cookie: sid, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ urls: m2.magnet }).toString() });
    await waitForHashes(a, [m2.infohash], 2_000);
    await new Promise((r) => setTimeout(r, 1_100)); // the last VPN probe is now stale: the add re-probes it
    expect((await engine.add([m2.magnet])).results[0]).toMatchObject({ outcome: 'duplicate', instance: 'a' });
    expect(await listHashes(b)).not.toContain(m2.infohash);
    vpn.remove();
  });
});

describe('inputs qBittorrent would refuse are rejected up front, with the reason', () => {
  it('a magnet with a second, malformed xt is rejected at once: not sent, not queued', async () => {
    const m = randomMagnet('bad second xt');
    const { engine } = await engineWith({ instances: [inst('a', a)] });
    await engine.checkAll();
    const res = await engine.add([`${m.magnet}&xt=urn:btih:${'a'.repeat(39)}`]);
    expect(res.results[0]).toMatchObject({ outcome: 'rejected', error: { code: 'INVALID_INPUT' } });
    expect(res.results[0]!.error!.message).toMatch(/btih/);
    expect(engine.queueListing().entries).toHaveLength(0);
    expect(await listHashes(a)).not.toContain(m.infohash);
  });

  it('an invalid category (bad//name) or a tag with a comma is rejected, never added without it', async () => {
    const m1 = randomMagnet('bad category');
    const m2 = randomMagnet('bad tag');
    const { engine } = await engineWith({ instances: [inst('a', a)] });
    await engine.checkAll();
    const r1 = await engine.add([m1.magnet], { category: 'bad//name' });
    expect(r1.results[0]).toMatchObject({ outcome: 'rejected', error: { code: 'INVALID_INPUT' } });
    expect(r1.results[0]!.error!.message).toMatch(/category "bad\/\/name" is not valid/);
    const r2 = await engine.add([m2.magnet], { tags: ['a,b'] });
    expect(r2.results[0]).toMatchObject({ outcome: 'rejected' });
    expect(r2.results[0]!.error!.message).toMatch(/comma/);
    const hashes = await listHashes(a);
    expect(hashes).not.toContain(m1.infohash);
    expect(hashes).not.toContain(m2.infohash);
  });
});

describe('flush tells duplicates and unknown hashes apart', () => {
  it('a queued hash already on an instance is reported duplicate (with its name); a hash not queued is listed as such', async () => {
    const m = randomMagnet('already there');
    const dead = `http://127.0.0.1:${await freePort()}`;
    const down = await engineWith({ instances: [{ name: 'a', url: dead, username: 'admin' }] });
    expect((await down.engine.add([m.magnet])).summary.queued).toBe(1);
    const sid = (await directLogin(a)).cookie!;
    await fetch(`${a.url}/api/v2/torrents/add`, { method: 'POST', headers: { cookie: sid, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ urls: m.magnet }).toString() });
    await waitForHashes(a, [m.infohash], 2_000);
    const up = await engineWith({ instances: [inst('a', a)] }, down.queueFile);
    await up.engine.checkAll();
    const other = 'c'.repeat(40);
    const f = await up.engine.flush([m.infohash, other]);
    expect(f.placed).toEqual([{ infohash: m.infohash, instance: 'a', name: 'already there', outcome: 'duplicate' }]);
    expect(f.notQueued).toEqual([other]);
    expect(f.queueLength).toBe(0);
  });
});

describe('a .torrent URL the network cannot fetch now is queued as a URL, not lost', () => {
  it('connection refused → queued (kind url, reason in words); once the server answers, flush downloads and places it', async () => {
    const t = makeTorrentFile(`qbf-url-${Date.now()}`);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/files/later.torrent`;
    const { engine, queueFile } = await engineWith({ instances: [inst('a', a)] });
    await engine.checkAll();
    const res = await engine.add([url]);
    expect(res.results[0]).toMatchObject({ outcome: 'queued', name: 'later.torrent' });
    expect(res.results[0]!.reason).toMatch(/could not download: connection refused/);
    expect(engine.queueListing().entries).toEqual([expect.objectContaining({ kind: 'url', magnet: url })]);
    // The old tool's readers see the URL in `magnets` (qBittorrent's `urls` field takes it too).
    expect((JSON.parse(readFileSync(queueFile, 'utf8')) as { magnets: string[] }).magnets).toEqual([url]);

    const server = createServer((req, reply) => {
      if (req.url === '/files/later.torrent') reply.writeHead(200, { 'content-type': 'application/x-bittorrent' }).end(t.data);
      else reply.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    try {
      const f = await engine.flush();
      expect(f.placed).toEqual([expect.objectContaining({ infohash: t.infohash, instance: 'a', outcome: 'added' })]);
      expect(f.queueLength).toBe(0);
      await waitForHashes(a, [t.infohash], 2_000);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('a URL with a space is queued in its %20 form and read back as a URL entry by another process (not a magnet that never parses)', async () => {
    const port = await freePort();
    const { engine, queueFile } = await engineWith({ instances: [inst('a', a)] });
    const res = await engine.add([`http://127.0.0.1:${port}/my file.torrent`]);
    expect(res.results[0]).toMatchObject({ outcome: 'queued' });
    const other = await engineWith({ instances: [inst('a', a)] }, queueFile);
    expect(other.engine.queueListing().entries).toEqual([expect.objectContaining({ kind: 'url', magnet: `http://127.0.0.1:${port}/my%20file.torrent` })]);
    expect((JSON.parse(readFileSync(queueFile, 'utf8')) as { magnets: string[] }).magnets).toHaveLength(1);
  });

  it('a URL fetch refuses outright (a blocked port) is rejected, not queued for ever', async () => {
    const { engine } = await engineWith({ instances: [inst('a', a)] });
    const res = await engine.add(['http://127.0.0.1:9/blocked.torrent']);
    expect(res.results[0]).toMatchObject({ outcome: 'rejected', error: { code: 'INVALID_INPUT' } });
    expect(engine.queueListing().entries).toHaveLength(0);
  });

  it('a URL that answers 404 is rejected with the reason (it will not get better by waiting)', async () => {
    const server = createServer((_req, reply) => reply.writeHead(404).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const { engine } = await engineWith({ instances: [inst('a', a)] });
      const res = await engine.add([`http://127.0.0.1:${port}/gone.torrent`]);
      expect(res.results[0]).toMatchObject({ outcome: 'rejected', error: { code: 'INVALID_INPUT' } });
      expect(res.results[0]!.error!.message).toMatch(/HTTP 404/);
      expect(engine.queueListing().entries).toHaveLength(0);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('one call mixing good inputs and a .torrent qBittorrent refuses', () => {
  it('the refused file is rejected alone; the magnet and the good file land on the first instance only (not re-sent to the second)', async () => {
    const m = randomMagnet('mixed batch magnet');
    const good = makeTorrentFile(`qbf-mixed-good-${Date.now()}`);
    const bad = makeTorrentFile(`qbf-mixed-bad-${Date.now()}`);
    // Same info dict but `pieces` one byte short: our parser hashes it, libtorrent refuses it (415).
    const badData = Buffer.from(bad.data.toString('latin1').replace(/6:pieces(\d+):/, (_m, n: string) => `6:pieces${Number(n) - 1}:`).replace(/(6:pieces\d+:[\s\S]{19})[\s\S]/, '$1'), 'latin1');
    const dir = mkdtempSync(join(tmpdir(), 'qbf-mixed-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'good.torrent'), good.data);
    writeFileSync(join(dir, 'bad.torrent'), badData);
    const { engine } = await engineWith({ instances: [inst('a', a), inst('b', b)] });
    await engine.checkAll();
    const res = await engine.add([m.magnet, join(dir, 'bad.torrent'), join(dir, 'good.torrent')]);
    expect(res.results.map((r) => r.outcome)).toEqual(['added', 'rejected', 'added']);
    expect(res.results[1]!.error).toMatchObject({ code: 'REFUSED' });
    expect(res.results.filter((r) => r.outcome === 'added').map((r) => r.instance)).toEqual(['a', 'a']);
    const onB = await listHashes(b);
    expect(onB).not.toContain(m.infohash);
    expect(onB).not.toContain(good.infohash);
    expect(engine.snapshot().queue.length).toBe(0);
  });
});

describe('a queued .torrent whose payload file was deleted', () => {
  it('is flushed by its stand-in magnet (same infohash and name), not stuck for ever', async () => {
    const t = makeTorrentFile(`qbf-payload-gone-${Date.now()}`);
    const dead = `http://127.0.0.1:${await freePort()}`;
    const down = await engineWith({ instances: [{ name: 'a', url: dead, username: 'admin' }] });
    expect((await down.engine.addTorrentBytes('gone.torrent', t.data)).results[0]).toMatchObject({ outcome: 'queued' });
    rmSync(`${down.queueFile}.torrents`, { recursive: true, force: true });
    const up = await engineWith({ instances: [inst('a', a)] }, down.queueFile);
    await up.engine.checkAll();
    const f = await up.engine.flush();
    expect(f.placed).toEqual([expect.objectContaining({ infohash: t.infohash, instance: 'a', outcome: 'added' })]);
    expect(f.queueLength).toBe(0);
  });
});

describe('the same magnet twice at once (a double submit)', () => {
  it('with round-robin routing, two concurrent adds end with one added and one duplicate, on one instance', async () => {
    const m = randomMagnet('double submit');
    const { engine } = await engineWith({ instances: [inst('a', a), inst('b', b)], routing: 'round-robin' });
    await engine.checkAll();
    const [r1, r2] = await Promise.all([engine.add([m.magnet]), engine.add([m.magnet])]);
    expect([r1.results[0]!.outcome, r2.results[0]!.outcome].sort()).toEqual(['added', 'duplicate']);
    const holders = [(await listHashes(a)).includes(m.infohash), (await listHashes(b)).includes(m.infohash)].filter(Boolean);
    expect(holders).toHaveLength(1);
  });
});
