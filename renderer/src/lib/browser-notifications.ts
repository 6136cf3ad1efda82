import { NOTICE_KINDS, NoticeBatcher, NoticeTracker, allowedNotices, type Notice, type NoticeKind } from '../../../shared/notices';
import type { EngineEvent } from '../../../shared/model';

/**
 * The dashboard's notifications: the tray app's notices (shared/notices.ts: same rules, same
 * words) shown with the browser's Notification API, once the user switched them on for this
 * browser (a per-browser choice, like the permission itself; kept in localStorage).
 */

/** localStorage key of the opt-in. */
export const BROWSER_NOTIFY_KEY = 'qbf.browserNotifications';

/**
 * Kinds the browser shows: queued, flushed, instance down/up, finished, failover and VPN — not
 * `added` (the page that added shows the result itself).
 */
export const BROWSER_NOTICE_KINDS: readonly NoticeKind[] = ['queued', 'flushed', 'instance', 'finished', 'failover', 'vpn'];

/** True when this browser can show notifications at all (secure context: localhost or HTTPS). */
export function notificationsSupported(): boolean {
  return typeof Notification !== 'undefined' && window.isSecureContext;
}

/** The user switched notifications on in this browser (and the permission is granted). */
export function browserNotificationsOn(): boolean {
  return notificationsSupported() && Notification.permission === 'granted' && localStorage.getItem(BROWSER_NOTIFY_KEY) === '1';
}

/**
 * Switches the opt-in; turning it on asks for the permission first.
 * @returns the resulting state, and why it stayed off (`denied` by the browser, or `unsupported`).
 */
export async function setBrowserNotifications(on: boolean): Promise<{ on: boolean; problem: 'denied' | 'unsupported' | null }> {
  if (!on) {
    localStorage.removeItem(BROWSER_NOTIFY_KEY);
    return { on: false, problem: null };
  }
  if (!notificationsSupported()) return { on: false, problem: 'unsupported' };
  const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
  if (permission !== 'granted') return { on: false, problem: 'denied' };
  localStorage.setItem(BROWSER_NOTIFY_KEY, '1');
  return { on: true, problem: null };
}

/**
 * Feeds engine events in; shows the notices they deserve (merged in ~2 s bursts, as the tray
 * does) while the opt-in is on. `onShown` sees each one shown (tests, logging).
 */
export function createBrowserNotifier(onShown?: (n: Notice) => void): { feed(event: EngineEvent): void; dispose(): void } {
  const tracker = new NoticeTracker();
  const allowed = Object.fromEntries(NOTICE_KINDS.map((k) => [k, BROWSER_NOTICE_KINDS.includes(k)]));
  const batcher = new NoticeBatcher((n) => {
    if (!browserNotificationsOn()) return;
    // One tag per kind (per instance / torrent where it has one): a newer notice replaces the older.
    const tag = `qbf-${n.kind}${n.instance ? `-${n.instance}` : ''}${n.infohash ? `-${n.infohash}` : ''}`;
    const note = new Notification(n.title, { body: n.body, tag });
    note.onclick = () => window.focus();
    onShown?.(n);
  });
  return {
    feed(event) {
      // The tracker always follows the snapshots, so switching on later does not replay old changes.
      const notices = allowedNotices(tracker.feed(event), allowed);
      if (browserNotificationsOn()) batcher.push(...notices);
    },
    dispose: () => batcher.dispose(),
  };
}
