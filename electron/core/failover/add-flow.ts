import type { AddOptions } from '../../../shared/contract';
import type { AddResponse, AddResult, AddSummary, FlushResponse } from '../../../shared/model';
import type { QueueEntry, QueueStore } from '../queue';
import type { QbitError } from '../qbittorrent';
import type { InstanceRuntime } from '../instances';
import { InvalidInput, type ParsedInput } from './inputs';
import { NO_USABLE, place } from './placer';
import type { UncertainAdd, UncertainAdds } from './uncertain-adds';

/** What the add and flush flows need from the engine. */
export interface FlowContext {
  queue: QueueStore;
  uncertain: UncertainAdds;
  /** Instances to try now, in routing order (may run a fresh health check first). */
  candidates(): Promise<InstanceRuntime[]>;
  /** Instances that can be asked about duplicates. */
  reachable(): InstanceRuntime[];
  confirmTimeoutMs: number;
  addDelayMs: number;
  /** Most inputs sent per call; the rest are queued (0 = no cap). */
  maxAddsPerCall: number;
  onDown(rt: InstanceRuntime, err: QbitError): void;
  /** Why no instance is usable now, in words (e.g. `primary: VPN_DOWN; secondary: CONNECTION_REFUSED`). */
  unusableReason(): string;
}

/** One input's pre-placement state: parsed, or refused with a reason. */
export type Resolved = { input: string; parsed: ParsedInput } | { input: string; error: { code: string; message: string } };

/** Counts results by outcome. */
export function summarize(results: AddResult[]): AddSummary {
  const s: AddSummary = { added: 0, duplicate: 0, queued: 0, rejected: 0 };
  for (const r of results) s[r.outcome]++;
  return s;
}

/** Typed rejection for an input that failed to parse. */
export function rejection(input: string, err: unknown): Resolved {
  if (err instanceof InvalidInput) return { input, error: { code: err.code, message: err.message } };
  return { input, error: { code: 'INVALID_INPUT', message: (err as Error)?.message ?? String(err) } };
}

/**
 * Places parsed inputs: duplicate check, failover across candidates, then the durable queue for
 * what no instance took. A queued result is reported only after the queue write reached disk;
 * when the write fails, those inputs come back `rejected` with code `QUEUE_WRITE_FAILED`.
 * Results are in input order; a repeated infohash within one call is a `duplicate` of the first.
 */
export async function addResolved(ctx: FlowContext, resolved: Resolved[], options?: AddOptions): Promise<AddResponse> {
  const unique = new Map<string, ParsedInput>();
  for (const r of resolved) if ('parsed' in r && !unique.has(r.parsed.infohash)) unique.set(r.parsed.infohash, r.parsed);
  let toPlace = [...unique.values()];
  const overCap = ctx.maxAddsPerCall > 0 ? toPlace.slice(ctx.maxAddsPerCall) : [];
  if (overCap.length) toPlace = toPlace.slice(0, ctx.maxAddsPerCall);

  const candidates = toPlace.length ? await ctx.candidates() : [];
  const ledger = toPlace.length ? ledgerAlongside(ctx) : null;
  const placement = ledger
    ? await place(toPlace, {
        candidates,
        reachable: ctx.reachable(),
        options,
        confirmTimeoutMs: ctx.confirmTimeoutMs,
        addDelayMs: ctx.addDelayMs,
        onDown: ctx.onDown,
        onUncertain: ledger.onUncertain,
      })
    : { placed: new Map<string, string>(), duplicates: new Map<string, string>(), failed: new Map<string, string>() };
  for (const [h, why] of placement.failed) if (why === NO_USABLE) placement.failed.set(h, ctx.unusableReason());
  for (const p of overCap) placement.failed.set(p.infohash, `over the per-call cap of ${ctx.maxAddsPerCall} adds`);
  if (ledger) await notePlaced(ctx, new Map([...placement.placed, ...placement.duplicates]), ledger.list);

  const queueErrors = new Map<string, string>();
  const toQueue = [...unique.values()].filter((p) => placement.failed.has(p.infohash));
  if (toQueue.length) {
    try {
      await ctx.queue.add(
        toQueue.map((p) => ({ infohash: p.infohash, name: p.name, kind: p.kind, magnet: p.magnet, torrent: p.torrent, reason: placement.failed.get(p.infohash)! })),
      );
    } catch (err) {
      for (const p of toQueue) queueErrors.set(p.infohash, `could not be queued, NOT saved: ${(err as Error).message}`);
    }
  }

  const seen = new Set<string>();
  const results: AddResult[] = resolved.map((r) => {
    if ('error' in r) return { input: r.input, outcome: 'rejected', infohash: null, name: null, instance: null, reason: null, error: r.error };
    const { infohash, name } = r.parsed;
    const base = { input: r.input, infohash, name, reason: null, error: null };
    const first = !seen.has(infohash);
    seen.add(infohash);
    const placedOn = placement.placed.get(infohash);
    if (placedOn) return { ...base, outcome: first ? 'added' : 'duplicate', instance: placedOn };
    const dupOn = placement.duplicates.get(infohash);
    if (dupOn) return { ...base, outcome: 'duplicate', instance: dupOn };
    const qErr = queueErrors.get(infohash);
    if (qErr) return { ...base, outcome: 'rejected', instance: null, error: { code: 'QUEUE_WRITE_FAILED', message: qErr } };
    return { ...base, outcome: 'queued', instance: null, reason: placement.failed.get(infohash) ?? null };
  });
  return { results, summary: summarize(results) };
}

