import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FailedLoginMemory, MAX_AUTO_LOGIN_FAILURES } from '../../../electron/core/ledgers/failed-logins';
import type { LoginPermit } from '../../../electron/core/qbittorrent';

/**
 * The failed-login memory (`auth-failures.json`): shared by objects and processes under one lock,
 * a login reserved before it is sent, unanswered logins counted, records keyed by an HMAC.
 * The same rules against a real qBittorrent: test/chaos/login-safety.test.ts.
 */

const URL_ = 'http://127.0.0.1:1';
const root = fileURLToPath(new URL('../../..', import.meta.url));
const child = fileURLToPath(new URL('./fixtures/child-auth.ts', import.meta.url));

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'qbf-auth-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

/** Asks to log in; throws when refused. */
async function allowed(p: Promise<LoginPermit>): Promise<Extract<LoginPermit, { allowed: true }>['attempt']> {
  const permit = await p;
  if (!permit.allowed) throw new Error(`refused: ${permit.error.code} ${permit.error.message}`);
  return permit.attempt;
}

/** Asks to log in; returns the refusal's code (or 'ALLOWED', releasing the slot unsent). */
async function refusal(p: Promise<LoginPermit>): Promise<string> {
  const permit = await p;
  if (permit.allowed) {
    await permit.attempt.notSent();
    return 'ALLOWED';
  }
  return permit.error.code;
}

/** Runs the child fixture; resolves with its stdout. */
function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, home, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

describe('FailedLoginMemory: one lock for every writer', () => {
  it('two memories on the same file recording 2 × 25 failures at once lose none', async () => {
    const a = new FailedLoginMemory(home);
    const b = new FailedLoginMemory(home);
    // One server per password: a server's own count would stop the 4th failed login to it.
    const fail = async (m: FailedLoginMemory, pw: string): Promise<void> => (await allowed(m.guardFor(`http://${pw}.test:1`, 'admin', pw).begin(5_000))).failed('AUTH_FAILED');
    await Promise.all([...Array.from({ length: 25 }, (_, n) => fail(a, `a-${n}`)), ...Array.from({ length: 25 }, (_, n) => fail(b, `b-${n}`))]);
    const fresh = new FailedLoginMemory(home);
    for (const pw of [...Array.from({ length: 25 }, (_, n) => `a-${n}`), ...Array.from({ length: 25 }, (_, n) => `b-${n}`)]) {
      expect(await fresh.stateOf(`http://${pw}.test:1`, 'admin', pw), pw).toMatchObject({ failures: 1, serverFailures: 1 });
    }
  });

  it('four processes recording 15 failures each at once: all 60 are remembered', async () => {
    await Promise.all(['p0', 'p1', 'p2', 'p3'].map((p) => runChild(['fail', p, '15'])));
    const mem = new FailedLoginMemory(home);
    let remembered = 0;
    for (const p of ['p0', 'p1', 'p2', 'p3']) for (let n = 0; n < 15; n++) remembered += (await mem.stateOf(`http://${p}-${n}.test:1`, 'admin', `${p}-${n}`)).failures;
    expect(remembered).toBe(60);
  }, 30_000);

  it('six processes asking to log in with the same wrong password at once: one sends, five are refused', async () => {
    const outs = await Promise.all(Array.from({ length: 6 }, () => runChild(['race'])));
    const lines = outs.map((o) => o.trim()).sort();
    expect(lines.filter((l) => l === 'SENT')).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('REFUSED'))).toHaveLength(5);
    expect((await new FailedLoginMemory(home).stateOf(URL_, 'admin', 'shared-wrong')).failures).toBe(1);
  }, 30_000);

  it('two guards in one process: the second waits for the first login in flight, then follows its outcome', async () => {
    const mem = new FailedLoginMemory(home);
    const first = await allowed(mem.guardFor(URL_, 'admin', 'pw').begin(5_000));
    const second = new FailedLoginMemory(home).guardFor(URL_, 'admin', 'pw').begin(5_000);
    await new Promise((r) => setTimeout(r, 150)); // the second is now waiting on the pending record
    await first.succeeded();
    const next = await allowed(second); // a success: the second may log in too
    await next.failed('AUTH_FAILED');
    expect(await refusal(mem.guardFor(URL_, 'admin', 'pw').begin(5_000))).toBe('AUTH_FAILED');
  });
});

