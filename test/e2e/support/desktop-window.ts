import type { Page } from '@playwright/test';
import { API_METHODS } from '../../../shared/contract';
import { defaultDesktopPrefs, type DesktopState } from '../../../shared/desktop';

/**
 * The renderer as the Electron window runs it, in Chromium without Electron (its binary cannot
 * run here): a stand-in for the preload's `window.qbitFailover` that sends every contract method
 * to the real `serve` over its HTTP bridge (token from the page URL or its meta tag, events from
 * `/api/events`), except the desktop-only methods (`getDesktopState`, `saveDesktopPrefs`,
 * `answerAddPrompt`, `resendRecentAdd`), which the Electron main process answers and `serve`
 * has not: those answer from `desktop` kept in the page. With it the desktop-only views (the add
 * dialog `#/add-prompt`, recent adds `#/recent`, the Electron-only settings) render for real.
 * Call before navigating; it applies to every later navigation of `page`.
 */
export async function useDesktopWindow(page: Page, desktop: DesktopState): Promise<void> {
  await page.addInitScript(
    ({ methods, state }) => {
      // Where the renderer finds it (renderer/src/api/token.ts): the URL, else the page's meta tag.
      const fromUrl = new URL(location.href).searchParams.get('token');
      const token = (): string | null => fromUrl ?? document.querySelector<HTMLMetaElement>('meta[name="qbf-token"]')?.content ?? null;
      let desktop = state;
      const local: Record<string, (arg: Record<string, unknown>) => unknown> = {
        getDesktopState: () => desktop,
        saveDesktopPrefs: (arg) => {
          desktop = { ...desktop, prefs: { ...desktop.prefs, ...(arg.askBeforeAdd === undefined ? {} : { askBeforeAdd: arg.askBeforeAdd as boolean }), notifications: { ...desktop.prefs.notifications, ...(arg.notifications as object) } } };
          return desktop;
        },
        answerAddPrompt: () => {
          desktop = { ...desktop, pendingAdd: null };
          return { response: null, state: desktop };
        },
        resendRecentAdd: () => ({ results: [] }),
      };
      const api: Record<string, unknown> = {};
      for (const m of methods) {
        api[m] = async (arg: Record<string, unknown>) => {
          if (local[m]) return local[m](arg ?? {});
          const res = await fetch(`/api/${m}`, {
            method: 'POST',
            credentials: 'same-origin',
            headers: { 'Content-Type': 'application/json', ...(token() ? { 'X-QBF-Token': token()! } : {}) },
            body: JSON.stringify(arg ?? {}),
          });
          const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
          // Errors cross contextBridge as `CODE: words` (see renderer/src/api/index.ts).
          if (!res.ok) throw new Error(`${body?.error?.code ?? `HTTP_${res.status}`}: ${body?.error?.message ?? ''}`);
          return body;
        };
      }
      api.subscribe = (listener: (e: unknown) => void) => {
        const es = new EventSource('/api/events', { withCredentials: true });
        es.onmessage = (msg: MessageEvent<string>) => {
          try {
            listener(JSON.parse(msg.data));
          } catch {
            /* not an event */
          }
        };
        return () => es.close();
      };
      (window as unknown as { qbitFailover: unknown }).qbitFailover = api;
    },
    { methods: [...API_METHODS], state: desktop },
  );
}

/** A desktop state with an add waiting for the dialog and a recent add of every outcome. */
export function desktopStateWithEverything(instances: string[]): DesktopState {
  const at = new Date(Date.now() - 5 * 60_000).toISOString();
  const hash = (c: string): string => c.repeat(40);
  return {
    available: true,
    prefs: { ...defaultDesktopPrefs(), askBeforeAdd: true },
    pendingAdd: {
      id: 'p1',
      labels: ['Debian 12.7 netinst amd64', 'magnet:?xt=urn:btih:' + hash('e').slice(0, 12) + '…'],
      instances,
      defaults: { category: 'tv', savePath: '/downloads/tv', tags: ['from-browser'], paused: false },
    },
    recentAdds: [
      { id: 'r1', at, label: 'Debian 12.7 netinst amd64', resend: { kind: 'text', text: `magnet:?xt=urn:btih:${hash('a')}` }, outcome: 'placed', instance: instances[0] ?? null, detail: `placed on ${instances[0] ?? 'primary'}`, infohash: hash('a') },
      { id: 'r2', at, label: 'Fedora 40 Workstation', resend: { kind: 'text', text: `magnet:?xt=urn:btih:${hash('b')}` }, outcome: 'queued', instance: null, detail: 'queued: primary: connection refused', infohash: hash('b') },
      { id: 'r3', at, label: 'Ubuntu 24.04 desktop', resend: null, outcome: 'duplicate', instance: instances[1] ?? null, detail: `duplicate (already on ${instances[1] ?? 'secondary'})`, infohash: hash('c') },
      { id: 'r4', at, label: 'notes.txt', resend: null, outcome: 'rejected', instance: null, detail: 'rejected: notes.txt is not a .torrent file', infohash: null },
    ],
  };
}
