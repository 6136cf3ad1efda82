import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { directLogin, forgetDirectSession, listHashes, listTorrents, waitForHashes } from '../harness/direct';
import { loginAccepted } from '../harness/login-answers';
import { assertCliBuilt, legacyEnv, makeSandbox, readJson, type CliResult, type Sandbox } from '../harness/cli';
import { randomMagnet } from '../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../harness/qbittorrent';

/**
 * The old tool's failover matrix through the real `qbit-failover` CLI against real
 * qbittorrent-nox: `primary` (requires the VPN) and `secondary` from QBITTORRENT_URL /
 * QBITTORRENT_SECONDARY_URL, plus `strict` (bans after 2 failed logins) for the auth tests.
 */

let primary: QbtProcess;
let secondary: QbtProcess;
let strict: QbtProcess;
const sandboxes: Sandbox[] = [];

function sandbox(): Sandbox {
  const s = makeSandbox('failover');
  sandboxes.push(s);
  return s;
}

/** Fails with the CLI's output when the exit code is not `code`. */
function expectExit(r: CliResult, code: number): void {
  expect(r.code, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);
}

interface JsonResult {
  input: string;
  outcome: string;
  infohash: string | null;
  instance: string | null;
  reason: string | null;
  error: { code: string; message: string } | null;
}

beforeAll(async () => {
  assertCliBuilt();
  [primary, secondary, strict] = await Promise.all([
    startQbittorrent({ name: 'primary', role: 'primary' }),
    startQbittorrent({ name: 'secondary' }),
    startQbittorrent({ name: 'strict', password: 'the-right-one', extraConfig: { Preferences: { 'WebUI\\MaxAuthenticationFailCount': '2' } } }),
  ]);
});

afterAll(async () => {
  await Promise.allSettled([primary, secondary, strict].filter(Boolean).map((q) => q.dispose()));
  for (const s of sandboxes) s.dispose();
});

afterEach(async () => {
  // Whatever a test did to the primary, the next one starts with it running.
  primary.thaw();
  if (primary.pid === null) {
    await primary.restart();
    forgetDirectSession(primary);
  }
});

describe('routing by health and VPN', () => {
  it('VPN up and primary OK → lands on the primary, not on the secondary', async () => {
    const s = sandbox();
    const m = randomMagnet();
    const r = await s.run(['add', m.magnet], legacyEnv(primary, secondary, 'up'));
    expectExit(r, 0);
    expect(r.stdout).toMatch(new RegExp(`\\[ADDED\\] .*${m.infohash}.* → primary`));
    expect(r.stdout).toContain('[RESULT] added=1 duplicate=0 queued=0 rejected=0');
    await waitForHashes(primary, [m.infohash], 2_000);
    expect(await listHashes(secondary)).not.toContain(m.infohash);
  });

  it('VPN down → secondary; never on the requiresVpn primary', async () => {
    const s = sandbox();
    const m = randomMagnet();
    const r = await s.run(['add', m.magnet], legacyEnv(primary, secondary, 'down'));
    expectExit(r, 0);
    expect(r.stdout).toMatch(/\[HEALTH\] VPN: DOWN/);
    expect(r.stdout).toMatch(/\[HEALTH\] primary .*: VPN_DOWN/);
    expect(r.stdout).toMatch(new RegExp(`\\[ADDED\\] .*${m.infohash}.* → secondary`));
    await waitForHashes(secondary, [m.infohash], 2_000);
    expect(await listHashes(primary)).not.toContain(m.infohash);
  });

  // How long this takes is a row of `npm run bench` (failover, primary refused), not a test limit.
  it('primary killed → secondary: the add is confirmed there and the primary is reported CONNECTION_REFUSED', async () => {
    const s = sandbox();
    await primary.kill();
    const m = randomMagnet();
    const r = await s.run(['add', m.magnet], legacyEnv(primary, secondary, 'up'));
    expectExit(r, 0);
    expect(r.stdout).toMatch(/primary .*: CONNECTION_REFUSED/);
    expect(r.stdout).toMatch(new RegExp(`\\[ADDED\\] .*${m.infohash}.* → secondary`));
    await waitForHashes(secondary, [m.infohash], 2_000);
  });

  it('primary frozen (SIGSTOP) → secondary within the timeouts; nothing lands twice', async () => {
    const s = sandbox();
    const m = randomMagnet();
    primary.freeze();
    let r: CliResult;
    try {
      r = await s.run(['add', m.magnet], legacyEnv(primary, secondary, 'up'));
    } finally {
      primary.thaw();
    }
    expectExit(r, 0);
    // The whole run's time is a row of `npm run bench` (frozen primary, whole CLI add).
    expect(r.stdout).toMatch(/primary .*: TIMEOUT/);
    expect(r.stdout).toMatch(new RegExp(`\\[ADDED\\] .*${m.infohash}.* → secondary`));
    await waitForHashes(secondary, [m.infohash], 2_000);
    // The probe never sent the add to the frozen primary, so it must not show up there after the thaw.
    await new Promise((res) => setTimeout(res, 300));
    expect(await listHashes(primary)).not.toContain(m.infohash);
  });
});

