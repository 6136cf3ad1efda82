import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, legacyEnv, makeSandbox, type Sandbox } from '../harness/cli';
import { randomMagnet } from '../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../harness/qbittorrent';

/**
 * Issue 11, "Settings that forgive mistakes", through the real CLI and a real qbittorrent-nox:
 * a config.json with a `"password"` key, `"instance"` beside `"instances"` and a typo'd instance
 * field still works — every command adds, checks and lists with what is valid — and every command
 * says what was ignored and the fix (stderr, and `configWarnings` in `--json`). The old tool's
 * `QBITTORRENT_URL` without a scheme, or ending in `/api/v2`, reaches the server, with a note.
 */

let q: QbtProcess;
let s: Sandbox;

beforeAll(async () => {
  assertCliBuilt();
  q = await startQbittorrent({ name: 'cli-config-notes' });
  s = makeSandbox('cli-config-notes');
  writeFileSync(
    `${s.home}/config.json`,
    JSON.stringify({
      password: q.password,
      instance: [{ name: 'typo', url: 'http://127.0.0.1:9' }],
      instances: [{ name: 'nas', url: q.url, username: q.username, requiresVPN: false, categroy: 'tv' }],
      vpn: { check: 'none' },
    }),
  );
  expect((await s.run(['password', 'nas'], {}, `${q.password}\n`)).code).toBe(0);
}, 60_000);

afterAll(async () => {
  s?.dispose();
  await q?.dispose();
});

const FIXES = [
  expect.stringContaining('"password" is not a setting, ignored — passwords are not read from config.json: store it with `qbit-failover password <instance>`'),
  expect.stringContaining('"instance" is not a setting, ignored — did you mean `instances`?'),
  expect.stringContaining('"instances[0] (nas).requiresVPN" is not a setting, ignored — did you mean `requiresVpn`?'),
  expect.stringContaining('"instances[0] (nas).categroy" is not a setting, ignored — did you mean `category`?'),
];

describe('unknown keys in config.json', () => {
  it('status --json: the valid instance is OK and configWarnings lists each ignored key with its fix; stderr says the same', async () => {
    const r = await s.run(['status', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { instances: { name: string; status: string }[]; configWarnings: string[] };
    expect(j.instances).toEqual([expect.objectContaining({ name: 'nas', status: 'OK' })]);
    expect(j.configWarnings).toEqual(FIXES);
    expect(r.stderr).toContain('[CONFIG] config.json: "instance" is not a setting, ignored — did you mean `instances`?');
    // The password in the file is never echoed.
    expect(r.stderr + r.stdout).not.toContain(q.password);
  }, 60_000);

  it('add: the magnet is confirmed on the valid instance, and the text output tells the fixes on stderr', async () => {
    const m = randomMagnet('config-notes');
    const r = await s.run(['add', m.magnet]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[ADDED]');
    for (const key of ['"password"', '"instance"', 'requiresVPN', 'categroy']) expect(r.stderr).toContain(key);
    const withJson = await s.run(['add', '--json', randomMagnet('config-notes-json').magnet]);
    expect((JSON.parse(withJson.stdout) as { configWarnings: string[] }).configWarnings).toEqual(FIXES);
  }, 60_000);

  it('queue and flush --json carry configWarnings too', async () => {
    const queue = await s.run(['queue', '--json']);
    expect((JSON.parse(queue.stdout) as { configWarnings: string[] }).configWarnings).toEqual(FIXES);
    const flush = await s.run(['flush', '--json']);
    expect((JSON.parse(flush.stdout) as { configWarnings: string[] }).configWarnings).toEqual(FIXES);
  }, 60_000);
});

describe("the old tool's QBITTORRENT_URL", () => {
  it('without a scheme gets http:// (as QB_HOST did) and reaches the server, with a note', async () => {
    const env = { ...legacyEnv(q), QBITTORRENT_URL: q.url.replace(/^http:\/\//, '') };
    const e = makeSandbox('cli-url-scheme');
    try {
      const r = await e.run(['status', '--json'], env);
      const j = JSON.parse(r.stdout) as { instances: { name: string; url: string; status: string }[]; configWarnings: string[] };
      expect(j.instances).toEqual([expect.objectContaining({ name: 'primary', url: q.url, status: 'OK' })]);
      expect(j.configWarnings).toEqual([`QBITTORRENT_URL has no scheme: using ${q.url} (write https:// in front for TLS)`]);
      expect(r.code).toBe(0);
    } finally {
      e.dispose();
    }
  }, 60_000);

  it('ending in /api/v2/ is trimmed to the WebUI base, with a note, and reaches the server', async () => {
    const env = { ...legacyEnv(q), QBITTORRENT_URL: `${q.url}/api/v2/` };
    const e = makeSandbox('cli-url-api');
    try {
      const r = await e.run(['status', '--json'], env);
      const j = JSON.parse(r.stdout) as { instances: { name: string; url: string; status: string }[]; configWarnings: string[] };
      expect(j.instances).toEqual([expect.objectContaining({ name: 'primary', url: q.url, status: 'OK' })]);
      expect(j.configWarnings).toEqual([`QBITTORRENT_URL ends in /api/v2: using ${q.url} (qbit-failover adds /api/v2 itself)`]);
    } finally {
      e.dispose();
    }
  }, 60_000);
});
