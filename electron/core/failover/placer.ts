import type { AddOptions } from '../../../shared/contract';
import type { Failure } from '../../../shared/failure';
import { EXTRA_ADD_FIELDS, toQbitError, type QbitError, type AddParams, type TorrentInfo } from '../qbittorrent';
import type { FleetView } from '../fleet/fleet';
import type { InstanceRuntime } from '../fleet/instance';
import { listedIds } from '../inputs/magnet-uri';
import type { ParsedInput } from '../inputs/parse';
import type { UncertainAdds } from '../ledgers/uncertain-adds';

/** Error codes after which the request surely did not reach qBittorrent's add handler. */
const NOT_SENT = new Set(['CONNECTION_REFUSED', 'AUTH_FAILED', 'BANNED', 'TLS_ERROR', 'VPN_DOWN', 'NOT_CONFIGURED', 'NO_PASSWORD', 'NO_SESSION', 'HTTP_403', 'HTTP_404']);

/** What happened to a batch of parsed inputs. Keys are infohashes (the queue key, `v1 ?? v2`). */
export interface Placement {
  /** Confirmed (listed in `torrents/info`) on this instance after our add. */
  placed: Map<string, string>;
  /** Already on this instance before our add. */
  duplicates: Map<string, string>;
  /**
   * Explicitly refused by qBittorrent (`Fails.` / 409 / 415 for this very input): not tried
   * elsewhere — another instance would refuse it too, or (a hybrid listed under another hash)
   * would take a second copy.
   */
  refused: Map<string, Failure>;
  /** Not placed anywhere: one failure per instance tried; an empty list = no usable instance. */
  failed: Map<string, Failure[]>;
}

/** The fleet as the placer reads it: who to ask about duplicates, where a failed instance is reported, why one is unusable. */
export type PlacerFleet = Pick<FleetView, 'reachable' | 'askOnly' | 'markFailed' | 'unusable'>;

/** What the placer is given for one batch. */
export interface PlaceContext {
  /** Instances to try, in order (the fleet's routing order for this call). */
  candidates: InstanceRuntime[];
  /**
   * Every reachable instance is asked about duplicates, candidates included; VPN-bound ones
   * while the VPN is down (`askOnly`) with the session cookie already held, never a login.
   * An instance that fails is reported with `markFailed` (down until its next good probe).
   */
  fleet: PlacerFleet;
  options?: AddOptions;
  /** How long to poll `torrents/info` for the added infohashes, ms. */
  confirmTimeoutMs: number;
  /** Pause between single adds, ms (0 = one batched request per instance). */
  addDelayMs: number;
  /** Ledger of requests that reached an instance but got no answer: the torrents may still appear there. */
  uncertain: Pick<UncertainAdds, 'record'>;
  /** Told the placement so far after the duplicate check and after each instance's batch (a flush's progress). */
  onStep?: (sofar: Placement) => void;
}

/** qBittorrent add parameters: the call's options over the instance's own settings. */
function addParamsFor(rt: InstanceRuntime, options: AddOptions = {}): AddParams {
  return {
    category: options.category ?? rt.settings.category,
    savePath: options.savePath ?? rt.settings.savePath,
    tags: options.tags ?? rt.settings.tags,
    paused: options.paused ?? rt.settings.startPaused,
    extra: Object.fromEntries(EXTRA_ADD_FIELDS.map(([k]) => [k, options[k]])),
  };
}

/** Bound of one duplicate-check request, ms: the connect timeout (never above the request timeout). */
function dedupeTimeoutMs(rt: InstanceRuntime): number {
  return Math.min(rt.settings.requestTimeoutMs, rt.settings.connectTimeoutMs);
}

/**
 * The `hashes=` ids to ask `rt` for so that every item is found however it is listed: v1, the
 * truncated v2, and the id the instance's last poll saw the torrent under (a hybrid added by its
 * full link is listed under its truncated v2; a v1-only magnet of it only matches that way).
 */
function idsToAsk(rt: InstanceRuntime, items: ParsedInput[]): string[] {
  const ids = new Set<string>();
  for (const item of items) {
    for (const id of listedIds(item)) ids.add(id);
    for (const h of [item.v1, item.v2]) {
      const alias = h ? rt.counts.aliasOf(h) : null;
      if (alias) ids.add(alias);
    }
  }
  return [...ids];
}

