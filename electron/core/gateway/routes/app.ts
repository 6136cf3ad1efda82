import { fanOut } from '../backends';
import { json, text } from '../http-io';
import type { RouteTable } from './types';

/** The qBittorrent version the gateway presents (5.1: `Ok.`/`Fails.` logins, `SID` cookie, text add answers). */
export const PRESENTED_VERSION = 'v5.1.4';
/** The WebUI API version of qBittorrent 5.1. */
export const PRESENTED_API_VERSION = '2.11.4';

/**
 * Preference keys never passed on: passwords, keys and tokens of the instance (WebUI, proxy,
 * mail, dynamic DNS, API key, HTTPS key), and anything whose name says secret.
 */
const SECRET_KEY = /password|passwd|secret|token|api_?key|https_key|ssl_key/i;

/** `app/preferences` of an instance without its secrets; the WebUI username is the gateway's. */
export function publicPreferences(prefs: Record<string, unknown>, username: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(prefs)) if (!SECRET_KEY.test(k)) out[k] = v;
  if ('web_ui_username' in prefs) out.web_ui_username = username;
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
