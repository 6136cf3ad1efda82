import type { Settings } from '../../../shared/settings';
import type { Engine } from '../engine';
import type { Logger } from '../logger';
import type { GatewayEngine } from './backends';
import { NO_GATEWAY_PASSWORD } from './credentials';
import { servedByAnotherGateway } from './peer-probe';
import { CREDENTIALS_REFRESH_MS, GatewayError, startGateway, type GatewayHandle } from './server';

/** The engine as the runner uses it: the gateway's methods and where it records why a start failed. */
export type GatewayRunnerEngine = GatewayEngine & Pick<Engine, 'noteGatewayProblem'>;

/**
 * Why the gateway run from the settings did not start, in words with the fix, for the dashboard's
 * Status → gateway card (`GatewayStatusView.problem`): e.g. "port 8089 is in use by another
 * program — choose another port in Settings, or stop the other program". Null for a missing
 * password (the card says that from `hasPassword`). `gateway` is the settings it was started with.
 */
export function gatewayProblemText(err: unknown, gateway: Settings['gateway']): string | null {
  const { host, port } = gateway;
  if (!(err instanceof GatewayError)) return `the gateway could not start: ${(err as Error).message}`;
  if (err.code === 'NO_PASSWORD') return null;
  if (err.code === 'REMOTE_NOT_ALLOWED') {
    return `${host} is a network address, and the gateway started from the settings serves only this machine — set its address to 127.0.0.1 in Settings, or serve it on the network with \`qbit-failover gateway --allow-remote --tls-cert <file> --tls-key <file>\``;
  }
  if (err.code === 'TLS') return `${err.message} — check the certificate and key files`;
  const errno = (err.cause as NodeJS.ErrnoException | undefined)?.code;
  if (errno === 'EADDRINUSE') return `port ${port} is in use by another program — choose another port in Settings, or stop the other program (the gateway then starts within seconds)`;
  if (errno === 'EADDRNOTAVAIL') return `${host} is not an address of this machine — set the gateway's address in Settings to 127.0.0.1 or to an address of this machine`;
  if (errno === 'ENOTFOUND' || errno === 'EAI_AGAIN') return `${host} is not a name this machine can look up — set the gateway's address in Settings to 127.0.0.1 or to an address of this machine`;
  if (errno === 'EACCES') return `port ${port} may only be used by the administrator on this system — choose a port from 1024 up in Settings`;
  return `${err.message} — check the gateway's address and port in Settings`;
}

/**
 * The status text when the gateway's port is held by another qbit-failover gateway (found by
 * `servedByAnotherGateway`, ./peer-probe.ts): not an error — Sonarr is served there. Shown with
 * `GatewayStatusView.servedElsewhere`.
 */
export function servedElsewhereText(port: number): string {
  return `served by another qbit-failover process on this machine (port ${port}) — Sonarr and the other clients reach it there; this one starts its own if you choose another port in Settings, or when restarted after that process stops`;
}

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
 * A gateway that cannot start is logged (one line) and the host process keeps running; the reason
 * goes to `engine.noteGatewayProblem` (for the dashboard, {@link gatewayProblemText}), cleared when
 * a start succeeds, the gateway is disabled or the runner stops. One that could not listen (the
 * port in use, the address not here) is tried again every {@link CREDENTIALS_REFRESH_MS}, so it
 * starts once the other program frees the port; the log gets a line only when the reason changes.
 * Except when the port is held by another qbit-failover gateway (the user's `qbit-failover
 * gateway`, or `watch` and the tray app both following the same settings; asked with
 * `servedByAnotherGateway`): then the status says it is served there (`servedElsewhere`, not an
 * error), the log gets one info line, and it is NOT tried again — a retry would take the port in
 * the moment the user restarts that gateway (say with `--allow-remote`) and replace it with a
 * loopback-only one. It starts on a settings change (another port) or a new password.
 * `onStarted` gets each new URL (to print what to type into Sonarr).
 */
export function runGatewayFromSettings(engine: GatewayRunnerEngine, logger: Logger, onStarted?: (url: string) => void): GatewayRunner {
  let handle: GatewayHandle | null = null;
  /** The gateway settings the running (or refused) gateway was started with; '' = not enabled. */
  let applied = '';
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;
  /** Why the last start failed for want of a free port or address (tried again while set), or null. */
  let listenProblem: string | null = null;
  /** The last "not started" line logged, so a start tried again and failing alike is not logged again. */
  let lastLogged = '';
  const noteProblem = (problem: string | null, servedElsewhere = false): void => {
    engine.noteGatewayProblem(problem, servedElsewhere);
  };

  const apply = (settings: Readonly<Settings>, retry = false): void => {
    chain = chain
      .then(async () => {
        if (stopped) return;
        const g = settings.gateway;
        const wanted = g.enabled ? JSON.stringify(g) : '';
        if (wanted === applied && handle && retry && !(await engine.gatewayCredentials()).password) {
          await handle.close();
          handle = null;
          noteProblem(null);
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
        if (!wanted) {
          listenProblem = null;
          lastLogged = '';
          noteProblem(null);
          return;
        }
        try {
          handle = await startGateway(engine, { logger });
          listenProblem = null;
          lastLogged = '';
          noteProblem(null);
          if (onStarted) onStarted(handle.url);
          else logger.info(`gateway listening on ${handle.url}`);
        } catch (err) {
          const errno = err instanceof GatewayError && err.code === 'LISTEN' ? (err.cause as NodeJS.ErrnoException | undefined)?.code : undefined;
          if (errno === 'EADDRINUSE' && (await servedByAnotherGateway(g.host, g.port))) {
            // Sonarr is served by the other process: say so, and leave the port to it (no retry).
            const problem = servedElsewhereText(g.port);
            const line = `gateway not started here: port ${g.port} is served by another qbit-failover process on this machine (Sonarr and the other clients reach it there)`;
            if (line !== lastLogged) logger.info(line);
            lastLogged = line;
            noteProblem(problem, true);
            listenProblem = null;
            return;
          }
          const line = `gateway not started: ${(err as Error).message}`;
          if (line !== lastLogged) logger.error(line);
          lastLogged = line;
          const problem = gatewayProblemText(err, settings.gateway);
          noteProblem(problem);
          // The port may come free (the other program stops), the address may come up (an
          // interface): the watch below tries again. Not a name that does not resolve (no DNS every 5 s).
          listenProblem = errno === 'EADDRINUSE' || errno === 'EADDRNOTAVAIL' ? problem : null;
          // A password set later by another process (`qbit-failover gateway-password`) is picked up here.
          if (err instanceof GatewayError && err.code === 'NO_PASSWORD') waitForPassword();
        }
      })
      .catch((err: Error) => logger.error(`gateway: ${err.message}`));
  };

  let retry: NodeJS.Timeout | null = null;
  // While running: notice a password removed by another process (`qbit-failover gateway-password`).
  // While it could not listen: try again (the port or address may have come free).
  const watch = setInterval(() => {
    if (handle || listenProblem) apply(engine.currentSettings(), true);
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
      noteProblem(null);
    },
  };
}
