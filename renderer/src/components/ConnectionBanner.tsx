import { useApp } from '../store/app-store';

/** `12:03:04` (today) or `28 Nov 12:03` (earlier), in the browser's locale and zone. */
function seenText(at: number): string {
  const d = new Date(at);
  const today = new Date().toDateString() === d.toDateString();
  return today
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : d.toLocaleString([], { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

/**
 * The dashboard's connection to `serve`, when it is not live: "Disconnected — last seen <time>,
 * reconnecting…" while the page retries (everything below is greyed by the `.app` wrapper), or
 * how to get a new link when the server refuses this page's token (it was rotated).
 */
export function ConnectionBanner() {
  const stream = useApp((s) => s.stream);
  const lastSeenAt = useApp((s) => s.lastSeenAt);
  if (stream === 'open') return null;
  if (stream === 'connecting') {
    return (
      <p className="connection-banner" role="status" data-testid="stream-state">
        Connecting…
      </p>
    );
  }
  if (stream === 'unauthorized') {
    return (
      <p className="connection-banner lost" role="alert" data-testid="stream-state">
        This page’s link is no longer valid (the dashboard token was rotated). Open the new link: <code>qbit-failover dashboard-token</code> on the
        server prints it (if it was already opened in this browser, reloading this page is enough).
      </p>
    );
  }
  return (
    <p className="connection-banner lost" role="status" data-testid="stream-state">
      Disconnected — last seen {lastSeenAt === null ? 'never' : <time dateTime={new Date(lastSeenAt).toISOString()}>{seenText(lastSeenAt)}</time>}, reconnecting…
    </p>
  );
}
