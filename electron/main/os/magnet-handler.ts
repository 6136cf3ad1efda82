import path from 'node:path';
import { app } from 'electron';
import type { Logger } from '../engine/types';

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
