import type { Engine } from '../core/engine';
import type { Logger } from '../core/logger';
import { gatewaySetupText } from '../../shared/gateway-setup';

/** A running gateway (see `startGateway` in electron/core/gateway). */
export type GatewayHandle = Awaited<ReturnType<typeof import('../core/gateway').startGateway>>;

/** What to type into Sonarr/Radarr (Settings → Download Clients → qBittorrent) for a gateway at `url`. */
export function clientSetupLines(url: string, username: string): string[] {
  return [`Gateway: ${url}`, gatewaySetupText(url, username)];
}

/**
 * The gateway inside a daemon (`watch`, `serve`): runs while settings `gateway.enabled` (and
 * follows changes to them), logging its URL and what to type into Sonarr, or one line saying why
 * it did not start — the daemon keeps running. Returns the function that stops it.
 */
export async function startGatewayIfEnabled(engine: Engine, log: Logger): Promise<{ close(): Promise<void> }> {
  const { runGatewayFromSettings } = await import('../core/gateway');
  const runner = runGatewayFromSettings(engine, log, (url) => {
    void engine.gatewayCredentials().then((c) => {
      for (const line of clientSetupLines(url, c.username)) log.info(line);
    }, () => undefined);
  });
  return { close: () => runner.stop() };
}