/**
 * Reads the uncertain-adds ledger while the placement runs, so that file read is not one more
 * step after every add (~0.3 ms of a ~2 ms warm add); `list` reads again when this placement
 * recorded entries itself. `onUncertain` is the placer's hook.
 */
function ledgerAlongside(ctx: FlowContext): { onUncertain: (rt: InstanceRuntime, hashes: string[]) => Promise<void>; list: () => Promise<UncertainAdd[]> } {
  const early = ctx.uncertain.list();
  let recorded = false;
  return {
    onUncertain: (rt, hashes) => {
      recorded = true;
      return ctx.uncertain.record(rt.name, hashes).catch(() => undefined);
    },
    list: () => (recorded ? ctx.uncertain.list() : early),
  };
}

/** Tells the uncertain-adds ledger where torrents finally are (only touches the file when it has entries). */
async function notePlaced(ctx: FlowContext, where: Map<string, string>, list: () => Promise<UncertainAdd[]>): Promise<void> {
  if (where.size === 0) return;
  const pending = await list();
  if (!pending.some((e) => where.has(e.infohash))) return;
  await ctx.uncertain.markPlaced(where).catch(() => undefined);
}

/**
 * Flushes queue entries (all, or the given infohashes): one batched add per instance, each
 * confirmed by infohash; only confirmed (or already present) entries are removed, the rest get
 * attempts + last error. Payload `.torrent` files are re-read from beside the queue file.
 */
export async function flushEntries(ctx: FlowContext, infohashes?: string[]): Promise<FlushResponse> {
  const all = await ctx.queue.load();
  const wanted = infohashes ? new Set(infohashes.map((h) => h.toLowerCase())) : null;
  const entries = wanted ? all.filter((e) => wanted.has(e.infohash)) : all;
  if (entries.length === 0) return { placed: [], remaining: [], queueLength: all.length };
  const items: ParsedInput[] = [];
  const broken: QueueEntry[] = [];
  for (const e of entries) {
    if (e.kind === 'torrent') {
      const data = await ctx.queue.readTorrent(e);
      if (!data) broken.push(e);
      else items.push({ input: e.magnet, kind: 'torrent', infohash: e.infohash, name: e.name, magnet: e.magnet, torrent: data });
    } else items.push({ input: e.magnet, kind: 'magnet', infohash: e.infohash, name: e.name, magnet: e.magnet });
  }
  const candidates = await ctx.candidates();
  const ledger = ledgerAlongside(ctx);
  const placement = await place(items, {
    candidates,
    reachable: ctx.reachable(),
    confirmTimeoutMs: ctx.confirmTimeoutMs,
    addDelayMs: ctx.addDelayMs,
    onDown: ctx.onDown,
    onUncertain: ledger.onUncertain,
  });
  for (const [h, why] of placement.failed) if (why === NO_USABLE) placement.failed.set(h, ctx.unusableReason());
  const done = new Map([...placement.placed, ...placement.duplicates]);
  await notePlaced(ctx, done, ledger.list);
  if (done.size) await ctx.queue.remove([...done.keys()]);
  for (const b of broken) placement.failed.set(b.infohash, 'the .torrent file kept beside the queue is missing');
  if (placement.failed.size) {
    const byReason = new Map<string, string[]>();
    for (const [h, why] of placement.failed) byReason.set(why, [...(byReason.get(why) ?? []), h]);
    for (const [why, hashes] of byReason) await ctx.queue.recordAttempt(hashes, why).catch(() => undefined);
  }
  return {
    placed: [...done].map(([infohash, instance]) => ({ infohash, instance })),
    remaining: [...placement.failed].map(([infohash, error]) => ({ infohash, error })),
    queueLength: ctx.queue.entries().length,
  };
}
