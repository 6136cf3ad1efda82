import { useEffect, useMemo, useState } from 'react';
import type { RoutingPolicy, Settings } from '../../../shared/settings';
import { errorText } from '../api';
import { Check, Field } from '../components/Field';
import {
  commandFromText,
  commandLineText,
  draftOf,
  mergeFieldErrors,
  newInstance,
  numberOf,
  optionalText,
  serverFieldError,
  validateSettings,
  type DraftInstance,
  type FieldErrors,
} from '../lib/settings-form';
import { currentDashboard, useApp } from '../store/app-store';
import { InstanceEditor } from './InstanceEditor';
import { DashboardSettings } from '../components/DashboardSettings';
import { GatewaySettings } from './GatewaySettings';

type ProbeMode = 'none' | 'ping' | 'interface';

/** Settings: instances in priority order, VPN probe, polling, routing, queue file, desktop switches. */
export function SettingsView() {
  const view = useApp((s) => s.settingsView);
  const transport = useApp((s) => s.transport);
  const dashboard = currentDashboard();
  const save = useApp((s) => s.saveSettings);
  const [base, setBase] = useState<Settings | null>(null);
  const [instances, setInstances] = useState<DraftInstance[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  /** The reconnect command line as typed (null = untouched); split into argv when valid. */
  const [commandText, setCommandText] = useState<string | null>(null);

  const reset = () => {
    if (!view) return;
    const loaded = view.settings.instances.map((i) => draftOf(i));
    if (useApp.getState().wantNewInstance) {
      // Came from the first-run card on Status: start with a prefilled instance, open.
      useApp.setState({ wantNewInstance: false });
      loaded.push(draftOf(newInstance(loaded.map((d) => d.value.name)), true));
    }
    setBase(view.settings);
    setInstances(loaded);
    setErrors({});
    setCommandText(null);
  };
  useEffect(reset, [view]);

  const draft = useMemo<Settings | null>(() => (base ? { ...base, instances: instances.map((d) => d.value) } : null), [base, instances]);
  const dirty = !!view && !!draft && (JSON.stringify(draft) !== JSON.stringify(view.settings) || instances.some((d) => d.password));
  if (!view || !draft || !base) return <p className="muted">Loading settings…</p>;

  const patch = (p: Partial<Settings>) => setBase({ ...base, ...p });
  const addInstance = () => setInstances([...instances, draftOf(newInstance(instances.map((d) => d.value.name)), true)]);
  const move = (i: number, delta: -1 | 1) => {
    const next = [...instances];
    const [item] = next.splice(i, 1);
    next.splice(i + delta, 0, item!);
    setInstances(next);
    setErrors({});
  };
  const probe: ProbeMode = draft.vpn.check === 'none' ? 'none' : draft.vpn.check === 'ping' ? 'ping' : 'interface';
  const ifaceName = probe === 'interface' ? draft.vpn.check.slice('interface:'.length) : '';

  const onSave = async () => {
    const command = commandText === null ? null : commandFromText(commandText);
    if (command && !command.ok) {
      setErrors({ 'vpn.reconnectCommand': command.error });
      return;
    }
    const checked = validateSettings(draft);
    if (!checked.ok) {
      setErrors(checked.errors);
      setInstances(instances.map((d, i) => (Object.keys(checked.errors).some((k) => k.startsWith(`instances.${i}.`)) ? { ...d, open: true } : d)));
      return;
    }
    setSaving(true);
    try {
      const passwords = Object.fromEntries(instances.filter((d) => d.password).map((d) => [d.value.name.trim(), d.password]));
      await save(checked.value, passwords);
    } catch (e) {
      const code = (e as { code?: string }).code;
      setErrors(code === 'INVALID_ARGUMENT' ? serverFieldError((e as Error).message) : { _form: errorText(e) });
    } finally {
      setSaving(false);
    }
  };
  const errorCount = Object.keys(errors).length;

  return (
    <form
      className="stack settings"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void onSave();
      }}
    >
      <section className="stack" aria-labelledby="h-instances">
        <h2 className="section-title" id="h-instances">
          Instances <span className="muted small">(first usable one gets the adds)</span>
        </h2>
        {errors.instances && <p className="error-text small">{errors.instances}</p>}
        {instances.length === 0 ? (
          <div className="card first-run" data-testid="first-run">
            <h3>Add your first qBittorrent instance</h3>
            <p className="muted">Starts with qBittorrent's defaults: http://localhost:8080, user admin.</p>
            <button type="button" className="primary" onClick={addInstance}>
              Add an instance
            </button>
          </div>
        ) : (
          <ol className="list">
            {instances.map((d, i) => (
              <InstanceEditor
                key={d.key}
                draft={d}
                index={i}
                count={instances.length}
                passwordStored={!!d.original && view.passwordsSet.includes(d.original)}
                errors={errors}
                onChange={(next) => setInstances(instances.map((x) => (x.key === d.key ? next : x)))}
                onMove={(delta) => move(i, delta)}
                onRemove={() => {
                  setInstances(instances.filter((x) => x.key !== d.key));
                  setErrors({});
                }}
                onErrors={(e) => setErrors(mergeFieldErrors(errors, e))}
              />
            ))}
          </ol>
        )}
        {instances.length > 0 && (
          <button type="button" className="align-start" onClick={addInstance}>
            Add instance
          </button>
        )}
      </section>

      <section className="card form-grid" aria-labelledby="h-vpn">
        <h2 className="section-title" id="h-vpn">
          VPN
        </h2>
        <Field id="vpn-probe" label="VPN probe" error={errors['vpn.check']}>
          <select
            id="vpn-probe"
            value={probe}
            onChange={(e) => {
              const m = e.target.value as ProbeMode;
              patch({ vpn: { ...draft.vpn, check: m === 'interface' ? `interface:${ifaceName || 'wg0'}` : m } });
            }}
          >
            <option value="none">None</option>
            <option value="ping">Ping a gateway</option>
            <option value="interface">Network interface is up</option>
          </select>
        </Field>
        {probe === 'ping' && (
          <Field id="vpn-gateway" label="Gateway" error={errors['vpn.gateway']}>
            <input id="vpn-gateway" value={draft.vpn.gateway} onChange={(e) => patch({ vpn: { ...draft.vpn, gateway: e.target.value } })} />
          </Field>
        )}
        {probe === 'interface' && (
          <Field id="vpn-iface" label="Interface name" error={errors['vpn.check']}>
            <input id="vpn-iface" value={ifaceName} placeholder="wg0" onChange={(e) => patch({ vpn: { ...draft.vpn, check: `interface:${e.target.value.trim()}` } })} />
          </Field>
        )}
        {transport === 'electron' ? (
          <Field
            id="vpn-reconnect"
            label="Reconnect command"
            error={errors['vpn.reconnectCommand']}
            hint="Run when the VPN goes down, e.g. wg-quick up wg0 — started directly, not through a shell (quotes group words; no &&, pipes or $VARS)"
          >
            <input
              id="vpn-reconnect"
              className="mono"
              value={commandText ?? commandLineText(draft.vpn.reconnectCommand)}
              onChange={(e) => {
                setCommandText(e.target.value);
                const r = commandFromText(e.target.value);
                if (r.ok) patch({ vpn: { ...draft.vpn, reconnectCommand: r.value } });
              }}
            />
          </Field>
        ) : (
          // The dashboard cannot change commands (they run as the user): shown read-only.
          <Field id="vpn-reconnect" label="Reconnect command" hint="Set in config.json or the desktop app's settings; the dashboard cannot change it">
            <input id="vpn-reconnect" className="mono" readOnly value={commandLineText(draft.vpn.reconnectCommand) || '(none)'} />
          </Field>
        )}
      </section>

      <section className="card form-grid" aria-labelledby="h-engine">
        <h2 className="section-title" id="h-engine">
          Monitoring and routing
        </h2>
        <Field id="poll" label="Poll interval (seconds)" error={errors.pollIntervalMs}>
          <input
            id="poll"
            type="number"
            min={1}
            step={1}
            value={Number.isNaN(draft.pollIntervalMs) ? '' : draft.pollIntervalMs / 1000}
            onChange={(e) => patch({ pollIntervalMs: Math.round(numberOf(e.target.value) * 1000) })}
          />
        </Field>
        <Field id="routing" label="Routing policy" error={errors.routing}>
          <select id="routing" value={draft.routing} onChange={(e) => patch({ routing: e.target.value as RoutingPolicy })}>
            <option value="priority">Priority (first usable)</option>
            <option value="round-robin">Round robin</option>
            <option value="least-loaded">Least loaded</option>
          </select>
        </Field>
        <Field id="queue-file" label="Queue file" error={errors.queueFile}>
          <input id="queue-file" className="mono" value={draft.queueFile ?? ''} placeholder={view.paths.queueFile} onChange={(e) => patch({ queueFile: optionalText(e.target.value) })} />
        </Field>
      </section>

      <GatewaySettings value={draft.gateway} errors={errors} onChange={(gateway) => patch({ gateway })} />

      {/* Only the desktop app can honour these (login item, magnet: handler, tray window); the dashboard has its own. */}
      {transport === 'electron' && (
        <section className="card stack" aria-labelledby="h-desktop">
          <h2 className="section-title" id="h-desktop">
            Desktop app
          </h2>
          <Check id="ui-magnet" label="Open magnet links with qBit Failover" checked={draft.ui.magnetHandler} onChange={(magnetHandler) => patch({ ui: { ...draft.ui, magnetHandler } })} />
          <Check id="ui-login" label="Start at login" checked={draft.ui.startAtLogin} onChange={(startAtLogin) => patch({ ui: { ...draft.ui, startAtLogin } })} />
          <Check id="ui-pin" label="Keep the window open (pin)" checked={draft.ui.pinWindow} onChange={(pinWindow) => patch({ ui: { ...draft.ui, pinWindow } })} />
          <fieldset className="stack tight-stack">
            <legend>Notify me when</legend>
            {(
              [
                ['failover', 'an add fails over to another instance'],
                ['queued', 'something is queued'],
                ['flushed', 'the queue is flushed'],
                ['vpn', 'the VPN goes down or comes back'],
              ] as const
            ).map(([k, text]) => (
              <Check
                key={k}
                id={`notify-${k}`}
                label={text}
                checked={draft.ui.notifications[k]}
                onChange={(on) => patch({ ui: { ...draft.ui, notifications: { ...draft.ui.notifications, [k]: on } } })}
              />
            ))}
          </fieldset>
        </section>
      )}
      {transport === 'http' && dashboard && <DashboardSettings rotateToken={dashboard.rotateToken} currentToken={dashboard.currentToken} />}

      <div className="save-bar">
        {errorCount > 0 ? (
          <span className="error-text small" role="alert" data-testid="settings-errors">
            {errors._form ?? `${errorCount} field${errorCount === 1 ? '' : 's'} to fix`}
          </span>
        ) : (
          <span className="muted small">{dirty ? 'Unsaved changes' : 'Saved'}</span>
        )}
        <button type="button" onClick={reset} disabled={!dirty || saving}>
          Revert
        </button>
        <button type="submit" className="primary" disabled={saving} aria-busy={saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
