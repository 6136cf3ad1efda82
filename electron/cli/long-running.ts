import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, type Command } from 'commander';
import { createStreamLogger, type Logger } from '../core/logger';
import { resolveHome } from '../core/config/paths';
import { cliEngine } from './engine-factory';
import { isLoopbackHost } from './dashboard/auth';
import type { DashboardTls } from './dashboard/server';
import { EXIT, printErr, type Lines } from './output';
import { startGatewayIfEnabled } from './gateway-daemon';

type Print = (lines: Lines) => void;

/**
 * Last resort of the daemons (`watch`, `serve`): a promise rejection nobody handled is logged as
 * one line (code and message, no stack) and the daemon keeps running. Root causes are fixed where
 * they happen (e.g. the engine's auto-flush reports and retries); this only keeps a missed one from
 * ending the process. Node's default for an unhandled rejection is to exit.
 */
export function keepRunningOnUnhandledRejection(log: Logger): void {
  process.removeAllListeners('unhandledRejection'); // the one-shot handler of main.ts would set exit code 1
  process.on('unhandledRejection', (reason) => {
    const e = (reason ?? {}) as { code?: unknown; message?: unknown };
    const code = typeof e.code === 'string' && e.code ? `${e.code}: ` : '';
    log.error(`internal error, still running: ${code}${typeof e.message === 'string' ? e.message : String(reason)}`);
  });
}

/**
 * Resolves on SIGINT/SIGTERM; keeps the event loop alive meanwhile. The listeners stay installed
 * while the daemon stops: `signal-exit` (loaded by proper-lockfile and write-file-atomic at their
 * first lock or write) re-raises a signal when it finds no other listener, which killed `watch`
 * mid-stop (exit by SIGTERM, engine not stopped) whenever the first lock came after start-up. A
 * second signal ends the process at once (exit 1).
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  const keepAlive = setInterval(() => undefined, 1 << 30);
  return new Promise((resolve) => {
    let received = false;
    const done = (sig: NodeJS.Signals): void => {
      if (received) process.exit(EXIT.INTERNAL);
      received = true;
      clearInterval(keepAlive);
      resolve(sig);
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

/** `watch`: the headless engine — polls, auto-flushes, picks up queue-file writes; logs each change. */
export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description('run the engine headless: poll health, auto-flush on recovery, pick up magnets written to the queue file')
    .action(async () => {
      const log = createStreamLogger('info');
      keepRunningOnUnhandledRejection(log);
      const engine = await cliEngine({ verbose: true, watchQueueFile: true });
      await engine.start();
      const s = engine.snapshot();
      log.info(`watching ${s.instances.length} instance(s); queue ${s.queueFile} (${s.queue.length} queued)`);
      // Listening for the signal first: a SIGTERM while the gateway starts must still stop cleanly.
      const signal = untilSignal();
      const gateway = await startGatewayIfEnabled(engine, log);
      const sig = await signal;
      log.info(`${sig}: stopping`);
      await gateway?.close();
      await engine.stop();
      process.exitCode = EXIT.OK;
    });
}

/** Folder of the built renderer, next to the bundled CLI (`out/renderer`). */
export function rendererDir(): string {
  return fileURLToPath(new URL('../renderer/', import.meta.url));
}

/** Parses `--port`: a whole number 0–65535 (0 = any free port). @throws InvalidArgumentError (commander: exit 2). */
export function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value.trim()) || Number(value) > 65_535) {
    throw new InvalidArgumentError('--port must be a whole number from 0 to 65535 (0 = any free port).');
  }
  return Number(value);
}

