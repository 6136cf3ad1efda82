import { EventEmitter } from 'node:events';
import type { FlushProgress, FlushResponse } from '../../../shared/model';
import { nextProbeDelay, PollScheduler } from '../fleet/poll-scheduler';
import { withFlushLock } from '../queue/flush-lock';
import type { FlowDeps } from './flow';
import { flushEntries } from './flush';

/** What a {@link FlushRunner} tells its owner (the engine only listens). */
export interface FlushRunnerEvents {
  /** A flush started or ended (the snapshot's `flushing`). */
  change: [];
  /** A flush placed entries. */
  placed: [res: FlushResponse];
  /** Where a flush stands: at its start, after each instance's batch, and at its end (`done`). */
  progress: [progress: FlushProgress];
  /** A background flush failed: `what` is `CODE: message`; it is retried after `delayMs`. */
  failed: [what: string, delayMs: number];
}

/** What the runner works with; read at each run (the queue and the settings change with the settings). */
export interface FlushRunnerDeps {
  /** The owners the flush flow uses now. */
  flow(): FlowDeps;
  /** The probe backoff the retry of a failed background flush follows, ms. */
  backoff(): { pollIntervalMs: number; maxBackoffMs: number };
}

/** Scheduler key of the retry after a failed background flush. */
const RETRY_KEY = 'auto-flush';

/**
 * Runs flushes one at a time: in this process (a second call waits for the first) and across
 * processes sharing the queue file (the flush lock beside it, see queue/flush-lock.ts). Background
 * flushes ({@link auto}: an instance came back, the queue file changed) never reject: a failure
 * is reported (`failed`) and retried with the probe backoff (poll interval, doubling, capped at
 * `maxBackoffMs`) while entries remain — a daemon must not die on a full disk or a locked queue.
 */
export class FlushRunner extends EventEmitter<FlushRunnerEvents> {
  private flushing: Promise<FlushResponse> | null = null;
  private readonly retry = new PollScheduler();
  /** Background flushes failed in a row (drives the retry backoff). */
  private failures = 0;
  /** Id of the latest flush (the `flushId` of its progress). */
  private flushCount = 0;

  constructor(private readonly deps: FlushRunnerDeps) {
    super();
  }

  /** Whether a flush runs now. */
  isFlushing(): boolean {
    return this.flushing !== null;
  }

  /**
   * Flushes the queue (or the given infohashes), waiting for any flush in progress here and up
   * to ~20 s for one in another process. @throws FlushBusyError (`QUEUE_BUSY`) when that wait
   * runs out; queue errors (`QUEUE_WRITE_FAILED`…) as thrown by the store.
   */
  async flush(infohashes?: string[]): Promise<FlushResponse> {
    return (await this.run(infohashes, true))!;
  }

  /**
   * Starts a background flush when polling is active, an instance is usable and entries wait (and
   * none runs) — after the fleet's round, when one runs (an instance just came back and those of
   * higher priority get their chance first, see `usable` in FleetEvents): a queue file changed
   * meanwhile must not send the entries to the lower instance that answered first.
   */
  maybeAuto(): void {
    if (!this.autoDue()) return;
    const round = this.deps.flow().fleet.afterRound();
    if (!round) return void this.auto();
    void round.then(() => {
      if (this.autoDue()) void this.auto();
    });
  }

  /** Whether a background flush is due now: polling active, none running, an instance usable, entries waiting. */
  private autoDue(): boolean {
    const { fleet, queue } = this.deps.flow();
    return fleet.isActive() && !this.flushing && fleet.anyUsable() && queue.entries().length > 0;
  }

  /** A background flush now (skipped while one runs, or while another process holds the flush lock). Never rejects. */
  async auto(): Promise<void> {
    if (this.flushing) return;
    this.retry.cancel(RETRY_KEY);
    try {
      await this.run(undefined, false);
      this.failures = 0;
    } catch (err) {
      this.failures++;
      const { pollIntervalMs, maxBackoffMs } = this.deps.backoff();
      const delay = nextProbeDelay(this.failures, pollIntervalMs, maxBackoffMs);
      const e = err as { code?: unknown; message?: unknown };
      this.emit('failed', `${typeof e.code === 'string' ? `${e.code}: ` : ''}${typeof e.message === 'string' ? e.message : String(err)}`, delay);
      if (this.deps.flow().fleet.isActive()) {
        this.retry.schedule(RETRY_KEY, delay, () => this.maybeAuto());
      }
    }
  }

  /** Cancels a pending retry and ignores new ones until {@link resume} (monitoring paused, engine stopped). */
  pause(): void {
    this.retry.stop();
  }

  /** Allows retries again. */
  resume(): void {
    this.retry.resume();
  }

  /** Cancels retries and waits for a running flush to end (whatever its outcome). */
  async stop(): Promise<void> {
    this.retry.stop();
    await this.flushing?.catch(() => undefined);
  }

  private async run(infohashes: string[] | undefined, wait: boolean): Promise<FlushResponse | null> {
    while (this.flushing) await this.flushing.catch(() => undefined);
    const flow = this.deps.flow();
    const flushId = ++this.flushCount;
    const run = withFlushLock(flow.queue.path, wait, () => flushEntries(flow, infohashes, (step) => this.emit('progress', { flushId, ...step })));
    const nothing = (): FlushResponse => ({ placed: [], remaining: [], notQueued: [], queueLength: flow.queue.entries().length });
    // `flushing` only tells waiters "a flush ran"; it must settle either way, or a failed flush
    // (disk full, queue path is a folder, QUEUE_BUSY) becomes an unhandled rejection that ends
    // `watch`/`serve`. The error itself reaches the caller through `await run` below.
    this.flushing = run.then((r) => r ?? nothing(), nothing);
    this.emit('change');
    try {
      const res = await run;
      if (res?.placed.length) this.emit('placed', res);
      return res;
    } finally {
      this.flushing = null;
      this.emit('change');
    }
  }
}
