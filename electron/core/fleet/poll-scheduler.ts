/**
 * Delay before an instance's next health probe, ms: the poll interval while it is healthy;
 * after `failures` consecutive failures, exponential backoff `interval × 2^(failures-1)`
 * capped at `maxBackoffMs` (defaults 15 s and 2 min).
 */
export function nextProbeDelay(failures: number, intervalMs: number, maxBackoffMs: number): number {
  if (failures <= 1) return intervalMs;
  return Math.min(maxBackoffMs, intervalMs * 2 ** Math.min(failures - 1, 20));
}

/** Delay of the re-check scheduled right after a failed add, ms (sooner than the backoff). */
export const RECHECK_AFTER_FAILED_ADD_MS = 5_000;

/**
 * Interval of the reachability probe of a down instance while entries wait in the queue, ms:
 * one unauthenticated request (no login), so it may run far more often than the full check.
 */
export const RECOVERY_PROBE_MS = 2_000;

/**
 * Whether a status is a transport failure the server may recover from any moment (refused,
 * timed out, reset / unknown, a 5xx from a reverse proxy): such an instance gets the reachability
 * probe. Not an auth problem (wrong password, ban, no password: retrying would spend failed
 * logins), nor the VPN (probed on its own), nor a configuration problem.
 */
export function recoverable(code: string): boolean {
  return code === 'CONNECTION_REFUSED' || code === 'TIMEOUT' || code === 'UNKNOWN' || /^HTTP_5\d\d$/.test(code);
}

/**
 * One timer per key (instance name, or `vpn`): `schedule` replaces any pending run, so
 * "Check now" and failure re-checks never stack up. Timers are unref'd so they never keep a
 * CLI process alive on their own.
 */
export class PollScheduler {
  private timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  schedule(key: string, delayMs: number, run: () => void): void {
    if (this.stopped) return;
    this.cancel(key);
    const t = setTimeout(() => {
      this.timers.delete(key);
      if (!this.stopped) run();
    }, delayMs);
    t.unref?.();
    this.timers.set(key, t);
  }

  cancel(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  /** Cancels everything; later `schedule` calls are ignored until `resume`. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  resume(): void {
    this.stopped = false;
  }
}
