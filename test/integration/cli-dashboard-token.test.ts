import { statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, makeSandbox, spawnCli, type CliChild, type Sandbox } from '../harness/cli';
import { freePort } from '../harness/qbittorrent';

/**
 * `qbit-failover dashboard-token [--rotate]` and `serve` sharing the token file: the link a user
 * bookmarked keeps working after `serve` restarts, `dashboard-token` prints it from any shell,
 * and a rotation takes effect in a running `serve` (no qBittorrent needed: no instance is configured).
 */

const sandboxes: Sandbox[] = [];
const children: CliChild[] = [];

beforeAll(() => assertCliBuilt());
afterAll(() => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  for (const s of sandboxes) s.dispose();
});

/** Status of `GET <url>` (the page link). */
function statusOf(url: string): Promise<number> {
  return new Promise((ok, fail) => {
    const req = request(url, (res) => {
      res.resume();
      res.on('end', () => ok(res.statusCode ?? 0));
    });
    req.on('error', fail);
    req.end();
  });
}

/** Starts `serve --port <port>` (no `--port` when null) in the sandbox and returns it with the link it printed. */
async function serve(s: Sandbox, port: number | null): Promise<{ child: CliChild; url: string }> {
  const child = spawnCli(['serve', ...(port === null ? [] : ['--port', String(port)])], { env: s.env({ VPN_CHECK: 'none' }), cwd: s.cwd });
  children.push(child);
  await child.waitFor(/Dashboard: http:\/\/\S+/, 20_000);
  return { child, url: /Dashboard: (http:\/\/\S+)/.exec(child.output())![1]! };
}

/** Stops a `serve` child with SIGTERM and waits for its exit. */
async function stop(c: CliChild): Promise<void> {
  c.child.kill('SIGTERM');
  await c.exited;
}

describe('dashboard-token', () => {
  it('prints a token kept in <home>/dashboard-token (0600), the same on every run; --rotate replaces it', async () => {
    const s = makeSandbox('dash-token');
    sandboxes.push(s);
    const first = await s.run(['dashboard-token']);
    expect(first.code, first.stderr).toBe(0);
    const token = /Token: ([\w-]{43})/.exec(first.stdout)?.[1];
    expect(token).toBeDefined();
    expect(first.stdout).toContain(join(s.home, 'dashboard-token'));
    if (process.platform !== 'win32') expect(statSync(join(s.home, 'dashboard-token')).mode & 0o777).toBe(0o600);
    expect((await s.run(['dashboard-token'])).stdout).toContain(`Token: ${token}`);
    const rotated = await s.run(['dashboard-token', '--rotate']);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain('[OK] new dashboard token stored');
    expect(rotated.stdout).not.toContain(token);
  });

  it('serve keeps its link across a restart; dashboard-token prints it; a rotation reaches the running serve', async () => {
    const s = makeSandbox('dash-serve');
    sandboxes.push(s);
    const port = await freePort();
    const one = await serve(s, port);
    expect(await statusOf(one.url)).toBe(302); // the token is swapped for the cookie
    const shown = await s.run(['dashboard-token']);
    expect(shown.stdout).toContain(`Dashboard: ${one.url}`);
    await stop(one.child);

    const two = await serve(s, port);
    expect(two.url).toBe(one.url);
    expect(await statusOf(two.url)).toBe(302);

    const rotated = await s.run(['dashboard-token', '--rotate']);
    const next = /Dashboard: (http:\/\/\S+)/.exec(rotated.stdout)?.[1];
    expect(next).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?token=[\\w-]{43}$`));
    expect(next).not.toBe(one.url);
    // The running serve switches within about a second: the old link gets the help page (401).
    await expect.poll(() => statusOf(one.url), { timeout: 10_000 }).toBe(401);
    expect(await statusOf(next!)).toBe(302);
    await stop(two.child);
  }, 60_000);

  it('serve without --port comes back on the port it had, so a bookmark needs no port option', async () => {
    const s = makeSandbox('dash-port');
    sandboxes.push(s);
    const one = await serve(s, null);
    await stop(one.child);
    const two = await serve(s, null);
    expect(two.url).toBe(one.url);
    await stop(two.child);
  }, 60_000);
});
