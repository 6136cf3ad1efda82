import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VpnReconnector } from '../../../electron/core/fleet/vpn-probe';
import { silentLogger } from '../../../electron/core/logger';
import { CommandLineError, joinCommandLine, splitCommandLine } from '../../../shared/command-line';
import { SettingsSchema } from '../../../shared/settings';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Resolves once `file` exists (the child runs on its own); fails the test after `ms`. */
async function waitForFile(file: string, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!existsSync(file)) {
    if (Date.now() > until) throw new Error(`${file} never appeared`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('splitCommandLine (the legacy string form, no shell)', () => {
  it('splits on whitespace, groups quoted words, and keeps shell syntax as plain text', () => {
    expect(splitCommandLine('wg-quick up wg0')).toEqual(['wg-quick', 'up', 'wg0']);
    expect(splitCommandLine(`  nmcli con up "My VPN"  id 'a b'  `)).toEqual(['nmcli', 'con', 'up', 'My VPN', 'id', 'a b']);
    expect(splitCommandLine(String.raw`a\ b "q\"x\\" 'it''s' ""`)).toEqual(['a b', 'q"x\\', 'its', '']);
    expect(splitCommandLine('x; rm -rf ~ && $(id) `id` | cat')).toEqual(['x;', 'rm', '-rf', '~', '&&', '$(id)', '`id`', '|', 'cat']);
    expect(splitCommandLine('   ')).toEqual([]);
    expect(() => splitCommandLine('say "hi')).toThrow(CommandLineError);
    expect(() => splitCommandLine("say 'hi")).toThrow(/unterminated single quote/);
    expect(() => splitCommandLine('trailing\\')).toThrow(/backslash/);
  });

  it('joinCommandLine round-trips through splitCommandLine', () => {
    for (const argv of [['wg-quick', 'up', 'wg0'], ['a b', "it's", '', '$HOME', 'x"y', 'back\\slash']]) {
      expect(splitCommandLine(joinCommandLine(argv))).toEqual(argv);
    }
  });

  it('the settings schema reads a legacy string as argv, takes argv as is, and a blank string as no command', () => {
    const vpn = (reconnectCommand: unknown) => SettingsSchema.parse({ vpn: { reconnectCommand } }).vpn.reconnectCommand;
    expect(vpn('wg-quick up wg0')).toEqual(['wg-quick', 'up', 'wg0']);
    expect(vpn(['/usr/bin/nmcli', 'con', 'up', 'My VPN'])).toEqual(['/usr/bin/nmcli', 'con', 'up', 'My VPN']);
    expect(vpn('  ')).toBeUndefined();
    expect(SettingsSchema.safeParse({ vpn: { reconnectCommand: [] } }).success).toBe(false);
    expect(SettingsSchema.safeParse({ vpn: { reconnectCommand: 'say "hi' } }).success).toBe(false);
  });
});

describe('VpnReconnector runs the command without a shell', () => {
  it('a legacy config.json string with $VARIABLES runs as plain argv: no expansion, no chaining', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qbf-reconnect-'));
    dirs.push(dir);
    // Through a shell, $USER would expand and `;` would end the first command (creating "a").
    const vpn = SettingsSchema.parse({ vpn: { reconnectCommand: `touch ${dir}/$USER-x ${dir}/a;touch` } }).vpn;
    expect(new VpnReconnector(silentLogger).maybeRun(vpn)).toBe(true);
    await waitForFile(join(dir, '$USER-x'));
    expect(existsSync(join(dir, `${userInfo().username}-x`))).toBe(false);
    expect(existsSync(join(dir, 'a;touch'))).toBe(true);
    expect(existsSync(join(dir, 'a'))).toBe(false);
  });

  it('runs at most once per cooldown, and not at all without a command', () => {
    let now = 1_000_000;
    const r = new VpnReconnector(silentLogger, () => now);
    const vpn = SettingsSchema.parse({ vpn: { reconnectCommand: ['true'], reconnectCooldownMs: 60_000 } }).vpn;
    expect(r.maybeRun(vpn)).toBe(true);
    expect(r.maybeRun(vpn)).toBe(false);
    now += 60_000;
    expect(r.maybeRun(vpn)).toBe(true);
    expect(new VpnReconnector(silentLogger).maybeRun(SettingsSchema.parse({}).vpn)).toBe(false);
  });
});
