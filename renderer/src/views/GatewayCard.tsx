import { useState } from 'react';
import { Light } from '../components/Light';
import { clientSetupText, copyText, useGatewayStatus } from './gateway-status';

/**
 * Status → the gateway: its URL while it listens, why it does not when it could not start here
 * (the port in use, an address not of this machine…, with the fix), and a Copy button with what
 * to type into Sonarr/Radarr's qBittorrent download client. Nothing is shown while it is off and
 * never set up.
 */
export function GatewayCard() {
  const { status } = useGatewayStatus();
  const [copied, setCopied] = useState<'yes' | 'refused' | null>(null);
  if (!status || (!status.enabled && !status.url)) return null;
  const text = clientSetupText(status);
  const tone = status.url ? 'ok' : 'off';
  // Enabled with a password but not listening here: the start failed in this process (`problem`
  // says why, with the fix), or the gateway runs in another process (`qbit-failover gateway`),
  // which reports nothing here.
  const problem = !status.url && status.hasPassword ? status.problem : undefined;
  const words = status.url ? 'Listening' : !status.hasPassword ? 'Needs a password (Settings)' : problem ? 'Not listening' : 'Not listening here (see the log)';
  return (
    <section className="card status-card" aria-label="Gateway" data-testid="gateway-card">
      <div className="card-head">
        <Light tone={tone} label={problem ? `Gateway: Not listening: ${problem}` : `Gateway: ${words}`} testId="gateway-light" status={status.url ? 'OK' : 'DISABLED'} />
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
