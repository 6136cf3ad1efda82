import type { Command } from 'commander';
import { resolveHome } from '../../core/config/paths';
import { EXIT, printErr, type Lines } from '../output';

/**
 * `qbit-failover dashboard-token [--rotate]`: prints the headless dashboard's link (the address
 * the last `serve` listened on, with the token) and where the token is kept; `--rotate` replaces
 * the token first (a running `serve` refuses the old one within a second; open tabs show how to
 * get the new link). Exit 0, or 1 when the home folder cannot be read or written.
 */
export function registerDashboardToken(program: Command, print: (lines: Lines) => void): void {
  program
    .command('dashboard-token')
    .description("show the dashboard's link with its access token (kept in <home>/dashboard-token, mode 0600); --rotate makes a new one, so old links stop working")
    .option('--rotate', 'replace the token (old links, bookmarks and open tabs must use the new link)')
    .action(async (o: { rotate?: boolean }) => {
      const home = resolveHome(process.env);
      // Loaded on use only: other commands never load the dashboard modules.
      const tf = await import('./token-file');
      let token: string;
      try {
        token = o.rotate ? await tf.rotateDashboardToken(home) : (await tf.loadOrCreateDashboardToken(home)).token;
      } catch (err) {
        printErr(`[ERROR] cannot ${o.rotate ? 'write' : 'read'} ${tf.dashboardTokenPath(home)}: ${(err as Error).message}`);
        process.exitCode = EXIT.INTERNAL;
        return;
      }
      const base = await tf.readDashboardAddress(home);
      print([
        ...(o.rotate ? ['[OK] new dashboard token stored; old links stop working (a running serve switches within a second)'] : []),
        base ? `Dashboard: ${base}?token=${token}` : `Token: ${token}`,
        base
          ? `(the address serve last listened on; open it with the port you serve on if that changed)`
          : '(no serve has run with this settings folder yet: start `qbit-failover serve` and open the link it prints, or add ?token=<token> to its address)',
        `Kept in ${tf.dashboardTokenPath(home)} (mode 0600)`,
      ]);
      process.exitCode = EXIT.OK;
    });
}