describe('FailedLoginMemory: logins without an answer', () => {
  it('a login that got no answer counts as a failure, and the next is refused (TIMEOUT) without sending', async () => {
    const mem = new FailedLoginMemory(home);
    const g = mem.guardFor(URL_, 'admin', 'pw');
    await (await allowed(g.begin(1_000))).unanswered();
    expect(await mem.stateOf(URL_, 'admin', 'pw')).toMatchObject({ failures: 1, pending: false });
    expect(await refusal(g.begin(1_000))).toBe('TIMEOUT');
  });

  it('a login reserved by a process that died counts once its time is past; until then others wait and send nothing', async () => {
    let now = 1_000_000;
    const dead = new FailedLoginMemory(home, () => now);
    await allowed(dead.guardFor(URL_, 'admin', 'pw').begin(1_000)); // never resolved: SIGKILL mid-login
    const other = new FailedLoginMemory(home, () => now);
    expect(await refusal(other.guardFor(URL_, 'admin', 'pw').begin(200))).toBe('TIMEOUT'); // waited, sent nothing
    expect(await other.stateOf(URL_, 'admin', 'pw')).toMatchObject({ failures: 0, pending: true });
    now += 10_000; // past its 1 s timeout and the grace
    expect(await refusal(other.guardFor(URL_, 'admin', 'pw').begin(200))).toBe('TIMEOUT');
    expect(await other.stateOf(URL_, 'admin', 'pw')).toMatchObject({ failures: 1, pending: false });
  });

  it('a login that never reached the server (refused, TLS) does not count', async () => {
    const mem = new FailedLoginMemory(home);
    const g = mem.guardFor(URL_, 'admin', 'pw');
    for (let i = 0; i < MAX_AUTO_LOGIN_FAILURES + 2; i++) await (await allowed(g.begin(1_000))).notSent();
    expect(await mem.stateOf(URL_, 'admin', 'pw')).toMatchObject({ failures: 0, pending: false });
  });

  it(`stops after ${MAX_AUTO_LOGIN_FAILURES} failed or unanswered logins, and a success forgets them`, async () => {
    let now = 5_000_000;
    const mem = new FailedLoginMemory(home, () => now);
    const g = mem.guardFor(URL_, 'admin', 'pw');
    await (await allowed(g.begin(1_000))).unanswered();
    now += 6 * 60_000;
    await (await allowed(g.begin(1_000))).failed('AUTH_FAILED');
    now += 31 * 60_000;
    const third = await allowed(g.begin(1_000));
    await third.unanswered();
    now += 7 * 86_400_000; // a week later: still not retried automatically
    expect(await refusal(g.begin(1_000))).toBe('TIMEOUT');
    await mem.forgetCredentials(URL_, 'admin', 'pw'); // the user entered it again
    await (await allowed(g.begin(1_000))).succeeded();
    expect(await mem.stateOf(URL_, 'admin', 'pw')).toMatchObject({ failures: 0, pending: false });
  });
});

describe('FailedLoginMemory: keyed records', () => {
  const sha = (t: string): string => createHash('sha256').update(t).digest('hex');

  it('holds no unkeyed digest of url + user + password; the key is 32 random bytes, 0600, and differs per install', async () => {
    const mem = new FailedLoginMemory(home);
    await (await allowed(mem.guardFor(URL_, 'admin', 'hunter22').begin(1_000))).failed('AUTH_FAILED');
    const text = await readFile(mem.file, 'utf8');
    expect(text).not.toContain(sha(`${URL_}\nadmin\nhunter22`));
    expect(text).not.toContain(sha(URL_));
    expect(text).toMatch(/cred:[0-9a-f]{64}/);
    const key = await readFile(mem.keyFile);
    expect(key).toHaveLength(32);
    if (process.platform !== 'win32') expect((await stat(mem.keyFile)).mode & 0o777).toBe(0o600);

    const otherHome = await mkdtemp(join(tmpdir(), 'qbf-auth-other-'));
    try {
      const other = new FailedLoginMemory(otherHome);
      await (await allowed(other.guardFor(URL_, 'admin', 'hunter22').begin(1_000))).failed('AUTH_FAILED');
      const mine = /cred:[0-9a-f]{64}/.exec(text)![0];
      expect(await readFile(other.file, 'utf8')).not.toContain(mine);
    } finally {
      await rm(otherHome, { recursive: true, force: true });
    }
  });

  it('a version-1 file (unkeyed SHA-256 keys): failures of the configured pair carry over, every unkeyed digest is dropped', async () => {
    const now = Date.now();
    await writeFile(
      join(home, 'auth-failures.json'),
      JSON.stringify({
        [`cred:${sha(`${URL_}\nadmin\nold-wrong`)}`]: { failedAt: now - 1000, failures: MAX_AUTO_LOGIN_FAILURES },
        [`cred:${sha(`${URL_}\nadmin\nsomething-else`)}`]: { failedAt: now - 1000, failures: 1 },
        [`ban:${sha(URL_)}`]: { bannedUntil: now + 600_000 },
      }),
    );
    const mem = new FailedLoginMemory(home);
    const g = mem.guardFor(URL_, 'admin', 'old-wrong');
    expect(await refusal(g.begin(1_000))).toBe('BANNED'); // the ban carried over
    const text = await readFile(mem.file, 'utf8');
    expect(text).not.toContain(sha(`${URL_}\nadmin\nold-wrong`));
    expect(text).not.toContain(sha(`${URL_}\nadmin\nsomething-else`));
    expect(text).not.toContain(sha(URL_));
    expect(await mem.stateOf(URL_, 'admin', 'old-wrong')).toMatchObject({ failures: MAX_AUTO_LOGIN_FAILURES });
  });
});

