import type { AddOptions } from '../../../shared/contract';
import { failureText, type Failure } from '../../../shared/failure';
import type { AddResponse, AddResult, AddSummary, FlushResponse } from '../../../shared/model';
import type { NewQueueEntry, QueueEntry, QueueStore } from '../queue';
import type { QbitError } from '../qbittorrent';
import type { InstanceRuntime } from '../instances';
import { InvalidInput, parseMagnet, parseTorrent, type ParsedInput } from './inputs';
import { DownloadFailed, downloadTorrent } from './resolve-input';
import { nameOfUrl, urlEntryKey } from '../queue/magnet';
import { place, type Placement } from './placer';
import type { UncertainAdd, UncertainAdds } from './uncertain-adds';

/** What the add and flush flows need from the engine. */
export interface FlowContext {
  queue: QueueStore;
  uncertain: UncertainAdds;
  /** Instances to try now, in routing order (may run a fresh health check first). */
  candidates(): Promise<InstanceRuntime[]>;
  /** Instances that can be asked about duplicates. */
  reachable(): InstanceRuntime[];
  /** Instances the add must not reach (VPN-bound, VPN down) but that may hold the torrent: asked with their session only. */
  askOnly(): InstanceRuntime[];
  confirmTimeoutMs: number;
  addDelayMs: number;
  /** Most inputs sent per call; the rest are queued (0 = no cap). */
  maxAddsPerCall: number;
  onDown(rt: InstanceRuntime, err: QbitError): void;
  /** Why no instance is usable now: one typed failure per instance (empty: none configured). */
  unusable(): Failure[];
}

/** The reason text of inputs that no instance took (the queue's `reason`, the add result's). */
function reasonOf(ctx: FlowContext, failures: Failure[]): string {
  if (failures.length) return failureText(failures);
  const why = ctx.unusable();
  return why.length ? failureText(why) : 'NOT_CONFIGURED: no qBittorrent instance configured';
}

const emptyPlacement = (): Placement => ({ placed: new Map(), duplicates: new Map(), refused: new Map(), failed: new Map() });

/**
 * One input's pre-placement state: parsed; a `.torrent` URL that could not be downloaded now
 * (network trouble: queued as a URL, fetched at flush); or refused with a reason.
 */
export type Resolved =
  | { input: string; parsed: ParsedInput }
  | { input: string; deferred: { url: string; why: string } }
  | { input: string; error: { code: string; message: string } };

/** Counts results by outcome. */
export function summarize(results: AddResult[]): AddSummary {
  const s: AddSummary = { added: 0, duplicate: 0, queued: 0, rejected: 0 };
  for (const r of results) s[r.outcome]++;
  return s;
}

