import { useState } from 'react';
import type { InstanceHealth } from '../../../shared/model';
import { describeStatus } from '../../../shared/status';
import type { InstanceSettings } from '../../../shared/settings';
import { errorText } from '../api';
import { Check, Field } from '../components/Field';
import { Light } from '../components/Light';
import { TagsInput } from '../components/TagsInput';
import { lightTone } from '../lib/format';
import {
  connectionKey,
  extraErrorText,
  numberOf,
  optionalText,
  recheckInstanceErrors,
  storedPasswordOriginLeft,
  validateInstance,
  type DraftInstance,
  type FieldErrors,
} from '../lib/settings-form';
import { currentApi } from '../store/app-store';

/** Props of one instance card in the settings form. */
export interface InstanceEditorProps {
  draft: DraftInstance;
  index: number;
  count: number;
  passwordStored: boolean;
  errors: FieldErrors;
  onChange(next: DraftInstance): void;
  onMove(delta: -1 | 1): void;
  onRemove(): void;
  /** Field errors to show (a message) or clear (null: the field was fixed). */
  onErrors(errors: Record<string, string | null>): void;
}

/** One instance: a summary row (reorder, edit, remove) and, when open, every field plus Test connection. */
export function InstanceEditor(p: InstanceEditorProps) {
  const { draft, index } = p;
  const v = draft.value;
  const id = (f: string) => `inst-${draft.key}-${f}`;
  const err = (f: string) => p.errors[`instances.${index}.${f}`];
  /** Applies an edit; an error shown on this instance is re-checked, so fixing the field clears it. */
  const edit = (next: DraftInstance) => {
    p.onChange(next);
    const rechecked = recheckInstanceErrors(p.errors, next.value, `instances.${index}`);
    if (Object.keys(rechecked).length) p.onErrors(rechecked);
  };
  const set = (patch: Partial<InstanceSettings>) => edit({ ...draft, value: { ...v, ...patch } });
  const [testing, setTesting] = useState(false);
  // A result belongs to the URL, credentials and TLS it tested: after any change to them it is not shown.
  const [tested, setTested] = useState<{ key: string; result: InstanceHealth | string } | null>(null);
  const result = tested && tested.key === connectionKey(draft) ? tested.result : null;
  const label = v.name || `instance ${index + 1}`;
  const hasErrors = Object.keys(p.errors).some((k) => k.startsWith(`instances.${index}.`));

  const test = async () => {
    const checked = validateInstance(v, `instances.${index}`);
    if (!checked.ok) return p.onErrors(checked.errors);
    setTesting(true);
    setTested(null);
    const key = connectionKey(draft);
    try {
      setTested({ key, result: await currentApi().testConnection({ instance: checked.value, password: draft.password || undefined }) });
    } catch (e) {
      setTested({ key, result: errorText(e) });
    } finally {
      setTesting(false);
    }
  };

  return (
    <li className={`card instance-editor${hasErrors ? ' has-errors' : ''}`} data-testid={`settings-instance-${v.name}`}>
      <div className="card-head">
        <span className="priority" title="Priority">
          {index + 1}
        </span>
        <div className="instance-title">
          <strong>{v.name || '(unnamed)'}</strong>
          <span className="muted small url">{v.url}</span>
        </div>
        <div className="row tight">
          <button type="button" className="icon-button" aria-label={`Move ${label} up`} disabled={index === 0} onClick={() => p.onMove(-1)}>
            ↑
          </button>
          <button type="button" className="icon-button" aria-label={`Move ${label} down`} disabled={index === p.count - 1} onClick={() => p.onMove(1)}>
            ↓
          </button>
          <button type="button" aria-expanded={draft.open} aria-label={`${draft.open ? 'Close' : 'Edit'} ${label}`} onClick={() => p.onChange({ ...draft, open: !draft.open })}>
            {draft.open ? 'Close' : 'Edit'}
          </button>
          <button type="button" className="danger" aria-label={`Remove ${label}`} onClick={p.onRemove}>
            Remove
          </button>
        </div>
      </div>
      {draft.open && (
        <div className="form-grid instance-fields">
          <Field id={id('name')} label="Name" error={err('name')}>
            <input id={id('name')} value={v.name} onChange={(e) => set({ name: e.target.value })} />
          </Field>
          <Field id={id('url')} label="WebUI URL" error={err('url')}>
            <input id={id('url')} type="url" value={v.url} placeholder="http://localhost:8080" onChange={(e) => set({ url: e.target.value })} />
          </Field>
          <Field id={id('username')} label="Username" error={err('username')}>
            <input id={id('username')} value={v.username} autoComplete="off" onChange={(e) => set({ username: e.target.value })} />
          </Field>
          <Field
            id={id('password')}
            label="Password"
            hint={
              draft.original && draft.original !== v.name && p.passwordStored
                ? 'Renamed: type the password again'
                : p.passwordStored && storedPasswordOriginLeft(draft)
                  ? `New address: the stored password belongs to ${storedPasswordOriginLeft(draft)}; type it again`
                  : undefined
            }
          >
            <input
              id={id('password')}
              type="password"
              autoComplete="new-password"
              value={draft.password}
              placeholder={p.passwordStored ? '•••• stored' : 'not set'}
              onChange={(e) => edit({ ...draft, password: e.target.value })}
            />
          </Field>
          <Check id={id('vpn')} label="Requires VPN (skip while the VPN is down)" checked={v.requiresVpn} onChange={(requiresVpn) => set({ requiresVpn })} />
          <Check id={id('paused')} label="Start torrents paused" checked={v.startPaused} onChange={(startPaused) => set({ startPaused })} />
          <Field id={id('category')} label="Category" error={err('category')}>
            <input id={id('category')} value={v.category ?? ''} onChange={(e) => set({ category: optionalText(e.target.value) })} />
          </Field>
          <Field id={id('savePath')} label="Save path" error={err('savePath')}>
            <input id={id('savePath')} value={v.savePath ?? ''} onChange={(e) => set({ savePath: optionalText(e.target.value) })} />
          </Field>
          <Field id={id('tags')} label="Tags" error={err('tags')}>
            <TagsInput id={id('tags')} value={v.tags} onChange={(tags) => set({ tags })} />
          </Field>
          <Field id={id('tls')} label="TLS" error={err('tls')}>
            <select id={id('tls')} value={v.tls.mode} onChange={(e) => set({ tls: { ...v.tls, mode: e.target.value as InstanceSettings['tls']['mode'] } })}>
              <option value="system">System certificates</option>
              <option value="pinned">Pinned certificate (SHA-256)</option>
              <option value="insecure">Accept any certificate (insecure)</option>
            </select>
          </Field>
          {v.tls.mode === 'pinned' && (
            <Field id={id('fp')} label="SHA-256 fingerprint" error={err('tls.fingerprint256')}>
              <input
                id={id('fp')}
                className="mono"
                value={v.tls.fingerprint256 ?? ''}
                placeholder="AB:CD:…"
                onChange={(e) => set({ tls: { ...v.tls, fingerprint256: optionalText(e.target.value) } })}
              />
            </Field>
          )}
          <Field id={id('connect')} label="Connect timeout (ms)" error={err('connectTimeoutMs')}>
            <input id={id('connect')} type="number" min={100} step={100} value={Number.isNaN(v.connectTimeoutMs) ? '' : v.connectTimeoutMs} onChange={(e) => set({ connectTimeoutMs: numberOf(e.target.value) })} />
          </Field>
          <Field id={id('request')} label="Request timeout (ms)" error={err('requestTimeoutMs')}>
            <input id={id('request')} type="number" min={200} step={100} value={Number.isNaN(v.requestTimeoutMs) ? '' : v.requestTimeoutMs} onChange={(e) => set({ requestTimeoutMs: numberOf(e.target.value) })} />
          </Field>
          <div className="row test-row">
            <button type="button" onClick={() => void test()} disabled={testing} aria-busy={testing}>
              {testing ? 'Testing…' : 'Test connection'}
            </button>
            {result && (
              <div className="test-result" role="status" data-testid="test-connection-result" data-status={typeof result === 'string' ? 'ERROR' : result.status}>
                {typeof result === 'string' ? (
                  <span className="error-text">{result}</span>
                ) : (
                  <>
                    <Light tone={lightTone(result.status)} label={describeStatus(result.status)} testId="test-connection-light" status={result.status} />
                    <span>
                      {describeStatus(result.status)}
                      {result.latencyMs !== null && ` · ${result.latencyMs} ms`}
                      {result.version && ` · qBittorrent ${result.version}`}
                      {result.apiVersion && ` · API ${result.apiVersion}`}
                    </span>
                    {extraErrorText(describeStatus(result.status), result.error) && (
                      <span className="error-text small" data-testid="test-connection-error">
                        {extraErrorText(describeStatus(result.status), result.error)}
                      </span>
                    )}
                  </>
                )}
              </div>
            )}
          </div>
        </div>
      )}
    </li>
  );
}
