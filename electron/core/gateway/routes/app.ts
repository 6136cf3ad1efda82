import { fanOut } from '../backends';
import { json, text } from '../http-io';
import type { RouteTable } from './types';

/** The qBittorrent version the gateway presents (5.1: `Ok.`/`Fails.` logins, `SID` cookie, text add answers). */
export const PRESENTED_VERSION = 'v5.1.4';
/** The WebUI API version of qBittorrent 5.1. */
export const PRESENTED_API_VERSION = '2.11.4';

/**
 * The only `app/preferences` keys passed on from an instance: what clients read (Sonarr/Radarr's
 * QBittorrentPreferences: save path, queueing, ratio and seeding limits, DHT) and harmless
 * settings of how torrents are added and limited. An allowlist, not a denylist: qBittorrent
 * returns secrets under names no pattern catches (`autorun_program` may hold a command line with
 * an API key, `proxy_username`, `mail_notification_*`, `dyndns_*`, `bypass_auth_subnet_whitelist`,
 * certificate paths), so nothing identifying or secret is ever listed here — no username,
 * password, key, token, program or command line, certificate path, whitelist, mail, dynamic DNS,
 * proxy or WebUI address/port of the instance.
 */
export const PUBLIC_PREFERENCE_KEYS: readonly string[] = [
  // Sonarr/Radarr (QBittorrentPreferences.cs)
  'save_path', 'queueing_enabled', 'max_ratio_enabled', 'max_ratio', 'max_seeding_time_enabled', 'max_seeding_time',
  'max_inactive_seeding_time_enabled', 'max_inactive_seeding_time', 'max_ratio_act', 'dht',
  // How torrents are added and stored
  'locale', 'temp_path_enabled', 'temp_path', 'auto_tmm_enabled', 'torrent_content_layout', 'start_paused_enabled', 'add_stopped_enabled',
  'add_to_top_of_queue', 'create_subfolder_enabled', 'preallocate_all', 'incomplete_files_ext', 'use_subcategories',
  'category_changed_tmm_enabled', 'save_path_changed_tmm_enabled', 'torrent_changed_tmm_enabled',
  // Queueing and limits
  'max_active_downloads', 'max_active_torrents', 'max_active_uploads', 'max_active_checking_torrents', 'dont_count_slow_torrents',
  'dl_limit', 'up_limit', 'alt_dl_limit', 'alt_up_limit', 'scheduler_enabled', 'max_connec', 'max_connec_per_torrent', 'max_uploads',
  'max_uploads_per_torrent', 'pex', 'lsd', 'encryption', 'anonymous_mode',
];

/** `app/preferences` of an instance reduced to {@link PUBLIC_PREFERENCE_KEYS}; `web_ui_username` is the gateway's own. */
export function publicPreferences(prefs: Record<string, unknown>, username: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of PUBLIC_PREFERENCE_KEYS) if (k in prefs) out[k] = prefs[k];
  out.web_ui_username = username;
  return out;
}

/** Preferences when no instance answers: what Sonarr/Radarr read (no ratio or seeding limits, queueing off). */
const FALLBACK_PREFERENCES = {
  save_path: '',
  queueing_enabled: false,
  max_ratio_enabled: false,
  max_ratio: -1,
  max_seeding_time_enabled: false,
  max_seeding_time: -1,
  max_inactive_seeding_time_enabled: false,
  max_inactive_seeding_time: -1,
  max_ratio_act: 0,
  dht: false,
};

/** `app/*`: versions, build info, preferences (read only), default save path. */
export const appRoutes: RouteTable = {
  'app/version': { handle: () => text(PRESENTED_VERSION) },
  'app/webapiVersion': { handle: () => text(PRESENTED_API_VERSION) },
  'app/buildInfo': {
    handle: () => json({ qt: '6.8.2', libtorrent: '2.0.11.0', boost: '1.86.0', openssl: '3.4.1', zlib: '1.3.1', bitness: 64, platform: 'linux' }),
  },
  'app/preferences': {
    handle: async ({ backends, username }) => {
      // The first instance in priority order that answers.
      for (const b of backends) {
        const got = await fanOut([b], async (x) => (await x.client.request('GET', 'app/preferences')).body);
        if (!got.length) continue;
        try {
          return json(publicPreferences(JSON.parse(got[0]!.value) as Record<string, unknown>, username));
        } catch {
          continue;
        }
      }
      return json({ ...FALLBACK_PREFERENCES, web_ui_username: username });
    },
  },
  'app/setPreferences': {
    postOnly: true,
    handle: () => text('app/setPreferences is not available through the qbit-failover gateway: change preferences on each qBittorrent instance itself.', 409),
  },
  'app/defaultSavePath': {
    handle: async ({ backends }) => {
      for (const b of backends) {
        const got = await fanOut([b], async (x) => x.client.request('GET', 'app/defaultSavePath'));
        if (got.length && got[0]!.value.status === 200) return text(got[0]!.value.body);
      }
      return text('');
    },
  },
};
