import { useCallback, useEffect, useState } from 'react';
import type { GatewayStatusView } from '../../../shared/contract';
import { gatewaySetupText } from '../../../shared/gateway-setup';
import { errorText } from '../api';
import { currentApi, useApp } from '../store/app-store';

/** How often the status is fetched again while the gateway is enabled but not listening yet, ms. */
const WAITING_POLL_MS = 2_000;

/**
 * The gateway's status (on/off, URL while it listens, username, whether a password and an API key
 * are set — never their values), fetched when a view mounts and again after settings change.
 * `refresh()` fetches it now (after setting the password or rotating the key).
 */
export function useGatewayStatus(): { status: GatewayStatusView | null; error: string | null; refresh(): Promise<void> } {
  const settingsView = useApp((s) => s.settingsView);
  const [status, setStatus] = useState<GatewayStatusView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(async () => {
    try {
      setStatus(await currentApi().getGatewayStatus({}));
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  }, []);
  useEffect(() => {
    void refresh();
    // A saved change (on/off, address, port) restarts the gateway a moment later: look again then.
    const t = setTimeout(() => void refresh(), 1_000);
    return () => clearTimeout(t);
  }, [refresh, settingsView]);
  // Enabled but not listening yet (a saved change restarts it a moment later; a password set in
  // another process is picked up within seconds; a port in use is tried again every 5 s, and
  // `problem` says why meanwhile): look again until it listens.
  const waiting = !!status && status.enabled && !status.url;
  useEffect(() => {
    if (!waiting) return;
    const t = setInterval(() => void refresh(), WAITING_POLL_MS);
    return () => clearInterval(t);
  }, [refresh, waiting]);
  return { status, error, refresh };
}

/**
 * What to copy for Sonarr/Radarr/Prowlarr: the gateway's URL and the fields of their qBittorrent
 * download client (shared/gateway-setup.ts, the same words as the CLI). While the gateway is not
 * listening here, the URL is the one the settings give.
 */
export function clientSetupText(g: Pick<GatewayStatusView, 'host' | 'port' | 'username' | 'url'>): string {
  const host = g.host.includes(':') ? `[${g.host}]` : g.host;
  const url = g.url ?? `http://${host}:${g.port}`;
  return `Gateway: ${url}\n${gatewaySetupText(url, g.username)}`;
}

/** Copies text to the clipboard; false when the browser refuses (the caller then shows the text to select). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
