import { app } from 'electron';
import type { Logger } from '../engine/types';
import { parseLaunchArgs } from './args';
import type { PendingLaunches } from './pending';

/**
 * Where magnets and `.torrent` files come in from the OS: cold-start `process.argv`, a second
 * launch (`second-instance`, Windows/Linux protocol and file activation), and macOS `open-url` /
 * `open-file` events. Everything goes into {@link PendingLaunches}, which holds requests until the
 * engine is ready, so nothing that arrives early is dropped.
 */

/**
 * Wires the launch sources. Call BEFORE `app.whenReady()` (macOS emits `open-url`/`open-file`
 * before `ready`; `open-url` must be registered in `will-finish-launching`,
 * https://www.electronjs.org/docs/latest/api/app#event-open-url-macos).
 * @param opts.onSecondInstance called on every second launch (focus the window)
 */
export function setupLaunchSources(opts: { pending: PendingLaunches; onSecondInstance: (hadInputs: boolean) => void; logger: Logger }): void {
  const { pending } = opts;
  pending.push({ args: parseLaunchArgs(process.argv), cwd: process.cwd() });

  app.on('second-instance', (_event, argv, workingDirectory) => {
    const args = parseLaunchArgs(argv);
    opts.logger.info('second instance', { magnets: args.magnets.length, torrentFiles: args.torrentFiles.length });
    pending.push({ args, cwd: workingDirectory });
    opts.onSecondInstance(args.magnets.length + args.torrentFiles.length > 0);
  });

  app.on('will-finish-launching', () => {
    app.on('open-url', (event, url) => {
      event.preventDefault();
      pending.push({ args: parseLaunchArgs([url]), cwd: process.cwd() });
    });
    app.on('open-file', (event, file) => {
      event.preventDefault();
      pending.push({ args: parseLaunchArgs([file]), cwd: process.cwd() });
    });
  });
}
