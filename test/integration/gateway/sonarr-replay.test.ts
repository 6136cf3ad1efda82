import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/core/engine';
import { startGateway, type GatewayHandle } from '../../../electron/core/gateway';
import { listTorrents } from '../../harness/direct';
import { makeTorrentFile, randomMagnet } from '../../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../../harness/qbittorrent';
import { instanceOf } from '../../harness/test-engine';
import { eventually, startGatewayStack, type GatewayStack } from './support/gateway-stack';
import { SonarrClientError, SonarrQbitProxy, sonarrStatus, versionAtLeast, type SonarrSettings } from './sonarr-client';

/**
 * Sonarr's qBittorrent download client, replayed call for call from its source (see
 * ./sonarr-client.ts for the wire details and line references), first straight at a real
 * qbittorrent-nox — proof that the replay is what real qBittorrent accepts — then at the gateway
 * in front of two real qbittorrent-nox instances. Torrent queueing is off on both (qBittorrent's
 * `topPrio` then answers 409, which Sonarr swallows: QBittorrentProxyV2.cs:322-326).
 */

const QUEUEING_OFF = { BitTorrent: { 'Session\\QueueingSystemEnabled': 'false' } };
const GW_USER = 'sonarr-gw';
const GW_PASS = 'gw pass: with spaces & symbols +%';

let a: QbtProcess;
let b: QbtProcess;
let stack: GatewayStack;
let engine: Engine;
let gateway: GatewayHandle;

beforeAll(async () => {
  [a, b] = await Promise.all([
    startQbittorrent({ name: 'sonarr-a', extraConfig: QUEUEING_OFF }),
    startQbittorrent({ name: 'sonarr-b', extraConfig: QUEUEING_OFF }),
  ]);
  stack = await startGatewayStack({
    label: 'sonarr',
    instances: [instanceOf('a', a), instanceOf('b', b)],
    gateway: { username: GW_USER, password: GW_PASS },
    processes: [a, b],
  });
  ({ engine, gateway } = stack);
});

afterAll(async () => {
  await stack?.dispose();
});

/** Numeric fields Sonarr deserializes into non-nullable .NET types (QBittorrentTorrent.cs): a JSON null there throws. */
const SONARR_NUMERIC = ['size', 'progress', 'eta', 'ratio', 'ratio_limit', 'seeding_time_limit', 'inactive_seeding_time_limit', 'last_activity'];

/** Sonarr's download client "Test" button (QBittorrent.cs:446-457), in call order. Returns what the user would see. */
async function sonarrTest(p: SonarrQbitProxy): Promise<{ version: string; warnings: string[]; labels: string[] }> {
  const warnings: string[] = [];
  // TestConnection (QB:459-537): GetProxy(force) → FetchProxy → V2.IsApiSupported + GetApiVersion
  // (QBittorrentProxySelector.cs:86-90), then the proxy's GetApiVersion again (QB:463).
  expect(await p.isApiSupported()).toBe(true);
  await p.getApiVersion();
  const version = await p.getApiVersion();
  expect(versionAtLeast(version, '1.6')).toBe(true);
  const config = await p.getConfig(); // QB:495 RemovesCompletedDownloads
  expect(typeof config.save_path).toBe('string');
  expect(typeof config.queueing_enabled).toBe('boolean');
  expect(typeof config.dht).toBe('boolean');
  // TestCategory (QB:539-584): GetProxy(force) again, GetApiVersion, GetLabels, AddLabel when missing, GetLabels.
  expect(await p.isApiSupported()).toBe(true);
  await p.getApiVersion();
  await p.getApiVersion();
  let labels = await p.getLabels();
  for (const cat of [p.s.tvCategory, p.s.tvImportedCategory ?? '']) {
    if (!cat || cat in labels) continue;
    await p.addLabel(cat);
    labels = await p.getLabels();
    if (!(cat in labels)) warnings.push(`DownloadClientQbittorrentValidationCategoryAddFailure: ${cat}`);
  }
  // TestPrioritySupport (QB:586-625), priority "First" configured: warns when queueing is off.
  if (!(await p.getConfig()).queueing_enabled) warnings.push('DownloadClientQbittorrentValidationQueueingNotEnabled');
  await p.getTorrents(); // TestGetTorrents (QB:627-640)
  return { version, warnings, labels: Object.keys(labels) };
}

