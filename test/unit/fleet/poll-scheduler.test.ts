import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextProbeDelay, PollScheduler } from '../../../electron/core/fleet/poll-scheduler';

describe('nextProbeDelay', () => {
  it('healthy or after one failure: the poll interval', () => {
    expect(nextProbeDelay(0, 15_000, 120_000)).toBe(15_000);
    expect(nextProbeDelay(1, 15_000, 120_000)).toBe(15_000);
  });

  it('then doubles with each failure in a row, capped at maxBackoffMs', () => {
    expect([2, 3, 4, 5, 6].map((f) => nextProbeDelay(f, 15_000, 120_000))).toEqual([30_000, 60_000, 120_000, 120_000, 120_000]);
  });

  it('a huge failure count stays finite and capped', () => {
    expect(nextProbeDelay(10_000, 1_000, 3_600_000)).toBe(3_600_000);
  });
});

describe('PollScheduler (fake clock)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('one timer per key: scheduling again replaces the pending run', () => {
    const s = new PollScheduler();
    const runs: string[] = [];
    s.schedule('a', 1_000, () => runs.push('first'));
    s.schedule('a', 5_000, () => runs.push('second'));
    vi.advanceTimersByTime(1_000);
    expect(runs).toEqual([]);
    vi.advanceTimersByTime(4_000);
    expect(runs).toEqual(['second']);
  });

  it('keys are independent; cancel drops one', () => {
    const s = new PollScheduler();
    const runs: string[] = [];
    s.schedule('a', 100, () => runs.push('a'));
    s.schedule('vpn', 100, () => runs.push('vpn'));
    s.cancel('a');
    vi.advanceTimersByTime(100);
    expect(runs).toEqual(['vpn']);
  });

  it('stop cancels everything and ignores new schedules until resume', () => {
    const s = new PollScheduler();
    const runs: string[] = [];
    s.schedule('a', 100, () => runs.push('before stop'));
    s.stop();
    s.schedule('a', 100, () => runs.push('while stopped'));
    vi.advanceTimersByTime(1_000);
    expect(runs).toEqual([]);
    s.resume();
    s.schedule('a', 100, () => runs.push('after resume'));
    vi.advanceTimersByTime(100);
    expect(runs).toEqual(['after resume']);
  });

  it('a run that schedules its own next run keeps polling (the fleet re-arms each probe this way)', () => {
    const s = new PollScheduler();
    let count = 0;
    const tick = (): void => {
      count++;
      s.schedule('a', 1_000, tick);
    };
    s.schedule('a', 1_000, tick);
    vi.advanceTimersByTime(3_500);
    expect(count).toBe(3);
  });
});
