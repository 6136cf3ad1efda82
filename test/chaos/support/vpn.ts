import { execFileSync } from 'node:child_process';
import os from 'node:os';

/**
 * A fake VPN the engine's `interface:<name>` probe sees, flipped for real at the OS level so
 * every process (in-process engine, `watch`, CLI children) sees the same state:
 * - preferred: a TUN device `qbfvpn<n>` with a loopback /32 address (`ip tuntap add` — a VPN
 *   tunnel is a TUN device; `ip link add … type dummy` is not available in this sandbox);
 * - fallback: a labelled loopback address `lo:qbfv<n>` (`ip addr add 127.x/32 dev lo label …`).
 * "Down" deletes it. Only 127.0.0.0/8 is ever used; nothing is routed anywhere.
 * Every down window is recorded as a SUBSET of the real one: it starts after the delete
 * returned and ends before the re-add started.
 */
export class FakeVpn {
  readonly name: string;
  readonly mode: 'tun' | 'lo-label';
  private readonly address: string;
  /** Down windows, ms since epoch; `to` is null while down. */
  readonly windows: { from: number; to: number | null }[] = [];
  private isUp = false;

  constructor() {
    const n = process.pid % 10_000;
    this.address = `127.${100 + (n % 100)}.${Math.floor(n / 100) % 250}.${1 + (n % 250)}`;
    const tun = `qbfvpn${n}`;
    try {
      execFileSync('ip', ['tuntap', 'add', 'dev', tun, 'mode', 'tun'], { stdio: 'pipe' });
      execFileSync('ip', ['link', 'del', tun], { stdio: 'pipe' });
      this.name = tun;
      this.mode = 'tun';
    } catch {
      this.name = `lo:qbfv${n}`;
      this.mode = 'lo-label';
    }
  }

  /** The engine's probe setting for this VPN. */
  get check(): string {
    return `interface:${this.name}`;
  }

  /** Whether the probe would see it now. */
  visible(): boolean {
    return (os.networkInterfaces()[this.name]?.length ?? 0) > 0;
  }

  up(): void {
    if (this.isUp) return;
    const open = this.windows.at(-1);
    const before = Date.now();
    if (this.mode === 'tun') {
      execFileSync('ip', ['tuntap', 'add', 'dev', this.name, 'mode', 'tun'], { stdio: 'pipe' });
      execFileSync('ip', ['addr', 'add', `${this.address}/32`, 'dev', this.name], { stdio: 'pipe' });
    } else {
      execFileSync('ip', ['addr', 'add', `${this.address}/32`, 'dev', 'lo', 'label', this.name], { stdio: 'pipe' });
    }
    if (open && open.to === null) open.to = before;
    this.isUp = true;
  }

  down(): void {
    this.remove();
    this.windows.push({ from: Date.now(), to: null });
  }

  /** Removes the interface without recording a window (cleanup). */
  remove(): void {
    try {
      if (this.mode === 'tun') execFileSync('ip', ['link', 'del', this.name], { stdio: 'pipe' });
      else execFileSync('ip', ['addr', 'del', `${this.address}/32`, 'dev', 'lo'], { stdio: 'pipe' });
    } catch {
      /* already gone */
    }
    this.isUp = false;
  }

  /** Closes the open window (if any) at `at`. */
  closeWindows(at = Date.now()): void {
    const open = this.windows.at(-1);
    if (open && open.to === null) open.to = at;
  }
}
