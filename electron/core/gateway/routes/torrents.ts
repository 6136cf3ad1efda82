import type { TorrentInfo } from '../../qbittorrent';
import { combine, fanOut, idsToAsk, isJson, isV5, locate, splitHashes, type Backend } from '../backends';
import { json, numParam, rawJson, text, boolParam, type Reply } from '../http-io';
import { filterFor, mergeInfo, namesEntry, presentStatesText, queuedRow, queuedRows, type InfoQuery } from '../merge';
import { addRoute } from './add';
import { queuedEdit } from './queued-edits';
import type { RouteContext, RouteTable } from './types';

/** `hashes=h1|h2|…` or `all` (qBittorrent's separator is `|`). */
function hashesParam(ctx: RouteContext, key = 'hashes'): string[] | 'all' {
  const v = (ctx.params.fields.get(key) ?? '').trim();
  if (v.toLowerCase() === 'all') return 'all';
  return splitHashes(v);
}

/** A backend's answer as {@link combine} takes it. */
async function send(b: Backend, endpoint: string, form: URLSearchParams): Promise<{ status: number; body: string; json: boolean }> {
  const r = await b.client.request('POST', endpoint, { form });
  return { status: r.status, body: r.body, json: isJson(r.headers) };
}

/** `endpoint` for `b`: `pause`/`resume` on 4.x, `stop`/`start` on 5.x, whichever spelling the client used. */
async function endpointFor(b: Backend, endpoint: string): Promise<string> {
  const v5 = await isV5(b);
  if (v5 === null) return endpoint;
  const rename: Record<string, [string, string]> = {
    'torrents/pause': ['torrents/pause', 'torrents/stop'],
    'torrents/stop': ['torrents/pause', 'torrents/stop'],
    'torrents/resume': ['torrents/resume', 'torrents/start'],
    'torrents/start': ['torrents/resume', 'torrents/start'],
  };
  const pair = rename[endpoint];
  return pair ? pair[v5 ? 1 : 0] : endpoint;
}

/**
 * A `hashes=` action routed to the instances that hold the torrents (each gets only its own
 * hashes, under the id it lists them by), or sent to every instance for `hashes=all`; the other
 * fields pass through. A queued torrent keeps what the action means for it in its add options
 * (see {@link queuedEdit}); other hashes no instance holds are ignored (as qBittorrent ignores unknown hashes).
 */
async function routed(ctx: RouteContext, endpoint: string, key = 'hashes'): Promise<Reply> {
  const hashes = hashesParam(ctx, key);
  const edit = queuedEdit(endpoint, ctx.params.fields);
  if (edit) {
    const queued = ctx.engine.queuedEntries().filter((e) => e.kind !== 'url' && (hashes === 'all' || hashes.some((h) => namesEntry(e, h))));
    if (queued.length) await ctx.engine.updateQueuedOptions(queued.map((e) => e.infohash), edit);
  }
  const targets: [Backend, string][] =
    hashes === 'all' ? ctx.backends.map((b) => [b, 'all']) : [...(await locate(ctx.backends, hashes))].map(([b, hs]) => [b, hs.join('|')]);
  const answers = await fanOut(
    targets.map(([b]) => b),
    async (b) => {
      const form = new URLSearchParams(ctx.params.fields);
      form.set(key, targets.find(([x]) => x === b)![1]);
      return send(b, await endpointFor(b, endpoint), form);
    },
  );
  return combine(answers.map((a) => a.value), text(''));
}

/** A single-`hash` read (`properties`, `files`, `trackers`, …) answered by the instance that holds it; a queued hash gets `queued`; else 404. */
async function single(ctx: RouteContext, endpoint: string, queued: (row: TorrentInfo) => unknown): Promise<Reply> {
  const hash = (ctx.params.fields.get('hash') ?? '').trim().toLowerCase();
  if (hash) {
    const where = await locate(ctx.backends, [hash]);
    for (const [b, hs] of where) {
      const q = new URLSearchParams(ctx.params.fields);
      q.set('hash', hs[0]!);
      const got = await fanOut([b], (x) => x.client.request('GET', endpoint, { query: q }));
      if (got.length) return combine([{ status: got[0]!.value.status, body: got[0]!.value.body, json: isJson(got[0]!.value.headers) }], text(''));
    }
    const entry = ctx.engine.queuedEntries().find((e) => e.kind !== 'url' && namesEntry(e, hash));
    if (entry) return json(queued(queuedRow(entry)));
  }
  return text('Not Found', 404);
}

