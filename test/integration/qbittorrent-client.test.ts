import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QbitClient, QbitError, type LoginGuard, type LoginPermit, type QbitClientOptions } from '../../electron/core/qbittorrent';
import { directLogin, listHashes, listTorrents, waitForHashes } from '../harness/direct';
import { base32Magnet, makeTorrentFile, randomMagnet, stripTrackers, topLevelEntries, torrentInfohash, v2Magnet } from '../harness/inputs';
import { loginRefused } from '../harness/login-answers';
import { resolveVersion } from '../harness/qbt-versions.mjs';
import { makeSelfSignedCert, startQbittorrent, type QbtProcess } from '../harness/qbittorrent';
import { savedResumeIds } from '../chaos/support/resume-data';

/**
 * The WebUI client against REAL qbittorrent-nox instances on 127.0.0.1 (no fakes), of the
 * version QBT_VERSION picks (4.5 by default; 5.1, 5.3: see test/harness/qbt-versions.mjs).
 * `main` holds most tests; `fragile` is killed, frozen and restarted; `strict` bans after 2 failures.
 */

let main: QbtProcess;
let fragile: QbtProcess;
let strict: QbtProcess;
const clients: QbitClient[] = [];

/** A client for a harness instance; closed in afterAll. */
function clientFor(q: QbtProcess, extra: Partial<QbitClientOptions> = {}): QbitClient {
  const c = new QbitClient({ url: q.url, username: q.username, password: q.password, ...extra });
  clients.push(c);
  return c;
}

/** A LoginGuard that records what it was told and can veto. */
function recordingGuard(veto: QbitError | null = null): LoginGuard & { failures: string[]; successes: number; checks: number } {
  const g = {
    failures: [] as string[],
    successes: 0,
    checks: 0,
    async begin(): Promise<LoginPermit> {
      g.checks++;
      if (veto) return { allowed: false, error: veto };
      return {
        allowed: true,
        attempt: {
          succeeded: async () => void g.successes++,
          failed: async (code: 'AUTH_FAILED' | 'BANNED') => void g.failures.push(code),
          unanswered: async () => void g.failures.push('UNANSWERED'),
          notSent: async () => undefined,
        },
      };
    },
  };
  return g;
}

/** Expects `p` to reject with a QbitError of `code`; returns the error. */
async function expectCode(p: Promise<unknown>, code: string): Promise<QbitError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, `expected ${code}`).toBeInstanceOf(QbitError);
  expect((err as QbitError).code).toBe(code);
  return err as QbitError;
}

/** Polls `info({hashes})` until all are visible (an add reply can precede visibility by a poll). */
async function confirm(c: QbitClient, hashes: string[], timeoutMs = 5_000): Promise<Map<string, Record<string, unknown>>> {
  const start = Date.now();
  for (;;) {
    const rows = await c.info({ hashes });
    if (rows.length === hashes.length || Date.now() - start > timeoutMs) return new Map(rows.map((t) => [t.hash, t]));
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  [main, fragile, strict] = await Promise.all([
    startQbittorrent({ name: 'main', password: 'right-horse-battery' }),
    startQbittorrent({ name: 'fragile' }),
    startQbittorrent({ name: 'strict', extraConfig: { Preferences: { 'WebUI\\MaxAuthenticationFailCount': '2' } } }),
  ]);
});

afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  await Promise.allSettled([main, fragile, strict].filter(Boolean).map((q) => q.dispose()));
});

