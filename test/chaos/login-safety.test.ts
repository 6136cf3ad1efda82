import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { FileSecretStore } from '../../electron/core/config/secret-store';
import { FailedLoginMemory } from '../../electron/core/ledgers/failed-logins';
import { createEngine, type Engine } from '../../electron/core/engine';
import { directLogin } from '../harness/direct';
import { randomMagnet } from '../harness/inputs';
import { loginAccepted, loginRefused } from '../harness/login-answers';
import { startQbittorrent, type QbtProcess } from '../harness/qbittorrent';
import { assertCliBuilt, killAllCli, runCli, startCli } from './support/cli';
import { makeSandbox, queuedHashes, sleep, writeHome, type Sandbox } from './support/cluster';
import { startLoginCountingProxy, type LoginCountingProxy } from './support/proxy';

/**
 * "Never get the user banned": qBittorrent bans an IP after `WebUI\MaxAuthenticationFailCount`
 * failed logins (default 5; the count is per IP, never decays with time, and resets only on a
 * successful login or a server restart — ../shared/qbittorrent-facts.md). Every login that
 * reaches the server goes through a loopback proxy that counts `POST /api/v2/auth/login`.
 *
 * What is simulated, precisely: an hour of the engine's DEFAULT polling (one health check every
 * 15 s) is 240 checks. The engine runs in-process with only `Date` faked (vi.useFakeTimers
 * toFake: ['Date']); the test advances the clock 15 s and awaits `engine.checkAll()` 240 times,
 * so every check the engine would make in that hour really runs (real sockets, real server),
 * and the login guard (FailedLoginMemory, which reads `Date.now`) sees an hour pass. Before that, 20
 * `status` CLI runs in real time share the same home (the guard's memory is on disk).
 */

let server: QbtProcess;
let strict: QbtProcess;
/** Bans after 2 failed logins, so one extra failed login shows as a ban (items 9 and 10). */
let race: QbtProcess;
/** qBittorrent's default, set explicitly: bans after 5 failed logins from one IP, whatever the passwords. */
let five: QbtProcess;
const engines: Engine[] = [];
const proxies: LoginCountingProxy[] = [];
const sandboxes: Sandbox[] = [];

beforeAll(async () => {
  assertCliBuilt();
  const twoStrikes = { Preferences: { 'WebUI\\MaxAuthenticationFailCount': '2' } };
  [server, strict, race, five] = await Promise.all([
    startQbittorrent({ name: 'login-default' }),
    startQbittorrent({ name: 'login-strict', extraConfig: twoStrikes }),
    startQbittorrent({ name: 'login-race', extraConfig: twoStrikes }),
    startQbittorrent({ name: 'login-five', extraConfig: { Preferences: { 'WebUI\\MaxAuthenticationFailCount': '5' } } }),
  ]);
});

afterAll(async () => {
  vi.useRealTimers();
  killAllCli();
  for (const e of engines) await e.stop().catch(() => undefined);
  for (const p of proxies) await p.close().catch(() => undefined);
  await server?.dispose();
  await strict?.dispose();
  await race?.dispose();
  await five?.dispose();
  for (const s of sandboxes) s.dispose();
});

