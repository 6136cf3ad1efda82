import type { Engine } from '../engine';
import { compareVersions, type QbitClient, type TorrentInfo } from '../qbittorrent';
import type { Reply } from './http-io';

/** The engine as the gateway uses it (its facade methods only). */
export type GatewayEngine = Pick<
  Engine,
  'addBatch' | 'gatewayBackends' | 'gatewayCredentials' | 'noteGatewayUrl' | 'queuedEntries' | 'removeEntries' | 'updateQueuedOptions' | 'currentSettings' | 'on' | 'off'
>;

/** One instance the gateway asks: its name and WebUI API client. */
export interface Backend {
  name: string;
  client: QbitClient;
  /** Reports a call that got no answer (see `Engine.gatewayBackends`). */
  failed?(err: unknown): void;
}

/** Whether `b` speaks WebUI API ≥ 2.11 (qBittorrent 5.0+: `stop`/`start`, `stopped*` states). Null when it does not answer. */
export async function isV5(b: Backend): Promise<boolean | null> {
  try {
    return compareVersions(await b.client.webapiVersion(), '2.11') >= 0;
  } catch {
    return null;
  }
}

/** Runs `fn` on every backend in parallel; those that throw are left out (their data reappears when they answer again) and reported `failed`. */
export async function fanOut<T>(backends: Backend[], fn: (b: Backend) => Promise<T>): Promise<{ backend: Backend; value: T }[]> {
  const settled = await Promise.allSettled(
    backends.map(async (backend) => {
      try {
        return { backend, value: await fn(backend) };
      } catch (err) {
        backend.failed?.(err);
        throw err;
      }
    }),
  );
  return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
}

/** The ids a torrent answers to: its listed hash, v1 and full v2 (a hybrid is listed under its truncated v2). */
export function idsOf(t: TorrentInfo): string[] {
  return [t.hash, t.infohash_v1, t.infohash_v2].filter((h): h is string => typeof h === 'string' && h !== '').map((h) => h.toLowerCase());
}

/** A `hashes=` list (qBittorrent's separator is `|`): trimmed, lowercase, empties dropped. */
export function splitHashes(list: string): string[] {
  return list.split('|').map((h) => h.trim().toLowerCase()).filter(Boolean);
}

/**
 * The ids to ask an instance for `hashes`: each one, and for a 64-digit v2 its 40-digit
 * truncation too (qBittorrent lists a hybrid, and a v2-only torrent, under the truncated v2).
 */
export function idsToAsk(hashes: string[]): string[] {
  return [...new Set(hashes.flatMap((h) => (h.length === 64 ? [h, h.slice(0, 40)] : [h])))];
}

/**
 * Which backend holds which of `hashes`: asks each one `torrents/info?hashes=` (with the v2's
 * 40-digit truncation too) and maps each backend to the hashes it lists them under.
 */
export async function locate(backends: Backend[], hashes: string[]): Promise<Map<Backend, string[]>> {
  const wanted = new Set(hashes.map((h) => h.toLowerCase()));
  const ask = idsToAsk([...wanted]);
  const asked = new Set(ask);
  const found = await fanOut(backends, (b) => b.client.info({ hashes: ask }));
  const out = new Map<Backend, string[]>();
  for (const { backend, value } of found) {
    const listed = value.filter((t) => idsOf(t).some((id) => asked.has(id)));
    if (listed.length) out.set(backend, listed.map((t) => t.hash));
  }
  return out;
}

/**
 * The gateway's answer for a call sent to several backends: the first error answer (status ≥ 400)
 * as it came, else the first answer, else `fallback` (no backend took part).
 */
export function combine(answers: { status: number; body: string; json: boolean }[], fallback: Reply): Reply {
  const bad = answers.find((a) => a.status >= 400);
  const pick = bad ?? answers[0];
  if (!pick) return fallback;
  if (pick.json) {
    try {
      return { status: pick.status, body: JSON.parse(pick.body) as unknown };
    } catch {
      /* fall through: text */
    }
  }
  return { status: pick.status, body: pick.body };
}

/** Whether an answer's `content-type` is JSON. */
export function isJson(headers: Record<string, string | string[] | undefined>): boolean {
  const t = headers['content-type'];
  return /json/i.test(Array.isArray(t) ? t.join(';') : (t ?? ''));
}
