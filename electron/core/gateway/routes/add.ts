import type { AddOptions } from '../../../../shared/contract';
import { parseTorrent } from '../../inputs/parse';
import { splitTags } from '../../../../shared/qbittorrent-rules';
import { boolParam, numParam, text, type Reply } from '../http-io';
import { intParam } from './fields';
import type { RouteContext } from './types';

/** `contentLayout` values qBittorrent takes. */
const LAYOUTS = new Set(['Original', 'Subfolder', 'NoSubfolder']);

/**
 * The engine's add options from `torrents/add` fields, under qBittorrent's names: `savepath`,
 * `category`, `tags` (comma-separated; trimmed, empties dropped), `stopped` or `paused` (either
 * spelling; `stopped` wins), `skip_checking`, `rename`, `upLimit`, `dlLimit`, `ratioLimit`,
 * `seedingTimeLimit`, `inactiveSeedingTimeLimit`, `autoTMM`, `sequentialDownload`,
 * `firstLastPiecePrio`, `contentLayout`. Absent fields stay absent (the instance's defaults apply).
 */
export function addOptionsFrom(f: Map<string, string>): AddOptions {
  const tags = splitTags(f.get('tags') ?? '');
  const layout = f.get('contentLayout');
  const o: AddOptions = {
    savePath: f.get('savepath') || undefined,
    category: f.get('category') || undefined,
    tags: tags.length ? tags : undefined,
    paused: boolParam(f.get('stopped')) ?? boolParam(f.get('paused')),
    skipChecking: boolParam(f.get('skip_checking')),
    rename: f.get('rename') || undefined,
    upLimit: intParam(f.get('upLimit')),
    dlLimit: intParam(f.get('dlLimit')),
    ratioLimit: numParam(f.get('ratioLimit')),
    seedingTimeLimit: intParam(f.get('seedingTimeLimit')),
    inactiveSeedingTimeLimit: intParam(f.get('inactiveSeedingTimeLimit')),
    autoTMM: boolParam(f.get('autoTMM')),
    sequentialDownload: boolParam(f.get('sequentialDownload')),
    firstLastPiecePrio: boolParam(f.get('firstLastPiecePrio')),
    contentLayout: layout && LAYOUTS.has(layout) ? (layout as AddOptions['contentLayout']) : undefined,
  };
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as AddOptions;
}

/**
 * `torrents/add`: `urls` (magnet URIs and http(s) `.torrent` URLs, one per line) and multipart
 * `torrents` files, placed by the engine in ONE call (failover, duplicates, confirmation, the
 * queue). qBittorrent 5.1's answers: `Ok.` when at least one input was added or queued, `Fails.`
 * when none was; a file that is not a torrent → 415 `Error: '<name>' is not a valid torrent file.`
 * (nothing added). File paths are never read (the caller is remote).
 */
export async function addRoute(ctx: RouteContext): Promise<Reply> {
  const { fields, files } = ctx.params;
  for (const f of files) {
    try {
      parseTorrent(f.data, f.name);
    } catch {
      return text(`Error: '${f.name}' is not a valid torrent file.`, 415);
    }
  }
  const urls = (fields.get('urls') ?? '').split(/\r?\n/).map((u) => u.trim()).filter(Boolean);
  if (urls.length === 0 && files.length === 0) return text('Fails.');
  const res = await ctx.engine.addBatch(urls, files, addOptionsFrom(fields), { remote: true, client: ctx.client || 'a WebUI client' });
  return text(res.summary.added + res.summary.queued > 0 ? 'Ok.' : 'Fails.');
}
