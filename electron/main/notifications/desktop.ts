import { Notification } from 'electron';
import type { EngineEvent } from '../../../shared/model';
import { allowedNotices, NoticeTracker } from '../../../shared/notices';
import type { Logger } from '../engine/types';
import type { NotificationPrefs } from './rules';
import { NotificationBatcher } from './rules';

/**
 * Native desktop notifications from engine events (`shared/notices.ts`: adds, queue, flush,
 * failover, instance down/up, VPN, finished downloads), filtered by the user's per-kind choices
 * and merged in ~2 s bursts by `NotificationBatcher` ("5 magnets added"). Shown from the main
 * process, so the renderer needs no permission.
 */

/** Feeds engine events in; `dispose` drops anything pending. */
export interface Notifier {
  onEvent(event: EngineEvent): void;
  dispose(): void;
}

/**
 * Creates the notifier.
 * @param prefs the per-kind choices (desktop state), read on every event
 * @param onClick opens the window when a notification is clicked
 */
export function setupNotifier(opts: { prefs: () => NotificationPrefs; onClick: () => void; logger: Logger }): Notifier {
  const tracker = new NoticeTracker();
  const batcher = new NotificationBatcher((n) => {
    if (!Notification.isSupported()) return;
    const note = new Notification({ title: n.title, body: n.body, silent: n.kind === 'queued' });
    note.on('click', opts.onClick);
    note.show();
    opts.logger.debug('notification', { kind: n.kind, title: n.title });
  });
  return {
    onEvent(event) {
      batcher.push(...allowedNotices(tracker.feed(event), opts.prefs()));
    },
    dispose: () => batcher.dispose(),
  };
}