describe('session', () => {
  it('logs in once and reuses the cookie for many calls, concurrent ones included', async () => {
    const guard = recordingGuard();
    const c = clientFor(main, { loginGuard: guard });
    await Promise.all(Array.from({ length: 20 }, () => c.appVersion()));
    for (let i = 0; i < 30; i++) await c.transferInfo();
    expect(await c.appVersion()).toBe(main.version); // what `qbittorrent-nox --version` printed
    expect(await c.webapiVersion()).toMatch(/^2\.\d+/);
    const before = c.stats.requests;
    await c.webapiVersion(); // cached for the session
    expect(c.stats.requests).toBe(before);
    expect(c.stats.logins).toBe(1);
    expect(guard.successes).toBe(1);
    console.log(`[session] ${c.stats.requests} requests, ${c.stats.logins} login`);
  });

  it('wrong password → AUTH_FAILED and the guard is told', async () => {
    const guard = recordingGuard();
    const c = clientFor(main, { password: 'wrong', loginGuard: guard });
    await expectCode(c.appVersion(), 'AUTH_FAILED');
    expect(guard.failures).toEqual(['AUTH_FAILED']);
    expect(c.stats.logins).toBe(1);
    await directLogin(main); // a success resets qBittorrent's failure count
  });

  it('a guard veto is thrown without sending a login', async () => {
    const c = clientFor(main, { loginGuard: recordingGuard(new QbitError('AUTH_FAILED', 'remembered bad credentials')) });
    await expectCode(c.appVersion(), 'AUTH_FAILED');
    expect(c.stats.logins).toBe(0);
    expect(c.stats.requests).toBe(0);
  });

  it('re-logs in once after the server dropped the session (restart)', async () => {
    const c = clientFor(fragile);
    await c.appVersion();
    await fragile.restart();
    expect(await c.appVersion()).toMatch(/^v/);
    expect(c.stats.logins).toBe(2);
  });

  it('ban: after 2 failed logins (MaxAuthenticationFailCount=2) the right password gets BANNED, then no login is sent', async () => {
    for (let i = 0; i < 2; i++) expect(loginRefused(await directLogin(strict, { password: 'nope' }))).toBe(true);
    const guard = recordingGuard();
    const c = clientFor(strict, { loginGuard: guard });
    const err = await expectCode(c.appVersion(), 'BANNED');
    expect(err.httpStatus).toBe(403);
    expect(c.stats.logins).toBe(1);
    expect(c.bannedUntil).toBeGreaterThan(Date.now() + 3_500_000);
    await expectCode(c.transferInfo(), 'BANNED');
    expect(c.stats.logins).toBe(1);
    expect(c.stats.requests).toBe(1);
    expect(guard.failures).toEqual(['BANNED']);
  });
});