/** Reads the `--tls-cert`/`--tls-key` PEM files. @throws Error naming the flag and the file. */
export function readTls(certFile: string, keyFile: string): DashboardTls {
  const read = (flag: string, file: string): Buffer => {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new Error(`cannot read ${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  return { cert: read('--tls-cert', certFile), key: read('--tls-key', keyFile) };
}

interface ServeOptions {
  port: number;
  host: string;
  allowRemote?: boolean;
  tlsCert?: string;
  tlsKey?: string;
}

/**
 * `serve`: the engine plus the dashboard (same renderer as the tray app) on loopback, or on
 * `--host` with `--allow-remote`; over HTTPS with `--tls-cert`/`--tls-key` (PEM files). Plain HTTP
 * with `--allow-remote` prints a warning: the token would cross the network in clear text.
 */
export function registerServe(program: Command, print: Print): void {
  program
    .command('serve')
    .description('run the engine with the web dashboard (binds 127.0.0.1 unless --host and --allow-remote; HTTPS with --tls-cert/--tls-key)')
    .option('--port <n>', 'port, 0-65535 (0 = any free port)', parsePort, 0)
    .option('--host <address>', 'address to bind (a non-loopback address needs --allow-remote)', '127.0.0.1')
    .option('--allow-remote', 'allow binding a non-loopback address (use --tls-cert/--tls-key, or the token travels in clear text)')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (needs --tls-key)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .action(async (o: ServeOptions, cmd: Command) => {
      if (!isLoopbackHost(o.host) && !o.allowRemote) {
        cmd.error(
          `error: refusing to serve the dashboard on non-loopback address ${o.host}: anyone on the network could reach it. ` +
            'Add --allow-remote to allow it (with --tls-cert/--tls-key so the token is not sent in clear text).',
          { exitCode: EXIT.REJECTED },
        );
      }
      if (!o.tlsCert !== !o.tlsKey) cmd.error('error: --tls-cert and --tls-key go together', { exitCode: EXIT.REJECTED });
      let tls: DashboardTls | undefined;
      try {
        tls = o.tlsCert && o.tlsKey ? readTls(o.tlsCert, o.tlsKey) : undefined;
      } catch (err) {
        cmd.error(`error: ${(err as Error).message}`, { exitCode: EXIT.REJECTED });
      }
      const staticDir = rendererDir();
      if (!fs.existsSync(`${staticDir}index.html`)) {
        printErr(`[ERROR] the dashboard is not built: run "npm run build:renderer" (looked in ${staticDir})`);
        process.exitCode = EXIT.INTERNAL;
        return;
      }
      keepRunningOnUnhandledRejection(createStreamLogger('info'));
      const engine = await cliEngine({ verbose: true, watchQueueFile: true });
      await engine.start();
      // Loaded only by `serve` (their own chunks in the bundle): other commands never load the dashboard.
      const [{ createApiBackend }, { DashboardTlsError, startDashboardServer }, tokenFile] = await Promise.all([import('../core/api'), import('./dashboard/server'), import('./dashboard/token-file')]);
      let server;
      try {
        // The token is kept in <home>/dashboard-token (0600): links and open tabs survive a restart.
        const home = resolveHome(process.env);
        const { token } = await tokenFile.loadOrCreateDashboardToken(home);
        const listen = (port: number) =>
          startDashboardServer({ backend: createApiBackend(engine), host: o.host, port, allowNonLoopback: !!o.allowRemote, staticDir, tls, token, tokenStore: tokenFile.fileTokenStore(home) });
        // No --port: the last serve's port, so bookmarks and open tabs keep working; any free port if it is taken.
        const usual = cmd.getOptionValueSource('port') === 'default' ? await tokenFile.previousDashboardPort(home, o.host) : null;
        server = usual
          ? await listen(usual).catch((e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? listen(0) : Promise.reject(e)))
          : await listen(o.port);
        await tokenFile.recordDashboardAddress(home, server.base);
      } catch (err) {
        await engine.stop();
        const e = err as NodeJS.ErrnoException;
        const why = e.code === 'EADDRINUSE' ? `port ${o.port} is in use` : e.code === 'EADDRNOTAVAIL' ? `${o.host} is not an address of this machine` : e.message;
        printErr(`[ERROR] cannot start the dashboard on ${o.host}:${o.port}: ${why}`);
        // A certificate that does not load is a bad argument (2); a busy port is operational (1).
        process.exitCode = err instanceof DashboardTlsError ? EXIT.REJECTED : EXIT.INTERNAL;
        return;
      }
      print(`Dashboard: ${server.url}`);
      if (o.allowRemote && !tls) {
        printErr('[WARN] the dashboard is served over plain HTTP with --allow-remote: its access token travels in clear text on the network. Use --tls-cert/--tls-key.');
      }
      const signal = untilSignal();
      const gateway = await startGatewayIfEnabled(engine, createStreamLogger('info'));
      const sig = await signal;
      print(`${sig}: stopping`);
      await gateway?.close();
      await server.close();
      await engine.stop();
      process.exitCode = EXIT.OK;
    });
}
