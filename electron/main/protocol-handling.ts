import path from 'node:path';
import { app } from 'electron';
import type { Logger } from './engine-types';
import { parseLaunchArgs } from './launch-args';
import type { PendingLaunches } from './pending-launches';

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
export function setupProtocolHandling(opts: { pending: PendingLaunches; onSecondInstance: (hadInputs: boolean) => void; logger: Logger }): void {
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

/**
 * Makes the app the `magnet:` handler only when the user turned `ui.magnetHandler` on, and gives
 * the role back when turned off — never forced. In development (`electron .`) the executable and
 * app path must be passed so Windows/Linux launch the right thing
 * (https://www.electronjs.org/docs/latest/tutorial/launch-app-from-url-in-another-app).
 * @returns whether the OS accepted the change
 */
export function applyMagnetHandler(enabled: boolean, logger: Logger): boolean {
  const dev = process.defaultApp && process.argv[1] ? { exe: process.execPath, args: [path.resolve(process.argv[1])] } : null;
  const isDefault = dev ? app.isDefaultProtocolClient('magnet', dev.exe, dev.args) : app.isDefaultProtocolClient('magnet');
  if (enabled === isDefault) return true;
  let ok: boolean;
  // magnet: is the feature itself; launch URIs only go through parseLaunchArgs + parseMagnet, never opened or fetched.
  if (enabled) ok = dev ? app.setAsDefaultProtocolClient('magnet', dev.exe, dev.args) : app.setAsDefaultProtocolClient('magnet'); // eng-disable PROTOCOL_HANDLER_JS_CHECK -- reviewed: opt-in magnet handler, input parsed not opened
  else ok = dev ? app.removeAsDefaultProtocolClient('magnet', dev.exe, dev.args) : app.removeAsDefaultProtocolClient('magnet');
  logger.info(enabled ? 'registered as magnet: handler' : 'unregistered as magnet: handler', { ok });
  return ok;
}
