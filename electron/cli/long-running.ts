import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { createApiBackend } from '../core/api';
import { createStreamLogger } from '../core/logger';
import { cliEngine, withEngine } from './engine-factory';
import { startDashboardServer } from './dashboard-server';
import { EXIT } from './output';

type Print = (lines: string[] | string) => void;

/** `torrents list|pause|resume|delete --instance <name> [<infohash>...]`. */
export function registerTorrents(program: Command, print: Print): void {
  program
    .command('torrents')
    .description('list, pause, resume or delete torrents on one instance')
    .argument('<action>', 'list | pause | resume | delete')
    .argument('[infohash...]', 'torrents to act on (pause/resume/delete need at least one, or --all)')
    .requiredOption('--instance <name>', 'instance name')
    .option('--all', 'act on every torrent')
    .option('--delete-files', 'with delete: remove downloaded data too')
    .option('--json', 'print JSON (list)')
    .action(async (action: string, hashes: string[], o: { instance: string; all?: boolean; deleteFiles?: boolean; json?: boolean }) => {
      await withEngine(async (engine) => {
        const rt = engine.instances.find((i) => i.name === o.instance);
        if (!rt) {
          print(`[ERROR] no instance named ${o.instance} (configured: ${engine.instances.map((i) => i.name).join(', ') || 'none'})`);
          process.exitCode = EXIT.REJECTED;
          return;
        }
        const target: string[] | 'all' = o.all ? 'all' : hashes.map((h) => h.toLowerCase());
        if (action === 'list') {
          const list = await rt.client.info(hashes.length ? { hashes } : {});
          if (o.json) print(JSON.stringify(list.map((t) => ({ hash: t.hash, name: t.name, state: t.state, progress: t.progress, category: t.category })), null, 2));
          else print(list.map((t) => `${t.hash}  ${t.state.padEnd(11)} ${(t.progress * 100).toFixed(1).padStart(5)}%  ${t.name}`));
          return;
        }
        if (target !== 'all' && target.length === 0) {
          print(`[ERROR] ${action} needs infohashes or --all`);
          process.exitCode = EXIT.REJECTED;
          return;
        }
        if (action === 'pause') await rt.client.pause(target);
        else if (action === 'resume') await rt.client.resume(target);
        else if (action === 'delete') await rt.client.delete(target, !!o.deleteFiles);
        else {
          print(`[ERROR] unknown action ${action} (list, pause, resume, delete)`);
          process.exitCode = EXIT.REJECTED;
          return;
        }
        print(`[OK] ${action} ${target === 'all' ? 'all torrents' : target.join(', ')} on ${rt.name}`);
      });
    });
}

/** Resolves on SIGINT/SIGTERM; keeps the event loop alive meanwhile. */
function untilSignal(): Promise<NodeJS.Signals> {
  const keepAlive = setInterval(() => undefined, 1 << 30);
  return new Promise((resolve) => {
    const done = (sig: NodeJS.Signals): void => {
      clearInterval(keepAlive);
      resolve(sig);
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

/** `watch`: the headless engine — polls, auto-flushes, picks up queue-file writes; logs each change. */
export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description('run the engine headless: poll health, auto-flush on recovery, pick up magnets written to the queue file')
    .action(async () => {
      const engine = await cliEngine({ verbose: true, watchQueueFile: true });
      const log = createStreamLogger('info');
      await engine.start();
      const s = engine.snapshot();
      log.info(`watching ${s.instances.length} instance(s); queue ${s.queueFile} (${s.queue.length} queued)`);
      const sig = await untilSignal();
      log.info(`${sig}: stopping`);
      await engine.stop();
      process.exitCode = EXIT.OK;
    });
}

/** Folder of the built renderer, next to the bundled CLI (`out/renderer`). */
export function rendererDir(): string {
  return fileURLToPath(new URL('../renderer/', import.meta.url));
}

/** `serve`: the engine plus the dashboard (same renderer as the tray app) over HTTP on loopback. */
export function registerServe(program: Command, print: Print): void {
  program
    .command('serve')
    .description('run the engine with the web dashboard (binds 127.0.0.1 unless --host and --allow-remote)')
    .option('--port <n>', 'port (0 = any free port)', '0')
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--allow-remote', 'allow binding a non-loopback address (the token then travels in clear text)')
    .action(async (o: { port: string; host: string; allowRemote?: boolean }) => {
      const staticDir = rendererDir();
      if (!fs.existsSync(`${staticDir}index.html`)) {
        print(`[ERROR] the dashboard is not built: run "npm run build:renderer" (looked in ${staticDir})`);
        process.exitCode = EXIT.INTERNAL;
        return;
      }
      const engine = await cliEngine({ verbose: true, watchQueueFile: true });
      await engine.start();
      const server = await startDashboardServer({
        backend: createApiBackend(engine),
        host: o.host,
        port: Number(o.port),
        allowNonLoopback: !!o.allowRemote,
        staticDir,
      });
      print(`Dashboard: ${server.url}`);
      const sig = await untilSignal();
      print(`${sig}: stopping`);
      await server.close();
      await engine.stop();
      process.exitCode = EXIT.OK;
    });
}
