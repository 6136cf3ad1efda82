import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, makeSandbox, type Sandbox } from '../harness/cli';

/**
 * Issue 11: `qbit-failover --help` says where config.json is for THIS user (the resolved path,
 * also when the help is the prerendered one), lists the environment variables, and gives each
 * command's exit codes.
 */

let s: Sandbox;
beforeAll(() => {
  assertCliBuilt();
  s = makeSandbox('cli-help');
});
afterAll(() => s?.dispose());

describe('qbit-failover --help', () => {
  it('names the resolved config.json (QBIT_FAILOVER_HOME), the environment variables and the exit codes per command', async () => {
    const r = await s.run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`config.json  ${join(s.home, 'config.json')}`);
    for (const name of ['QBIT_FAILOVER_HOME', 'QBITTORRENT_URL', 'QBITTORRENT_SECONDARY_URL', 'QB_HOST', 'VPN_CHECK', 'QBIT_FAILOVER_QUEUE_FILE', 'DOWNLOAD_PATH']) {
      expect(r.stdout).toContain(name);
    }
    expect(r.stdout).toMatch(/^ {2}status +0 an instance is OK · 3 none is/m);
    expect(r.stdout).toMatch(/^ {2}add +0 all added or already there · 2 some rejected · 3 some queued/m);
    expect(r.stdout).toMatch(/^ {2}flush +0 what was asked is placed · 3 some remain queued/m);
    expect(r.stdout).toMatch(/^ {2}queue remove +0 removed · 2 an infohash was not queued/m);
    expect(r.stdout).not.toContain('@@');
  });

  it('without QBIT_FAILOVER_HOME it names the XDG config folder of this user, in the prerendered and the full help alike', async () => {
    const env = { QBIT_FAILOVER_HOME: undefined, XDG_CONFIG_HOME: join(s.root, 'xdg') };
    const want = `config.json  ${join(s.root, 'xdg', 'qbit-failover', 'config.json')}`;
    expect((await s.run(['--help'], env)).stdout).toContain(want);
    // `help` goes through the whole CLI (commander), not the prerendered text.
    const full = await s.run(['help'], env);
    expect(full.stdout).toContain(want);
    expect(full.stdout).toContain('Exit codes');
  });
});
