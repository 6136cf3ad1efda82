import type { EngineSnapshot, InstanceHealth, VpnHealth } from '../../../shared/model';
import { describeStatus } from '../../../shared/status';
import { torrentCountsText } from '../../../shared/torrent-counts-text';
import { Light } from '../components/Light';
import { useNow } from '../components/use-now';
import { absoluteTime, lightTone, relativeTime } from '../lib/format';
import { useApp } from '../store/app-store';
import { GatewayCard } from './GatewayCard';

/** Words and colour of the route banner. */
function routeBanner(s: EngineSnapshot): { tone: 'ok' | 'warn' | 'bad' | 'off'; text: string } {
  switch (s.route.kind) {
    // The instance may itself be named "primary": name it, then say which role it plays.
    case 'primary':
      return { tone: 'ok', text: `Adds go to ${s.route.instance ?? 'the first instance'} (first choice)` };
    case 'fallback':
      return { tone: 'warn', text: `Adds go to ${s.route.instance ?? 'a fallback instance'} (fallback)` };
    case 'queue':
      return { tone: 'bad', text: 'Adds are queued — no instance usable' };
    case 'unconfigured':
      return { tone: 'off', text: 'No instance configured' };
    case 'paused':
      return { tone: 'off', text: 'Monitoring paused' };
  }
}

function VpnCard({ vpn, now }: { vpn: VpnHealth; now: number }) {
  const tone = vpn.state === 'CONNECTED' ? 'ok' : vpn.state === 'DOWN' ? 'bad' : 'off';
  const words = vpn.state === 'CONNECTED' ? 'Connected' : vpn.state === 'DOWN' ? 'Down' : 'Disabled';
  return (
    <section className="card status-card" aria-label="VPN">
      <div className="card-head">
        <Light tone={tone} label={`VPN: ${words}`} testId="vpn-light" status={vpn.state} />
        <h3>VPN</h3>
        <span className={`status-words tone-${tone}`}>{words}</span>
      </div>
      <p className="muted small">
        {vpn.check === 'none' ? 'No VPN probe configured' : `Probe ${vpn.check}${vpn.target ? ` → ${vpn.target}` : ''}`}
        {vpn.checkedAt && (
          <>
            {' · '}
            <time title={absoluteTime(vpn.checkedAt)}>checked {relativeTime(vpn.checkedAt, now)}</time>
          </>
        )}
      </p>
      {vpn.error && <p className="error-text small">{vpn.error}</p>}
    </section>
  );
}

function InstanceCard({ h, now, index }: { h: InstanceHealth; now: number; index: number }) {
  const tone = lightTone(h.status, h.usable);
  const words = describeStatus(h.status);
  // Down: version, connection and counts are from the last good check — shown as "last seen", never as current.
  const stale = h.status !== 'OK';
  const counts = torrentCountsText(h);
  const lastSeen = [h.version, counts].filter(Boolean).join(' · ');
  return (
    <section className="card status-card" aria-label={`Instance ${h.name}`} data-testid={`instance-${h.name}`}>
      <div className="card-head">
        <Light tone={tone} label={`${h.name}: ${words}`} testId={`light-${h.name}`} status={h.status} />
        <h3>
          {h.name}
          {index === 0 && <span className="tag">first choice</span>}
          {h.requiresVpn && <span className="tag">needs VPN</span>}
        </h3>
        <span className={`status-words tone-${tone}`} data-testid={`status-${h.name}`}>
          {words}
          {h.status === 'OK' && !h.usable ? ' · not usable' : ''}
        </span>
      </div>
      <p className="muted small url">{h.url}</p>
      <dl className="facts">
        {h.latencyMs !== null && (
          <>
            <dt>Latency</dt>
            <dd>{h.latencyMs} ms</dd>
          </>
        )}
        {!stale && h.version && (
          <>
            <dt>qBittorrent</dt>
            <dd>{h.version}</dd>
          </>
        )}
        {!stale && h.apiVersion && (
          <>
            <dt>WebUI API</dt>
            <dd>{h.apiVersion}</dd>
          </>
        )}
        {!stale && h.connectionStatus && (
          <>
            <dt>Connection</dt>
            <dd>{h.connectionStatus}</dd>
          </>
        )}
        {!stale && h.externalAddress && (
          <>
            <dt>Peers see</dt>
            <dd title="qBittorrent's last external address: on a VPN-bound instance, anything but the VPN's address is a leak">{h.externalAddress}</dd>
          </>
        )}
        {!stale && counts && (
          <>
            <dt className="wide-start">Torrents</dt>
            <dd className="wide" data-testid={`torrents-${h.name}`}>
              {counts}
            </dd>
          </>
        )}
        {stale && h.lastSeenAt && (
          <>
            <dt className="wide-start">Last seen</dt>
            <dd className="wide muted" data-testid={`last-seen-${h.name}`}>
              <time title={absoluteTime(h.lastSeenAt)}>{relativeTime(h.lastSeenAt, now)}</time>
              {lastSeen && ` — then ${lastSeen}`}
            </dd>
          </>
        )}
        <dt>Checked</dt>
        <dd>
          <time title={absoluteTime(h.checkedAt)}>{relativeTime(h.checkedAt, now)}</time>
        </dd>
      </dl>
      {h.error && (
        <p className="error-text small" data-testid={`error-${h.name}`}>
          {h.error}
        </p>
      )}
    </section>
  );
}

/** Status: route banner, VPN and one card per instance, Check now and Pause/Resume. */
export function StatusView() {
  const snapshot = useApp((s) => s.snapshot);
  const checkNow = useApp((s) => s.checkNow);
  const setPaused = useApp((s) => s.setMonitoringPaused);
  const setTab = useApp((s) => s.setTab);
  const importEnvironment = useApp((s) => s.importEnvironment);
  const now = useNow();
  if (!snapshot) return <p className="muted">Loading…</p>;
  const banner = routeBanner(snapshot);
  return (
    <div className="stack">
      <div className={`banner tone-bg-${banner.tone}`} role="status" data-testid="route-banner" data-route={snapshot.route.kind}>
        {banner.text}
      </div>
      <div className="row">
        <button type="button" onClick={() => void checkNow()}>
          Check now
        </button>
        <button type="button" onClick={() => void setPaused(!snapshot.monitoringPaused)}>
          {snapshot.monitoringPaused ? 'Resume monitoring' : 'Pause monitoring'}
        </button>
        <span className="muted small push-right">Routing: {snapshot.routing}</span>
      </div>
      {snapshot.instances.length === 0 && (
        <section className="card first-run">
          <h3>No instance yet</h3>
          <p className="muted">Add the qBittorrent instance(s) to send magnet links to, in priority order.</p>
          <button
            type="button"
            className="primary"
            onClick={() => {
              useApp.setState({ wantNewInstance: true });
              setTab('settings');
            }}
          >
            Add an instance
          </button>
          <button type="button" onClick={() => void importEnvironment()}>
            Import the old tool's environment variables
          </button>
        </section>
      )}
      <VpnCard vpn={snapshot.vpn} now={now} />
      {snapshot.instances.map((h, i) => (
        <InstanceCard key={h.name} h={h} now={now} index={i} />
      ))}
      <GatewayCard />
    </div>
  );
}