describe('adding', () => {
  it('adds 1 000 magnets in ONE request and confirms them all by infohash', async () => {
    const c = clientFor(main);
    await c.login();
    const magnets = Array.from({ length: 1000 }, (_, i) => randomMagnet(`bulk ${i}`));
    const hashes = magnets.map((m) => m.infohash);
    const t0 = performance.now();
    const res = await c.addMagnets(magnets.map((m) => m.magnet), { paused: true });
    const t1 = performance.now();
    const seen = await confirm(c, hashes);
    const t2 = performance.now();
    expect(res).toEqual({ accepted: true, refusedAll: false, requests: 1 });
    expect(seen.size).toBe(1000);
    console.log(`[bulk] 1000 magnets: add ${(t1 - t0).toFixed(0)} ms, confirm ${(t2 - t1).toFixed(0)} ms, total ${(t2 - t0).toFixed(0)} ms; requests ${c.stats.requests}, logins ${c.stats.logins}`);
    await waitForHashes(main, hashes.slice(0, 50), 2_000); // independent check
  });

  it('answers accepted=false when nothing in the batch is new (4.x "Fails.")', async () => {
    const c = clientFor(main);
    const m = randomMagnet();
    expect((await c.addMagnets([m.magnet], { paused: true })).accepted).toBe(true);
    // Only once it is listed is it "already there": qBittorrent 5.3 answered a second add sent
    // right after the first with success (CI, twice in a row), the torrent not in its session yet.
    await confirm(c, [m.infohash]);
    expect(await c.addMagnets([m.magnet], { paused: true })).toMatchObject({ accepted: false, refusedAll: true });
    // One known + one new: 4.x/5.1 answer `Ok.`, 5.2+ JSON with a failure beside a success — never "refused as a whole".
    const fresh = randomMagnet();
    expect((await c.addMagnets([m.magnet, fresh.magnet], { paused: true })).refusedAll).toBe(false);
  });

  it('base32 and v2 magnets show by their lowercase hex infohash', async () => {
    const c = clientFor(main);
    const b32 = base32Magnet();
    const v2 = v2Magnet();
    expect(b32.magnet).toContain(b32.base32);
    expect((await c.addMagnets([b32.magnet, v2.magnet], { paused: true })).accepted).toBe(true);
    const seen = await confirm(c, [b32.infohash, v2.torrentId]);
    expect([...seen.keys()].sort()).toEqual([b32.infohash, v2.torrentId].sort());
    await waitForHashes(main, [b32.infohash, v2.torrentId], 2_000);
  });

  it('adds .torrent files via multipart (generated + stripped fixtures) and they show by infohash', async () => {
    const c = clientFor(main);
    const made = makeTorrentFile('generated.bin', 100_000);
    const files = [{ name: 'generated.torrent', data: made.data }];
    const hashes = [made.infohash];
    for (const f of ['alice', 'bunny', 'folder']) {
      const raw = readFileSync(`node_modules/webtorrent-fixtures/fixtures/${f}.torrent`);
      const stripped = stripTrackers(raw);
      const keys = topLevelEntries(stripped).map((e) => e.key);
      expect(keys).not.toContain('announce');
      expect(keys).not.toContain('announce-list');
      expect(keys).not.toContain('url-list');
      expect(torrentInfohash(stripped)).toBe(torrentInfohash(raw));
      files.push({ name: `${f}.torrent`, data: stripped });
      hashes.push(torrentInfohash(raw));
    }
    const before = c.stats.requests;
    expect(await c.addTorrentFiles(files, { paused: true })).toMatchObject({ accepted: true, requests: 1 });
    expect(c.stats.requests - before).toBeLessThanOrEqual(2); // the add (+ a login on first use)
    await waitForHashes(main, hashes, 5_000);
    expect((await confirm(c, hashes)).size).toBe(hashes.length);
  });

  it('garbage .torrent → HTTP_415 with the server message', async () => {
    const c = clientFor(main);
    const err = await expectCode(c.addTorrentFiles([{ name: 'junk.torrent', data: Buffer.from('not bencode at all') }]), 'HTTP_415');
    expect(err.httpStatus).toBe(415);
    expect(err.message).toContain("'junk.torrent' is not a valid torrent file");
  });

  it('trims tags, auto-creates the category, honours paused', async () => {
    const c = clientFor(main);
    const m = randomMagnet();
    const category = `cat-${m.infohash.slice(0, 6)}`;
    await c.addMagnets([m.magnet], { category, tags: ['  movies ', '', ' 4k', '   '], paused: true });
    const t = (await confirm(c, [m.infohash])).get(m.infohash);
    expect(t?.tags).toBe('4k, movies');
    expect(t?.category).toBe(category);
    expect(['pausedDL', 'stoppedDL']).toContain(t?.state);
    expect(Object.keys(await c.categories())).toContain(category);
    await c.createCategory(category); // 409 already exists → quiet
    await c.createCategory(`${category}-new`, `${main.profileDir}/downloads/new`);
    expect((await c.categories())[`${category}-new`]?.savePath).toContain('downloads/new');
  });

  it('pause, resume and delete', async () => {
    const c = clientFor(main);
    const [a, b] = [randomMagnet(), randomMagnet()];
    await c.addMagnets([a.magnet, b.magnet], { paused: false });
    await confirm(c, [a.infohash, b.infohash]);
    // qBittorrent applies pause/resume asynchronously — its state shows in `info` 1.0-1.5 s later
    // (measured on 4.5 and 5.3), more on a loaded machine: poll the state (independent helper).
    const stateOf = async (h: string): Promise<string> => String((await listTorrents(main, [h]))[0]?.state);
    const waitState = async (h: string, re: RegExp, want: boolean): Promise<string> => {
      const start = Date.now();
      let s = await stateOf(h);
      while (re.test(s) !== want && Date.now() - start < 10_000) {
        await new Promise((r) => setTimeout(r, 25));
        s = await stateOf(h);
      }
      return s;
    };
    const paused = /^(paused|stopped)(DL|UP)$/;
    await c.pause([a.infohash, b.infohash]);
    expect(await waitState(a.infohash, paused, true)).toMatch(paused);
    expect(await waitState(b.infohash, paused, true)).toMatch(paused);
    await c.resume([a.infohash]);
    expect(await waitState(a.infohash, paused, false)).not.toMatch(paused);
    expect(await stateOf(b.infohash)).toMatch(paused);
    await c.delete([a.infohash, b.infohash], true);
    const s2 = Date.now();
    while ((await listHashes(main)).includes(a.infohash) && Date.now() - s2 < 10_000) await new Promise((r) => setTimeout(r, 50));
    const left = await listHashes(main);
    expect(left).not.toContain(a.infohash);
    expect(left).not.toContain(b.infohash);
  });

  it('info with 1 200 hashes is split into chunks of 500', async () => {
    const c = clientFor(main);
    await c.login();
    const before = c.stats.requests;
    expect(await c.info({ hashes: Array.from({ length: 1200 }, () => randomMagnet().infohash) })).toEqual([]);
    expect(c.stats.requests - before).toBe(3);
    expect(await c.info({ hashes: [] })).toEqual([]);
  });
});

describe('failures', () => {
  it('killed server → CONNECTION_REFUSED fast', async () => {
    const c = clientFor(fragile);
    await c.appVersion();
    await fragile.kill();
    try {
      const t0 = performance.now();
      await expectCode(c.appVersion(), 'CONNECTION_REFUSED');
      expect(performance.now() - t0).toBeLessThan(1_000);
    } finally {
      await fragile.restart();
    }
  });

  it('frozen server (SIGSTOP) → TIMEOUT after requestTimeoutMs, not a hang', async () => {
    const c = clientFor(fragile, { requestTimeoutMs: 1_500 });
    await c.appVersion();
    fragile.freeze();
    try {
      const t0 = performance.now();
      await expectCode(c.transferInfo(), 'TIMEOUT');
      const took = performance.now() - t0;
      console.log(`[frozen] TIMEOUT after ${took.toFixed(0)} ms`);
      expect(took).toBeGreaterThan(1_400);
      // Not a hang, nor a second attempt (that would be ≥ 3 s): slack for timers on a loaded machine.
      expect(took).toBeLessThan(2_900);
      // a fresh client must time out at login too (the kernel accepts the TCP connection)
      const fresh = clientFor(fragile, { requestTimeoutMs: 1_500 });
      await expectCode(fresh.appVersion(), 'TIMEOUT');
    } finally {
      fragile.thaw();
    }
    expect(await c.appVersion()).toMatch(/^v/);
  });
});