describe('login safety', () => {
  it('a wrong password: 20 `status` runs plus an hour of default polling send fewer than 5 failed logins; the server is not banned', async () => {
    const proxy = await startLoginCountingProxy(server.url);
    proxies.push(proxy);
    const sb = makeSandbox('login');
    sandboxes.push(sb);
    writeHome(sb, [{ name: 'primary', url: proxy.url, username: server.username, password: 'not-the-password', requiresVpn: false }], 'none', {
      pollIntervalMs: 15_000,
      maxBackoffMs: 120_000,
    });

    for (let i = 0; i < 20; i++) {
      const r = await runCli(['status'], { env: sb.env(), cwd: sb.cwd });
      expect(r.stdout).toMatch(/primary .*: AUTH_FAILED/);
      expect(r.code).toBe(3);
    }
    const afterCli = proxy.logins;

    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    vi.setSystemTime(start);
    const engine = await createEngine({ home: sb.home, secrets: new FileSecretStore(sb.home) });
    engines.push(engine);
    expect(engine.currentSettings().pollIntervalMs).toBe(15_000);
    const HOUR_OF_CHECKS = 3_600_000 / 15_000;
    const statuses = new Map<string, number>();
    for (let i = 0; i < HOUR_OF_CHECKS; i++) {
      vi.setSystemTime(start + i * 15_000);
      const status = (await engine.checkAll()).instances[0]!.status;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    await engine.stop();
    vi.useRealTimers();

    // Wrong credentials: `Fails.` up to 5.1, `401 Unauthorized` from 5.2 (the proxy records bodies).
    const failed = proxy.answers.filter((a) => a === 'Fails.' || a === 'Unauthorized').length;
    console.log(`[login-safety] wrong password: ${afterCli} login(s) from 20 status runs, ${proxy.logins - afterCli} during ${HOUR_OF_CHECKS} checks over a simulated hour; ${failed} answered Fails.; total ${proxy.logins}; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect([...statuses.keys()]).toEqual(['AUTH_FAILED']);
    expect(failed).toBe(proxy.answers.length);
    expect(proxy.logins).toBeLessThan(5);
    const direct = await directLogin(server);
    expect(loginAccepted(direct)).toBe(true);
  });

  it('a real ban is shown as BANNED and no login is tried while it lasts', async () => {
    const proxy = await startLoginCountingProxy(strict.url);
    proxies.push(proxy);
    const sb = makeSandbox('ban');
    sandboxes.push(sb);
    writeHome(sb, [{ name: 'primary', url: proxy.url, username: strict.username, password: strict.password, requiresVpn: false }], 'none');

    // Two wrong logins from 127.0.0.1 (the same IP the app uses) trigger the ban.
    for (let i = 0; i < 2; i++) expect(loginRefused(await directLogin(strict, { password: 'wrong' }))).toBe(true);
    const probe = await directLogin(strict);
    expect(probe.status).toBe(403);
    expect(probe.body).toMatch(/banned/i);

    const first = await runCli(['status'], { env: sb.env(), cwd: sb.cwd });
    expect(first.stdout).toMatch(/primary .*: BANNED/);
    expect(proxy.logins).toBe(1); // the one login that learnt of the ban
    for (let i = 0; i < 5; i++) {
      const r = await runCli(['status'], { env: sb.env(), cwd: sb.cwd });
      expect(r.stdout).toMatch(/primary .*: BANNED/);
    }
    const engine = await createEngine({ home: sb.home, secrets: new FileSecretStore(sb.home) });
    engines.push(engine);
    for (let i = 0; i < 5; i++) expect((await engine.checkAll()).instances[0]!.status).toBe('BANNED');
    await engine.stop();
    console.log(`[login-safety] ban: ${proxy.logins} login(s) reached the server over 6 status runs and 5 engine checks`);
    expect(proxy.logins).toBe(1);
  });

  it('six `add` processes started at once with a wrong password send ONE login between them; the server (bans after 2) is not banned', async () => {
    const proxy = await startLoginCountingProxy(race.url);
    proxies.push(proxy);
    const sb = makeSandbox('six-adds');
    sandboxes.push(sb);
    writeHome(sb, [{ name: 'primary', url: proxy.url, username: race.username, password: 'not-the-password', requiresVpn: false }], 'none');
    const magnets = Array.from({ length: 6 }, () => randomMagnet());
    const runs = await Promise.all(magnets.map((m) => startCli(['add', m.magnet], { env: sb.env(), cwd: sb.cwd }).done));
    console.log(`[login-safety] six adds at once, wrong password: ${proxy.logins} failed login(s) reached the server ${JSON.stringify(proxy.answers)}`);
    const direct = await directLogin(race); // the right password, from the same IP
    expect(loginAccepted(direct), `right password after the race: ${direct.status} ${direct.body}`).toBe(true);
    expect(proxy.logins).toBe(1);
    for (const r of runs) {
      expect(r.stdout).toMatch(/\[QUEUED\]/);
      expect(r.code).toBe(3);
    }
    expect(queuedHashes(sb.queueFile)).toEqual(new Set(magnets.map((m) => m.infohash)));
  });

  it('six `add` processes started at once with the right password all add: logins wait their turn, none is refused', async () => {
    const proxy = await startLoginCountingProxy(server.url);
    proxies.push(proxy);
    const sb = makeSandbox('six-adds-ok');
    sandboxes.push(sb);
    // Six Node processes starting at once load 2 cores: roomy timeouts, so a slow start is not a TIMEOUT.
    writeHome(sb, [{ name: 'primary', url: proxy.url, username: server.username, password: server.password, requiresVpn: false }], 'none', {
      connectTimeoutMs: 5_000,
      requestTimeoutMs: 10_000,
    });
    const magnets = Array.from({ length: 6 }, () => randomMagnet());
    const runs = await Promise.all(magnets.map((m) => startCli(['add', m.magnet], { env: sb.env(), cwd: sb.cwd }).done));
    for (const [i, r] of runs.entries()) {
      expect(r.stdout, r.stdout + r.stderr).toContain(`(${magnets[i]!.infohash}) → primary`);
      expect(r.code).toBe(0);
    }
    expect(proxy.logins).toBe(6);
  });

  it('a login the frozen server never answered counts: four `status` runs during a freeze send one login; after the thaw the server (bans after 2) is not banned', async () => {
    const proxy = await startLoginCountingProxy(race.url);
    proxies.push(proxy);
    const sb = makeSandbox('frozen');
    sandboxes.push(sb);
    writeHome(sb, [{ name: 'primary', url: proxy.url, username: race.username, password: 'not-the-password', requiresVpn: false }], 'none');
    race.freeze();
    try {
      for (let i = 0; i < 4; i++) {
        const r = await runCli(['status'], { env: sb.env(), cwd: sb.cwd });
        expect(r.stdout).toMatch(/primary .*: TIMEOUT/);
        expect(r.code).toBe(3);
      }
    } finally {
      race.thaw();
    }
    // On SIGCONT qBittorrent reads every buffered login: wait until each has its answer.
    for (let i = 0; i < 200 && proxy.answers.length < proxy.logins; i++) await sleep(50);
    console.log(`[login-safety] frozen server, wrong password: ${proxy.logins} login(s) buffered during 4 status runs, answered after the thaw ${JSON.stringify(proxy.answers)}`);
    const direct = await directLogin(race);
    expect(loginAccepted(direct), `right password after the thaw: ${direct.status} ${direct.body}`).toBe(true);
    expect(proxy.logins).toBe(1);
    const remembered = await new FailedLoginMemory(sb.home).stateOf(proxy.url, race.username, 'not-the-password');
    expect(remembered).toMatchObject({ failures: 1, pending: false });
  });

  it('two different wrong passwords entered one after the other (and the second again, and a third): at most 4 failed logins reach a server that bans after 5; a right login works at the end (the browser, then the app after `login-reset`)', async () => {
    const proxy = await startLoginCountingProxy(five.url);
    proxies.push(proxy);
    const sb = makeSandbox('two-typos');
    sandboxes.push(sb);
    writeHome(sb, [{ name: 'primary', url: proxy.url, username: five.username, password: 'typo-a', requiresVpn: false }], 'none', {
      pollIntervalMs: 15_000,
      maxBackoffMs: 120_000,
    });
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    let t = start;
    const engine = await createEngine({ home: sb.home, secrets: new FileSecretStore(sb.home) });
    engines.push(engine);
    const statuses = new Set<string>();
    /** An hour of default polling (240 checks, 15 s apart), on the faked clock. */
    const hourOfChecks = async (): Promise<void> => {
      for (let i = 0; i < 3_600_000 / 15_000; i++) {
        vi.setSystemTime((t += 15_000));
        statuses.add((await engine.checkAll()).instances[0]!.status);
      }
    };
    const steps: string[] = [];
    try {
      await hourOfChecks();
      steps.push(`typo-a: ${proxy.logins}`);
      for (const password of ['typo-b', 'typo-b', 'typo-c']) {
        await engine.setPassword('primary', password); // the user enters a password in Settings
        await hourOfChecks();
        steps.push(`${password}: ${proxy.logins}`);
      }
    } finally {
      await engine.stop();
      vi.useRealTimers();
    }
    console.log(`[login-safety] two typos: logins reached the server after each password ${JSON.stringify(steps)}; answers ${JSON.stringify(proxy.answers)}; statuses ${JSON.stringify([...statuses])}`);
    expect(proxy.answers.every((a) => a === 'Fails.' || a === 'Unauthorized'), JSON.stringify(proxy.answers)).toBe(true);
    expect(proxy.logins).toBeLessThanOrEqual(4);
    expect(statuses.has('BANNED')).toBe(false);
    const direct = await directLogin(five); // the user's browser, same IP, right password
    expect(loginAccepted(direct), `right password at the end: ${direct.status} ${direct.body}`).toBe(true);

    // qbit-failover cannot see that reset; it says so, the user tells it, then enters the right password.
    const held = await runCli(['status'], { env: sb.env(), cwd: sb.cwd });
    expect(held.stdout).toContain('qBittorrent would ban this address after one more failure');
    expect(proxy.logins).toBe(4);
    expect((await runCli(['login-reset', 'primary'], { env: sb.env(), cwd: sb.cwd })).code).toBe(0);
    const after = await createEngine({ home: sb.home, secrets: new FileSecretStore(sb.home) });
    engines.push(after);
    await after.setPassword('primary', five.password);
    expect((await after.checkAll()).instances[0]!.status).toBe('OK');
    await after.stop();
  });

  it('an instance with no stored password: `status` says NO_PASSWORD and how to store it, and sends no login', async () => {
    const proxy = await startLoginCountingProxy(server.url);
    proxies.push(proxy);
    const sb = makeSandbox('no-password');
    sandboxes.push(sb);
    writeHome(sb, [{ name: 'primary', url: proxy.url, username: server.username, password: 'unused', requiresVpn: false }], 'none');
    rmSync(join(sb.home, 'secrets.json'));
    const r = await runCli(['status'], { env: sb.env(), cwd: sb.cwd });
    expect(r.stdout).toMatch(/primary .*: NO_PASSWORD/);
    expect(r.stdout).toContain('qbit-failover password primary');
    expect(r.code).toBe(3);
    expect(proxy.logins).toBe(0);
  });
});