/** `torrents/properties` of a queued torrent: its identity, save path and add time; unknown sizes as qBittorrent shows them before metadata (-1). */
function queuedProperties(row: TorrentInfo): Record<string, unknown> {
  return {
    hash: row.hash,
    infohash_v1: row.infohash_v1,
    infohash_v2: row.infohash_v2,
    name: row.name,
    save_path: row.save_path,
    download_path: '',
    addition_date: row.added_on,
    completion_date: -1,
    creation_date: -1,
    comment: '',
    created_by: '',
    is_private: false,
    piece_size: -1,
    pieces_have: 0,
    pieces_num: -1,
    total_size: -1,
    total_downloaded: 0,
    total_downloaded_session: 0,
    total_uploaded: 0,
    total_uploaded_session: 0,
    total_wasted: 0,
    dl_speed: 0,
    dl_speed_avg: 0,
    up_speed: 0,
    up_speed_avg: 0,
    dl_limit: -1,
    up_limit: -1,
    eta: 8_640_000,
    last_seen: -1,
    nb_connections: 0,
    nb_connections_limit: -1,
    peers: 0,
    peers_total: 0,
    seeds: 0,
    seeds_total: 0,
    popularity: 0,
    reannounce: 0,
    seeding_time: 0,
    share_ratio: 0,
    time_elapsed: 0,
  };
}

/** The `torrents/info` query a client sent. */
function infoQuery(ctx: RouteContext): InfoQuery {
  const f = ctx.params.fields;
  const hashes = f.get('hashes');
  return {
    filter: f.get('filter') || undefined,
    category: f.has('category') ? f.get('category') : undefined,
    tag: f.has('tag') ? f.get('tag') : undefined,
    hashes: hashes ? splitHashes(hashes) : undefined,
    sort: f.get('sort') || undefined,
    reverse: boolParam(f.get('reverse')),
    limit: numParam(f.get('limit')),
    offset: numParam(f.get('offset')),
  };
}

/** `torrents/info`: every answering instance's torrents (filters passed on, in each one's spelling) and the queue's, merged, sorted and paged. */
async function info(ctx: RouteContext): Promise<Reply> {
  const q = infoQuery(ctx);
  const ask = q.hashes ? idsToAsk(q.hashes) : undefined;
  const queued = queuedRows(ctx.engine.queuedEntries(), { ...q, filter: filterFor(q.filter, true) });
  const gatewaySide = q.sort !== undefined || q.reverse !== undefined || q.limit !== undefined || q.offset !== undefined;
  if (!gatewaySide && queued.length === 0 && (ask?.length ?? 0) <= RAW_INFO_MAX_HASHES) {
    // Nothing to add, sort or page here: each instance's JSON is taken as text, and when one
    // instance lists torrents (the usual case), passed on without parsing and writing 1 MB again.
    const raw = await fanOut(ctx.backends, async (b) => {
      const v5 = await isV5(b);
      const query = new URLSearchParams();
      const filter = filterFor(q.filter, v5 ?? false);
      if (filter !== undefined) query.set('filter', filter);
      if (q.category !== undefined) query.set('category', q.category);
      if (q.tag !== undefined) query.set('tag', q.tag);
      if (ask) query.set('hashes', ask.join('|'));
      const r = await b.client.request('GET', 'torrents/info', { query });
      if (r.status !== 200) throw new Error(`torrents/info: HTTP ${r.status}`);
      return v5 ? r.body : presentStatesText(r.body);
    });
    const listing = raw.map((x) => x.value).filter((body) => body.trim() !== '[]');
    if (listing.length <= 1) return rawJson(listing[0] ?? '[]');
    return json(mergeInfo(listing.map((body) => JSON.parse(body) as TorrentInfo[]), [], q));
  }
  const lists = await fanOut(ctx.backends, async (b) => {
    const v5 = await isV5(b);
    return b.client.info({ filter: filterFor(q.filter, v5 ?? false), category: q.category, tag: q.tag, hashes: ask });
  });
  return json(mergeInfo(lists.map((l) => l.value), queued, q));
}

/** Most hashes asked in one pass-through `torrents/info` (above, the client's chunked `info` is used). */
const RAW_INFO_MAX_HASHES = 500;

/** `torrents/delete`: queue entries of those hashes (every one for `all`) are removed; the instances holding the others delete them (`deleteFiles` passed on). */
async function remove(ctx: RouteContext): Promise<Reply> {
  const hashes = hashesParam(ctx);
  // Queued torrents are listed like the others, so `all` removes them too (the client asked to delete every torrent it sees).
  const queued = ctx.engine.queuedEntries().filter((x) => hashes === 'all' || hashes.some((h) => namesEntry(x, h)));
  if (queued.length) await ctx.engine.removeEntries(queued.map((e) => e.infohash));
  return routed(ctx, 'torrents/delete');
}

