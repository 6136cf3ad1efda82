import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listHashes } from '../harness/direct';
import { assertCliBuilt, CLI_BIN, legacyEnv, makeSandbox, spawnCli, writeOldQueueFile, type CliChild, type CliResult, type Sandbox } from '../harness/cli';
import { base32Magnet, randomMagnet } from '../harness/inputs';
import { freePort, makeSelfSignedCert, startQbittorrent, type QbtProcess } from '../harness/qbittorrent';

/**
 * The daemons and the destructive command through the real CLI and a real qbittorrent-nox:
 * `watch` survives a flush that fails (it reports, backs off and retries), `torrents delete`
 * never turns a stray word into "delete everything", and `serve` speaks HTTPS with the given
 * certificate (and warns when --allow-remote would send its token in clear text).
 */

let a: QbtProcess;
const sandboxes: Sandbox[] = [];
const children: CliChild[] = [];

function sandbox(): Sandbox {
  const s = makeSandbox('daemons');
  sandboxes.push(s);
  return s;
}

function start(args: string[], s: Sandbox, env: Record<string, string>): CliChild {
  const c = spawnCli(args, { env: s.env(env), cwd: s.cwd });
  children.push(c);
  return c;
}

function expectExit(r: CliResult, code: number): void {
  expect(r.code, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);
}

const STACK = /^\s+at .+:\d+:\d+\)?$|node:internal|Node\.js v\d+/m;

beforeAll(async () => {
  assertCliBuilt();
  a = await startQbittorrent({ name: 'daemons-a' });
});

afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await a?.dispose();
  for (const s of sandboxes) s.dispose();
});

