import { useState } from 'react';
import { errorText } from '../api';
import { browserNotificationsOn, notificationsSupported, setBrowserNotifications } from '../lib/browser-notifications';
import { useApp } from '../store/app-store';
import { Check } from './Field';

/**
 * Settings only the browser dashboard has (shown under `serve` instead of the desktop app's
 * switches): notifications in this browser (opt-in; asks the browser's permission), and the
 * dashboard link with a Rotate button (a new token; other tabs, bookmarks and old links stop
 * working and show how to get the new link).
 */
export function DashboardSettings({ rotateToken, currentToken }: { rotateToken: () => Promise<{ url: string }>; currentToken: () => string | null }) {
  const toast = useApp((s) => s.toast);
  const [notify, setNotify] = useState(browserNotificationsOn());
  const [notifyProblem, setNotifyProblem] = useState<string | null>(notificationsSupported() ? null : 'This browser cannot show notifications on this address (they need localhost or HTTPS).');
  const [link, setLink] = useState(() => `${location.origin}/?token=${currentToken() ?? ''}`);
  const [confirming, setConfirming] = useState(false);
  const [rotating, setRotating] = useState(false);

  const onNotify = async (on: boolean) => {
    const r = await setBrowserNotifications(on);
    setNotify(r.on);
    setNotifyProblem(
      r.problem === 'denied'
        ? 'The browser refused the permission: allow notifications for this site in its settings, then switch this on again.'
        : r.problem === 'unsupported'
          ? 'This browser cannot show notifications on this address (they need localhost or HTTPS).'
          : null,
    );
  };
  const onRotate = async () => {
    setConfirming(false);
    setRotating(true);
    try {
      const r = await rotateToken();
      setLink(r.url.replace(/^[a-z]+:\/\/[^/]+/i, location.origin));
      toast('New dashboard link made; bookmark it — the old one no longer works');
    } catch (err) {
      toast(`Rotating the token failed: ${errorText(err)}`, 'error');
    } finally {
      setRotating(false);
    }
  };

  return (
    <section className="card stack" aria-labelledby="h-dashboard" data-testid="dashboard-settings">
      <h2 className="section-title" id="h-dashboard">
        This dashboard
      </h2>
      <Check id="browser-notify" label="Show notifications in this browser (queued, flushed, instance down or back, download finished)" checked={notify} onChange={(on) => void onNotify(on)} />
      {notifyProblem && <p className="muted small">{notifyProblem}</p>}
      <div className="field">
        <label htmlFor="dashboard-link">Dashboard link (bookmark it; it stays valid across restarts of serve)</label>
        <input id="dashboard-link" className="mono" readOnly value={link} onFocus={(e) => e.target.select()} />
      </div>
      {confirming ? (
        <div className="row" role="group" aria-label="Confirm rotating the token">
          <span className="small">Other tabs, bookmarks and old links stop working.</span>
          <button type="button" className="danger" onClick={() => void onRotate()}>
            Make a new link
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" className="align-start" disabled={rotating} onClick={() => setConfirming(true)}>
          {rotating ? 'Rotating…' : 'Rotate token…'}
        </button>
      )}
    </section>
  );
}