/**
 * A write every instance must get (categories and tags must exist wherever a torrent may land):
 * sent to each answering instance; `200` when any took it (or none answers: a queued add
 * creates its category when placed), else the first refusal as qBittorrent gave it.
 */
async function everywhere(ctx: RouteContext, endpoint: string): Promise<Reply> {
  const answers = (await fanOut(ctx.backends, (b) => send(b, endpoint, new URLSearchParams(ctx.params.fields)))).map((a) => a.value);
  if (answers.length === 0 || answers.some((a) => a.status < 400)) return text('');
  return combine(answers, text(''));
}

/** `torrents/categories`: every answering instance's categories, the first instance's save path winning. */
async function categories(ctx: RouteContext): Promise<Reply> {
  const merged: Record<string, unknown> = {};
  for (const { value } of await fanOut(ctx.backends, (b) => b.client.categories())) {
    for (const [name, c] of Object.entries(value)) if (!(name in merged)) merged[name] = c;
  }
  return json(merged);
}

/** `torrents/tags`: the union of every answering instance's tags, sorted. */
async function tags(ctx: RouteContext): Promise<Reply> {
  const all = new Set<string>();
  for (const { value } of await fanOut(ctx.backends, async (b) => JSON.parse((await b.client.request('GET', 'torrents/tags')).body) as string[])) {
    for (const t of value) all.add(t);
  }
  return json([...all].sort());
}

const post = (handle: (ctx: RouteContext) => Promise<Reply>) => ({ postOnly: true, handle });
const routedPost = (endpoint: string, key = 'hashes') => post((ctx) => routed(ctx, endpoint, key));

/** `torrents/*`. */
export const torrentRoutes: RouteTable = {
  'torrents/add': post(addRoute),
  'torrents/info': { handle: info },
  'torrents/properties': { handle: (ctx) => single(ctx, 'torrents/properties', queuedProperties) },
  'torrents/files': { handle: (ctx) => single(ctx, 'torrents/files', () => []) },
  'torrents/trackers': { handle: (ctx) => single(ctx, 'torrents/trackers', () => []) },
  'torrents/webseeds': { handle: (ctx) => single(ctx, 'torrents/webseeds', () => []) },
  'torrents/pieceStates': { handle: (ctx) => single(ctx, 'torrents/pieceStates', () => []) },
  'torrents/delete': post(remove),
  'torrents/pause': routedPost('torrents/pause'),
  'torrents/stop': routedPost('torrents/stop'),
  'torrents/resume': routedPost('torrents/resume'),
  'torrents/start': routedPost('torrents/start'),
  'torrents/setCategory': routedPost('torrents/setCategory'),
  'torrents/addTags': routedPost('torrents/addTags'),
  'torrents/removeTags': routedPost('torrents/removeTags'),
  'torrents/setShareLimits': routedPost('torrents/setShareLimits'),
  'torrents/topPrio': routedPost('torrents/topPrio'),
  'torrents/bottomPrio': routedPost('torrents/bottomPrio'),
  'torrents/increasePrio': routedPost('torrents/increasePrio'),
  'torrents/decreasePrio': routedPost('torrents/decreasePrio'),
  'torrents/setForceStart': routedPost('torrents/setForceStart'),
  'torrents/recheck': routedPost('torrents/recheck'),
  'torrents/reannounce': routedPost('torrents/reannounce'),
  'torrents/setLocation': routedPost('torrents/setLocation'),
  'torrents/setAutoManagement': routedPost('torrents/setAutoManagement'),
  'torrents/setDownloadLimit': routedPost('torrents/setDownloadLimit'),
  'torrents/setUploadLimit': routedPost('torrents/setUploadLimit'),
  'torrents/toggleSequentialDownload': routedPost('torrents/toggleSequentialDownload'),
  'torrents/toggleFirstLastPiecePrio': routedPost('torrents/toggleFirstLastPiecePrio'),
  'torrents/rename': routedPost('torrents/rename', 'hash'),
  'torrents/renameFile': routedPost('torrents/renameFile', 'hash'),
  'torrents/renameFolder': routedPost('torrents/renameFolder', 'hash'),
  'torrents/filePrio': routedPost('torrents/filePrio', 'hash'),
  'torrents/categories': { handle: categories },
  'torrents/createCategory': post((ctx) => everywhere(ctx, 'torrents/createCategory')),
  'torrents/editCategory': post((ctx) => everywhere(ctx, 'torrents/editCategory')),
  'torrents/removeCategories': post((ctx) => everywhere(ctx, 'torrents/removeCategories')),
  'torrents/tags': { handle: tags },
  'torrents/createTags': post((ctx) => everywhere(ctx, 'torrents/createTags')),
  'torrents/deleteTags': post((ctx) => everywhere(ctx, 'torrents/deleteTags')),
};
