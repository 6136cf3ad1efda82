import { randomUUID } from 'node:crypto';
import type { AddOptions, ApiArgs, ApiBackend, ApiMethod, ApiResults, CallContext } from '../../../shared/contract';
import type { DesktopPrefs, DesktopState, PendingAddPrompt, RecentAdd } from '../../../shared/desktop';
import type { AddResponse } from '../../../shared/model';
import type { Settings } from '../../../shared/settings';
import type { Logger } from '../engine/types';
import { addLaunchRequest, type LaunchOutcome, type LaunchRequest } from '../launch/pending';
import type { DesktopData } from './desktop-data';
import type { AddPrompts } from './prompts';
import { pushRecent, recentFromResponse, unreadableRecent, type AddSource } from './recent';

/**
 * The API the desktop app's window and tray talk to: the engine's backend, plus the desktop-only
 * methods (`getDesktopState`, `saveDesktopPrefs`, `answerAddPrompt`, `resendRecentAdd`) answered
 * here from the desktop state, and every add made through it recorded in the recent adds. Also
 * where launch requests (browser `magnet:`, `.torrent` from the file manager, command line) go:
 * added at once (one-click, the default) or held for the add dialog when the user asked for it.
 * No Electron import: unit-tested with a real engine backend stand-in.
 */

/** Where the desktop data lives (electron-store in the app, a plain object in tests). */
export interface DesktopStoreLike {
  read(): DesktopData;
  /** Saves the given parts; returns the data now kept. */
  update(patch: Partial<DesktopData>): DesktopData;
}

/** The backend plus what the shell drives itself. */
export interface DesktopBackend extends ApiBackend {
  /** A launch request: added now, or held for the add dialog (then `onPrompt` runs) when `askBeforeAdd` is on. */
  launch(req: LaunchRequest): Promise<LaunchOutcome | null>;
  /** Current desktop state (prefs, recent adds, the prompt waiting). */
  state(): DesktopState;
}

/** One response for several (the magnets' and each file's): results in order, summaries added. */
export function mergeResponses(list: readonly AddResponse[]): AddResponse {
  const summary = { added: 0, duplicate: 0, queued: 0, rejected: 0 };
  for (const r of list) for (const k of Object.keys(summary) as (keyof typeof summary)[]) summary[k] += r.summary[k];
  return { results: list.flatMap((r) => r.results), summary };
}

/** An error with a code the wire keeps (`shared/wire-error.ts`). */
const coded = (code: string, message: string) => Object.assign(new Error(message), { code, httpStatus: 404 });

/**
 * Creates the desktop backend.
 * @param opts.engine the engine's backend (`createApiBackend`)
 * @param opts.settings current engine settings (instance names and their defaults for the dialog)
 * @param opts.onPrompt an add waits for the dialog: show the window on it
 * @param opts.onChange the desktop data changed (recent adds, prefs): refresh the tray menu
 */
