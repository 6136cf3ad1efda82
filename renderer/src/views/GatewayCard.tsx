import { useState } from 'react';
import { Light } from '../components/Light';
import { clientSetupText, copyText, useGatewayStatus } from './gateway-status';

/**
 * Status → the gateway: its URL while it listens, why it does not when it could not start here
 * (the port in use, an address not of this machine…, with the fix), that another qbit-failover
 * process serves it when that one holds the port (`servedElsewhere`: not an error, shown in the
 * 'ok' tone), and a Copy button with what to type into Sonarr/Radarr's qBittorrent download
 * client (valid either way: the other process serves the same settings). Nothing is shown while it
 * is off and never set up.
 */
export function GatewayCard() {
  const { status } = useGatewayStatus();
  const [copied, setCopied] = useState<'yes' | 'refused' | null>(null);
  if (!status || (!status.enabled && !status.url)) return null;
  const text = clientSetupText(status);
  // Not listening here because another qbit-failover process's gateway holds the port and serves the clients.
  const elsewhere = !status.url && status.hasPassword && status.servedElsewhere === true ? status.problem : undefined;
  const tone = status.url || elsewhere ? 'ok' : 'off';
  // Enabled with a password but not listening here: the start failed in this process (`problem`
  // says why, with the fix), or the gateway runs in another process (`qbit-failover gateway`),
  // which reports nothing here.
  const problem = !status.url && status.hasPassword && !elsewhere ? status.problem : undefined;
  const words = status.url ? 'Listening' : !status.hasPassword ? 'Needs a password (Settings)' : elsewhere ? 'Served by another process' : problem ? 'Not listening' : 'Not listening here (see the log)';
  const label = problem ? `Gateway: Not listening: ${problem}` : elsewhere ? `Gateway: ${words}: ${elsewhere}` : `Gateway: ${words}`;
  return (
    <section className="card status-card" aria-label="Gateway" data-testid="gateway-card">
      <div className="card-head">
        <Light tone={tone} label={label} testId="gateway-light" status={status.url || elsewhere ? 'OK' : 'DISABLED'} />
        <h3>qBittorrent-compatible gateway</h3>
        <span className={`status-words tone-${tone}`}>{words}</span>
      </div>
      {status.url && (
        <p className="mono small url" data-testid="gateway-url">
          {status.url}
        </p>
      )}
      {problem && (
        <p className="error-text small gateway-problem" data-testid="gateway-problem">
          Not listening: {problem}
        </p>
      )}
      {elsewhere && (
        <p className="small gateway-elsewhere" data-testid="gateway-elsewhere">
          {elsewhere.charAt(0).toUpperCase() + elsewhere.slice(1)}
        </p>
      )}
      <p className="small" data-testid="gateway-setup-text">
        {text.split('\n').slice(1).join('\n')}
      </p>
      <div className="row">
        <button
          type="button"
          onClick={() =>
            void copyText(text).then((ok) => {
              setCopied(ok ? 'yes' : 'refused');
            })
          }
        >
          Copy settings for Sonarr/Radarr
        </button>
        {copied && (
          <span className="muted small" role="status" data-testid="gateway-copied">
            {copied === 'yes' ? 'Copied' : 'The browser refused: select the text above and copy it'}
          </span>
        )}
      </div>
    </section>
  );
}