describe('watch', () => {
  it('keeps running when an auto-flush fails (a folder where the queue file was): reports it and retries', async () => {
    const s = sandbox();
    // Probe every second, so the instance coming back is seen at once.
    writeFileSync(join(s.home, 'config.json'), JSON.stringify({ version: 1, pollIntervalMs: 1_000, maxBackoffMs: 1_000 }));
    const m = randomMagnet();
    writeOldQueueFile(s.queueFile, [m.magnet]);
    await a.stop();
    try {
      const w = start(['watch'], s, legacyEnv(a));
      await w.waitFor(/watching 1 instance\(s\); .*\(1 queued\)/, 15_000);
      // The queue file becomes a folder: every flush now fails reading it (QUEUE_READ_FAILED).
      rmSync(s.queueFile);
      mkdirSync(s.queueFile);
      await a.restart();
      await w.waitFor(/auto-flush failed \(QUEUE_READ_FAILED[^\n]*retrying[\s\S]*auto-flush failed \(QUEUE_READ_FAILED/, 30_000);
      expect(w.child.exitCode, w.output()).toBeNull();
      expect(w.output()).not.toMatch(STACK);
      w.child.kill('SIGTERM');
      expect(await w.exited, w.output()).toEqual({ code: 0, signal: null });
    } finally {
      if (!a.pid) await a.restart();
    }
  });
});

describe('torrents delete', () => {
  it('"all" as an argument, --all without --yes, and unknown infohashes delete nothing; only the named existing torrent goes', async () => {
    const s = sandbox();
    const env = legacyEnv(a);
    const [m1, m2] = [randomMagnet(), base32Magnet()];
    expectExit(await s.run(['add', m1.magnet, m2.magnet], env), 0);
    const before = await listHashes(a);
    expect(before).toEqual(expect.arrayContaining([m1.infohash, m2.infohash]));

    const word = await s.run(['torrents', 'delete', '--instance', 'primary', 'all'], env);
    expectExit(word, 2);
    expect(await listHashes(a)).toEqual(expect.arrayContaining(before));

    const all = await s.run(['torrents', 'delete', '--instance', 'primary', '--all'], env);
    expectExit(all, 2);
    expect(all.stderr).toMatch(/--yes/);
    expect(await listHashes(a)).toEqual(expect.arrayContaining(before));

    const ghost = 'f'.repeat(40);
    const missing = await s.run(['torrents', 'delete', '--instance', 'primary', ghost], env);
    expectExit(missing, 2);
    expect(missing.stdout).not.toMatch(/\[OK\]/);
    expect(missing.stdout).toMatch(new RegExp(`\\[NOT FOUND\\] ${ghost}`));

    const one = await s.run(['torrents', 'delete', '--instance', 'primary', m1.infohash, ghost], env);
    expectExit(one, 2);
    expect(one.stdout).toMatch(new RegExp(`\\[OK\\] delete ${m1.infohash} on primary`));
    const after = await listHashes(a);
    expect(after).not.toContain(m1.infohash);
    expect(after).toContain(m2.infohash);

    // A base32 infohash is accepted and means the same torrent.
    const pause = await s.run(['torrents', 'pause', '--instance', 'primary', m2.base32], env);
    expectExit(pause, 0);
    expect(pause.stdout).toMatch(new RegExp(`\\[OK\\] pause ${m2.infohash} on primary`));
  });
});

/** Runs the CLI on a pseudo-terminal (util-linux `script`), typing `typed` on its stdin. */
function runOnTerminal(args: string[], s: Sandbox, env: Record<string, string>, typed: string): Promise<{ code: number | null; output: string }> {
  const cmd = [process.execPath, CLI_BIN, ...args].map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-q', '-e', '-c', cmd, '/dev/null'], { env: s.env(env), cwd: s.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString('utf8');
      // Answer once the question is on the screen.
      if (/Type yes to confirm: /.test(output) && typed) {
        child.stdin.write(typed);
        typed = '';
      }
    });
    child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('torrents delete --all on a terminal', () => {
  it('asks first: an answer other than yes deletes nothing (exit 2); yes deletes every torrent', async () => {
    const s = sandbox();
    const env = legacyEnv(a);
    const m = randomMagnet();
    expectExit(await s.run(['add', m.magnet], env), 0);
    const before = await listHashes(a);
    expect(before.length).toBeGreaterThan(0);

    const no = await runOnTerminal(['torrents', 'delete', '--instance', 'primary', '--all'], s, env, 'no\r');
    expect(no.output).toMatch(new RegExp(`Delete all ${before.length} torrents on primary\\? Type yes to confirm:`));
    expect(no.code, no.output).toBe(2);
    expect(no.output).toMatch(/\[CANCELLED\] nothing deleted/);
    expect(await listHashes(a)).toEqual(expect.arrayContaining(before));

    const yes = await runOnTerminal(['torrents', 'delete', '--instance', 'primary', '--all'], s, env, 'yes\r');
    expect(yes.code, yes.output).toBe(0);
    expect(yes.output).toMatch(/\[OK\] delete all torrents on primary/);
    const deadline = Date.now() + 5_000;
    while ((await listHashes(a)).length && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    expect(await listHashes(a)).toEqual([]);
  });
});

/** A request over HTTPS trusting only `ca` (GET unless `method`); resolves status, headers and body. */
function httpsGet(
  url: string,
  ca: Buffer,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, headers, method }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serve', () => {
  it('serves the dashboard over HTTPS with --tls-cert/--tls-key on 127.0.0.1 and prints the https URL', async () => {
    const s = sandbox();
    const { certPath, keyPath } = makeSelfSignedCert(s.root);
    const ca = readFileSync(certPath);
    const srv = start(['serve', '--port', String(await freePort()), '--tls-cert', certPath, '--tls-key', keyPath], s, legacyEnv(a));
    await srv.waitFor(/Dashboard: https:\/\/127\.0\.0\.1:\d+\/\?token=\S+/, 20_000);
    const url = /Dashboard: (https:\/\/\S+)/.exec(srv.output())![1]!;
    const first = await httpsGet(url, ca);
    expect(first.status).toBe(302);
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/; Secure/);
    const page = await httpsGet(new URL('/', url).toString(), ca, { cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<html/i);
    // The API answers a same-origin https call; the Origin check knows the scheme.
    const token = new URL(url).searchParams.get('token')!;
    const api = new URL('/api/getSnapshot', url).toString();
    const origin = new URL(url).origin;
    const ok = await httpsGet(api, ca, { 'x-qbf-token': token, origin, 'content-type': 'application/json' }, 'POST');
    expect(ok.status, ok.body).toBe(200);
    expect(JSON.parse(ok.body)).toHaveProperty('queueFile');
    const foreign = await httpsGet(api, ca, { 'x-qbf-token': token, origin: origin.replace('https:', 'http:') }, 'POST');
    expect(foreign.status).toBe(403);
    expect(srv.output()).not.toMatch(/clear text/);
    srv.child.kill('SIGTERM');
    expect(await srv.exited, srv.output()).toEqual({ code: 0, signal: null });
  });

  it('warns that the token travels in clear text with --allow-remote over plain HTTP', async () => {
    const s = sandbox();
    const srv = start(['serve', '--port', '0', '--allow-remote'], s, legacyEnv(a));
    await srv.waitFor(/Dashboard: http:\/\/127\.0\.0\.1:\d+/, 20_000);
    await srv.waitFor(/\[WARN\] .*plain HTTP.*clear text.*--tls-cert\/--tls-key/, 5_000);
    srv.child.kill('SIGTERM');
    expect(await srv.exited, srv.output()).toEqual({ code: 0, signal: null });
  });

  it('a missing --tls-key file → exit 2 naming the flag', async () => {
    const s = sandbox();
    const { certPath } = makeSelfSignedCert(s.root);
    const r = await s.run(['serve', '--tls-cert', certPath, '--tls-key', join(s.root, 'nope.pem')], legacyEnv(a));
    expectExit(r, 2);
    expect(r.stderr).toMatch(/cannot read --tls-key .*nope\.pem: ENOENT/);
    expect(r.stdout + r.stderr).not.toMatch(STACK);
  });
});