export function createDesktopBackend(opts: {
  engine: ApiBackend;
  store: DesktopStoreLike;
  prompts: AddPrompts;
  settings: () => Readonly<Settings>;
  onPrompt: () => void;
  onChange: (data: DesktopData) => void;
  logger: Logger;
  now?: () => Date;
}): DesktopBackend {
  const now = opts.now ?? (() => new Date());
  const record = (items: RecentAdd[]) => {
    if (!items.length) return;
    opts.onChange(opts.store.update({ recentAdds: pushRecent(opts.store.read().recentAdds, items) }));
  };
  const recordResponse = (response: AddResponse, source: AddSource) => record(recentFromResponse(response, source, now(), randomUUID));
  const recordLaunch = (out: LaunchOutcome) =>
    record([
      ...out.sent.flatMap((s) => recentFromResponse(s.response, s.file ? { kind: 'file', path: s.file } : { kind: 'text' }, now(), randomUUID)),
      ...out.unreadable.map((u) => unreadableRecent(u.file, u.reason, now(), randomUUID())),
    ]);
  const send = async (req: LaunchRequest, options?: AddOptions): Promise<LaunchOutcome> => {
    const out = await addLaunchRequest(opts.engine, req, opts.logger, options);
    recordLaunch(out);
    return out;
  };

  const pendingAdd = (): PendingAddPrompt | null => {
    const p = opts.prompts.first();
    if (!p) return null;
    const instances = opts.settings().instances;
    const first = instances[0];
    return {
      id: p.id,
      labels: p.labels,
      instances: instances.map((i) => i.name),
      defaults: { category: first?.category ?? '', savePath: first?.savePath ?? '', tags: first?.tags ?? [], paused: first?.startPaused ?? false },
    };
  };
  const state = (): DesktopState => {
    const d = opts.store.read();
    return { available: true, prefs: d.prefs, recentAdds: d.recentAdds, pendingAdd: pendingAdd() };
  };
  const savePrefs = (patch: { askBeforeAdd?: boolean; notifications?: Partial<DesktopPrefs['notifications']> }) => {
    const prefs = opts.store.read().prefs;
    const next: DesktopPrefs = {
      askBeforeAdd: patch.askBeforeAdd ?? prefs.askBeforeAdd,
      notifications: { ...prefs.notifications, ...Object.fromEntries(Object.entries(patch.notifications ?? {}).filter(([, v]) => typeof v === 'boolean')) },
    };
    opts.onChange(opts.store.update({ prefs: next }));
  };

  type Desktop = 'getDesktopState' | 'saveDesktopPrefs' | 'answerAddPrompt' | 'resendRecentAdd';
  const desktop: { [M in Desktop]: (arg: ApiArgs[M]) => Promise<ApiResults[M]> } = {
    getDesktopState: async () => state(),
    saveDesktopPrefs: async (arg) => {
      savePrefs(arg);
      return state();
    },
    answerAddPrompt: async (arg) => {
      const prompt = opts.prompts.take(arg.id);
      if (arg.dontAskAgain) savePrefs({ askBeforeAdd: false });
      if (!prompt || !arg.add) return { response: null, state: state() };
      const out = await send(prompt.req, arg.options);
      return { response: mergeResponses(out.responses), state: state() };
    },
    resendRecentAdd: async (arg) => {
      const item = opts.store.read().recentAdds.find((r) => r.id === arg.id);
      if (!item) throw coded('NOT_FOUND', 'that recent add is no longer in the list');
      if (!item.resend) throw coded('NOT_RESENDABLE', 'a dropped .torrent file cannot be sent again: drop it again');
      if (item.resend.kind === 'text') {
        const response = await opts.engine.call('addText', { text: item.resend.text });
        recordResponse(response, { kind: 'text' });
        return response;
      }
      const out = await send({ args: { magnets: [], torrentFiles: [item.resend.path], flags: { hidden: false, show: false } }, cwd: '/' });
      if (out.unreadable.length) throw coded('UNREADABLE', `cannot read ${item.resend.path}: ${out.unreadable[0]!.reason}`);
      return mergeResponses(out.responses);
    },
  };
  const isDesktop = (m: ApiMethod): m is Desktop => Object.prototype.hasOwnProperty.call(desktop, m);

  return {
    async call<M extends ApiMethod>(method: M, arg: ApiArgs[M], ctx?: CallContext): Promise<ApiResults[M]> {
      if (isDesktop(method)) return (desktop[method] as (a: ApiArgs[M]) => Promise<ApiResults[M]>)(arg);
      const result = await opts.engine.call(method, arg, ctx);
      // Adds from the window (paste, drop, the Add view) are recent adds too.
      if (method === 'addText') recordResponse(result as AddResponse, { kind: 'text' });
      else if (method === 'addTorrentFile') recordResponse(result as AddResponse, { kind: 'bytes' });
      return result;
    },
    subscribe: (listener) => opts.engine.subscribe(listener),
    async launch(req) {
      if (req.args.magnets.length === 0 && req.args.torrentFiles.length === 0) return null;
      if (opts.store.read().prefs.askBeforeAdd) {
        opts.prompts.open(req);
        opts.onPrompt();
        return null;
      }
      return send(req);
    },
    state,
  };
}
