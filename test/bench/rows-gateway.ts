/**
 * Gateway rows of the benchmark (issue 10): the qBittorrent-compatible gateway's `torrents/add`
 * (confirmed) and `torrents/info` with 1 000 torrents, each beside the same WebUI call made
 * directly to qBittorrent in the same run, p50 over N, interleaved so background load hits both
 * sides alike. Both sides use ONE client (undici Pool, keep-alive, logged in with a session
 * cookie), so a ratio is the gateway's cost over the same HTTP exchange, not a client comparison.
 */
import { Pool } from 'undici';
import { startGateway, type GatewayHandle } from '../../electron/core/gateway';
import { engineInternals, type Engine } from '../../electron/core/engine';
import { randomMagnet } from '../harness/inputs';
import { benchEngine, disposeAll, fmtMs, fmtRatio, instrument, percentile, since, sleep, startInstances, stopEngines, type Breakdown, type Row } from './lib';

const GW_USER = 'bench';
const GW_PASS = 'bench-gateway-pass';

/** A logged-in WebUI session on one base URL: the same code for qBittorrent and the gateway. */
class WebUi {
  private readonly pool: Pool;
  private cookie = '';
  constructor(readonly base: string) {
    this.pool = new Pool(base, { connections: 1, pipelining: 1 });
  }

