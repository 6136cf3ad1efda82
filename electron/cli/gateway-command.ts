import type { Command } from 'commander';
import { createStreamLogger } from '../core/logger';
import { cliEngine, readStdinLines, withEngine } from './engine-factory';
import { keepRunningOnUnhandledRejection, parsePort, readTls, untilSignal } from './long-running';
import { EXIT, print, printErr } from './output';
import { clientSetupLines, type GatewayHandle } from './gateway-daemon';


interface GatewayFlags {
  port?: number;
  host?: string;
  allowRemote?: boolean;
  tlsCert?: string;
  tlsKey?: string;
}

/**
 * `gateway` (the qBittorrent-compatible WebUI API in front of the engine, long-running like
 * `watch`), `gateway-password` (stdin) and `gateway-api-key [--rotate]`.
 */
export function registerGateway(program: Command): void {
  program
    .command('gateway')
    .description('serve a qBittorrent-compatible WebUI API (Sonarr, Radarr, scripts) with failover and the durable queue behind it (127.0.0.1:8089 unless --host/--port)')
    .option('--port <n>', 'port, 0-65535 (default: settings gateway.port, 8089)', parsePort)
    .option('--host <address>', 'address to bind (default: settings gateway.host, 127.0.0.1; a non-loopback one needs --allow-remote)')
    .option('--allow-remote', 'allow binding a non-loopback address (use --tls-cert/--tls-key, or passwords travel in clear text)')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (needs --tls-key)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .action(async (o: GatewayFlags, cmd: Command) => {
      if (!o.tlsCert !== !o.tlsKey) cmd.error('error: --tls-cert and --tls-key go together', { exitCode: EXIT.REJECTED });
      let tls;
      try {
        tls = o.tlsCert && o.tlsKey ? readTls(o.tlsCert, o.tlsKey) : undefined;
      } catch (err) {
        cmd.error(`error: ${(err as Error).message}`, { exitCode: EXIT.REJECTED });
      }
      const log = createStreamLogger('info');
      keepRunningOnUnhandledRejection(log);
      const engine = await cliEngine({ verbose: true, watchQueueFile: true });
      const { GatewayError, startGateway } = await import('../core/gateway');
      // The engine first: its first check tells which instances answer, so the gateway's very first
      // `torrents/info` lists their torrents (started the other way, it listed none until then).
      await engine.start();
      let gw: GatewayHandle;
      try {
        gw = await startGateway(engine, { host: o.host, port: o.port, allowRemote: o.allowRemote, tls, logger: log });
      } catch (err) {
        await engine.stop();
        printErr(`[ERROR] ${(err as Error).message}`);
        // A missing password or a refused address is the user's to fix (2); a busy port is operational (1).
        process.exitCode = err instanceof GatewayError && err.code !== 'LISTEN' ? EXIT.REJECTED : EXIT.INTERNAL;
        return;
      }
      const signal = untilSignal();
      print(clientSetupLines(gw.url, (await engine.gatewayCredentials()).username));
      if (o.allowRemote && !tls) printErr('[WARN] the gateway is served over plain HTTP with --allow-remote: its password travels in clear text on the network. Use --tls-cert/--tls-key.');
      const sig = await signal;
      print(`${sig}: stopping`);
      await gw.close();
      await engine.stop();
      process.exitCode = EXIT.OK;
    });

  program
    .command('gateway-password')
    .description("store the gateway's own password, which clients log in with (read from stdin; kept in <home>/secrets.json, mode 0600); an empty line removes it")
    .action(async () => {
      const [pw] = await readStdinLines();
      await withEngine(async (engine) => {
        await engine.setGatewayPassword(pw ?? '');
        print(pw ? `[OK] gateway password stored; clients log in as ${(await engine.gatewayCredentials()).username}` : '[OK] gateway password removed (the gateway will not start without one)');
      });
    });

  program
    .command('gateway-api-key')
    .description('show whether the gateway has an API key (Authorization: Bearer), or make a new one with --rotate (printed once)')
    .option('--rotate', 'make a new API key, replacing the old one, and print it')
    .action(async (o: { rotate?: boolean }) => {
      await withEngine(async (engine) => {
        if (o.rotate) {
          const key = await engine.rotateGatewayApiKey();
          print([key, '[OK] new gateway API key above (shown once); send it as "Authorization: Bearer <key>"']);
          return;
        }
        const s = await engine.gatewayStatus();
        print(s.hasApiKey ? '[OK] the gateway has an API key (run with --rotate to replace it; it is never shown again)' : '[NONE] no gateway API key: run `qbit-failover gateway-api-key --rotate` to make one');
      });
    });
}