/** Sonarr's GetItems (QB:246-359): version, config, torrents?category=, as (DownloadId, status). */
async function sonarrItems(p: SonarrQbitProxy): Promise<Map<string, { status: string; category: string; title: string; torrent: Record<string, unknown> }>> {
  await p.getApiVersion();
  await p.getConfig();
  const items = new Map<string, { status: string; category: string; title: string; torrent: Record<string, unknown> }>();
  for (const t of await p.getTorrents()) {
    for (const k of SONARR_NUMERIC) if (k in t) expect(typeof t[k], `${k} of ${String(t.hash)}`).toBe('number');
    items.set(String(t.hash).toUpperCase(), { status: sonarrStatus(String(t.state)), category: String(t.category ?? t.label ?? ''), title: String(t.name), torrent: t });
  }
  return items;
}

/**
 * A grab from start to removal, as Sonarr runs it: AddFromTorrentFile with InitialState=Stop,
 * share limits in the add, priority First and series tags (QB:149-216), then GetItems, the
 * post-import category (QB:56-73), the import paths (QB:366-398) and RemoveItem (QB:361-364).
 */
async function sonarrGrab(p: SonarrQbitProxy, where: () => Promise<{ name: string; hashes: string[] }[]>): Promise<void> {
  const t = makeTorrentFile(`Show.S01E01.${Date.now()}.mkv`);
  const seed = { ratio: 1.5, seedTimeMinutes: 600 };
  const addHasSetShareLimits = versionAtLeast(await p.getApiVersion(), '2.8.1'); // QB:152 ProxyApiVersion
  const answer = await p.addTorrentFromFile(`${t.infohash}.torrent`, t.data, 'Stop', addHasSetShareLimits ? seed : undefined);
  expect(answer).not.toBe('Fails.');
  // QB:159-161: priority First and tags need the torrent loaded: WaitForTorrent polls properties.
  expect(await p.waitForTorrent(t.infohash.toUpperCase())).toBeGreaterThan(0);
  // setShareLimits as Sonarr sends it against API < 2.8.1 (QB:97-107): ratioLimit and
  // seedingTimeLimit only, any failure logged as a warning. qBittorrent 5.3 also requires
  // inactiveSeedingTimeLimit and answers 400 (measured); 4.5.2 takes it. Whatever the answer,
  // the limits given in the add stand.
  const limits = await p.setTorrentSeedingConfiguration(t.infohash, seed).then(
    () => 200,
    (e: unknown) => (e instanceof SonarrClientError ? (e.status ?? 0) : -1),
  );
  expect([200, 400]).toContain(limits);
  expect(await p.moveTorrentToTopInQueue(t.infohash)).toBe('conflict'); // 409, queueing off
  await p.addTags(t.infohash, ['sonarr', 'anime']);

  const props = await p.getTorrentProperties(t.infohash);
  expect(props).toMatchObject({ save_path: expect.any(String) });

  let items = await sonarrItems(p);
  const item = items.get(t.infohash.toUpperCase());
  expect(item, 'the grab is listed under its category').toBeDefined();
  expect(item).toMatchObject({ category: p.s.tvCategory });
  // Added stopped: paused (or still checking its missing file: Sonarr shows Queued), never started.
  expect(['pausedDL', 'stoppedDL', 'checkingDL', 'checkingResumeData'], `state ${String(item?.torrent.state)}`).toContain(item?.torrent.state);
  expect(item?.torrent).toMatchObject({ ratio_limit: 1.5, seeding_time_limit: 600 });
  expect(String(item?.torrent.tags)).toMatch(/anime/);
  const holders = (await where()).filter((h) => h.hashes.includes(t.infohash));
  expect(holders.map((h) => h.name), 'on exactly one instance').toHaveLength(1);

  // ForceStart is its own call (V2:255, QB:121-131): value=true.
  await p.setForceStart(t.infohash, true);
  // Import: files + properties when content_path is missing (API < 2.6.1).
  const files = await p.getTorrentFiles(t.infohash);
  expect(files[0]).toMatchObject({ name: expect.stringContaining('Show.S01E01') });
  await p.setTorrentLabel(t.infohash, p.s.tvImportedCategory ?? '');
  p.s.tvCategory = p.s.tvImportedCategory ?? '';
  items = await sonarrItems(p);
  expect(items.get(t.infohash.toUpperCase())?.category).toBe(p.s.tvImportedCategory);
  await p.removeTorrent(t.infohash, true);
  items = await sonarrItems(p);
  expect(items.has(t.infohash.toUpperCase()), 'removed').toBe(false);
  expect((await where()).flatMap((h) => h.hashes)).not.toContain(t.infohash);
}