describe('the old tool\'s .env', () => {
  it('a .env in the working directory configures both instances; without VPN_CHECK the probe is ping (to 127.0.0.1 here)', async () => {
    const s = sandbox();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      `${s.cwd}/.env`,
      [
        `QBITTORRENT_URL=${primary.url}`,
        `QBITTORRENT_SECONDARY_URL=${secondary.url}`,
        `QBITTORRENT_USERNAME=${primary.username}`,
        `QBITTORRENT_PASSWORD=${primary.password}`,
        // Never the real default gateway: the ping probe targets loopback in tests.
        'VPN_GATEWAY_IP=127.0.0.1',
      ].join('\n'),
    );
    const st = await s.run(['status', '--json']);
    expectExit(st, 0);
    const j = JSON.parse(st.stdout) as { vpn: { state: string; check: string; target: string }; instances: { name: string; status: string; requiresVpn: boolean }[]; route: unknown };
    expect(j.vpn).toMatchObject({ state: 'CONNECTED', check: 'ping', target: '127.0.0.1' });
    expect(j.instances.map((i) => [i.name, i.status, i.requiresVpn])).toEqual([
      ['primary', 'OK', true],
      ['secondary', 'OK', false],
    ]);
    expect(j.route).toEqual({ kind: 'primary', instance: 'primary' });
    const m = randomMagnet();
    const r = await s.run(['add', m.magnet]);
    expectExit(r, 0);
    expect(r.stdout).toMatch(new RegExp(`\\[ADDED\\] .*${m.infohash}.* → primary`));
    await waitForHashes(primary, [m.infohash], 2_000);
  });
});

describe('duplicates', () => {
  it('a magnet already on the secondary is a duplicate there and is not added to the primary', async () => {
    const s = sandbox();
    const m = randomMagnet();
    expectExit(await s.run(['add', m.magnet], legacyEnv(primary, secondary, 'down')), 0);
    await waitForHashes(secondary, [m.infohash], 2_000);
    const r = await s.run(['add', '--json', m.magnet], legacyEnv(primary, secondary, 'up'));
    expectExit(r, 0);
    const out = JSON.parse(r.stdout) as { results: JsonResult[]; summary: Record<string, number> };
    expect(out.results).toEqual([expect.objectContaining({ outcome: 'duplicate', infohash: m.infohash, instance: 'secondary' })]);
    expect(out.summary).toEqual({ added: 0, duplicate: 1, queued: 0, rejected: 0 });
    expect(await listHashes(primary)).not.toContain(m.infohash);
  });

  it('the same magnet twice in one call → one added + one duplicate', async () => {
    const s = sandbox();
    const m = randomMagnet();
    const r = await s.run(['add', m.magnet, m.magnet], legacyEnv(primary, secondary, 'up'));
    expectExit(r, 0);
    expect(r.stdout).toMatch(new RegExp(`\\[ADDED\\] .*${m.infohash}.* → primary`));
    expect(r.stdout).toMatch(new RegExp(`\\[DUPLICATE\\] .*${m.infohash}.* already on primary`));
    expect(r.stdout).toContain('[RESULT] added=1 duplicate=1 queued=0 rejected=0');
    expect((await listTorrents(primary, [m.infohash])).length).toBe(1);
  });
});

