import type { AddOptions } from '../../../shared/contract';
import { toQbitError, type QbitError, type AddParams } from '../qbittorrent';
import type { InstanceRuntime } from '../instances';
import { torrentId, type ParsedInput } from './inputs';

/** Error codes after which the request surely did not reach qBittorrent's add handler. */
const NOT_SENT = new Set(['CONNECTION_REFUSED', 'AUTH_FAILED', 'BANNED', 'TLS_ERROR', 'VPN_DOWN', 'NOT_CONFIGURED', 'HTTP_403', 'HTTP_404']);

/** Reason given when there was no candidate at all (the engine replaces it with each instance's status). */
export const NO_USABLE = 'no usable instance';

/** What happened to a batch of parsed inputs. Keys are infohashes. */
export interface Placement {
  placed: Map<string, string>;
  duplicates: Map<string, string>;
  /** Not placed anywhere: the reasons, one per instance tried. */
  failed: Map<string, string>;
}

/** Hooks the engine gives the placer. */
export interface PlaceContext {
  /** Instances to try, in order. */
  candidates: InstanceRuntime[];
  /** Instances to ask about duplicates (every reachable one). */
  reachable: InstanceRuntime[];
  options?: AddOptions;
  /** How long to poll `torrents/info` for the added infohashes, ms. */
  confirmTimeoutMs: number;
  /** Pause between single adds, ms (0 = one batched request per instance). */
  addDelayMs: number;
  /** An instance failed (mark it down, schedule a re-check). */
  onDown(rt: InstanceRuntime, err: QbitError): void;
  /** Requests that reached an instance but got no answer: the torrents may still appear there. */
  onUncertain(rt: InstanceRuntime, infohashes: string[]): Promise<void>;
}

/** qBittorrent add parameters: the call's options over the instance's own settings. */
export function addParamsFor(rt: InstanceRuntime, options: AddOptions = {}): AddParams {
  return {
    category: options.category ?? rt.settings.category,
    savePath: options.savePath ?? rt.settings.savePath,
    tags: options.tags ?? rt.settings.tags,
    paused: options.paused ?? rt.settings.startPaused,
  };
}

/** Bound of one duplicate-check request, ms: the connect timeout (never above the request timeout). */
function dedupeTimeoutMs(rt: InstanceRuntime): number {
  return Math.min(rt.settings.requestTimeoutMs, rt.settings.connectTimeoutMs);
}

/**
 * Finds which of `ids` are on each reachable instance (one `torrents/info?hashes=` per instance,
 * in parallel, each bounded by the connect timeout — a filtered `info` answers in ms on a live
 * server, so one that froze since its last check costs ~3 s, not the 10 s request timeout, and
 * failover stays within connect timeout + 0.5 s). Returns infohash-id → first instance (in the given
 * order) that has it; instances that did not answer are added to `failed` with their error.
 */
export async function findExisting(
  ids: string[],
  reachable: InstanceRuntime[],
  onDown: PlaceContext['onDown'],
  failed?: Map<InstanceRuntime, QbitError>,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (ids.length === 0) return found;
  const answers = await Promise.all(
    reachable.map(async (rt) => {
      try {
        return new Set((await rt.client.info({ hashes: ids }, { timeoutMs: dedupeTimeoutMs(rt) })).map((t) => t.hash.toLowerCase()));
      } catch (err) {
        const e = toQbitError(err);
        failed?.set(rt, e);
        onDown(rt, e);
        return new Set<string>();
      }
    }),
  );
  reachable.forEach((rt, i) => {
    for (const id of answers[i]!) if (!found.has(id)) found.set(id, rt.name);
  });
  return found;
}

/**
 * Polls `torrents/info?hashes=` until every id shows or `timeoutMs` passes (qBittorrent usually
 * lists an add within ~1 ms, but not always on the very next call). Returns the ids seen.
 */
export async function confirmPresent(rt: InstanceRuntime, ids: string[], timeoutMs: number): Promise<Set<string>> {
  const seen = new Set<string>();
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  for (;;) {
    const missing = ids.filter((id) => !seen.has(id));
    for (const t of await rt.client.info({ hashes: missing })) seen.add(t.hash.toLowerCase());
    if (seen.size >= ids.length || Date.now() >= deadline) return seen;
    await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(0, deadline - Date.now()))));
    delay = Math.min(delay * 2, 250);
  }
}