/**
 * Magnet grabs (AddFromMagnetLink, QB:75-147): urls= with stopped/paused "True" (as .NET writes a
 * bool), a magnet over 1 024 bytes sent as multipart, and the older `paused` spelling.
 */
async function sonarrMagnets(p: SonarrQbitProxy): Promise<void> {
  const config = await p.getConfig();
  // QB:77-80: with DHT off Sonarr refuses a magnet without &tr= before sending anything. The
  // gateway passes the instance's `dht` through (the harness turns DHT off), so the replay
  // states the refusal, then sends the magnet as Sonarr does with DHT on.
  expect(config.dht).toBe(false);
  const short = randomMagnet('Show.S01E02.short');
  expect(await p.addTorrentFromUrl(short.magnet, 'Stop')).not.toBe('Fails.');
  expect(p.log.at(-1)?.requestHeaders['Content-Type']).toBe('application/x-www-form-urlencoded');
  // RB:162: a field over 1 024 bytes switches the whole form to multipart/form-data.
  const long = randomMagnet(`Show.S01E03.${'x'.repeat(1100)}`);
  expect(await p.addTorrentFromUrl(long.magnet, 'Stop')).not.toBe('Fails.');
  expect(p.log.at(-1)?.requestHeaders['Content-Type']).toMatch(/^multipart\/form-data/);
  // The older spelling (Sonarr against API < 2.11, Radarr/Lidarr of the same age): paused=True.
  const old = randomMagnet('Show.S01E04.paused');
  const body = await p.post('/api/v2/torrents/add', [
    { name: 'urls', value: old.magnet },
    { name: 'category', value: p.s.tvCategory },
    { name: 'paused', value: 'True' },
  ]);
  expect(body).not.toBe('Fails.'); // qBittorrent 5.2+ answers JSON here; the gateway presents 5.1: `Ok.`
  for (const m of [short, long, old]) expect(await p.waitForTorrent(m.infohash)).toBeGreaterThan(0);
  const items = await sonarrItems(p);
  // qBittorrent 5.x ignores the old `paused` spelling (measured on 5.3: that torrent starts);
  // the gateway takes both spellings whatever its backends are.
  const pausedHonoured = p.s.baseUrl === gateway.url || !versionAtLeast(await p.getApiVersion(), '2.11.0');
  for (const m of [short, long, old]) {
    expect(items.get(m.infohash.toUpperCase()), `${m.infohash} listed`).toMatchObject({ category: p.s.tvCategory });
    if (m !== old || pausedHonoured) expect(['pausedDL', 'stoppedDL'], m.infohash).toContain(items.get(m.infohash.toUpperCase())?.torrent.state);
  }
  // RemoveItem with deleteData=false sends no deleteFiles at all (V2:190-202); qBittorrent 4.5
  // requires the field and answers 400 (measured), so the torrent stays. Either answer is
  // acceptable from the gateway as long as it tells the truth: 400 → still listed, 200 → gone.
  const keep = await p.removeTorrent(short.infohash, false).then(
    () => 200,
    (e: unknown) => (e instanceof SonarrClientError ? (e.status ?? 0) : -1),
  );
  expect([200, 400]).toContain(keep);
  expect((await census()).flatMap((h) => h.hashes).includes(short.infohash), `after a ${keep} answer`).toBe(keep === 400);
  for (const m of [short, long, old]) await p.removeTorrent(m.infohash, true);
  const left = (await census()).flatMap((h) => h.hashes);
  for (const m of [short, long, old]) expect(left).not.toContain(m.infohash);
}

/** Where each hash sits, read on the instances themselves (not through the gateway). */
async function census(): Promise<{ name: string; hashes: string[] }[]> {
  return Promise.all(
    [a, b].map(async (q) => ({ name: q.name, hashes: (await listTorrents(q)).map((t) => String(t.hash)) })),
  );
}

function settingsFor(baseUrl: string, username: string, password: string, suffix: string): SonarrSettings {
  return { baseUrl, username, password, tvCategory: `tv-sonarr-${suffix}`, tvImportedCategory: `tv-imported-${suffix}` };
}

describe('Sonarr replay straight at qbittorrent-nox (the replay is what real qBittorrent accepts)', () => {
  it('Test button, a .torrent grab with stopped/paused, share limits, topPrio 409, tags, force start, import category, delete', async () => {
    const p = new SonarrQbitProxy(settingsFor(a.url, a.username, a.password, 'direct'));
    const test = await sonarrTest(p);
    expect(test.warnings).toEqual(['DownloadClientQbittorrentValidationQueueingNotEnabled']);
    expect(test.labels).toEqual(expect.arrayContaining(['tv-sonarr-direct', 'tv-imported-direct']));
    await sonarrGrab(p, census);
    await sonarrMagnets(p);
  });
});