/**
 * How old an instance's `sync/maindata` state may be before a v1-only input's duplicate check
 * refreshes it first, ms. qBittorrent computes an incremental `sync/maindata` from its whole
 * state (~4 ms with a few dozen torrents, more with thousands), so a warm add must not pay it
 * every time: a burst of adds refreshes once a second, a CLI `add` not at all (its health check
 * just read it). The gap this leaves: a hybrid another program added less than a second ago is
 * not recognised by its v1-only magnet.
 */
export const ALIASES_FRESH_MS = 1_000;

/**
 * Brings `rt`'s hybrid aliases up to date with one incremental `sync/maindata` when they are older
 * than {@link ALIASES_FRESH_MS}, sent in parallel with the `info` query and bounded by
 * `timeoutMs`; errors are left to the `info` call beside it. Without it, a hybrid another tool
 * added since the last poll (≤ 15 s) would not be found by its v1-only magnet, and would be
 * added to a second instance.
 */
async function refreshAliases(rt: InstanceRuntime, timeoutMs: number): Promise<void> {
  if (Date.now() - rt.counts.updatedAt < ALIASES_FRESH_MS) return;
  let timer: NodeJS.Timeout | undefined;
  const sync = rt.client.syncMaindata(rt.counts.nextRid).then((md) => rt.counts.apply(md));
  sync.catch(() => undefined);
  await Promise.race([sync, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]).catch(() => undefined);
  clearTimeout(timer);
}

/**
 * Items (by infohash) that one of `rows` is: the same rule as {@link isSameTorrent} (`hash`,
 * `infohash_v1`, `infohash_v2`, plus the instance's alias of a v1-only hybrid), through one index
 * of the rows — O(items + rows), as a flush of 10 000 entries must not block the event loop.
 */
function matching(items: ParsedInput[], rows: TorrentInfo[], rt: InstanceRuntime): Set<string> {
  const known = new Set<string>();
  for (const t of rows) {
    for (const k of [t.hash, t.infohash_v1, t.infohash_v2]) if (k) known.add(String(k).toLowerCase());
  }
  const found = new Set<string>();
  for (const item of items) {
    const keys = [item.v1, item.v2, item.v2?.slice(0, 40), item.v1 && rt.counts.aliasOf(item.v1), item.v2 && rt.counts.aliasOf(item.v2)];
    if (keys.some((k) => k && known.has(k))) found.add(item.infohash);
  }
  return found;
}

/**
 * Finds which items are already on an instance: one `torrents/info?hashes=` per instance, in
 * parallel, each bounded by the connect timeout (a filtered `info` answers in ms on a live
 * server, so one that froze since its last check costs ~3 s, not the 10 s request timeout).
 * Matches on `hash`, `infohash_v1` and `infohash_v2` (hybrids). `askOnly` instances are asked
 * with the session they hold (no login) and never marked down. Returns infohash → first
 * instance (reachable order, then askOnly) that has it; instances that did not answer are added
 * to `failed` with their error.
 */
async function findExisting(items: ParsedInput[], fleet: PlacerFleet, failed?: Map<InstanceRuntime, QbitError>): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (items.length === 0) return found;
  const reachable = fleet.reachable();
  const askOnly = fleet.askOnly();
  const asked = [...reachable, ...askOnly.filter((rt) => !reachable.includes(rt))];
  const needAliases = items.some((i) => !i.v2);
  const answers = await Promise.all(
    asked.map(async (rt) => {
      const gated = !reachable.includes(rt);
      const timeoutMs = dedupeTimeoutMs(rt);
      try {
        const before = idsToAsk(rt, items);
        // In parallel: a v1-only magnet of a hybrid is listed under the hybrid's v2 id, which only maindata tells.
        const [rows] = await Promise.all([
          rt.client.info({ hashes: before }, { timeoutMs, sessionOnly: gated }),
          needAliases && !gated ? refreshAliases(rt, timeoutMs) : undefined,
        ]);
        const extra = idsToAsk(rt, items).filter((id) => !before.includes(id));
        if (extra.length) rows.push(...(await rt.client.info({ hashes: extra }, { timeoutMs })));
        return matching(items, rows, rt);
      } catch (err) {
        if (!gated) {
          const e = toQbitError(err);
          failed?.set(rt, e);
          fleet.markFailed(rt, e);
        }
        return new Set<string>();
      }
    }),
  );
  asked.forEach((rt, i) => {
    for (const h of answers[i]!) if (!found.has(h)) found.set(h, rt.name);
  });
  return found;
}

