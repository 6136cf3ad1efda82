import type { Engine } from '../core/engine';
import type { Logger } from '../core/logger';

/** A running gateway (see `startGateway` in electron/core/gateway). */
export type GatewayHandle = Awaited<ReturnType<typeof import('../core/gateway').startGateway>>;

/** What to type into Sonarr/Radarr (Settings → Download Clients → qBittorrent) for a gateway at `url`. */
export function clientSetupLines(url: string, username: string): string[] {
  const u = new URL(url);
  return [
    `Gateway: ${url}`,
    `In Sonarr/Radarr/Prowlarr: Download Clients → + → qBittorrent — Host ${u.hostname.replace(/^\[|\]$/g, '')}, Port ${u.port}, Use SSL ${u.protocol === 'https:' ? 'on' : 'off'}, Username ${username}, Password: the gateway password.`,
  ];
}

/**
 * Starts the gateway inside a daemon (`watch`, `serve`) when settings `gateway.enabled`: prints
 * its URL, or one line saying why it did not start (the daemon keeps running). Returns the
 * handle to close, or null.
 */
export async function startGatewayIfEnabled(engine: Engine, log: Logger): Promise<GatewayHandle | null> {
  if (!engine.currentSettings().gateway.enabled) return null;
  const { startGateway } = await import('../core/gateway');
  try {
    const gw = await startGateway(engine, { logger: log });
    for (const line of clientSetupLines(gw.url, (await engine.gatewayCredentials()).username)) log.info(line);
    return gw;
  } catch (err) {
    log.error(`gateway not started: ${(err as Error).message}`);
    return null;
  }
}