describe('Sonarr replay at the gateway in front of two qbittorrent-nox', () => {
  it('the version probe without credentials gets 403 (v2 detected, QBittorrentProxyV2.cs:44-47), and with Basic credentials too', async () => {
    const anon = new SonarrQbitProxy(settingsFor(gateway.url, '', '', 'anon'));
    expect(await anon.isApiSupported()).toBe(true);
    expect(anon.log.at(-1)?.status).toBe(403);
    // Sonarr sends Basic pre-emptively even on the probe (ManagedHttpDispatcher.cs:75-80).
    const withBasic = new SonarrQbitProxy(settingsFor(gateway.url, GW_USER, GW_PASS, 'probe'));
    expect(await withBasic.isApiSupported()).toBe(true);
    expect([200, 403]).toContain(withBasic.log.at(-1)?.status);
  });

  it('Test button: logs in, presents qBittorrent 5.1 / API 2.11.4, categories created on every instance', async () => {
    const p = new SonarrQbitProxy(settingsFor(gateway.url, GW_USER, GW_PASS, 'gw'));
    const test = await sonarrTest(p);
    expect(test.version).toBe('2.11.4');
    expect(await p.getVersion()).toMatch(/^5\.1\./);
    expect(test.labels).toEqual(expect.arrayContaining(['tv-sonarr-gw', 'tv-imported-gw']));
    expect(test.warnings).toEqual(['DownloadClientQbittorrentValidationQueueingNotEnabled']);
    const login = p.log.find((e) => e.path === '/api/v2/auth/login');
    // Only one login in the whole Test: the SID cookie is sent back and accepted on every call.
    expect(p.log.filter((e) => e.path === '/api/v2/auth/login')).toHaveLength(1);
    expect(login).toMatchObject({ status: 200, body: 'Ok.' });
    expect(p.log.filter((e) => e.status === 403 && e.path !== '/api/v2/app/webapiVersion')).toEqual([]);
    // createCategory reached every instance (a torrent may land on either).
    for (const q of [a, b]) {
      const res = await new SonarrQbitProxy(settingsFor(q.url, q.username, q.password, 'gw')).getLabels();
      expect(Object.keys(res)).toEqual(expect.arrayContaining(['tv-sonarr-gw', 'tv-imported-gw']));
    }
  });

  it('a grab end to end: multipart .torrent with stopped=True, found by the first properties poll, listed under its category, limits, 409 on topPrio, tags, force start, import category, delete', async () => {
    const p = new SonarrQbitProxy(settingsFor(gateway.url, GW_USER, GW_PASS, 'gw'));
    await sonarrGrab(p, census);
    // The activity log names the program that added (its User-Agent).
    expect(engine.activityList().filter((i) => i.kind === 'add').map((i) => i.message).join('\n')).toContain(SonarrQbitProxy.userAgent);
    const add = p.log.find((e) => e.path === '/api/v2/torrents/add');
    expect(add?.requestHeaders['Content-Type']).toMatch(/^multipart\/form-data; boundary=-{29}/);
  });

  it('a magnet grab: urls= with stopped=True / paused=True ("True", as .NET writes a bool), a magnet over 1 024 bytes goes multipart and is still added', async () => {
    await sonarrMagnets(new SonarrQbitProxy(settingsFor(gateway.url, GW_USER, GW_PASS, 'gw')));
  });

  it('the gateway restarted on the same port (the app restarted): Sonarr\'s cached SID is gone, its pre-emptive Basic header carries the call — no error, no second login', async () => {
    const gw = await startGateway(engine, { host: '127.0.0.1', port: 0, username: GW_USER, password: GW_PASS });
    const p = new SonarrQbitProxy(settingsFor(gw.url, GW_USER, GW_PASS, 'restart'));
    try {
      expect(await p.getApiVersion()).toBe('2.11.4');
      await gw.close();
      const again = await startGateway(engine, { host: '127.0.0.1', port: gw.port, username: GW_USER, password: GW_PASS });
      try {
        const before = p.log.length;
        expect(await p.getTorrents()).toBeInstanceOf(Array);
        // (qBittorrent ignores Basic: there it is 403 → re-login → retry, V2:416-425.)
        expect(p.log.slice(before).map((e) => `${e.path.replace(/\?.*/, '')} ${e.status}`)).toEqual(['/api/v2/torrents/info 200']);
      } finally {
        await again.close();
      }
    } finally {
      await gw.close();
    }
  });

  it('a wrong password: the login answers 200 "Fails." and Sonarr reports an authentication failure, not a crash', async () => {
    const p = new SonarrQbitProxy(settingsFor(gateway.url, GW_USER, 'wrong', 'gw'));
    await expect(p.getApiVersion()).rejects.toMatchObject({ kind: 'DownloadClientAuthenticationException' });
    const login = p.log.find((e) => e.path === '/api/v2/auth/login');
    expect(login).toMatchObject({ status: 200, body: 'Fails.' });
  });

  it('an API key (Sonarr\'s "API Key" field, V2:358-361): Bearer on every call, no login; after a rotation the old key is refused as an authentication failure', async () => {
    const first = await engine.rotateGatewayApiKey();
    // The running gateway picks the new key up without a restart (it reloads on the engine's event).
    const p = new SonarrQbitProxy({ ...settingsFor(gateway.url, '', '', 'key'), apiKey: first });
    await eventually(async () => (await p.isApiSupported()) && p.log.at(-1)?.status === 200, (ok) => ok, 'the new key is taken', { intervalMs: 20 });
    expect(await p.getApiVersion()).toBe('2.11.4');
    await p.getLabels();
    await p.addLabel('tv-sonarr-key');
    expect(Object.keys(await p.getLabels())).toContain('tv-sonarr-key');
    expect(p.log.some((e) => e.path === '/api/v2/auth/login')).toBe(false);
    expect(p.log.every((e) => e.requestHeaders.Authorization === `Bearer ${first}`)).toBe(true);
    const second = await engine.rotateGatewayApiKey();
    expect(second).not.toBe(first);
    await eventually(async () => (await p.isApiSupported()) && p.log.at(-1)?.status === 403, (ok) => ok, 'the old key is refused', { intervalMs: 20 });
    await expect(p.getApiVersion()).rejects.toMatchObject({ kind: 'DownloadClientAuthenticationException' });
    const fresh = new SonarrQbitProxy({ ...settingsFor(gateway.url, '', '', 'key'), apiKey: second });
    expect(await fresh.getApiVersion()).toBe('2.11.4');
  });

  it('a password with non-ASCII letters: Sonarr\'s pre-emptive Basic header is ISO-8859-1 (ManagedHttpDispatcher.cs:78) — hours of proxy refreshes never get 127.0.0.1 banned; a restarted Sonarr and a Radarr beside it still log in', async () => {
    const pw = 'pässwörd-ñ-ü';
    const gw = await startGateway(engine, { host: '127.0.0.1', port: 0, username: GW_USER, password: pw });
    try {
      const sonarr = new SonarrQbitProxy(settingsFor(gw.url, GW_USER, pw, 'latin1'));
      const test = await sonarrTest(sonarr);
      expect(test.version).toBe('2.11.4');
      // Running: the proxy cache expires every 10 min (QBittorrentProxySelector.cs:79), so every
      // 10 min FetchProxy probes webapiVersion (Basic, no cookie: V2:31) then asks the version
      // with the cached SID cookie — no login in between. Six refreshes = one hour.
      for (let refresh = 0; refresh < 6; refresh++) {
        expect(await sonarr.isApiSupported()).toBe(true);
        expect(await sonarr.getApiVersion()).toBe('2.11.4');
      }
      expect(sonarr.log.filter((e) => e.path === '/api/v2/auth/login')).toHaveLength(1);
      // Sonarr restarted (nothing cached) and Radarr on the same machine: both log in.
      for (const app of ['sonarr-restarted', 'radarr']) {
        const p = new SonarrQbitProxy(settingsFor(gw.url, GW_USER, pw, app));
        await expect(p.getApiVersion(), app).resolves.toBe('2.11.4');
        expect(p.log.find((e) => e.path === '/api/v2/auth/login'), app).toMatchObject({ status: 200, body: 'Ok.' });
      }
      // And the Basic header alone authenticates, as it does with an ASCII password.
      const basicOnly = new SonarrQbitProxy({ ...settingsFor(gw.url, GW_USER, pw, 'basic'), apiKey: undefined });
      expect(await basicOnly.isApiSupported()).toBe(true);
      expect(basicOnly.log.at(-1)).toMatchObject({ status: 200, body: '2.11.4' });
    } finally {
      await gw.close();
    }
  });
});
