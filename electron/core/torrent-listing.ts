import type { InstanceTorrents, TorrentListing, TorrentRow } from '../../shared/torrent-list';
import type { Engine } from './engine';

/**
 * Every asked (default: configured) instance's torrents, read in parallel; an instance that
 * cannot be read (down, VPN down, refused login) is listed with its error instead of left out.
 * @throws NOT_CONFIGURED for an asked name that is not configured.
 */
export async function torrentListing(engine: Engine, names?: string[]): Promise<TorrentListing> {
  const configured = engine.currentSettings().instances.map((i) => i.name);
  const unknown = (names ?? []).find((n) => !configured.includes(n));
  if (unknown !== undefined) throw Object.assign(new Error(`no instance named ${unknown}`), { code: 'NOT_CONFIGURED', httpStatus: 404 });
  const wanted = names ? configured.filter((n) => names.includes(n)) : configured;
  const parts = await Promise.all(
    wanted.map(async (instance): Promise<InstanceTorrents> => {
      try {
        const list = await engine.listTorrents(instance);
        const torrents: TorrentRow[] = list.map((t) => ({
          hash: t.hash,
          name: t.name,
          state: t.state,
          progress: t.progress,
          category: t.category,
          size: t.size,
          addedOn: t.added_on,
        }));
        return { instance, reachable: true, error: null, torrents };
      } catch (err) {
        const e = err as { code?: unknown; message?: unknown };
        const code = typeof e.code === 'string' ? e.code : 'UNREACHABLE';
        return { instance, reachable: false, error: { code, message: typeof e.message === 'string' ? e.message : String(err) }, torrents: [] };
      }
    }),
  );
  return { instances: parts, at: new Date().toISOString() };
}