describe('stdin, options and torrents management', () => {
  it('`add -` reads magnets from stdin; --category, --tags (trimmed) and --paused reach the server', async () => {
    const s = sandbox();
    const a = randomMagnet();
    const b = randomMagnet();
    const r = await s.run(
      ['add', '-', '--category', 'qbf-movies', '--tags', 'alpha, beta ,gamma', '--paused'],
      legacyEnv(primary, secondary, 'up'),
      `${a.magnet}\n\n  ${b.magnet}  \n`,
    );
    expectExit(r, 0);
    expect(r.stdout).toContain('[RESULT] added=2 duplicate=0 queued=0 rejected=0');
    await waitForHashes(primary, [a.infohash, b.infohash], 2_000);
    // The pause shows in `state` only after ~1 s on 4.5: poll.
    const deadline = Date.now() + 5_000;
    let rows: Record<string, unknown>[] = [];
    for (;;) {
      rows = await listTorrents(primary, [a.infohash, b.infohash]);
      if (rows.every((t) => /^(pausedDL|stoppedDL)$/.test(String(t.state))) || Date.now() > deadline) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(rows).toHaveLength(2);
    for (const t of rows) {
      expect(t.state).toMatch(/^(pausedDL|stoppedDL)$/);
      expect(t.category).toBe('qbf-movies');
      // The server joins tags with ", "; an untrimmed " beta" would show as a double space.
      expect(String(t.tags).split(',').map((x) => x.trim()).sort()).toEqual(['alpha', 'beta', 'gamma']);
      expect(String(t.tags)).not.toMatch(/ {2}|^ /);
    }
  });

  it('torrents list | pause | resume | delete --instance primary', async () => {
    const s = sandbox();
    const env = legacyEnv(primary, secondary, 'up');
    const m = randomMagnet();
    expectExit(await s.run(['add', m.magnet], env), 0);
    await waitForHashes(primary, [m.infohash], 2_000);

    const list = await s.run(['torrents', 'list', '--instance', 'primary', '--json'], env);
    expectExit(list, 0);
    expect((JSON.parse(list.stdout) as { hash: string }[]).map((t) => t.hash)).toContain(m.infohash);

    const state = async (): Promise<string> => String((await listTorrents(primary, [m.infohash]))[0]?.state);
    const waitState = async (re: RegExp): Promise<string> => {
      const deadline = Date.now() + 5_000;
      let st = await state();
      while (!re.test(st) && Date.now() < deadline) {
        await new Promise((res) => setTimeout(res, 100));
        st = await state();
      }
      return st;
    };
    const pause = await s.run(['torrents', 'pause', m.infohash, '--instance', 'primary'], env);
    expectExit(pause, 0);
    expect(pause.stdout).toContain(`[OK] pause ${m.infohash} on primary`);
    expect(await waitState(/^(pausedDL|stoppedDL)$/)).toMatch(/^(pausedDL|stoppedDL)$/);

    expectExit(await s.run(['torrents', 'resume', m.infohash, '--instance', 'primary'], env), 0);
    expect(await waitState(/^(?!paused|stopped)/)).not.toMatch(/^(paused|stopped)/);

    expectExit(await s.run(['torrents', 'delete', m.infohash, '--instance', 'primary'], env), 0);
    const deadline = Date.now() + 3_000;
    while ((await listHashes(primary)).includes(m.infohash) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    expect(await listHashes(primary)).not.toContain(m.infohash);

    const unknown = await s.run(['torrents', 'list', '--instance', 'nope'], env);
    expectExit(unknown, 2);
    // Errors go to stderr, so a script reading stdout never takes one for a listing.
    expect(unknown.stderr).toContain('no instance named nope');
  });
});

describe('authentication failures', () => {
  /** config.json with `strict` (wrong password) first and `secondary` second; passwords via `password`. */
  async function authSandbox(): Promise<Sandbox> {
    const s = sandbox();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      `${s.home}/config.json`,
      JSON.stringify({
        instances: [
          { name: 'strict', url: strict.url, username: strict.username },
          { name: 'secondary', url: secondary.url, username: secondary.username },
        ],
        vpn: { check: 'none' },
      }),
    );
    expectExit(await s.run(['password', 'strict'], {}, 'definitely-wrong\n'), 0);
    expectExit(await s.run(['password', 'secondary'], {}, `${secondary.password}\n`), 0);
    return s;
  }

  it('wrong password → AUTH_FAILED, the add goes to the other instance; 10 × status never gets the IP banned; a new password retries at once', async () => {
    const s = await authSandbox();
    const m = randomMagnet();
    const add = await s.run(['add', '--json', m.magnet]);
    expectExit(add, 0);
    const res = JSON.parse(add.stdout) as { results: JsonResult[] };
    expect(res.results[0]).toMatchObject({ outcome: 'added', instance: 'secondary' });
    await waitForHashes(secondary, [m.infohash], 2_000);

    for (let i = 0; i < 10; i++) {
      const st = await s.run(['status', '--json']);
      expectExit(st, 0); // secondary is OK
      const j = JSON.parse(st.stdout) as { instances: { name: string; status: string }[] };
      expect(j.instances.find((x) => x.name === 'strict')?.status).toBe('AUTH_FAILED');
      expect(j.instances.find((x) => x.name === 'secondary')?.status).toBe('OK');
    }
    const memory = readJson(`${s.home}/auth-failures.json`);
    expect(JSON.stringify(memory)).toMatch(/"cred:[0-9a-f]{64}"/); // keyed digest, not the password
    expect(JSON.stringify(memory)).not.toContain('definitely-wrong');

    // `strict` bans after 2 failed logins: a right login still working proves at most 1 reached it.
    expect(loginAccepted(await directLogin(strict))).toBe(true);

    // Changing the password retries at once (no 5-minute wait).
    expectExit(await s.run(['password', 'strict'], {}, `${strict.password}\n`), 0);
    const st = await s.run(['status', '--json']);
    expectExit(st, 0);
    const j = JSON.parse(st.stdout) as { instances: { name: string; status: string }[] };
    expect(j.instances.find((x) => x.name === 'strict')?.status).toBe('OK');
  });
});