/** Polls a torrent's state on the server (independent helper) until `re` matches it (or 5 s pass). */
async function waitState(q: QbtProcess, h: string, re: RegExp): Promise<string> {
  const start = Date.now();
  for (;;) {
    const s = String((await listTorrents(q, [h]))[0]?.state);
    if (re.test(s) || Date.now() - start > 10_000) return s;
    await new Promise((r) => setTimeout(r, 25));
  }
}

const upgradeTo = resolveVersion('5.3');
describe.skipIf(upgradeTo.missing !== undefined)(`server upgraded in place 4.5 → 5.3 (${upgradeTo.version ?? 'qBittorrent 5.3 not installed: not run'})`, () => {
  let up: QbtProcess | undefined;
  afterAll(async () => {
    await up?.dispose();
  });

  it('the first pause and resume after the upgrade use 5.x stop/start (no 404), on the torrent kept across it', async () => {
    up = await startQbittorrent({ name: 'upgrade', version: '4.5' });
    const c = clientFor(up);
    const m = randomMagnet();
    await c.addMagnets([m.magnet], { paused: false });
    await confirm(c, [m.infohash]);
    expect(await c.webapiVersion()).toMatch(/^2\.8\./); // cached: 4.5 speaks pause/resume
    await c.pause([m.infohash]);
    expect(await waitState(up, m.infohash, /^paused/)).toMatch(/^pausedDL$/);
    await c.resume([m.infohash]);
    expect(await waitState(up, m.infohash, /^(?!paused)/)).not.toMatch(/^paused/);

    // qBittorrent keeps a torrent across a restart only once its resume data is on disk (a stop
    // right after an add can lose it: test/integration/qbt-resume-durability.test.ts).
    for (let i = 0; i < 200 && !savedResumeIds(up.profileDir).has(m.infohash); i++) await new Promise((r) => setTimeout(r, 50));
    expect(savedResumeIds(up.profileDir), 'resume data saved before the upgrade').toContain(m.infohash);
    await up.restart({ version: '5.3' }); // same profile and port; the old session is gone
    expect(up.version).toMatch(/^v5\.3\./);
    await c.pause([m.infohash]); // 403 → re-login → the endpoint must be chosen for the new server
    expect(await waitState(up, m.infohash, /^stopped/)).toBe('stoppedDL');
    expect(await c.webapiVersion()).toMatch(/^2\.1[1-9]\./);
    await c.resume([m.infohash]);
    expect(await waitState(up, m.infohash, /^(?!stopped)/)).not.toMatch(/^stopped/);
  });
});

describe('HTTPS WebUI (self-signed certificate)', () => {
  let secure: QbtProcess;
  let certDir: string;
  let fingerprint: string;

  beforeAll(async () => {
    certDir = mkdtempSync(join(tmpdir(), 'qbf-test-cert-'));
    const cert = makeSelfSignedCert(certDir);
    fingerprint = cert.fingerprint256;
    secure = await startQbittorrent({ name: 'secure', https: cert });
    expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
  });

  afterAll(async () => {
    await secure?.dispose();
    rmSync(certDir, { recursive: true, force: true });
  });

  it('system CAs refuse it → TLS_ERROR', async () => {
    await expectCode(clientFor(secure).appVersion(), 'TLS_ERROR');
  });

  it('insecure accepts it', async () => {
    expect(await clientFor(secure, { tls: { mode: 'insecure' } }).appVersion()).toMatch(/^v/);
  });

  it('pinned accepts the right fingerprint (any case, colons optional) for many calls', async () => {
    const c = clientFor(secure, { tls: { mode: 'pinned', fingerprint256: fingerprint.replace(/:/g, '').toLowerCase() } });
    for (let i = 0; i < 5; i++) expect(await c.appVersion()).toMatch(/^v/);
    expect(c.stats.logins).toBe(1);
  });

  it('pinned refuses another fingerprint → TLS_ERROR', async () => {
    const wrong = fingerprint.replace(/^../, fingerprint.startsWith('00') ? '11' : '00');
    await expectCode(clientFor(secure, { tls: { mode: 'pinned', fingerprint256: wrong } }).appVersion(), 'TLS_ERROR');
  });
});
