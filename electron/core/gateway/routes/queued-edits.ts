import type { AddOptions } from '../../../../shared/contract';
import { splitTags } from '../../../../shared/qbittorrent-rules';
import { boolParam, numParam } from '../http-io';
import { intParam } from './fields';

/**
 * What a hash action does to a QUEUED torrent: the gateway lists queue entries as torrents, and
 * clients act on them as such (Sonarr tags a grab and may move it to its import category as soon
 * as `torrents/properties` finds it), so the action is kept in the entry's add options and the
 * flush applies it when the torrent is placed. Returns the change, or null when the action means
 * nothing before the torrent exists (recheck, reannounce, priorities, force start).
 */
export function queuedEdit(endpoint: string, f: Map<string, string>): ((o: AddOptions) => AddOptions) | null {
  const tagList = (): string[] => splitTags(f.get('tags') ?? '');
  switch (endpoint) {
    case 'torrents/addTags':
      return (o) => ({ ...o, tags: [...new Set([...(o.tags ?? []), ...tagList()])] });
    case 'torrents/removeTags': {
      // qBittorrent: no `tags` removes every tag.
      const drop = tagList();
      return (o) => ({ ...o, tags: drop.length ? (o.tags ?? []).filter((t) => !drop.includes(t)) : [] });
    }
    case 'torrents/setCategory': {
      // `category=` (empty) is qBittorrent's "no category": kept as '', not dropped (dropped, the instance's default would apply).
      const category = f.get('category') ?? '';
      return (o) => ({ ...o, category });
    }
    case 'torrents/stop':
    case 'torrents/pause':
      return (o) => ({ ...o, paused: true });
    case 'torrents/start':
    case 'torrents/resume':
      return (o) => ({ ...o, paused: false });
    case 'torrents/setShareLimits':
      return (o) => ({
        ...o,
        ratioLimit: numParam(f.get('ratioLimit')) ?? o.ratioLimit,
        seedingTimeLimit: intParam(f.get('seedingTimeLimit')) ?? o.seedingTimeLimit,
        inactiveSeedingTimeLimit: intParam(f.get('inactiveSeedingTimeLimit')) ?? o.inactiveSeedingTimeLimit,
      });
    case 'torrents/setLocation': {
      const location = f.get('location');
      return location ? (o) => ({ ...o, savePath: location, autoTMM: false }) : null;
    }
    case 'torrents/rename': {
      const name = f.get('name');
      return name ? (o) => ({ ...o, rename: name }) : null;
    }
    case 'torrents/setAutoManagement': {
      const enable = boolParam(f.get('enable'));
      return enable === undefined ? null : (o) => ({ ...o, autoTMM: enable });
    }
    case 'torrents/setDownloadLimit':
    case 'torrents/setUploadLimit': {
      const limit = intParam(f.get('limit'));
      if (limit === undefined) return null;
      return endpoint === 'torrents/setDownloadLimit' ? (o) => ({ ...o, dlLimit: limit }) : (o) => ({ ...o, upLimit: limit });
    }
    case 'torrents/toggleSequentialDownload':
      return (o) => ({ ...o, sequentialDownload: !o.sequentialDownload });
    case 'torrents/toggleFirstLastPiecePrio':
      return (o) => ({ ...o, firstLastPiecePrio: !o.firstLastPiecePrio });
    default:
      return null;
  }
}

