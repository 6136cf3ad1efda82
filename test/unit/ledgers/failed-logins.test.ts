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
    const fail = async (m: FailedLoginMemory, pw: string): Promise<void> => (await allowed(m.guardFor(URL_, 'admin', pw).begin(5_000))).failed('AUTH_FAILED');
    await Promise.all([...Array.from({ length: 25 }, (_, n) => fail(a, `a-${n}`)), ...Array.from({ length: 25 }, (_, n) => fail(b, `b-${n}`))]);
    const fresh = new FailedLoginMemory(home);
    for (const pw of [...Array.from({ length: 25 }, (_, n) => `a-${n}`), ...Array.from({ length: 25 }, (_, n) => `b-${n}`)]) {
      expect((await fresh.stateOf(URL_, 'admin', pw)).failures, pw).toBe(1);
    }
  });

  it('four processes recording 15 failures each at once: all 60 are remembered', async () => {
    await Promise.all(['p0', 'p1', 'p2', 'p3'].map((p) => runChild(['fail', p, '15'])));
    const mem = new FailedLoginMemory(home);
    let remembered = 0;
    for (const p of ['p0', 'p1', 'p2', 'p3']) for (let n = 0; n < 15; n++) remembered += (await mem.stateOf(URL_, 'admin', `${p}-${n}`)).failures;
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