/** Typed rejection for an input that failed to parse. */
export function rejection(input: string, err: unknown): Resolved {
  if (err instanceof DownloadFailed && err.retryable) return { input, deferred: { url: err.url, why: err.why } };
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
        askOnly: ctx.askOnly(),
        options,
        confirmTimeoutMs: ctx.confirmTimeoutMs,
        addDelayMs: ctx.addDelayMs,
        onDown: ctx.onDown,
        onUncertain: ledger.onUncertain,
      })
    : emptyPlacement();
  const reasons = new Map<string, string>();
  for (const [h, failures] of placement.failed) reasons.set(h, reasonOf(ctx, failures));
  for (const p of overCap) reasons.set(p.infohash, `over the per-call cap of ${ctx.maxAddsPerCall} adds`);
  if (ledger) await notePlaced(ctx, new Map([...placement.placed, ...placement.duplicates]), ledger.list);

  const queueErrors = new Map<string, string>();
  const toQueue: NewQueueEntry[] = [...unique.values()]
    .filter((p) => reasons.has(p.infohash))
    .map((p) => ({ infohash: p.infohash, name: p.name, kind: p.kind, magnet: p.magnet, torrent: p.torrent, reason: reasons.get(p.infohash)!, options }));
  // A `.torrent` URL the network could not fetch now is kept as a URL and fetched at flush time.
  for (const r of resolved) {
    if (!('deferred' in r)) continue;
    const key = urlEntryKey(r.deferred.url);
    if (toQueue.some((q) => q.infohash === key)) continue;
    toQueue.push({ infohash: key, name: nameOfUrl(r.deferred.url), kind: 'url', magnet: r.deferred.url, reason: `could not download: ${r.deferred.why}`, options });
  }
  if (toQueue.length) {
    try {
      await ctx.queue.add(toQueue);
    } catch (err) {
      for (const p of toQueue) queueErrors.set(p.infohash, `could not be queued, NOT saved: ${(err as Error).message}`);
    }
  }

  const seen = new Set<string>();
  const results: AddResult[] = resolved.map((r) => {
    if ('error' in r) return { input: r.input, outcome: 'rejected', infohash: null, name: null, instance: null, reason: null, error: r.error };
    if ('deferred' in r) {
      const key = urlEntryKey(r.deferred.url);
      const base = { input: r.input, infohash: key, name: nameOfUrl(r.deferred.url), instance: null };
      const qErr = queueErrors.get(key);
      if (qErr) return { ...base, outcome: 'rejected', reason: null, error: { code: 'QUEUE_WRITE_FAILED', message: qErr } };
      return { ...base, outcome: 'queued', reason: `could not download: ${r.deferred.why}`, error: null };
    }
    const { infohash, name } = r.parsed;
    const base = { input: r.input, infohash, name, reason: null, error: null };
    const first = !seen.has(infohash);
    seen.add(infohash);
    const placedOn = placement.placed.get(infohash);
    if (placedOn) return { ...base, outcome: first ? 'added' : 'duplicate', instance: placedOn };
    const dupOn = placement.duplicates.get(infohash);
    if (dupOn) return { ...base, outcome: 'duplicate', instance: dupOn };
    const refused = placement.refused.get(infohash);
    if (refused) return { ...base, outcome: 'rejected', instance: null, error: { code: 'REFUSED', message: refused.message } };
    const qErr = queueErrors.get(infohash);
    if (qErr) return { ...base, outcome: 'rejected', instance: null, error: { code: 'QUEUE_WRITE_FAILED', message: qErr } };
    return { ...base, outcome: 'queued', instance: null, reason: reasons.get(infohash) ?? null };
  });
  return { results, summary: summarize(results) };
}

/**
 * Reads the uncertain-adds ledger while the placement runs, so that file read is not one more
 * step after every add (~0.3 ms of a ~2 ms warm add); `list` reads again when this placement
 * recorded entries itself. `onUncertain` is the placer's hook.
 */
