import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { AddOptions, QbitFailoverApi } from '../../../shared/contract';
import type { DesktopState, RecentAdd } from '../../../shared/desktop';
import { NOTICE_KINDS, type NoticeKind } from '../../../shared/notices';
import { errorText } from '../api';
import { useApp } from '../store/app-store';
import { Check } from '../components/Field';
import { TagsInput } from '../components/TagsInput';

/**
 * The desktop app's own panels, over the tabs (Electron window only; the dashboard has no desktop
 * state): the add dialog (`#/add-prompt`, opened by the shell when a magnet or `.torrent` comes
 * from the browser and "Ask before adding" is on) and the recent adds with the desktop choices
 * (`#/recent`, the tray's "Show recent adds" and the header link). Both talk to the main process
 * through the contract's desktop methods.
 */

/** Words of each notification kind (the desktop choices). */
const KIND_WORDS: Record<NoticeKind, string> = {
  added: 'Magnets added (bursts merged)',
  queued: 'Magnets queued',
  flushed: 'Queue flushed',
  failover: 'Failover to another instance',
  instance: 'An instance went down or came back',
  vpn: 'VPN down / back up',
  finished: 'A download I added finished',
};

type Panel = 'add-prompt' | 'recent' | null;
const panelFromHash = (hash: string): Panel => (hash === '#/add-prompt' ? 'add-prompt' : hash === '#/recent' ? 'recent' : null);

/** The preload's API, present only in the Electron window. */
function desktopApi(): QbitFailoverApi | null {
  return typeof window !== 'undefined' && window.qbitFailover ? window.qbitFailover : null;
}

/** True in the Electron window (the header shows the "Recent adds" link). */
export function isDesktopWindow(): boolean {
  return desktopApi() !== null;
}