  async login(username: string, password: string): Promise<void> {
    const r = await this.pool.request({
      path: '/api/v2/auth/login',
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password }).toString(),
    });
    const text = await r.body.text();
    const set = r.headers['set-cookie'];
    const first = Array.isArray(set) ? set[0] : set;
    if (text !== 'Ok.' || !first) throw new Error(`login to ${this.base}: ${r.statusCode} ${text}`);
    this.cookie = first.split(';')[0]!;
  }

  /** POST a form; returns the body (throws on a non-200). */
  async post(path: string, form: Record<string, string>): Promise<string> {
    const r = await this.pool.request({
      path,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookie },
      body: new URLSearchParams(form).toString(),
    });
    const text = await r.body.text();
    if (r.statusCode !== 200) throw new Error(`POST ${path} on ${this.base}: ${r.statusCode} ${text.slice(0, 200)}`);
    return text;
  }

  /** GET; returns the body (throws on a non-200). */
  async get(path: string): Promise<string> {
    const r = await this.pool.request({ path, method: 'GET', headers: { cookie: this.cookie } });
    const text = await r.body.text();
    if (r.statusCode !== 200) throw new Error(`GET ${path} on ${this.base}: ${r.statusCode} ${text.slice(0, 200)}`);
    return text;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** `torrents/add` of one magnet, then `info?hashes=` every 10 ms until it is listed (what the gateway's `Ok.` means). */
async function directAddConfirmed(c: WebUi): Promise<{ add: number; confirmed: number }> {
  const m = randomMagnet();
  const t0 = performance.now();
  const ok = await c.post('/api/v2/torrents/add', { urls: m.magnet });
  const add = since(t0);
  if (ok !== 'Ok.') throw new Error(`direct add answered ${ok}`);
  for (let i = 0; ; i++) {
    const listed = JSON.parse(await c.get(`/api/v2/torrents/info?hashes=${m.infohash}`)) as unknown[];
    if (listed.length > 0) break;
    if (i > 500) throw new Error('direct add never listed');
    await sleep(10);
  }
  return { add, confirmed: since(t0) };
}

/** One gateway `torrents/add` (it answers after the engine confirmed the infohash on an instance). */
async function gatewayAdd(c: WebUi): Promise<number> {
  const m = randomMagnet();
  const t0 = performance.now();
  const ok = await c.post('/api/v2/torrents/add', { urls: m.magnet });
  const ms = since(t0);
  if (ok !== 'Ok.') throw new Error(`gateway add answered ${ok}`);
  return ms;
}

/** A gateway over a fresh engine on the given instances; closed by the caller. */
async function gatewayOver(
  label: string,
  instances: { name: string; q: { url: string; username: string; password: string } }[],
  engines: Engine[],
): Promise<{ gw: GatewayHandle; client: WebUi; engine: Engine }> {
  const engine = await benchEngine(label, instances);
  engines.push(engine);
  await engine.start();
  const gw = await startGateway(engine, { host: '127.0.0.1', port: 0, username: GW_USER, password: GW_PASS });
  const client = new WebUi(gw.url);
  await client.login(GW_USER, GW_PASS);
  return { gw, client, engine };
}

/**
 * Gateway `torrents/add` of one magnet (confirmed) vs the same call straight to qBittorrent,
 * p50 / p95 over `n` after 10 warm-ups, interleaved: direct, gateway over the primary alone,
 * gateway over primary + secondary (de-duplication asks both). The direct reference is the
 * add plus `info` until listed, which is what the gateway's `Ok.` promises; the bare add is
 * given beside it.
 */
export async function gatewayAddRow(n = 200): Promise<Row> {
  const [qp, qs, q1] = await startInstances('gw-add-primary', 'gw-add-secondary', 'gw-add-single');
  const gws: GatewayHandle[] = [];
  const clients: WebUi[] = [];
  const engines: Engine[] = [];
  try {
    const direct = new WebUi(q1.url);
    await direct.login(q1.username, q1.password);
    clients.push(direct);
    const single = await gatewayOver('gw-add1', [{ name: 'primary', q: q1 }], engines);
    const pair = await gatewayOver('gw-add2', [
      { name: 'primary', q: qp },
      { name: 'secondary', q: qs },
    ], engines);
    gws.push(single.gw, pair.gw);
    clients.push(single.client, pair.client);
    for (let i = 0; i < 10; i++) {
      await directAddConfirmed(direct);
      await gatewayAdd(single.client);
      await gatewayAdd(pair.client);
    }
    const dAdd: number[] = [];
    const dConf: number[] = [];
    const g1: number[] = [];
    const g2: number[] = [];
    const e1: number[] = [];
    const singleClient = engineInternals(single.engine).instances[0]!.client;
    const stats = singleClient.stats;
    let gatewayRequests = 0;
    // Time inside the WebUI calls of the timed engine.add (the rest is the engine's own work: ledgers, placement logic).
    const http: Breakdown = new Map();
    const restore = instrument(singleClient, 'client', ['info', 'addMagnets', 'syncMaindata'], http);
    const httpMs = (): number => [...http.values()].reduce((sum, v) => sum + v.ms, 0);
    const eOwn: number[] = [];
    for (let i = 0; i < n; i++) {
      const d = await directAddConfirmed(direct);
      dAdd.push(d.add);
      dConf.push(d.confirmed);
      const r0 = stats.requests;
      g1.push(await gatewayAdd(single.client));
      gatewayRequests += stats.requests - r0;
      g2.push(await gatewayAdd(pair.client));
      // The same placement without HTTP in front: engine.add on the single gateway's engine.
      const m = randomMagnet();
      const h0 = httpMs();
      const t0 = performance.now();
      const r = await single.engine.add([m.magnet]);
      e1.push(since(t0));
      eOwn.push(e1[e1.length - 1]! - (httpMs() - h0));
      if (r.results[0]?.outcome !== 'added') throw new Error(`engine add: ${JSON.stringify(r.results[0])}`);
    }
    restore();
    const p = (xs: number[]) => ({ p50: percentile(xs, 50), p95: percentile(xs, 95) });
    const s = { directAdd: p(dAdd), directConfirmed: p(dConf), gatewaySingle: p(g1), gatewayPair: p(g2), engineAdd: p(e1), engineAddOutsideRequests: p(eOwn), requestsPerGatewayAdd: gatewayRequests / n };
    return {
      id: 'gatewayAdd',
      figure: `gateway torrents/add, one magnet, confirmed (p50 / p95 of ${n})`,
      value: `${fmtMs(s.gatewaySingle.p50)} / ${fmtMs(s.gatewaySingle.p95)}`,
      reference: `${fmtMs(s.directConfirmed.p50)} / ${fmtMs(s.directConfirmed.p95)} (direct add + info until listed); bare add ${fmtMs(s.directAdd.p50)}`,
      ratio: `${fmtRatio(s.gatewaySingle.p50, s.directConfirmed.p50)} (vs bare add ${fmtRatio(s.gatewaySingle.p50, s.directAdd.p50)})`,
      target: 'p50 ≤ 1.2× direct',
      pass: s.gatewaySingle.p50 <= 1.2 * s.directConfirmed.p50,
      note:
        `gateway over one instance; over primary + secondary (dedupe asks both) ${fmtMs(s.gatewayPair.p50)} / ${fmtMs(s.gatewayPair.p95)} ` +
        `(${fmtRatio(s.gatewayPair.p50, s.directConfirmed.p50)}); engine.add alone (no HTTP in front) ${fmtMs(s.engineAdd.p50)} / ${fmtMs(s.engineAdd.p95)}, ` +
        `of which outside its WebUI requests ${fmtMs(s.engineAddOutsideRequests.p50)} / ${fmtMs(s.engineAddOutsideRequests.p95)} (ledgers, placement logic); ` +
        `${s.requestsPerGatewayAdd.toFixed(2)} WebUI requests to the instance per gateway add (direct: add + info); same undici client for both sides`,
      metric: s.gatewaySingle.p50,
      ratioNum: s.gatewaySingle.p50 / s.directConfirmed.p50,
      data: s,
    };
  } finally {
    for (const c of clients) await c.close().catch(() => undefined);
    for (const g of gws) await g.close().catch(() => undefined);
    for (const e of engines) await stopEngines(e);
    await disposeAll([qp, qs, q1]);
  }
}

/**
 * Gateway `torrents/info` (no filter) with 1 000 torrents on the instance vs the same call
 * straight to that instance, p50 / p95 over `n` after 10 warm-ups, interleaved. The gateway
 * fronts that one instance (merge of one), and a second gateway fronts it plus an empty
 * secondary (merge of two) for the note.
 */
export async function gatewayInfoRow(n = 200): Promise<Row> {
  const N = 1_000;
  const [q, qe] = await startInstances('gw-info', 'gw-info-empty');
  const gws: GatewayHandle[] = [];
  const clients: WebUi[] = [];
  const engines: Engine[] = [];
  try {
    const direct = new WebUi(q.url);
    await direct.login(q.username, q.password);
    clients.push(direct);
    const mags = Array.from({ length: N }, () => randomMagnet());
    await direct.post('/api/v2/torrents/add', { urls: mags.map((m) => m.magnet).join('\n') });
    for (let i = 0; ; i++) {
      const all = JSON.parse(await direct.get('/api/v2/torrents/info')) as unknown[];
      if (all.length >= N) break;
      if (i > 300) throw new Error(`only ${all.length} of ${N} listed`);
      await sleep(100);
    }
    const single = await gatewayOver('gw-info1', [{ name: 'primary', q }], engines);
    const pair = await gatewayOver('gw-info2', [
      { name: 'primary', q },
      { name: 'secondary', q: qe },
    ], engines);
    gws.push(single.gw, pair.gw);
    clients.push(single.client, pair.client);
    const once = async (c: WebUi): Promise<number> => {
      const t0 = performance.now();
      const body = await c.get('/api/v2/torrents/info');
      const ms = since(t0);
      const count = (JSON.parse(body) as unknown[]).length;
      if (count !== N) throw new Error(`${c.base} listed ${count} of ${N}`);
      return ms;
    };
    for (let i = 0; i < 10; i++) {
      await once(direct);
      await once(single.client);
      await once(pair.client);
    }
    const d: number[] = [];
    const g1: number[] = [];
    const g2: number[] = [];
    for (let i = 0; i < n; i++) {
      d.push(await once(direct));
      g1.push(await once(single.client));
      g2.push(await once(pair.client));
    }
    const p = (xs: number[]) => ({ p50: percentile(xs, 50), p95: percentile(xs, 95) });
    const s = { direct: p(d), gatewaySingle: p(g1), gatewayPair: p(g2) };
    return {
      id: 'gatewayInfo',
      figure: `gateway torrents/info, ${N} torrents (p50 / p95 of ${n})`,
      value: `${fmtMs(s.gatewaySingle.p50)} / ${fmtMs(s.gatewaySingle.p95)}`,
      reference: `${fmtMs(s.direct.p50)} / ${fmtMs(s.direct.p95)} (same call to qBittorrent)`,
      ratio: fmtRatio(s.gatewaySingle.p50, s.direct.p50),
      target: 'p50 ≤ 1.2× direct',
      pass: s.gatewaySingle.p50 <= 1.2 * s.direct.p50,
      note: `gateway over that one instance; over it + an empty secondary (merge of two) ${fmtMs(s.gatewayPair.p50)} / ${fmtMs(s.gatewayPair.p95)} (${fmtRatio(s.gatewayPair.p50, s.direct.p50)})`,
      metric: s.gatewaySingle.p50,
      ratioNum: s.gatewaySingle.p50 / s.direct.p50,
      data: s,
    };
  } finally {
    for (const c of clients) await c.close().catch(() => undefined);
    for (const g of gws) await g.close().catch(() => undefined);
    for (const e of engines) await stopEngines(e);
    await disposeAll([q, qe]);
  }
}
