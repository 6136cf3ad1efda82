import { z } from 'zod';
import { defaultDesktopPrefs, RECENT_ADDS_LIMIT, type DesktopPrefs, type RecentAdd } from '../../../shared/desktop';
import { NOTICE_KINDS } from '../../../shared/notices';
import type { Settings } from '../../../shared/settings';
import { initialNotificationChoices } from '../notifications/rules';

/**
 * Pure: the desktop app's own state as kept in electron-store (`desktop-state.json` in the
 * userData folder — never `config.json`, which holds the engine settings the CLI shares), read
 * back forgivingly: a part that does not fit is replaced by its default, never the whole file.
 */

/** File name (without `.json`) of the desktop state in the userData folder. */
export const DESKTOP_STORE_NAME = 'desktop-state';

/** Window position and size, px (screen DIPs). */
export interface WindowBounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Everything the desktop app keeps between runs. */
export interface DesktopData {
  prefs: DesktopPrefs;
  recentAdds: RecentAdd[];
  /** Last bounds of the (Linux, framed) window; null until it was moved or resized. */
  windowBounds: WindowBounds | null;
}

const Bounds = z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().min(200).max(10_000), height: z.number().int().min(200).max(10_000) });
const Recent = z.object({
  id: z.string().min(1).max(64),
  at: z.string().max(40),
  label: z.string().max(200),
  resend: z.union([z.object({ kind: z.literal('text'), text: z.string().max(64_000) }), z.object({ kind: z.literal('file'), path: z.string().max(4096) }), z.null()]),
  outcome: z.enum(['placed', 'queued', 'duplicate', 'rejected']),
  instance: z.string().max(64).nullable(),
  detail: z.string().max(2_000),
  infohash: z.string().max(128).nullable(),
});

/**
 * The desktop data from what the store holds (anything: a hand-edited or older file).
 * @param seed config.json's `ui.notifications`, used for notification choices never saved yet
 */
export function desktopDataFrom(raw: unknown, seed?: Settings['ui']['notifications']): DesktopData {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const p = (r.prefs && typeof r.prefs === 'object' ? r.prefs : {}) as Record<string, unknown>;
  const prefs = defaultDesktopPrefs();
  if (typeof p.askBeforeAdd === 'boolean') prefs.askBeforeAdd = p.askBeforeAdd;
  prefs.notifications = initialNotificationChoices(seed);
  const saved = (p.notifications && typeof p.notifications === 'object' ? p.notifications : {}) as Record<string, unknown>;
  for (const k of NOTICE_KINDS) if (typeof saved[k] === 'boolean') prefs.notifications[k] = saved[k];
  const recentAdds = Array.isArray(r.recentAdds) ? r.recentAdds.flatMap((x) => { const ok = Recent.safeParse(x); return ok.success ? [ok.data] : []; }).slice(0, RECENT_ADDS_LIMIT) : [];
  const b = Bounds.safeParse(r.windowBounds);
  return { prefs, recentAdds, windowBounds: b.success ? b.data : null };
}
