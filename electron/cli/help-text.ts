import type { Command } from 'commander';
import { configFile, resolveHome } from '../core/config/paths';

/**
 * The footer of `qbit-failover --help`: where `config.json` is (resolved for this user and
 * environment), the environment variables read, and each command's exit codes. The codes are
 * the CLI's `EXIT` values (output.ts); README "CLI reference" has the same table.
 */

/**
 * Stands for the resolved `config.json` path in the help that build-cli.mjs prerenders (it runs
 * without the user's environment); electron/cli/bin.mjs puts the real path in its place.
 */
export const CONFIG_PATH_MARK = '@@QBF_CONFIG_JSON@@';

/** Exit codes by command (the path of words after `qbit-failover`); one line each. */
const EXIT_CODES: Record<string, string> = {
  add: '0 all added or already there · 2 some rejected · 3 some queued · 4 queue file problem · 1 internal error (or a queue write failed)',
  status: '0 an instance is OK · 3 none is · 4 queue file problem',
  queue: '0 · 4 queue file problem',
  'queue remove': '0 removed · 2 an infohash was not queued · 4 queue file problem',
  flush: '0 what was asked is placed · 3 some remain queued · 2 an infohash asked for is not queued · 4 queue file problem',
  torrents: '0 · 2 bad arguments, or an infohash not on the instance',
  watch: '0 stopped by SIGINT/SIGTERM (operational errors are logged, never end it) · 1 could not start',
  serve: '0 stopped by SIGINT/SIGTERM · 2 bad arguments or TLS files · 1 could not start',
  gateway: '0 stopped by SIGINT/SIGTERM · 2 bad arguments or TLS files · 1 could not start',
  password: '0 stored · 1 not stored (no such instance, or the store failed)',
  'api-key': '0 stored or removed · 1 not stored (no such instance, or the store failed)',
  'login-reset': '0 · 2 no such instance',
  'dashboard-token': '0 · 1 the home folder cannot be read or written',
  'gateway-password': '0 stored or removed · 1 could not be stored',
  'gateway-api-key': '0 · 1 the secret store cannot be read or written',
};

/** Environment variables the CLI reads, with what they do (names only; README "Configuration"). */
const ENVIRONMENT: [string, string][] = [
  ['QBIT_FAILOVER_HOME', 'folder of config.json, secrets.json and the login memory'],
  ['QBITTORRENT_URL', 'instance "primary" (requiresVpn); http:// is added when missing, a trailing /api/v2 dropped'],
  ['QBITTORRENT_SECONDARY_URL', 'instance "secondary"'],
  ['QBITTORRENT_USERNAME, QBITTORRENT_PASSWORD', 'credentials for both (the password is used, never stored)'],
  ['QBITTORRENT_API_KEY', "the primary's WebUI API key (qBittorrent 5.2+)"],
  ['QB_HOST, QB_PORT, QB_USERNAME, QB_PASSWORD', 'the older form of the same'],
  ['DOWNLOAD_PATH', 'save path for both'],
  ['VPN_CHECK, VPN_GATEWAY_IP', 'VPN probe (ping, interface:<name>, none) and ping target'],
  ['QBIT_FAILOVER_QUEUE_FILE', 'queue file path'],
  ['QBIT_FAILOVER_GATEWAY_USERNAME, QBIT_FAILOVER_GATEWAY_PASSWORD', "override the gateway's stored credentials"],
  ['QBF_DEBUG', 'print the stack trace of an internal error'],
];

/** `words` of a command: `queue remove` for the subcommand `remove` of `queue`. */
function commandPaths(program: Command): string[] {
  const out: string[] = [];
  const walk = (cmd: Command, prefix: string): void => {
    for (const sub of cmd.commands) {
      const name = prefix ? `${prefix} ${sub.name()}` : sub.name();
      out.push(name);
      walk(sub, name);
    }
  };
  walk(program, '');
  return out;
}

/**
 * The footer text for `program` (call after every command is registered: commands added later
 * are listed with the codes every command shares). `configPath` is the resolved `config.json`.
 */
export function helpFooter(program: Command, configPath: string): string {
  const width = Math.max(...commandPaths(program).map((c) => c.length), 4);
  const codes = commandPaths(program).map((c) => `  ${c.padEnd(width)}  ${EXIT_CODES[c] ?? '0 done · 1 internal error'}`);
  return [
    '',
    'Settings:',
    `  config.json  ${configPath}`,
    '               (QBIT_FAILOVER_HOME moves the folder; passwords: `qbit-failover password <instance>`,',
    '               kept in secrets.json beside it, mode 0600; a .env in the working folder is read too)',
    '',
    'Environment variables (the old tool\'s; the environment wins over .env, names only are ever printed):',
    ...ENVIRONMENT.map(([name, what]) => `  ${name}\n      ${what}`),
    '',
    'Exit codes (every command: 2 on a usage error; 1 with one [ERROR] line, e.g. CONFIG_INVALID, on an',
    'internal error or an invalid config.json):',
    ...codes,
    '',
  ].join('\n');
}

/**
 * Adds the footer to `program`'s own `--help` (not the subcommands'), built when help is shown.
 * With QBF_HELP_PRERENDER set (build-cli.mjs), the path is {@link CONFIG_PATH_MARK} for bin.mjs to fill in.
 */
export function addHelpFooter(program: Command): void {
  program.addHelpText('after', () => helpFooter(program, process.env.QBF_HELP_PRERENDER ? CONFIG_PATH_MARK : configFile(resolveHome(process.env))));
}
