import { Command, Option } from 'commander';
import type { AddOptions } from '../../shared/contract';
import { splitTags } from '../../shared/qbittorrent-rules';
import { cliEngine, readStdinLines, withEngine } from './engine-factory';
import { addExitCode, addJson, EXIT, flushLines, healthLines, print, printJson, queueLines, resultLine, statusJson, summaryLine, writeCommanderText } from './output';
import { registerServe, registerWatch } from './long-running';
import { registerDashboardToken } from './dashboard/token-command';
import { registerTorrents } from './torrents-command';
import { registerGateway } from './gateway-command';
import { withQueueProblem } from './queue-problem';
import { printJsonListed } from './json-stream';
import { envReportJson, envReportLines } from './env-report';
import { addHelpFooter } from './help-text';

/**
 * Builds the `qbit-failover` command line (commander). Each action sets `process.exitCode`.
 * Usage errors throw a `CommanderError` (exitOverride, inherited by every subcommand) that
 * `main` turns into exit 2; commander's text goes through the terminal-safe writers.
 */
export function buildProgram(version: string): Command {
  const program = new Command('qbit-failover')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => writeCommanderText(process.stdout, text),
      writeErr: (text) => writeCommanderText(process.stderr, text),
    })
    .description('Add magnet links and .torrent files to qBittorrent with failover between instances and a durable queue.')
    .version(version)
    .option('-v, --verbose', 'log engine activity to stderr')
    .showHelpAfterError();

  program
    .command('add')
    .description('add magnet URIs, .torrent files or .torrent URLs (- reads one per line from stdin)')
    .argument('<input...>', 'magnet URI, .torrent path, http(s) URL of a .torrent, or -')
    .option('--json', 'print a JSON report')
    .option('--category <name>', 'category (created if missing)')
    .option('--savepath <path>', 'save path')
    .option('--tags <a,b>', 'comma-separated tags')
    .option('--paused', 'add stopped/paused')
    .action(async (inputs: string[], o: { json?: boolean; category?: string; savepath?: string; tags?: string; paused?: boolean }) => {
      const all = inputs.includes('-') ? [...inputs.filter((i) => i !== '-'), ...(await readStdinLines())] : inputs;
      const options: AddOptions = {
        category: o.category,
        savePath: o.savepath,
        tags: o.tags === undefined ? undefined : splitTags(o.tags),
        paused: o.paused,
      };
      await withEngine(async (engine) => {
        // A daemon's fresh record of a frozen or refused instance spares the wait; a frozen one costs the connect timeout (issue 8).
        const snap = await engine.checkAll({ trustHealthRecord: true, quick: true });
        if (!o.json) print(healthLines(snap));
        const res = await engine.add(all, options);
        if (o.json) printJson({ ...addJson(res), queueProblem: engine.queueProblem(), configWarnings: engine.configWarnings() });
        else print([...res.results.map(resultLine), summaryLine(res)]);
        process.exitCode = withQueueProblem(engine.queueProblem(), addExitCode(res));
      }, { verbose: program.opts().verbose });
    });

  program
    .command('status')
    .description('check the VPN and every instance now (exit 0 when an instance is OK, 3 when none is)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withEngine(async (engine) => {
        const snap = await engine.checkAll();
        if (o.json) printJson({ ...statusJson(snap), settingsFrom: envReportJson(engine.environmentReport()), configWarnings: engine.configWarnings() });
        else print([...envReportLines(engine.environmentReport()), ...healthLines(snap), `[QUEUE] ${snap.queue.length} queued in ${snap.queueFile}`]);
        process.exitCode = withQueueProblem(snap.queueProblem, snap.instances.some((i) => i.status === 'OK') ? EXIT.OK : EXIT.QUEUED);
      });
    });

  const queue = program.command('queue').description('list the durable queue').option('--json', 'print JSON');
  queue.action(async (o: { json?: boolean }) => {
    const engine = await cliEngine();
    const snap = engine.snapshot();
    const { entries } = engine.queueListing();
    // Item by item: 100 000 entries are ~50 MB of JSON (same text as printJson).
    if (o.json) printJsonListed({ file: snap.queueFile, entries, queueProblem: snap.queueProblem, configWarnings: snap.configWarnings }, 'entries', entries);
    else print(queueLines(entries, snap.queueFile));
    process.exitCode = withQueueProblem(snap.queueProblem, EXIT.OK);
    await engine.stop();
  });
  queue
    .command('remove')
    .description('remove queue entries by infohash')
    .argument('<infohash...>')
    .action(async (hashes: string[]) => {
      await withEngine(async (engine) => {
        let missing = 0;
        for (const h of hashes) {
          if (await engine.removeEntry(h)) print(`[REMOVED] ${h}`);
          else {
            missing++;
            print(`[NOT QUEUED] ${h}`);
          }
        }
        process.exitCode = withQueueProblem(engine.queueProblem(), missing ? EXIT.REJECTED : EXIT.OK);
      });
    });

  program
    .command('flush')
    .description('add queued entries now (all, or the given infohashes); exit 0 when placed, 3 when some remain')
    .argument('[infohash...]')
    .option('--json', 'print JSON')
    .action(async (hashes: string[], o: { json?: boolean }) => {
      await withEngine(async (engine) => {
        const snap = await engine.checkAll();
        if (!o.json) print(healthLines(snap));
        const res = await engine.flush(hashes.length ? hashes : undefined);
        if (o.json) printJson({ ...res, queueProblem: engine.queueProblem(), configWarnings: engine.configWarnings() });
        else print(flushLines(res));
        // An infohash that is not queued is a usage error (exit 2), as for any bad argument.
        process.exitCode = withQueueProblem(engine.queueProblem(), res.notQueued.length ? EXIT.REJECTED : res.remaining.length ? EXIT.QUEUED : EXIT.OK);
      }, { verbose: program.opts().verbose });
    });

  program
    .command('password')
    .description("store an instance's password (read from stdin; kept in <home>/secrets.json, mode 0600)")
    .argument('<instance>')
    .action(async (instance: string) => {
      const [pw] = await readStdinLines();
      await withEngine(async (engine) => {
        const origin = await engine.setPassword(instance, pw ?? '');
        print(`[OK] password stored for ${instance}; it is sent only to ${origin}`);
      });
    });

  program
    .command('login-reset')
    .description("after you logged in once in the browser or restarted qBittorrent: forget the failed logins counted for an instance's server, so logins are tried again")
    .argument('<instance>')
    .action(async (instance: string) => {
      await withEngine(async (engine) => {
        if (!engine.currentSettings().instances.some((i) => i.name === instance)) {
          print(`[REJECTED] no instance named ${instance} (NOT_CONFIGURED)`);
          process.exitCode = EXIT.REJECTED;
          return;
        }
        const url = await engine.forgetFailedLogins(instance);
        print(`[OK] failed logins to ${url} forgotten; the next check logs in again`);
      });
    });

  program
    .command('api-key')
    .description("store an instance's WebUI API key (qBittorrent 5.2+; read from stdin, kept like a password): the instance then never logs in and can never be banned; an empty line removes it")
    .argument('<instance>')
    .action(async (instance: string) => {
      const [key] = await readStdinLines();
      await withEngine(async (engine) => {
        const origin = await engine.setApiKey(instance, key ?? '');
        print(key?.trim() ? `[OK] API key stored for ${instance}; it is sent only to ${origin}` : `[OK] API key removed for ${instance}`);
      });
    });

  registerTorrents(program, print);
  registerWatch(program);
  registerGateway(program);
  registerServe(program, print);
  registerDashboardToken(program, print);
  program.addOption(new Option('--no-color').hideHelp());
  addHelpFooter(program);
  return program;
}
