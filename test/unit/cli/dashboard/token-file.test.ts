import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDashboardServer } from '../../../../electron/cli/dashboard/server';
import {
  dashboardTokenPath,
  fileTokenStore,
  loadOrCreateDashboardToken,
  readDashboardToken,
  rotateDashboardToken,
  TOKEN_FILE_POLL_MS,
} from '../../../../electron/cli/dashboard/token-file';
import { createMemoryBackend } from '../../../e2e/support/memory-backend';

/** The dashboard token at rest: one file in the home folder, owner-only, kept across restarts, rotatable. */

/** Status of a POST to the API with `token` in the CSRF header. */
function callWith(port: number, token: string): Promise<number> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/getSnapshot', method: 'POST', headers: { 'x-qbf-token': token } }, (res) => {
      res.resume();
      res.on('end', () => ok(res.statusCode ?? 0));
    });
    req.on('error', fail);
    req.end('{}');
  });
}

describe('dashboard token file', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'qbf-token-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('creates a strong token once, mode 0600, and gives the same one on every later start', async () => {
    const first = await loadOrCreateDashboardToken(home);
    expect(first.created).toBe(true);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    if (process.platform !== 'win32') expect((await stat(dashboardTokenPath(home))).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateDashboardToken(home);
    expect(again).toEqual({ token: first.token, created: false });
    expect((await readFile(dashboardTokenPath(home), 'utf8')).trim()).toBe(first.token);
  });

  it('tightens a token file someone made world-readable', async () => {
    const { token } = await loadOrCreateDashboardToken(home);
    await chmod(dashboardTokenPath(home), 0o644);
    expect((await loadOrCreateDashboardToken(home)).token).toBe(token);
    if (process.platform !== 'win32') expect((await stat(dashboardTokenPath(home))).mode & 0o777).toBe(0o600);
  });

  it('replaces a garbled file with a new token instead of serving with garbage', async () => {
    await writeFile(dashboardTokenPath(home), 'short\n');
    expect(await readDashboardToken(home)).toBeNull();
    const { token, created } = await loadOrCreateDashboardToken(home);
    expect(created).toBe(true);
    expect(token).not.toBe('short');
  });

  it('rotating stores a different token, still 0600', async () => {
    const { token } = await loadOrCreateDashboardToken(home);
    const next = await rotateDashboardToken(home);
    expect(next).not.toBe(token);
    expect(await readDashboardToken(home)).toBe(next);
    if (process.platform !== 'win32') expect((await stat(dashboardTokenPath(home))).mode & 0o777).toBe(0o600);
  });

  it('a running server refuses the old token after a rotation by another process (the CLI)', async () => {
    const { token } = await loadOrCreateDashboardToken(home);
    const server = await startDashboardServer({ backend: createMemoryBackend(), staticDir: home, token, tokenStore: fileTokenStore(home) });
    try {
      expect(await callWith(server.port, token)).toBe(200);
      const next = await rotateDashboardToken(home);
      await expect.poll(() => callWith(server.port, token), { timeout: 10 * TOKEN_FILE_POLL_MS }).toBe(401);
      expect(await callWith(server.port, next)).toBe(200);
      expect(server.url).toContain(`?token=${next}`);
    } finally {
      await server.close();
    }
  });

  it('rotating from the page stores the new token in the file and hands this browser the new cookie', async () => {
    const { token } = await loadOrCreateDashboardToken(home);
    const server = await startDashboardServer({ backend: createMemoryBackend(), staticDir: home, token, tokenStore: fileTokenStore(home) });
    try {
      const reply = await new Promise<{ status: number; cookie: string; body: string }>((ok, fail) => {
        const req = request(
          { host: '127.0.0.1', port: server.port, path: '/api/dashboard-token/rotate', method: 'POST', headers: { 'x-qbf-token': token } },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString('utf8')));
            res.on('end', () => ok({ status: res.statusCode ?? 0, cookie: String(res.headers['set-cookie']), body }));
          },
        );
        req.on('error', fail);
        req.end('{}');
      });
      expect(reply.status).toBe(200);
      const { token: next, url } = JSON.parse(reply.body) as { token: string; url: string };
      expect(next).not.toBe(token);
      expect(url).toBe(`http://127.0.0.1:${server.port}/?token=${next}`);
      expect(reply.cookie).toContain(`qbf_token=${next}`);
      expect(await readDashboardToken(home)).toBe(next);
      expect(await callWith(server.port, token)).toBe(401);
    } finally {
      await server.close();
    }
  });
});
