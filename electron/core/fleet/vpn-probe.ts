import { execFile, spawn } from 'node:child_process';
import os from 'node:os';
import type { VpnHealth } from '../../../shared/model';
import type { Settings } from '../../../shared/settings';
import type { Logger } from '../logger';

/**
 * Runs the configured VPN probe once:
 * - `none` → `DISABLED`;
 * - `interface:<name>` → `CONNECTED` when an interface of that name exists with an address
 *   (`wg0`, `tun0`; `lo` counts), read from `os.networkInterfaces()` — no traffic at all;
 * - `ping` → one ICMP echo to `gateway` through the system `ping` (the old tool's check), with
 *   `pingTimeoutMs` as the deadline.
 * Never throws: failures are `DOWN` with the reason in `error`.
 */
export async function probeVpn(vpn: Settings['vpn'], now: () => Date = () => new Date()): Promise<VpnHealth> {
  const checkedAt = now().toISOString();
  if (vpn.check === 'none') return { state: 'DISABLED', check: 'none', target: null, error: null, checkedAt };
  if (vpn.check.startsWith('interface:')) {
    const name = vpn.check.slice('interface:'.length);
    const addrs = os.networkInterfaces()[name];
    const up = !!addrs && addrs.length > 0;
    return { state: up ? 'CONNECTED' : 'DOWN', check: vpn.check, target: name, error: up ? null : `interface ${name} is not up`, checkedAt };
  }
  const ok = await ping(vpn.gateway, vpn.pingTimeoutMs);
  return {
    state: ok.ok ? 'CONNECTED' : 'DOWN',
    check: 'ping',
    target: vpn.gateway,
    error: ok.ok ? null : `gateway ${vpn.gateway} did not answer ping${ok.detail ? `: ${ok.detail}` : ''}`,
    checkedAt,
  };
}

/** One ICMP echo via the system `ping`; `timeoutMs` bounds the whole run. */
function ping(host: string, timeoutMs: number): Promise<{ ok: boolean; detail?: string }> {
  const secs = Math.max(1, Math.ceil(timeoutMs / 1000));
  const args =
    process.platform === 'win32'
      ? ['-n', '1', '-w', String(timeoutMs), host]
      : process.platform === 'darwin'
        ? ['-c', '1', '-t', String(secs), host]
        : ['-c', '1', '-W', String(secs), host];
  return new Promise((resolve) => {
    execFile('ping', args, { timeout: timeoutMs + 1000, windowsHide: true }, (err) => {
      if (!err) resolve({ ok: true });
      else resolve({ ok: false, detail: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'ping is not installed' : undefined });
    });
  });
}

/**
 * Runs `reconnectCommand` (argv, e.g. `["wg-quick", "up", "wg0"]`) when the VPN goes down, at most
 * once per `reconnectCooldownMs`; its output goes to the log. Returns whether it ran.
 * The program is started directly (`spawn(argv[0], argv.slice(1))`, `shell: false`): no shell
 * ever parses the value, so it cannot chain or substitute commands.
 */
export class VpnReconnector {
  private lastRun = -Infinity;
  constructor(private readonly logger: Logger, private readonly now: () => number = Date.now) {}

  maybeRun(vpn: Settings['vpn']): boolean {
    const argv = vpn.reconnectCommand;
    if (!argv || argv.length === 0) return false;
    if (this.now() - this.lastRun < vpn.reconnectCooldownMs) return false;
    this.lastRun = this.now();
    this.logger.warn(`VPN down: running reconnect command`, { command: argv });
    const child = spawn(argv[0]!, argv.slice(1), { shell: false, windowsHide: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (err) => this.logger.error(`reconnect command failed to start: ${err.message}`));
    child.on('close', (code) => this.logger.info(`reconnect command exited ${code}`, { output: out.slice(-4000) }));
    return true;
  }
}
