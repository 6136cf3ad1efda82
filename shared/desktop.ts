import type { AddOutcome } from './model';
import { NOTICE_KINDS, type NoticeKind } from './notices';

/**
 * Shapes of the desktop app's own state (kept by the Electron main process in electron-store,
 * never in config.json): the add dialog's choice, per-kind notification choices and the recent
 * adds. The renderer reads them through the contract's desktop methods (`getDesktopState`…);
 * the dashboard (`qbit-failover serve`) has none of them and answers `available: false`.
 */

/** Most recent adds kept (the tray submenu and the window list). */
export const RECENT_ADDS_LIMIT = 50;

/** Choices the user makes in the desktop app. */
export interface DesktopPrefs {
  /** Show the add dialog for a magnet or `.torrent` from the browser / file manager (default off: one-click add). */
  askBeforeAdd: boolean;
  /** Per-kind desktop notification switches. */
  notifications: Record<NoticeKind, boolean>;
}

/** The prefs of a first run: no dialog (today's one-click add), every notification on. */
export function defaultDesktopPrefs(): DesktopPrefs {
  return { askBeforeAdd: false, notifications: Object.fromEntries(NOTICE_KINDS.map((k) => [k, true])) as Record<NoticeKind, boolean> };
}

/** How one recent add ended, as the user reads it: placed on an instance, queued, a duplicate, or rejected. */
export type RecentOutcome = 'placed' | 'queued' | 'duplicate' | 'rejected';

/** One input the desktop app added (from the browser, a file, the clipboard, the window or the dialog). */
export interface RecentAdd {
  /** Stable id (for "send again"). */
  id: string;
  /** When it was added (ISO 8601). */
  at: string;
  /** The torrent's name when known, else the input shortened. */
  label: string;
  /** What to send again: a magnet URI or `.torrent` URL (`text`), or a `.torrent` file path (`file`); null = cannot be sent again (a dropped file's bytes are not kept). */
  resend: { kind: 'text'; text: string } | { kind: 'file'; path: string } | null;
  outcome: RecentOutcome;
  /** The instance it is on (placed, duplicate), else null. */
  instance: string | null;
  /** One line: `placed on nas`, `queued: nas: TIMEOUT`, `duplicate (already on nas)`, `rejected: …`. */
  detail: string;
  /** The infohash when known. */
  infohash: string | null;
}

/** A magnet or `.torrent` waiting for the add dialog's answer. */
export interface PendingAddPrompt {
  id: string;
  /** Names (or shortened inputs) of what is about to be added. */
  labels: string[];
  /** Configured instance names, for "which instance" (besides "automatic"). */
  instances: string[];
  /** Add options prefilled from the first instance's own settings. */
  defaults: { category: string; savePath: string; tags: string[]; paused: boolean };
}

/** What the desktop methods answer. `available: false` outside the desktop app (the dashboard). */
export interface DesktopState {
  available: boolean;
  prefs: DesktopPrefs;
  recentAdds: RecentAdd[];
  /** The oldest add waiting for the dialog, or null. */
  pendingAdd: PendingAddPrompt | null;
}

/** Maps an add result's outcome to the recent-add outcome the user reads (`added` → placed). */
export function recentOutcomeOf(outcome: AddOutcome): RecentOutcome {
  return outcome === 'added' ? 'placed' : outcome;
}

/** The desktop state outside the desktop app (the dashboard, a test backend): nothing kept, `available: false`. */
export function unavailableDesktopState(): DesktopState {
  return { available: false, prefs: defaultDesktopPrefs(), recentAdds: [], pendingAdd: null };
}

/** The error a desktop-only method raises outside the desktop app: code `DESKTOP_ONLY`, HTTP 404. */
export function desktopOnlyError(): Error & { code: string; httpStatus: number } {
  return Object.assign(new Error('only the desktop app keeps recent adds and the add dialog'), { code: 'DESKTOP_ONLY', httpStatus: 404 });
}