/**
 * Polls `torrents/info?hashes=` until every item shows or `timeoutMs` passes (qBittorrent usually
 * lists an add within ~1 ms, but not always on the very next call; 0 = one look). Matches
 * hybrids on all three hash fields. Returns the infohashes seen.
 */
async function confirmPresent(rt: InstanceRuntime, items: ParsedInput[], timeoutMs: number): Promise<Set<string>> {
  const seen = new Set<string>();
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  for (;;) {
    const missing = items.filter((i) => !seen.has(i.infohash));
    for (const h of matching(missing, await rt.client.info({ hashes: idsToAsk(rt, missing) }), rt)) seen.add(h);
    if (seen.size >= items.length || Date.now() >= deadline) return seen;
    await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(0, deadline - Date.now()))));
    delay = Math.min(delay * 2, 250);
  }
}

/** Timeout for one add request, ms: long enough for big batches, short enough to fail over from a frozen server. */
function addTimeoutMs(rt: InstanceRuntime, count: number): number {
  return Math.min(rt.settings.requestTimeoutMs, rt.settings.connectTimeoutMs + count * 2);
}

/** What one add to an instance did, request by request. */
interface SendOutcome {
  /** Inputs of requests qBittorrent answered `Ok.` (or JSON with no failure): to confirm. */
  accepted: ParsedInput[];
  /** Inputs of requests refused as a whole (`Fails.`, 409, `failure_count` = all): none was new or valid. */
  refusedWhole: ParsedInput[];
  /** Single `.torrent` files answered 415/400 (not a valid torrent for qBittorrent): final. */
  payloadRefused: { item: ParsedInput; message: string }[];
  /** The transport/auth/server error that stopped the sending, if any. */
  error: QbitError | null;
  /** Inputs of the request that failed with `error` (may have reached the server unless `NOT_SENT`). */
  inFlight: ParsedInput[];
  /** Inputs of requests never sent because an earlier one failed. */
  unsent: ParsedInput[];
}

/**
 * Sends the items to `rt`: all magnets in one request (or one per item with `delayMs` between),
 * each `.torrent` file in its own request, so a file qBittorrent refuses (415) is told apart from
 * the rest. Stops at the first transport/auth/server error and says which inputs were accepted
 * before it, which request was in flight, and which were never sent. Never throws.
 */
