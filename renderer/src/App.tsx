import { useEffect, useRef, type KeyboardEvent } from 'react';
import { tabFromHash, useApp, type Tab } from './store/app-store';
import { useWindowDrop } from './components/use-window-drop';
import { Toasts } from './components/Toasts';
import { DesktopPanels, isDesktopWindow } from './views/DesktopPanels';
import { QueueProblemBanner } from './components/QueueProblemBanner';
import { ConfigWarningsBanner } from './components/ConfigWarningsBanner';
import { StatusView } from './views/StatusView';
import { QueueView } from './views/QueueView';
import { AddView } from './views/AddView';
import { SettingsView } from './views/SettingsView';
import { ActivityView } from './views/ActivityView';
import { TorrentsView } from './views/TorrentsView';
import { ConnectionBanner } from './components/ConnectionBanner';
import { useBrowserSignals } from './components/use-browser-signals';

const TABS: { id: Tab; label: string }[] = [
  { id: 'status', label: 'Status' },
  { id: 'queue', label: 'Queue' },
  { id: 'add', label: 'Add' },
  { id: 'torrents', label: 'Torrents' },
  { id: 'settings', label: 'Settings' },
  { id: 'activity', label: 'Activity' },
];

/** The one window: header, tab bar (arrow keys move between tabs), the active view, toasts, drop overlay. */
export function App() {
  const tab = useApp((s) => s.tab);
  const setTab = useApp((s) => s.setTab);
  const queueLength = useApp((s) => s.snapshot?.queue.length ?? 0);
  // Not live: everything below the banner is greyed (styles.css `.app[data-connection='lost']`), nothing shown as current.
  const connection = useApp((s) => (s.stream === 'open' ? 'live' : s.stream === 'connecting' && s.lastSeenAt === null ? 'connecting' : 'lost'));
  useBrowserSignals();
  const dragging = useWindowDrop();
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});
  // The tray menu opens `#/settings`; follow hash changes while the window stays open.
  useEffect(() => {
    const onHash = () => setTab(tabFromHash(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [setTab]);

  const onTabKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = TABS.findIndex((t) => t.id === tab);
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    const next = step ? (i + step + TABS.length) % TABS.length : e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : -1;
    if (next < 0) return;
    e.preventDefault();
    const id = TABS[next]!.id;
    setTab(id);
    tabRefs.current[id]?.focus();
  };

  return (
    <div className="app" data-connection={connection} data-testid="app">
      <header className="app-header">
        <h1>qBit Failover</h1>
        {isDesktopWindow() && (
          <a href="#/recent" className="header-link" data-testid="recent-link">
            Recent adds
          </a>
        )}
      </header>
      <ConnectionBanner />
      <div className="tabs" role="tablist" aria-label="Views" onKeyDown={onTabKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              tabRefs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            className="tab"
            data-testid={`tab-${t.id}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
            {t.id === 'queue' && queueLength > 0 && (
              <span className="badge" aria-label={`${queueLength} queued`}>
                {queueLength}
              </span>
            )}
          </button>
        ))}
      </div>
      <QueueProblemBanner />
      <ConfigWarningsBanner />
      {/* Above the view, in the flow: a toast never covers a result. */}
      <DesktopPanels />
      <Toasts />
      <main className="panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} tabIndex={-1}>
        {tab === 'status' && <StatusView />}
        {tab === 'queue' && <QueueView />}
        {tab === 'add' && <AddView />}
        {tab === 'torrents' && <TorrentsView />}
        {tab === 'settings' && <SettingsView />}
        {tab === 'activity' && <ActivityView />}
      </main>
      {dragging && (
        <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
          <div className="drop-overlay-box">
            <strong>Drop to add</strong>
            <span>magnet links or .torrent files</span>
          </div>
        </div>
      )}
    </div>
  );
}
