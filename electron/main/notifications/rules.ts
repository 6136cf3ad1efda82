import type { EngineSnapshot } from '../../../shared/model';
import type { Settings } from '../../../shared/settings';
import {
  allowedNotices,
  noticesForSnapshot,
  NOTICE_KINDS,
  type Notice,
  type NoticeKind,
  type NoticePrefs,
} from '../../../shared/notices';

/**
 * Pure: which desktop notifications engine events deserve, under the user's per-kind choices,
 * and a batcher that merges bursts (ten magnets dropped at once give one "10 magnets added").
 * The words come from `shared/notices.ts`, which the webhook (electron/core/webhook.ts) uses too.
 */

/** Notification kinds; each has a choice in the desktop state (electron-store). */
export type NotificationKind = NoticeKind;
/** One notification to show. */
export type NotificationSpec = Notice;
/** Per-kind on/off switches; a kind left out is on. `settings.ui.notifications` (config.json) fits. */
export type NotificationPrefs = NoticePrefs;
/** The per-kind choices the desktop app keeps (every kind spelled out). */
export type NotificationChoices = Record<NoticeKind, boolean>;

export { NoticeBatcher as NotificationBatcher, mergeNotices as mergeNotifications, NOTICE_KINDS } from '../../../shared/notices';
export { queuedText, type TimerFns } from '../../../shared/notices';

/** Notifications for the snapshot change `prev` → `next` (`noticesForSnapshot`), kinds switched off in `prefs` left out. */
export function notificationsFor(prev: EngineSnapshot | null, next: EngineSnapshot, prefs: NotificationPrefs): NotificationSpec[] {
  return allowedNotices(noticesForSnapshot(prev, next), prefs);
}

/**
 * The desktop choices on a first run: every kind on, except those the user switched off in
 * config.json's `ui.notifications` (the settings the app had before it kept its own state).
 */
export function initialNotificationChoices(fromSettings?: Settings['ui']['notifications']): NotificationChoices {
  const out = Object.fromEntries(NOTICE_KINDS.map((k) => [k, true])) as NotificationChoices;
  for (const [k, v] of Object.entries(fromSettings ?? {})) if (k in out && typeof v === 'boolean') out[k as NoticeKind] = v;
  return out;
}

/**
 * The kinds whose switch changed between two `ui.notifications` of config.json (the settings
 * editor still shows four of them): the desktop choices follow such a change, and only it.
 */
export function changedSettingsChoices(
  prev: Settings['ui']['notifications'] | null,
  next: Settings['ui']['notifications'],
): Partial<NotificationChoices> {
  if (!prev) return {};
  const out: Partial<NotificationChoices> = {};
  for (const [k, v] of Object.entries(next)) {
    if ((NOTICE_KINDS as readonly string[]).includes(k) && prev[k as keyof typeof prev] !== v) out[k as NoticeKind] = v;
  }
  return out;
}
