import type { AddOptions } from '../../../shared/contract';
import type { Failure } from '../../../shared/failure';
import type { AddResponse, AddResult, AddSummary } from '../../../shared/model';
import type { NewQueueEntry } from '../queue';
import { isTorrentUrl, nameOfUrl, urlEntryKey } from '../queue/magnet';
import { InvalidInput, parseTorrent, type ParsedInput } from '../inputs/parse';
import { DownloadFailed, resolveInput } from '../inputs/resolve-input';
import { emptyPlacement, failuresOf, ledgerAlongside, noteConfirmed, notePlaced, placeContext, reasonOf, type FlowDeps } from './flow';
import { place } from './placer';

/**
 * One input's pre-placement state: parsed; a `.torrent` URL that could not be downloaded now
 * (network trouble: queued as a URL, fetched at flush); or refused with a reason.
 */
export type Resolved =
  | { input: string; parsed: ParsedInput }
  | { input: string; deferred: { url: string; why: string } }
  | { input: string; error: { code: string; message: string } };

/** Counts results by outcome. */
function summarize(results: AddResult[]): AddSummary {
  const s: AddSummary = { added: 0, duplicate: 0, queued: 0, rejected: 0 };
  for (const r of results) s[r.outcome]++;
  return s;
}

/**
 * Resolves user inputs (magnet URIs, `.torrent` paths or http(s) URLs) in parallel, never
 * throwing: each is parsed, deferred (a `.torrent` URL the network cannot fetch now) or refused
 * with a reason. `allowPaths: false` (a remote caller) refuses file paths without touching the disk.
 */
export function resolveAll(inputs: string[], opts: { allowPaths: boolean }): Promise<Resolved[]> {
  return Promise.all(
    inputs.map(async (input): Promise<Resolved> => {
      try {
        return { input, parsed: await resolveInput(input, opts) };
      } catch (err) {
        return rejection(input, err);
      }
    }),
  );
}

/** A `.torrent` file's bytes (a drop, an `open-file`) as one resolved input, or its refusal. */
export function resolveTorrentBytes(fileName: string, data: Uint8Array): Resolved {
  try {
    return { input: fileName, parsed: parseTorrent(data, fileName) };
  } catch (err) {
    return rejection(fileName, err);
  }
}

/** `new URL(u).href` when that is an http(s) URL a queue file can list ({@link isTorrentUrl}); else null. */
function canonicalUrl(u: string): string | null {
  try {
    const href = new URL(u).href;
    return isTorrentUrl(href) ? href : null;
  } catch {
    return null;
  }
}

/** Typed rejection for an input that failed to parse. */
function rejection(input: string, err: unknown): Resolved {
  if (err instanceof DownloadFailed && err.retryable) {
    // The queue keeps the URL as the WHATWG serialisation (a space becomes %20), the form every reader of the file accepts.
    const url = canonicalUrl(err.url);
    if (url) return { input, deferred: { url, why: err.why } };
  }
  if (err instanceof InvalidInput) return { input, error: { code: err.code, message: err.message } };
  return { input, error: { code: 'INVALID_INPUT', message: (err as Error)?.message ?? String(err) } };
}

/**
 * The add flow. Places parsed inputs: duplicate check, failover across candidates, then the durable queue for
 * what no instance took. A queued result is reported only after the queue write reached disk;
 * when the write fails, those inputs come back `rejected` with code `QUEUE_WRITE_FAILED`.
 * Results are in input order; a repeated infohash within one call is a `duplicate` of the first.
 */
export async function addResolved(deps: FlowDeps, resolved: Resolved[], options?: AddOptions): Promise<AddResponse> {
  const unique = new Map<string, ParsedInput>();
  for (const r of resolved) if ('parsed' in r && !unique.has(r.parsed.infohash)) unique.set(r.parsed.infohash, r.parsed);
  let toPlace = [...unique.values()];
  const cap = deps.limits.maxAddsPerCall;
  const overCap = cap > 0 ? toPlace.slice(cap) : [];
  if (overCap.length) toPlace = toPlace.slice(0, cap);

  const candidates = toPlace.length ? await deps.fleet.candidates() : [];
  const run = toPlace.length ? ledgerAlongside(deps.uncertain) : null;
  const placement = run ? await deps.inflight.around(toPlace.map((i) => i.infohash), () => place(toPlace, placeContext(deps, candidates, run, options))) : emptyPlacement();
  const reasons = new Map<string, string>();
  const typed = new Map<string, Failure[]>();
  for (const [h, failures] of placement.failed) {
    reasons.set(h, reasonOf(deps, failures));
    const list = failuresOf(deps, failures);
    if (list.length) typed.set(h, list);
  }
  for (const p of overCap) reasons.set(p.infohash, `over the per-call cap of ${cap} adds`);
  if (run) await notePlaced(deps.uncertain, new Map([...placement.placed, ...placement.duplicates]), run);
  await noteConfirmed(deps, toPlace, placement.placed, options);

  const queueErrors = new Map<string, string>();
  const toQueue: NewQueueEntry[] = [...unique.values()]
    .filter((p) => reasons.has(p.infohash))
    .map((p) => ({ infohash: p.infohash, name: p.name, kind: p.kind, magnet: p.magnet, torrent: p.torrent, reason: reasons.get(p.infohash)!, failures: typed.get(p.infohash), options }));
  // A `.torrent` URL the network could not fetch now is kept as a URL and fetched at flush time.
  for (const r of resolved) {
    if (!('deferred' in r)) continue;
    const key = urlEntryKey(r.deferred.url);
    if (toQueue.some((q) => q.infohash === key)) continue;
    toQueue.push({ infohash: key, name: nameOfUrl(r.deferred.url), kind: 'url', magnet: r.deferred.url, reason: `could not download: ${r.deferred.why}`, options });
  }
  if (toQueue.length) {
    try {
      await deps.queue.add(toQueue);
    } catch (err) {
      for (const p of toQueue) queueErrors.set(p.infohash, `could not be queued, NOT saved: ${(err as Error).message}`);
    }
  }

  const seen = new Set<string>();
  const results: AddResult[] = resolved.map((r) => {
    if ('error' in r) return { input: r.input, outcome: 'rejected', infohash: null, name: null, instance: null, reason: null, failures: null, error: r.error };
    if ('deferred' in r) {
      const key = urlEntryKey(r.deferred.url);
      const base = { input: r.input, infohash: key, name: nameOfUrl(r.deferred.url), instance: null, failures: null };
      const qErr = queueErrors.get(key);
      if (qErr) return { ...base, outcome: 'rejected', reason: null, error: { code: 'QUEUE_WRITE_FAILED', message: qErr } };
      return { ...base, outcome: 'queued', reason: `could not download: ${r.deferred.why}`, error: null };
    }
    const { infohash, name } = r.parsed;
    const base = { input: r.input, infohash, name, reason: null, failures: null, error: null };
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
    return { ...base, outcome: 'queued', instance: null, reason: reasons.get(infohash) ?? null, failures: typed.get(infohash) ?? null };
  });
  return { results, summary: summarize(results) };
}
