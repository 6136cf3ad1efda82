import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directLogin } from '../harness/direct';
import { assertCliBuilt, makeSandbox, type CliResult, type Sandbox } from '../harness/cli';
import { startQbittorrent, type QbtProcess } from '../harness/qbittorrent';

/**
 * README: "entering the password again retries at once". The CLI's `password` command goes
 * through the engine's setPassword, which clears the failed-login memory of those credentials —
 * so re-entering the SAME password (after fixing it on the server) is not held back for minutes.
 */

let q: QbtProcess;
let s: Sandbox;

beforeAll(async () => {
  assertCliBuilt();
  q = await startQbittorrent({ name: 'cli-password', password: 'server-original' });
  s = makeSandbox('cli-password');
  writeFileSync(`${s.home}/config.json`, JSON.stringify({ instances: [{ name: 'a', url: q.url, username: q.username }], vpn: { check: 'none' } }));
});

afterAll(async () => {
  s?.dispose();
  await q?.dispose();
});

const statusOf = (r: CliResult): { status: string; error: string | null } => {
  const j = JSON.parse(r.stdout) as { instances: { name: string; status: string; error: string | null }[] };
  return j.instances.find((i) => i.name === 'a')!;
};

/** Sets the server's WebUI password through its own API (as a user would in its settings). */
async function setServerPassword(current: string, next: string): Promise<void> {
  const login = await directLogin(q, { password: current });
  if (!login.cookie) throw new Error(`login failed: ${login.status} ${login.body}`);
  const res = await fetch(`${q.url}/api/v2/app/setPreferences`, {
    method: 'POST',
    headers: { cookie: login.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ json: JSON.stringify({ web_ui_password: next }) }),
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) throw new Error(`setPreferences: HTTP ${res.status}`);
}

describe('qbit-failover password', () => {
  it('re-entering the same password after fixing it on the server retries at once (the failed-login memory is cleared)', async () => {
    expect((await s.run(['password', 'a'], {}, 'the-new-one\n')).code).toBe(0);
    const first = await s.run(['status', '--json']);
    expect(statusOf(first).status).toBe('AUTH_FAILED');

    // The user makes the server match, then runs `status` again: held back by the memory (no login sent).
    await setServerPassword('server-original', 'the-new-one');
    const held = await s.run(['status', '--json']);
    expect(statusOf(held)).toMatchObject({ status: 'AUTH_FAILED', error: expect.stringContaining('not retried') });

    // Entering the same password again is the user's "try now".
    expect((await s.run(['password', 'a'], {}, 'the-new-one\n')).code).toBe(0);
    const after = await s.run(['status', '--json']);
    expect(statusOf(after).status).toBe('OK');
  }, 60_000);
});