async function sendAdd(rt: InstanceRuntime, items: ParsedInput[], options: AddOptions | undefined, delayMs: number): Promise<SendOutcome> {
  const params = addParamsFor(rt, options);
  const timeoutMs = addTimeoutMs(rt, items.length);
  const magnets = items.filter((i) => i.kind === 'magnet');
  const requests = [...(delayMs > 0 ? magnets.map((i) => [i]) : magnets.length ? [magnets] : []), ...items.filter((i) => i.kind === 'torrent').map((i) => [i])];
  const out: SendOutcome = { accepted: [], refusedWhole: [], payloadRefused: [], error: null, inFlight: [], unsent: [] };
  for (const [n, batch] of requests.entries()) {
    if (n > 0 && delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    try {
      const res =
        batch[0]!.kind === 'magnet'
          ? await rt.client.addMagnets(batch.map((i) => i.magnet), params, { timeoutMs })
          : await rt.client.addTorrentFiles([{ name: `${batch[0]!.infohash}.torrent`, data: batch[0]!.torrent! }], params, { timeoutMs });
      (res.refusedAll ? out.refusedWhole : out.accepted).push(...batch);
    } catch (err) {
      const e = toQbitError(err);
      if (e.code.startsWith('HTTP_4') && e.code !== 'HTTP_403' && e.code !== 'HTTP_404' && batch.length === 1) {
        out.payloadRefused.push({ item: batch[0]!, message: e.message });
        continue;
      }
      out.error = e;
      out.inFlight = batch;
      out.unsent = requests.slice(n + 1).flat();
      break;
    }
  }
  return out;
}

/** Notes adds to `rt` that got no answer (a ledger that cannot be written does not stop the placement). */
function recordUncertain(ctx: PlaceContext, rt: InstanceRuntime, items: ParsedInput[]): Promise<void> {
  return ctx.uncertain.record(rt.name, items).catch(() => undefined);
}

/** qBittorrent's words for an input it refused. */
const refusal = (rt: InstanceRuntime): Failure => ({
  instance: rt.name,
  code: 'REFUSED',
  message: `${rt.name} refused it (qBittorrent answered that the torrent is invalid or already present under another infohash)`,
});

/**
 * The instances one batch may go to: the routing order, or only `options.instance` when the
 * caller chose one (the add dialog's "which instance"). A chosen instance that is not usable now
 * (down, VPN-bound while the VPN is down) is noted as the batch's failure — its own status from
 * the fleet — so the batch is queued, and the queue entry keeps the choice for the flush. A
 * chosen instance the fleet does not know (removed or renamed in the settings since the entry
 * was queued) no longer exists as the user's choice: the routing order is used, as without one
 * (the engine notes it in the activity log, see `Engine.flowDeps`).
 */
function candidatesFor(ctx: PlaceContext, pending: ParsedInput[], note: (list: ParsedInput[], f: Failure) => void): InstanceRuntime[] {
  const chosen = ctx.options?.instance;
  if (!chosen) return ctx.candidates;
  const only = ctx.candidates.filter((rt) => rt.name === chosen);
  if (only.length === 0 && pending.length) {
    const why = ctx.fleet.unusable().find((f) => f.instance === chosen);
    if (!why) return ctx.candidates;
    note(pending, why);
  }
  return only;
}

/**
 * The failover core: de-duplicates against every instance that can answer (hybrids matched on
 * all three hashes), then tries the candidates in order — one batched `torrents/add` per
 * instance — and counts an add only once its infohash shows in `torrents/info`. Falls through
 * on timeout, 5xx, auth failure or ban; an explicit refusal of an input (`Fails.`, 409, 415) is
 * final for that input. Never throws for server trouble: what no instance took is returned in
 * `failed` with one typed failure per instance tried.
 */
export async function place(items: ParsedInput[], ctx: PlaceContext): Promise<Placement> {
  const result: Placement = { placed: new Map(), duplicates: new Map(), refused: new Map(), failed: new Map() };
  // An instance that just failed the duplicate check (frozen, gone) is not sent the add too.
  const noAnswer = new Map<InstanceRuntime, QbitError>();
  const existing = await findExisting(items, ctx.fleet, noAnswer);
  let pending: ParsedInput[] = [];
  for (const item of items) {
    const on = existing.get(item.infohash);
    if (on) result.duplicates.set(item.infohash, on);
    else pending.push(item);
  }
  ctx.onStep?.(result);
  const reasons = new Map<string, Failure[]>();
  const note = (list: ParsedInput[], f: Failure): void => {
    for (const i of list) reasons.set(i.infohash, [...(reasons.get(i.infohash) ?? []), f]);
  };
  for (const rt of candidatesFor(ctx, pending, note)) {
    if (pending.length === 0) break;
    const down = noAnswer.get(rt);
    if (down) {
      note(pending, { instance: rt.name, code: down.code, message: down.message });
      continue;
    }
    const sent = await sendAdd(rt, pending, ctx.options, ctx.addDelayMs);
    // 415 for one `.torrent` (or 400): qBittorrent will never take that file, here or elsewhere.
    for (const { item, message } of sent.payloadRefused) result.refused.set(item.infohash, { instance: rt.name, code: 'REFUSED', message: `${rt.name} refused it: ${message}` });
    if (sent.error) {
      pending = await afterSendFailed(rt, sent, ctx, result, note);
      continue;
    }
    const toConfirm = [...sent.accepted, ...sent.refusedWhole];
    const wasAccepted = new Set(sent.accepted);
    let seen: Set<string>;
    try {
      // Inputs refused as a whole added nothing: a short look tells whether they were there already.
      seen = await confirmPresent(rt, toConfirm, sent.accepted.length ? ctx.confirmTimeoutMs : refusedLookMs(ctx));
    } catch (err) {
      const e = toQbitError(err);
      ctx.fleet.markFailed(rt, e);
      note(toConfirm, { instance: rt.name, code: e.code, message: `${e.message} (while confirming)` });
      await recordUncertain(ctx, rt, sent.accepted);
      pending = toConfirm;
      continue;
    }
    const slow: ParsedInput[] = [];
    for (const item of toConfirm) {
      if (seen.has(item.infohash)) (wasAccepted.has(item) ? result.placed : result.duplicates).set(item.infohash, rt.name);
      // Refused as a whole and not listed: invalid for qBittorrent, or present under another hash — final.
      else if (!wasAccepted.has(item)) result.refused.set(item.infohash, refusal(rt));
      else slow.push(item);
    }
    if (slow.length > 0 && slow.length <= RESEND_ALONE_MAX && sent.accepted.length > 1) {
      // A batch answer hides which inputs were refused (4.x `Ok.` if one was new): ask again one by one.
      pending = await resendOneByOne(rt, slow, ctx, result, note);
    } else {
      if (slow.length) {
        note(slow, { instance: rt.name, code: 'TIMEOUT', message: `${rt.name} accepted it but did not list it within ${ctx.confirmTimeoutMs} ms` });
        await recordUncertain(ctx, rt, slow);
      }
      pending = slow;
    }
    ctx.onStep?.(result);
  }
  for (const item of pending) result.failed.set(item.infohash, reasons.get(item.infohash) ?? []);
  return result;
}

/** Most unlisted inputs of a batch re-sent one by one to tell a refusal from a slow add (more = a slow server: wait for it instead). */
const RESEND_ALONE_MAX = 10;

/** How long to look for an input qBittorrent refused, ms: a concurrent add of the same torrent lists within ~1 ms. */
const refusedLookMs = (ctx: PlaceContext): number => Math.min(1_000, ctx.confirmTimeoutMs);

/**
 * The add to `rt` stopped at a transport/auth/server error (`sent.error`): marks `rt` failed,
 * takes one look (if it still answers) for what was accepted before the error — listed ones are
 * placed — and records as uncertain whatever may have reached it unlisted, so stray cleanup can
 * remove a late copy. Returns the inputs to try on the next instance.
 */
async function afterSendFailed(
  rt: InstanceRuntime,
  sent: SendOutcome,
  ctx: PlaceContext,
  result: Placement,
  note: (list: ParsedInput[], f: Failure) => void,
): Promise<ParsedInput[]> {
  const e = sent.error!;
  ctx.fleet.markFailed(rt, e);
  const before = [...sent.accepted, ...sent.refusedWhole];
  const seen = before.length ? await confirmPresent(rt, before, 0).catch(() => new Set<string>()) : new Set<string>();
  const wasAccepted = new Set(sent.accepted);
  for (const item of before) if (seen.has(item.infohash)) (wasAccepted.has(item) ? result.placed : result.duplicates).set(item.infohash, rt.name);
  const unlisted = before.filter((i) => !seen.has(i.infohash));
  const next = [...unlisted, ...sent.inFlight, ...sent.unsent];
  note(next, { instance: rt.name, code: e.code, message: e.message });
  const mayArrive = [...unlisted.filter((i) => wasAccepted.has(i)), ...(NOT_SENT.has(e.code) ? [] : sent.inFlight)];
  if (mayArrive.length) await recordUncertain(ctx, rt, mayArrive);
  return next;
}

/**
 * Re-sends each input of a batch that qBittorrent accepted but did not list, alone, so an
 * explicit refusal of one input is told apart from a slow add. An input refused now was taken
 * by the batch (the batch answer was `Ok.`): qBittorrent knows it but has not listed it yet, so
 * it is NOT refused — it is recorded as uncertain and falls through like a slow add (stray
 * cleanup removes a late copy). Returns the inputs still unaccounted for.
 */
async function resendOneByOne(
  rt: InstanceRuntime,
  items: ParsedInput[],
  ctx: PlaceContext,
  result: Placement,
  note: (list: ParsedInput[], f: Failure) => void,
): Promise<ParsedInput[]> {
  const left: ParsedInput[] = [];
  for (const item of items) {
    const sent = await sendAdd(rt, [item], ctx.options, 0);
    if (sent.payloadRefused.length) {
      result.refused.set(item.infohash, { instance: rt.name, code: 'REFUSED', message: `${rt.name} refused it: ${sent.payloadRefused[0]!.message}` });
      continue;
    }
    if (sent.error) {
      ctx.fleet.markFailed(rt, sent.error);
      note([item], { instance: rt.name, code: sent.error.code, message: sent.error.message });
      left.push(item);
      continue;
    }
    const seen = await confirmPresent(rt, [item], sent.accepted.length ? ctx.confirmTimeoutMs : refusedLookMs(ctx)).catch(() => new Set<string>());
    if (seen.has(item.infohash)) result.placed.set(item.infohash, rt.name);
    else left.push(item);
  }
  if (left.length) {
    note(left, { instance: rt.name, code: 'TIMEOUT', message: `${rt.name} accepted it but did not list it within ${ctx.confirmTimeoutMs} ms` });
    await recordUncertain(ctx, rt, left);
  }
  return left;
}
