import { createInterface } from 'node:readline/promises';
import { Argument, type Command } from 'commander';
import { base32ToHex } from '../core/inputs/magnet-uri';
import type { Engine } from '../core/engine';
import { withEngine } from './engine-factory';
import { EXIT, print, printErr, printJson, type Lines } from './output';

/** Actions of `torrents`; commander refuses any other word (exit 2). */
export const TORRENT_ACTIONS = ['list', 'pause', 'resume', 'delete'] as const;
type TorrentAction = (typeof TORRENT_ACTIONS)[number];

/**
 * A user-typed infohash as lowercase hex, or null when it is not one: 40 hex digits (v1),
 * 64 hex digits (v2), or 32 base32 digits (v1, RFC 4648, as in a `btih` magnet). Anything else —
 * the word `all` included — is refused, because qBittorrent reads `hashes=all` as "every torrent".
 */
export function parseInfohashArg(arg: string): string | null {
  const t = arg.trim();
  if (/^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(t)) return t.toLowerCase();
  if (/^[a-z2-7]{32}$/i.test(t)) return base32ToHex(t);
  return null;
}

/**
 * The id qBittorrent lists a torrent under (`torrents/info` `hash`, the `hashes=` filter): the
 * v1 infohash, or for a v2-only torrent its SHA-256 infohash cut to 40 hex digits (qBittorrent
 * ≥ 4.4 `TorrentID`).
 */
function listedId(infohash: string): string {
  return infohash.slice(0, 40);
}

/** Asks "type yes" on the terminal; true only for `yes`/`y`. */
async function confirmOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^(y|yes)$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

interface TorrentsOptions {
  instance: string;
  all?: boolean;
  yes?: boolean;
  deleteFiles?: boolean;
  json?: boolean;
}

/**
 * `torrents list|pause|resume|delete --instance <name> [<infohash>...] [--all [--yes]]`.
 * Infohash arguments are validated (see {@link parseInfohashArg}) and looked up first: only the
 * torrents that exist are acted on, the others are named `[NOT FOUND]` and the exit code is 2.
 * Only `--all` means every torrent; `delete --all` needs `--yes`, or a typed "yes" when both
 * stdin and stdout are a terminal.
 */
export function registerTorrents(program: Command, out: (lines: Lines) => void = print): void {
  program
    .command('torrents')
    .description('list, pause, resume or delete torrents on one instance')
    .addArgument(new Argument('<action>', 'list | pause | resume | delete').choices(TORRENT_ACTIONS))
    .argument('[infohash...]', 'torrents to act on: 40/64 hex or 32 base32 digits (pause/resume/delete need at least one, or --all)')
    .requiredOption('--instance <name>', 'instance name')
    .option('--all', 'act on every torrent of the instance')
    .option('--yes', 'with delete --all: do not ask for confirmation')
    .option('--delete-files', 'with delete: remove downloaded data too')
    .option('--json', 'print JSON (list)')
    .action(async (action: TorrentAction, args: string[], o: TorrentsOptions, cmd: Command) => {
      const bad = args.filter((a) => parseInfohashArg(a) === null);
      if (bad.length) {
        const hint = bad.some((b) => b.toLowerCase() === 'all') ? '; use --all to act on every torrent' : '';
        cmd.error(`error: not an infohash: ${bad.slice(0, 5).join(', ')} (expected 40 or 64 hex digits, or 32 base32 digits${hint})`, { exitCode: EXIT.REJECTED });
      }
      const hashes = [...new Set(args.map((a) => parseInfohashArg(a)!))];
      if (o.all && hashes.length) cmd.error('error: give infohashes or --all, not both', { exitCode: EXIT.REJECTED });
      if (action !== 'list' && !o.all && hashes.length === 0) cmd.error(`error: ${action} needs infohashes or --all`, { exitCode: EXIT.REJECTED });
      if (action === 'delete' && o.all && !o.yes && !(process.stdin.isTTY && process.stdout.isTTY)) {
        cmd.error(`error: delete --all removes every torrent on ${o.instance}${o.deleteFiles ? ' and its downloaded data' : ''}: add --yes to confirm`, {
          exitCode: EXIT.REJECTED,
        });
      }
      await withEngine(async (engine) => {
        try {
          await runTorrents(engine, action, hashes, o, out);
        } catch (err) {
          // An unknown instance name is a usage error; server trouble goes to the CLI's last resort.
          if ((err as { code?: unknown }).code !== 'NOT_CONFIGURED') throw err;
          printErr(`[ERROR] ${(err as Error).message}`);
          process.exitCode = EXIT.REJECTED;
        }
      });
    });
}

/** One `torrents` action through the engine's methods (never a client of its own). @throws NOT_CONFIGURED for an unknown instance. */
async function runTorrents(engine: Engine, action: TorrentAction, hashes: string[], o: TorrentsOptions, out: (lines: Lines) => void): Promise<void> {
  const name = o.instance;
  if (action === 'list') {
    const list = await engine.listTorrents(name, hashes.length ? hashes.map(listedId) : undefined);
    if (o.json) printJson(list.map((t) => ({ hash: t.hash, name: t.name, state: t.state, progress: t.progress, category: t.category })));
    else out(list.map((t) => `${t.hash}  ${t.state.padEnd(11)} ${(t.progress * 100).toFixed(1).padStart(5)}%  ${t.name}`));
    return;
  }
  let target: string[] | 'all' = 'all';
  let missing: string[] = [];
  if (o.all) {
    if (action === 'delete' && !o.yes) {
      const count = (await engine.listTorrents(name)).length;
      const sure = await confirmOnTerminal(`Delete all ${count} torrents on ${name}${o.deleteFiles ? ' AND their downloaded data' : ''}? Type yes to confirm: `);
      if (!sure) {
        printErr('[CANCELLED] nothing deleted');
        process.exitCode = EXIT.REJECTED;
        return;
      }
    }
  } else {
    const present = new Set((await engine.listTorrents(name, hashes.map(listedId))).map((t) => t.hash.toLowerCase()));
    target = hashes.filter((h) => present.has(listedId(h))).map(listedId);
    missing = hashes.filter((h) => !present.has(listedId(h)));
  }
  if (target === 'all' || target.length) {
    await engine.torrentAction(name, action, target, !!o.deleteFiles);
    out(`[OK] ${action} ${target === 'all' ? 'all torrents' : target.join(', ')} on ${name}`);
  }
  if (missing.length) {
    out(missing.map((h) => `[NOT FOUND] ${h} is not on ${name}`));
    process.exitCode = EXIT.REJECTED;
  }
}