function ledgerAlongside(ctx: FlowContext): { onUncertain: (rt: InstanceRuntime, items: ParsedInput[]) => Promise<void>; list: () => Promise<UncertainAdd[]> } {
  const early = ctx.uncertain.list();
  let recorded = false;
  return {
    onUncertain: (rt, items) => {
      recorded = true;
      return ctx.uncertain.record(rt.name, items).catch(() => undefined);
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
 * A queue entry back as a parsed input, through the same parsers `add` used (the magnet, the
 * `.torrent` payload kept beside the queue file, or — for a `url` entry — the file downloaded
 * now), so hybrids keep both hashes. `{ failed }` with the reason when the payload is missing,
 * no longer parses, or the URL still cannot be downloaded.
 */
async function entryInput(ctx: FlowContext, e: QueueEntry): Promise<ParsedInput | { failed: string }> {
  try {
    if (e.kind === 'url') return parseTorrent(await downloadTorrent(e.magnet), e.magnet);
    if (e.kind === 'torrent') {
      const data = await ctx.queue.readTorrent(e);
      if (!data) return { failed: 'the .torrent file kept beside the queue is missing' };
      return { ...parseTorrent(data, e.magnet), infohash: e.infohash, name: e.name };
    }
    return { ...parseMagnet(e.magnet), infohash: e.infohash, name: e.name };
  } catch (err) {
    if (e.kind === 'url') return { failed: err instanceof DownloadFailed ? `could not download: ${err.why}` : (err as Error).message };
    return { failed: e.kind === 'torrent' ? 'the .torrent file kept beside the queue is damaged' : 'the magnet URI in the queue does not parse' };
  }
}

/**
 * Flushes queue entries (all, or the given infohashes): one batched add per instance, each
 * confirmed by infohash; only confirmed (or already present) entries are removed, the rest get
 * attempts + last error in ONE settle write. A `url` entry is downloaded first and placed by the
 * real infohash of the file. `notQueued` lists asked-for infohashes that are not in the queue.
 */
export async function flushEntries(ctx: FlowContext, infohashes?: string[]): Promise<FlushResponse> {
  const all = await ctx.queue.load();
  const wanted = infohashes ? new Set(infohashes.map((h) => h.toLowerCase())) : null;
  const entries = wanted ? all.filter((e) => wanted.has(e.infohash)) : all;
  const notQueued = wanted ? [...wanted].filter((h) => !all.some((e) => e.infohash === h)) : [];
  if (entries.length === 0) return { placed: [], remaining: [], notQueued, queueLength: all.length };
  // Entries queued with different add options (category, save path…) go in separate batches.
  const groups = new Map<string, { options: AddOptions | undefined; items: ParsedInput[] }>();
  const failed = new Map<string, string>();
  /** Infohash placed → its queue entry (the entry's key differs for a `url` entry). */
  const entryOf = new Map<string, QueueEntry>();
  const nameOf = new Map<string, string | null>();
  for (const e of entries) {
    const item = await entryInput(ctx, e);
    if ('failed' in item) {
      failed.set(e.infohash, item.failed);
      continue;
    }
    if (entryOf.has(item.infohash)) continue;
    entryOf.set(item.infohash, e);
    nameOf.set(item.infohash, item.name);
    const key = JSON.stringify(e.options ?? {});
    const g = groups.get(key) ?? { options: e.options, items: [] };
    g.items.push(item);
    groups.set(key, g);
  }
  const candidates = await ctx.candidates();
  const ledger = ledgerAlongside(ctx);
  const placement = emptyPlacement();
  for (const g of groups.values()) {
    const part = await place(g.items, {
      candidates,
      reachable: ctx.reachable(),
      askOnly: ctx.askOnly(),
      options: g.options,
      confirmTimeoutMs: ctx.confirmTimeoutMs,
      addDelayMs: ctx.addDelayMs,
      onDown: ctx.onDown,
      onUncertain: ledger.onUncertain,
    });
    for (const k of ['placed', 'duplicates', 'refused', 'failed'] as const) {
      for (const [h, v] of part[k] as Map<string, never>) (placement[k] as Map<string, unknown>).set(h, v);
    }
  }
  const done = new Map([...placement.placed, ...placement.duplicates]);
  await notePlaced(ctx, done, ledger.list);
  const keyOf = (h: string): string => entryOf.get(h)?.infohash ?? h;
  for (const [h, failures] of placement.failed) failed.set(keyOf(h), reasonOf(ctx, failures));
  for (const [h, f] of placement.refused) failed.set(keyOf(h), failureText([f]));
  await ctx.queue.settle([...done.keys()].map(keyOf), failed);
  const byKey = new Map(entries.map((e) => [e.infohash, e] as const));
  return {
    placed: [...done].map(([infohash, instance]) => ({
      infohash,
      instance,
      name: nameOf.get(infohash) ?? entryOf.get(infohash)?.name ?? null,
      outcome: placement.placed.has(infohash) ? ('added' as const) : ('duplicate' as const),
    })),
    remaining: [...failed].map(([key, error]) => ({ infohash: key, name: byKey.get(key)?.name ?? null, error })),
    notQueued,
    queueLength: ctx.queue.entries().length,
  };
}
