import { Notification } from 'electron';
import type { EngineSnapshot } from '../../../shared/model';
import type { Logger } from '../engine/types';
import type { NotificationPrefs } from './rules';
import { NotificationBatcher, notificationsFor } from './rules';

/**
 * Native desktop notifications from snapshot changes (`notificationsFor`), merged in ~2 s bursts
 * by `NotificationBatcher`. Shown from the main process, so the renderer needs no permission.
 */

/** Feeds snapshots in; `dispose` drops anything pending. */
export interface Notifier {
  onSnapshot(snapshot: EngineSnapshot): void;
  dispose(): void;
}

/**
 * Creates the notifier.
 * @param prefs current `settings.ui.notifications` (read on every snapshot)
 * @param onClick opens the window when a notification is clicked
 */
export function setupNotifier(opts: { prefs: () => NotificationPrefs; onClick: () => void; logger: Logger }): Notifier {
  let prev: EngineSnapshot | null = null;
  const batcher = new NotificationBatcher((n) => {
    if (!Notification.isSupported()) return;
    const note = new Notification({ title: n.title, body: n.body, silent: n.kind === 'queued' });
    note.on('click', opts.onClick);
    note.show();
    opts.logger.debug('notification', { kind: n.kind, title: n.title });
  });
  return {
    onSnapshot(snapshot) {
      batcher.push(...notificationsFor(prev, snapshot, opts.prefs()));
      prev = snapshot;
    },
    dispose: () => batcher.dispose(),
  };
}
