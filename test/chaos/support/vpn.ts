import { execFileSync } from 'node:child_process';
import os from 'node:os';

/**
 * A fake VPN the engine's `interface:<name>` probe sees, flipped for real at the OS level so
 * every process (in-process engine, `watch`, CLI children) sees the same state: a labelled
 * loopback address `lo:qbfv<n>` (`ip addr add 127.x.y.z/32 dev lo label lo:qbfv<n>`), which
 * `os.networkInterfaces()` lists as interface `lo:qbfv<n>`. (`ip link add … type dummy` is not
 * available in this sandbox, and a TUN device without a process behind it is never RUNNING, so
 * libuv does not list its address.) "Down" deletes the address. Only 127.0.0.0/8 is used;
 * nothing is routed anywhere. Every down window is recorded as a SUBSET of the real one: it
 * starts after the delete returned and ends before the re-add started.
 */
export class FakeVpn {
  readonly name: string;
  readonly mode = 'lo-label';
  private readonly address: string;
  /** Down windows, ms since epoch; `to` is null while down. */
  readonly windows: { from: number; to: number | null }[] = [];
  private isUp = false;

  constructor() {
    const n = process.pid % 10_000;
    this.address = `127.${100 + (n % 100)}.${Math.floor(n / 100) % 250}.${1 + (n % 250)}`;
    this.name = `lo:qbfv${n}`;
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
    execFileSync('ip', ['addr', 'add', `${this.address}/32`, 'dev', 'lo', 'label', this.name], { stdio: 'pipe' });
    if (!this.visible()) throw new Error(`${this.name} is not visible to os.networkInterfaces()`);
    if (open && open.to === null) open.to = before;
    this.isUp = true;
  }

  down(): void {
    this.remove();
    this.windows.push({ from: Date.now(), to: null });
  }

  /** Removes the address without recording a window (cleanup). */
  remove(): void {
    try {
      execFileSync('ip', ['addr', 'del', `${this.address}/32`, 'dev', 'lo'], { stdio: 'pipe' });
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
