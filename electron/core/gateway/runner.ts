import type { Settings } from '../../../shared/settings';
import type { Logger } from '../logger';
import type { GatewayEngine } from './backends';
import { NO_GATEWAY_PASSWORD } from './credentials';
import { CREDENTIALS_REFRESH_MS, GatewayError, startGateway, type GatewayHandle } from './server';

/** A gateway that follows the settings (see {@link runGatewayFromSettings}). */
export interface GatewayRunner {
  /** The running gateway's URL, or null. */
  url(): string | null;
  /** Stops following the settings and closes the gateway. */
  stop(): Promise<void>;
}

/**
 * Runs the gateway while settings `gateway.enabled` (the daemons `watch` and `serve`, the tray
 * app): starts it now when enabled, restarts it when its host, port or username change, stops it
 * when disabled, and starts it once a password is set if it could not start for want of one. A
 * password removed while it runs (here or by another process) closes it — the old password and
 * sessions must not keep working — until a new one is set.
 * A gateway that cannot start is logged (one line) and the host process keeps running.
 * `onStarted` gets each new URL (to print what to type into Sonarr).
 */
export function runGatewayFromSettings(engine: GatewayEngine, logger: Logger, onStarted?: (url: string) => void): GatewayRunner {
  let handle: GatewayHandle | null = null;
  /** The gateway settings the running (or refused) gateway was started with; '' = not enabled. */
  let applied = '';
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;

  const apply = (settings: Readonly<Settings>, retry = false): void => {
    chain = chain
      .then(async () => {
        if (stopped) return;
        const g = settings.gateway;
        const wanted = g.enabled ? JSON.stringify(g) : '';
        if (wanted === applied && handle && retry && !(await engine.gatewayCredentials()).password) {
          await handle.close();
          handle = null;
          logger.warn(`gateway stopped: ${NO_GATEWAY_PASSWORD}`);
          waitForPassword();
          return;
        }
        if (wanted === applied && !(retry && !handle && wanted)) return;
        applied = wanted;
        if (handle) {
          await handle.close();
          handle = null;
        }
        if (!wanted) return;
        try {
          handle = await startGateway(engine, { logger });
          if (onStarted) onStarted(handle.url);
          else logger.info(`gateway listening on ${handle.url}`);
        } catch (err) {
          logger.error(`gateway not started: ${(err as Error).message}`);
          // A password set later by another process (`qbit-failover gateway-password`) is picked up here.
          if (err instanceof GatewayError && err.code === 'NO_PASSWORD') waitForPassword();
        }
      })
      .catch((err: Error) => logger.error(`gateway: ${err.message}`));
  };

  let retry: NodeJS.Timeout | null = null;
  // While running: notice a password removed by another process (`qbit-failover gateway-password`).
  const watch = setInterval(() => {
    if (handle) apply(engine.currentSettings(), true);
  }, CREDENTIALS_REFRESH_MS);
  watch.unref();
  /** Checks the secret store every {@link CREDENTIALS_REFRESH_MS} until a password is there, then starts. */
  const waitForPassword = (): void => {
    if (retry || stopped) return;
    retry = setInterval(() => {
      void engine.gatewayCredentials().then((c) => {
        if (!c.password || stopped) return;
        if (retry) clearInterval(retry);
        retry = null;
        apply(engine.currentSettings(), true);
      }, () => undefined);
    }, CREDENTIALS_REFRESH_MS);
    retry.unref();
  };

  const onSettings = (s: Readonly<Settings>): void => apply(s);
  const onCredentials = (): void => apply(engine.currentSettings(), true);
  engine.on('settings', onSettings);
  engine.on('gatewayCredentials', onCredentials);
  apply(engine.currentSettings());
  return {
    url: () => handle?.url ?? null,
    stop: async () => {
      stopped = true;
      if (retry) clearInterval(retry);
      clearInterval(watch);
      engine.off('settings', onSettings);
      engine.off('gatewayCredentials', onCredentials);
      await chain;
      await handle?.close();
      handle = null;
    },
  };
}