/** Mounted once by App: shows the panel the location hash names. */
export function DesktopPanels() {
  const [panel, setPanel] = useState<Panel>(() => panelFromHash(location.hash));
  useEffect(() => {
    const onHash = () => setPanel(panelFromHash(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const api = desktopApi();
  if (!api || !panel) return null;
  const close = () => {
    history.replaceState(null, '', '#/status');
    setPanel(null);
  };
  return panel === 'add-prompt' ? <AddPromptDialog api={api} onClose={close} /> : <RecentAddsPanel api={api} onClose={close} />;
}

/** The add dialog: what is about to be added, the options, which instance, "don't ask again". */
function AddPromptDialog(props: { api: QbitFailoverApi; onClose(): void }) {
  const toast = useApp((s) => s.toast);
  const [state, setState] = useState<DesktopState | null>(null);
  const [options, setOptions] = useState<AddOptions>({});
  const [dontAsk, setDontAsk] = useState(false);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLSelectElement>(null);
  const prompt = state?.pendingAdd ?? null;

  const load = useCallback(async () => {
    const s = await props.api.getDesktopState({});
    setState(s);
    const d = s.pendingAdd?.defaults;
    setOptions(d ? { category: d.category, savePath: d.savePath, tags: d.tags, paused: d.paused } : {});
  }, [props.api]);
  useEffect(() => {
    load().catch((err: unknown) => toast(`Loading the add dialog failed: ${errorText(err)}`, 'error'));
  }, [load, toast]);
  useEffect(() => first.current?.focus(), [prompt?.id]);

  const answer = async (add: boolean) => {
    if (!prompt) return props.onClose();
    setBusy(true);
    try {
      // Empty fields mean "the instance's own setting", as in the Add view.
      const chosen: AddOptions = {
        category: options.category?.trim() || undefined,
        savePath: options.savePath?.trim() || undefined,
        tags: options.tags?.length ? options.tags : undefined,
        paused: options.paused,
        instance: options.instance || undefined,
      };
      const r = await props.api.answerAddPrompt({ id: prompt.id, add, options: chosen, dontAskAgain: dontAsk });
      if (r.response) {
        const s = r.response.summary;
        const where = chosen.instance ? ` (asked for ${chosen.instance}${s.queued ? '; it is not reachable, so the rest waits in the queue for it' : ''})` : '';
        toast(`${s.added} added, ${s.duplicate} already there, ${s.queued} queued, ${s.rejected} rejected${where}`);
      }
      if (r.state.pendingAdd) await load();
      else props.onClose();
    } catch (err) {
      toast(`Add failed: ${errorText(err)}`, 'error');
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void answer(true);
  };

  return (
    <div className="overlay" data-testid="add-prompt">
      <form className="card dialog stack" role="dialog" aria-modal="true" aria-labelledby="add-prompt-title" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && void answer(false)}>
        <h2 id="add-prompt-title" className="section-title">
          Add {prompt ? (prompt.labels.length === 1 ? 'this torrent' : `${prompt.labels.length} torrents`) : ''}
        </h2>
        {!state ? (
          <p className="muted">Loading…</p>
        ) : !prompt ? (
          <p className="muted">Nothing is waiting to be added.</p>
        ) : (
          <>
            <ul className="list tight-stack" aria-label="Name">
              {prompt.labels.map((l, i) => (
                <li key={i} className="queue-name" title={l}>
                  {l}
                </li>
              ))}
            </ul>
            <div className="form-grid">
              <label htmlFor="ap-instance">Instance</label>
              <select ref={first} id="ap-instance" value={options.instance ?? ''} onChange={(e) => setOptions({ ...options, instance: e.target.value || undefined })}>
                <option value="">Automatic (failover order)</option>
                {prompt.instances.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
              <label htmlFor="ap-category">Category</label>
              <input id="ap-category" value={options.category ?? ''} onChange={(e) => setOptions({ ...options, category: e.target.value })} />
              <label htmlFor="ap-save">Save path</label>
              <input id="ap-save" value={options.savePath ?? ''} onChange={(e) => setOptions({ ...options, savePath: e.target.value })} />
              <label htmlFor="ap-tags">Tags</label>
              <TagsInput id="ap-tags" value={options.tags ?? []} onChange={(tags) => setOptions({ ...options, tags })} />
              <Check id="ap-paused" label="Start stopped" checked={options.paused === true} onChange={(paused) => setOptions({ ...options, paused })} />
            </div>
            {options.instance && <p className="muted small">If {options.instance} is not reachable, it waits in the queue for {options.instance}.</p>}
          </>
        )}
        <Check id="ap-dont-ask" label="Don't ask again (add links from the browser at once)" checked={dontAsk} onChange={setDontAsk} />
        <div className="row">
          <button type="submit" className="primary" disabled={busy || !prompt}>
            {busy ? 'Adding…' : 'Add'}
          </button>
          <button type="button" onClick={() => void answer(false)} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}

const OUTCOME_TONE: Record<RecentAdd['outcome'], string> = { placed: 'tone-ok', queued: 'tone-warn', duplicate: 'tone-off', rejected: 'tone-bad' };

/** The last 50 adds with their outcome and "Send again", and the desktop choices (add dialog, notifications). */
function RecentAddsPanel(props: { api: QbitFailoverApi; onClose(): void }) {
  const toast = useApp((s) => s.toast);
  const [state, setState] = useState<DesktopState | null>(null);
  const load = useCallback(() => props.api.getDesktopState({}).then(setState), [props.api]);
  useEffect(() => {
    load().catch((err: unknown) => toast(`Loading recent adds failed: ${errorText(err)}`, 'error'));
  }, [load, toast]);
  const run = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      await load();
    } catch (err) {
      toast(`${what} failed: ${errorText(err)}`, 'error');
    }
  };
  return (
    <div className="overlay" data-testid="recent-adds">
      <section className="card dialog stack" role="dialog" aria-modal="true" aria-labelledby="recent-title" onKeyDown={(e) => e.key === 'Escape' && props.onClose()}>
        <div className="row">
          <h2 id="recent-title" className="section-title">
            Recent adds
          </h2>
          <button type="button" className="push-right" onClick={props.onClose} autoFocus>
            Close
          </button>
        </div>
        {state && state.recentAdds.length === 0 && <p className="muted">Nothing added yet.</p>}
        <ul className="list recent-list">
          {state?.recentAdds.map((r) => (
            <li key={r.id} className="card row" data-testid="recent-add" data-outcome={r.outcome}>
              <span className="queue-name" title={r.label}>
                {r.label}
              </span>
              <span className={`small ${OUTCOME_TONE[r.outcome]}`}>{r.detail}</span>
              <button
                type="button"
                className="push-right"
                disabled={!r.resend}
                title={r.resend ? 'Send it again' : 'A dropped file is not kept: drop it again'}
                onClick={() => void run('Send again', async () => {
                  const res = await props.api.resendRecentAdd({ id: r.id });
                  const s = res.summary;
                  toast(`${s.added} added, ${s.duplicate} already there, ${s.queued} queued, ${s.rejected} rejected`);
                })}
              >
                Send again
              </button>
            </li>
          ))}
        </ul>
        {state && (
          <div className="stack tight-stack">
            <h3 className="section-title">Desktop choices</h3>
            <Check
              id="dp-ask"
              label="Ask before adding a magnet or .torrent from the browser (name, category, save path, tags, instance)"
              checked={state.prefs.askBeforeAdd}
              onChange={(askBeforeAdd) => void run('Saving', () => props.api.saveDesktopPrefs({ askBeforeAdd }))}
            />
            {NOTICE_KINDS.map((k) => (
              <Check
                key={k}
                id={`dp-n-${k}`}
                label={`Notify: ${KIND_WORDS[k]}`}
                checked={state.prefs.notifications[k]}
                onChange={(on) => void run('Saving', () => props.api.saveDesktopPrefs({ notifications: { [k]: on } }))}
              />
            ))}
          </div>
        )}
      </section>
    </div>
  );
}