/** Timeout for one add request, ms: long enough for big batches, short enough to fail over from a frozen server. */
function addTimeoutMs(rt: InstanceRuntime, count: number): number {
  return Math.min(rt.settings.requestTimeoutMs, rt.settings.connectTimeoutMs + count * 2);
}

async function sendAdd(rt: InstanceRuntime, items: ParsedInput[], options: AddOptions | undefined, delayMs: number): Promise<void> {
  const params = addParamsFor(rt, options);
  const timeoutMs = addTimeoutMs(rt, items.length);
  const batches = delayMs > 0 ? items.map((i) => [i]) : [items];
  for (const [n, batch] of batches.entries()) {
    if (n > 0) await new Promise((r) => setTimeout(r, delayMs));
    const magnets = batch.filter((i) => i.kind === 'magnet').map((i) => i.magnet);
    const files = batch.filter((i) => i.kind === 'torrent').map((i) => ({ name: `${i.infohash}.torrent`, data: i.torrent! }));
    if (magnets.length) await rt.client.addMagnets(magnets, params, { timeoutMs });
    if (files.length) await rt.client.addTorrentFiles(files, params, { timeoutMs });
  }
}

/**
 * The failover core: de-duplicates against every reachable instance, then tries the candidates
 * in order — one batched `torrents/add` per instance — and counts an add only once its infohash
 * shows in `torrents/info`. Falls through on refusal, timeout, 5xx, auth failure or ban. Never
 * throws for server trouble: what no instance took is returned in `failed` with the reasons.
 */
export async function place(items: ParsedInput[], ctx: PlaceContext): Promise<Placement> {
  const result: Placement = { placed: new Map(), duplicates: new Map(), failed: new Map() };
  // An instance that just failed the duplicate check (frozen, gone) is not sent the add too.
  const noAnswer = new Map<InstanceRuntime, QbitError>();
  const existing = await findExisting(items.map((i) => torrentId(i.infohash)), ctx.reachable, ctx.onDown, noAnswer);
  let pending: ParsedInput[] = [];
  for (const item of items) {
    const on = existing.get(torrentId(item.infohash));
    if (on) result.duplicates.set(item.infohash, on);
    else pending.push(item);
  }
  const reasons = new Map<string, string[]>();
  const note = (list: ParsedInput[], why: string): void => {
    for (const i of list) reasons.set(i.infohash, [...(reasons.get(i.infohash) ?? []), why]);
  };
  for (const rt of ctx.candidates) {
    if (pending.length === 0) break;
    const down = noAnswer.get(rt);
    if (down) {
      note(pending, `${rt.name}: ${down.code}`);
      continue;
    }
    try {
      await sendAdd(rt, pending, ctx.options, ctx.addDelayMs);
    } catch (err) {
      const e = toQbitError(err);
      const payloadRefused = e.code.startsWith('HTTP_4') && e.code !== 'HTTP_403' && e.code !== 'HTTP_404';
      if (!payloadRefused) ctx.onDown(rt, e);
      note(pending, `${rt.name}: ${payloadRefused ? e.message : e.code}`);
      if (!NOT_SENT.has(e.code) && !payloadRefused) await ctx.onUncertain(rt, pending.map((i) => i.infohash));
      continue;
    }
    let seen: Set<string>;
    try {
      seen = await confirmPresent(rt, pending.map((i) => torrentId(i.infohash)), ctx.confirmTimeoutMs);
    } catch (err) {
      const e = toQbitError(err);
      ctx.onDown(rt, e);
      note(pending, `${rt.name}: ${e.code} while confirming`);
      await ctx.onUncertain(rt, pending.map((i) => i.infohash));
      continue;
    }
    const still: ParsedInput[] = [];
    for (const item of pending) {
      if (seen.has(torrentId(item.infohash))) result.placed.set(item.infohash, rt.name);
      else still.push(item);
    }
    if (still.length) {
      note(still, `${rt.name}: accepted but not listed within ${ctx.confirmTimeoutMs} ms`);
      await ctx.onUncertain(rt, still.map((i) => i.infohash));
    }
    pending = still;
  }
  for (const item of pending) {
    const why = reasons.get(item.infohash);
    result.failed.set(item.infohash, why?.length ? why.join('; ') : NO_USABLE);
  }
  return result;
}
