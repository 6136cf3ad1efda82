import type { AddOptions } from '../../../shared/contract';
import { failureText, type Failure } from '../../../shared/failure';
import type { FleetView } from '../fleet/fleet';
import type { InstanceRuntime } from '../fleet/instance';
import type { UncertainAdd, UncertainAdds } from '../ledgers/uncertain-adds';
import type { RecentAdds } from '../ledgers/recent-adds';
import type { ParsedInput } from '../inputs/parse';
import type { QueueStore } from '../queue';
import type { PlaceContext, Placement } from './placer';

/**
 * What the add and flush flows work with: the owners themselves (the fleet, the queue, the
 * uncertain-adds ledger) and the settings that bound a placement — no callbacks into the engine.
 */
export interface FlowDeps {
  fleet: FleetView;
  queue: QueueStore;
  uncertain: UncertainAdds;
  /** Adds confirmed in the last minute, to queue again if qBittorrent forgets them in a crash (absent: not recorded). */
  recent?: RecentAdds;
  /** Placements in flight in this process (one per engine): the same torrent is never placed twice at once. */
  inflight: InflightPlacements;
  limits: {
    /** How long to poll `torrents/info` for added infohashes, ms. */
    confirmTimeoutMs: number;
    /** Pause between single adds, ms (0 = one batched request per instance). */
    addDelayMs: number;
    /** Most inputs sent per call; the rest are queued (0 = no cap). */
    maxAddsPerCall: number;
  };
}

/** The reason text of inputs that no instance took (the queue's old-format `reason`, the add result's): made here, at the edge. */
export function reasonOf(deps: FlowDeps, failures: Failure[]): string {
  if (failures.length) return failureText(failures);
  const why = deps.fleet.unusable();
  return why.length ? failureText(why) : 'NOT_CONFIGURED: no qBittorrent instance configured';
}

/**
 * The typed list behind {@link reasonOf}: the placement's failures, else why each instance is
 * unusable now; empty when no instance is configured. Kept beside the text in queue entries and
 * queued add results, so UIs never parse the text back.
 */
export function failuresOf(deps: FlowDeps, failures: Failure[]): Failure[] {
  return failures.length ? failures : deps.fleet.unusable();
}

/**
 * Placements in flight in this process, by infohash. A second add (or a flush) of a torrent whose
 * placement is running waits for it, then finds it in its duplicate check, instead of racing it
 * onto another instance (a double submit with round-robin routing put one magnet on two). A call
 * takes all its infohashes at once, after none is busy, so two calls never wait on each other.
 * Across processes the duplicate check and the flush lock remain the guard.
 */
export class InflightPlacements {
  private readonly running = new Map<string, Promise<void>>();

  /** Runs `fn` once no placement of any of `infohashes` is in flight here, holding them until it ends. */
  async around<T>(infohashes: string[], fn: () => Promise<T>): Promise<T> {
    for (;;) {
      const busy = infohashes.map((h) => this.running.get(h)).filter((p): p is Promise<void> => p !== undefined);
      if (busy.length === 0) break;
      await Promise.allSettled(busy);
    }
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    for (const h of infohashes) this.running.set(h, held);
    try {
      return await fn();
    } finally {
      for (const h of infohashes) if (this.running.get(h) === held) this.running.delete(h);
      release();
    }
  }
}

/** A placement with nothing in it. */
export const emptyPlacement = (): Placement => ({ placed: new Map(), duplicates: new Map(), refused: new Map(), failed: new Map() });

/** The uncertain-adds ledger as one placement run uses it (see {@link ledgerAlongside}). */
export interface RunLedger {
  /** Handed to the placer: records adds that got no answer. */
  ledger: Pick<UncertainAdds, 'record'>;
  /** The ledger's entries: the early read, or a fresh one when this run recorded entries. */
  list(): Promise<UncertainAdd[]>;
}

/**
 * Reads the uncertain-adds ledger while the placement runs, so that file read is not one more
 * step after every add (~0.3 ms of a ~2 ms warm add); `list` reads again when this placement
 * recorded entries itself.
 */
export function ledgerAlongside(uncertain: UncertainAdds): RunLedger {
  const early = uncertain.list();
  early.catch(() => undefined);
  let recorded = false;
  return {
    ledger: {
      record: (instance: string, items: { infohash: string; v2: string | null }[]) => {
        recorded = true;
        return uncertain.record(instance, items);
      },
    },
    list: () => (recorded ? uncertain.list() : early),
  };
}

/** Tells the uncertain-adds ledger where torrents finally are (only touches the file when it has entries). */
export async function notePlaced(uncertain: UncertainAdds, where: Map<string, string>, run: RunLedger): Promise<void> {
  if (where.size === 0) return;
  const pending = await run.list();
  if (!pending.some((e) => where.has(e.infohash))) return;
  await uncertain.markPlaced(where).catch(() => undefined);
}

/**
 * Records the inputs confirmed by a placement in the recent-adds ledger (one locked append for the
 * batch), with the add options they were sent with. Never throws: the record is a safety net,
 * not part of the add.
 */
export async function noteConfirmed(deps: FlowDeps, items: ParsedInput[], placed: Map<string, string>, options: AddOptions | undefined): Promise<void> {
  if (!deps.recent || placed.size === 0) return;
  const entries = items
    .filter((i) => placed.has(i.infohash))
    .map((i) => ({ instance: placed.get(i.infohash)!, infohash: i.infohash, v2: i.v2, name: i.name, magnet: i.magnet, options }));
  await deps.recent.record(entries).catch(() => undefined);
}

/** The placer's context for one batch: `candidates` in routing order, the call's add options. */
export function placeContext(deps: FlowDeps, candidates: InstanceRuntime[], run: RunLedger, options: AddOptions | undefined): PlaceContext {
  return { candidates, fleet: deps.fleet, options, confirmTimeoutMs: deps.limits.confirmTimeoutMs, addDelayMs: deps.limits.addDelayMs, uncertain: run.ledger };
}
