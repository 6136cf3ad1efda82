import { useState } from 'react';
import type { Settings } from '../../../shared/settings';
import { errorText } from '../api';
import { Check, Field } from '../components/Field';
import { numberOf, type FieldErrors } from '../lib/settings-form';
import { currentApi, useApp } from '../store/app-store';
import { copyText, useGatewayStatus } from './gateway-status';

/**
 * Settings → qBittorrent-compatible gateway: on/off, address, port and username (saved with the
 * form's Save), the gateway's own password (set at once, write-only) and its API key (generated
 * or rotated at once, shown one time only, for clients that send `Authorization: Bearer`).
 */
export function GatewaySettings(props: { value: Settings['gateway']; errors: FieldErrors; onChange(next: Settings['gateway']): void }) {
  const g = props.value;
  const toast = useApp((s) => s.toast);
  const { status, refresh } = useGatewayStatus();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState<'password' | 'key' | null>(null);
  /** The key just made: shown until the view closes, never fetched again. */
  const [newKey, setNewKey] = useState<string | null>(null);
  const set = (p: Partial<Settings['gateway']>) => props.onChange({ ...g, ...p });

  const savePassword = async () => {
    setBusy('password');
    try {
      await currentApi().setGatewayPassword({ password });
      setPassword('');
      toast('Gateway password set');
      await refresh();
    } catch (e) {
      toast(`Setting the gateway password failed: ${errorText(e)}`, 'error');
    } finally {
      setBusy(null);
    }
  };
  const rotateKey = async () => {
    setBusy('key');
    try {
      const r = await currentApi().rotateGatewayApiKey({});
      setNewKey(r.apiKey);
      toast(status?.hasApiKey ? 'Gateway API key rotated: the old key no longer works' : 'Gateway API key generated');
      await refresh();
    } catch (e) {
      toast(`Making a gateway API key failed: ${errorText(e)}`, 'error');
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card form-grid" aria-labelledby="h-gateway" data-testid="gateway-settings">
      <h2 className="section-title" id="h-gateway">
        qBittorrent-compatible gateway
      </h2>
      <p className="muted small wide">
        Sonarr, Radarr, Prowlarr, scripts and browser extensions that speak qBittorrent's WebUI API point at this address
        instead of one qBittorrent, and get failover and the queue.
      </p>
      <Check id="gateway-enabled" label="Run the gateway" checked={g.enabled} onChange={(enabled) => set({ enabled })} />
      <Field id="gateway-host" label="Listen address" error={props.errors['gateway.host']} hint="127.0.0.1 keeps it on this computer">
        <input id="gateway-host" className="mono" value={g.host} onChange={(e) => set({ host: e.target.value })} />
      </Field>
      <Field id="gateway-port" label="Port" error={props.errors['gateway.port']}>
        <input id="gateway-port" type="number" min={1} max={65535} step={1} value={Number.isNaN(g.port) ? '' : g.port} onChange={(e) => set({ port: numberOf(e.target.value) })} />
      </Field>
      <Field id="gateway-username" label="Gateway username" error={props.errors['gateway.username']}>
        <input id="gateway-username" autoComplete="off" value={g.username} onChange={(e) => set({ username: e.target.value })} />
      </Field>
      <Field
        id="gateway-password"
        label="Gateway password"
        hint={status ? (status.hasPassword ? 'A password is set; type a new one to replace it' : 'No password yet: the gateway does not start without one') : undefined}
      >
        <div className="row">
          <input id="gateway-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          <button type="button" disabled={!password || busy !== null} onClick={() => void savePassword()}>
            {busy === 'password' ? 'Setting…' : 'Set password'}
          </button>
        </div>
      </Field>
      <Field id="gateway-apikey" label="API key" hint="For clients with an API key field (sent as Authorization: Bearer). Shown once when made.">
        <div className="row">
          {newKey ? (
            <>
              <input id="gateway-apikey" className="mono" readOnly value={newKey} data-testid="gateway-new-key" onFocus={(e) => e.target.select()} />
              <button type="button" onClick={() => void copyText(newKey).then((ok) => toast(ok ? 'API key copied' : 'Select the key and copy it'))}>
                Copy key
              </button>
            </>
          ) : (
            <input id="gateway-apikey" readOnly value={status?.hasApiKey ? '•••••••• (set)' : '(none)'} />
          )}
          <button type="button" disabled={busy !== null} onClick={() => void rotateKey()}>
            {busy === 'key' ? 'Working…' : status?.hasApiKey || newKey ? 'Rotate API key' : 'Generate API key'}
          </button>
        </div>
      </Field>
    </section>
  );
}