/**
 * qBittorrent counts failed logins per client IP, whatever password was tried, and the count
 * never decays: only a successful login (or a ban's end, or a restart) resets it; 5 bans the IP
 * (`WebUI\MaxAuthenticationFailCount`). `Server` below is that rule, nothing more: the test
 * drives the memory the way the engine does (a poll every 5 min for two days) and counts what
 * the server would have counted.
 */
describe('FailedLoginMemory: one count per server, whatever the password', () => {
  const FIVE_MIN = 5 * 60_000;
  const TWO_DAYS_OF_POLLS = (2 * 86_400_000) / FIVE_MIN;

  /** qBittorrent's per-IP count of failed logins for one server whose right password is `right`. */
  class Server {
    failures = 0;
    worst = 0;
    sent = 0;
    constructor(readonly right: string) {}
  }

  /** Polls `password` every 5 min for two days from `now.t`; returns how many logins were sent. */
  async function poll(mem: FailedLoginMemory, srv: Server, password: string, now: { t: number }): Promise<number> {
    const g = mem.guardFor(URL_, 'admin', password);
    let sent = 0;
    for (let i = 0; i < TWO_DAYS_OF_POLLS; i++) {
      now.t += FIVE_MIN;
      const permit = await g.begin(1_000);
      if (!permit.allowed) continue;
      sent++;
      srv.sent++;
      if (password === srv.right) {
        srv.failures = 0;
        await permit.attempt.succeeded();
      } else {
        srv.failures++;
        srv.worst = Math.max(srv.worst, srv.failures);
        await permit.attempt.failed('AUTH_FAILED');
      }
    }
    return sent;
  }

  it('3 failed logins with password A, then the user enters a new wrong password B: ONE login with B, then none; the server counts at most 4 failures', async () => {
    const now = { t: 10_000_000 };
    const mem = new FailedLoginMemory(home, () => now.t);
    const srv = new Server('right');
    expect(await poll(mem, srv, 'typo-a', now)).toBe(MAX_AUTO_LOGIN_FAILURES);
    await mem.forgetCredentials(URL_, 'admin', 'typo-b'); // the user stores a second wrong password
    expect(await poll(mem, srv, 'typo-b', now)).toBe(1);
    expect(srv.worst).toBe(4);
    // Entering B again, or a third wrong password: not one more login (the 5th would ban the IP).
    await mem.forgetCredentials(URL_, 'admin', 'typo-b');
    expect(await poll(mem, srv, 'typo-b', now)).toBe(0);
    await mem.forgetCredentials(URL_, 'admin', 'typo-c');
    const permit = await mem.guardFor(URL_, 'admin', 'typo-c').begin(1_000);
    expect(permit.allowed).toBe(false);
    if (!permit.allowed) expect(permit.error.message).toContain('qBittorrent would ban this address after one more failure; log in once in the browser or restart qBittorrent to reset its count');
    expect(srv.worst).toBeLessThanOrEqual(4);
  });

  it('re-entering the same wrong password after 3 failures allows one login at most', async () => {
    const now = { t: 20_000_000 };
    const mem = new FailedLoginMemory(home, () => now.t);
    const srv = new Server('right');
    expect(await poll(mem, srv, 'typo', now)).toBe(MAX_AUTO_LOGIN_FAILURES);
    await mem.forgetCredentials(URL_, 'admin', 'typo');
    expect(await poll(mem, srv, 'typo', now)).toBe(1);
    await mem.forgetCredentials(URL_, 'admin', 'typo');
    expect(await poll(mem, srv, 'typo', now)).toBe(0);
    expect(srv.worst).toBe(4);
  });

  it('a success with any password resets the server count: a later wrong password gets its 3 automatic logins again', async () => {
    const now = { t: 30_000_000 };
    const mem = new FailedLoginMemory(home, () => now.t);
    const srv = new Server('right');
    expect(await poll(mem, srv, 'typo-a', now)).toBe(MAX_AUTO_LOGIN_FAILURES);
    expect(await mem.stateOf(URL_, 'admin', 'typo-b')).toMatchObject({ failures: 0, serverFailures: MAX_AUTO_LOGIN_FAILURES });
    await mem.forgetCredentials(URL_, 'admin', 'right');
    await (await allowed(mem.guardFor(URL_, 'admin', 'right').begin(1_000))).succeeded();
    srv.failures = 0; // logged in: the server's count is 0
    expect(await mem.stateOf(URL_, 'admin', 'typo-a')).toMatchObject({ serverFailures: 0 });
    await mem.forgetCredentials(URL_, 'admin', 'typo-b'); // the password is changed to a wrong one
    expect(await poll(mem, srv, 'typo-b', now)).toBe(MAX_AUTO_LOGIN_FAILURES);
    expect(srv.worst).toBe(MAX_AUTO_LOGIN_FAILURES);
  });

  it('from 4 failures even the right password is refused until the user says the server\'s count was reset (browser login, restart)', async () => {
    const now = { t: 50_000_000 };
    const mem = new FailedLoginMemory(home, () => now.t);
    const srv = new Server('right');
    await poll(mem, srv, 'typo', now);
    await mem.forgetCredentials(URL_, 'admin', 'typo');
    await poll(mem, srv, 'typo', now);
    expect(srv.worst).toBe(4);
    await mem.forgetCredentials(URL_, 'admin', 'right');
    expect(await poll(mem, srv, 'right', now)).toBe(0);
    srv.failures = 0; // the user logged in once in the browser
    await mem.forgetServerCount(URL_);
    await mem.forgetCredentials(URL_, 'admin', 'right');
    await (await allowed(mem.guardFor(URL_, 'admin', 'right').begin(1_000))).succeeded();
    expect(await mem.stateOf(URL_, 'admin', 'right')).toMatchObject({ failures: 0, serverFailures: 0 });
  });

  it('the user\'s one "try now" is not spent by a login that never reached the server', async () => {
    const now = { t: 40_000_000 };
    const mem = new FailedLoginMemory(home, () => now.t);
    const srv = new Server('right');
    await poll(mem, srv, 'typo', now);
    await mem.forgetCredentials(URL_, 'admin', 'right');
    const g = mem.guardFor(URL_, 'admin', 'right');
    await (await allowed(g.begin(1_000))).notSent(); // connection refused: qBittorrent saw nothing
    await (await allowed(g.begin(1_000))).succeeded();
    expect(await mem.stateOf(URL_, 'admin', 'right')).toMatchObject({ serverFailures: 0 });
  });

  it('a version-2 file: the failures of the configured password become the server count', async () => {
    const now = { t: Date.now() };
    // Write a version-2 record the way the old code did, under this install's key.
    const old = new FailedLoginMemory(home, () => now.t);
    const g = old.guardFor(URL_, 'admin', 'typo');
    for (let i = 0; i < MAX_AUTO_LOGIN_FAILURES; i++) {
      await (await allowed(g.begin(1_000))).failed('AUTH_FAILED');
      now.t += 3_600_000;
    }
    const file = JSON.parse(await readFile(old.file, 'utf8')) as { entries: Record<string, unknown> };
    const creds = Object.fromEntries(Object.entries(file.entries).filter(([k]) => k.startsWith('cred:')));
    await writeFile(old.file, JSON.stringify({ version: 2, entries: creds }));
    const mem = new FailedLoginMemory(home, () => now.t);
    mem.guardFor(URL_, 'admin', 'typo');
    expect(await mem.stateOf(URL_, 'admin', 'typo-b')).toMatchObject({ serverFailures: MAX_AUTO_LOGIN_FAILURES });
  });
});
