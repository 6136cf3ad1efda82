import { useEffect } from 'react';
import { createBrowserNotifier } from '../lib/browser-notifications';
import { documentTitle } from '../lib/document-title';
import { currentApi, useApp } from '../store/app-store';

/**
 * What the dashboard shows outside its page, as the tray does for the desktop app: the tab title
 * as a status light ({@link documentTitle}) and, when switched on, browser notifications. Only in
 * the browser (`http` transport): the Electron window has the tray and native notifications.
 */
export function useBrowserSignals(): void {
  const transport = useApp((s) => s.transport);
  const title = useApp((s) => documentTitle(s.stream, s.snapshot));
  useEffect(() => {
    if (transport === 'http') document.title = title;
  }, [transport, title]);
  useEffect(() => {
    if (transport !== 'http') return;
    const notifier = createBrowserNotifier();
    const off = currentApi().subscribe((event) => notifier.feed(event));
    return () => {
      off();
      notifier.dispose();
    };
  }, [transport]);
}
