/**
 * Pure pieces of "start at login". Electron's `app.setLoginItemSettings` covers macOS and Windows
 * only (https://www.electronjs.org/docs/latest/api/app#appsetloginitemsettingssettings-macos-windows);
 * on Linux the XDG autostart spec is used: a `.desktop` file in `~/.config/autostart`
 * (https://specifications.freedesktop.org/autostart-spec/latest/).
 */

/** File name of the Linux autostart entry. */
export const AUTOSTART_FILE = 'qbit-failover.desktop';

/** Quotes an Exec argument per the Desktop Entry spec (double quotes; `"`, `` ` ``, `$`, `\` escaped). */
export function quoteExecArg(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

/**
 * Contents of the Linux autostart `.desktop` file.
 * @param exec the program to run: `$APPIMAGE` for an AppImage, else `process.execPath`
 * @param args extra arguments (in development: the app path); `--hidden` is always appended
 */
export function linuxAutostartEntry(exec: string, args: readonly string[] = []): string {
  const cmd = [exec, ...args, '--hidden'].map(quoteExecArg).join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=qbit-failover',
    'Comment=Add magnet links to qBittorrent with failover',
    `Exec=${cmd}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Arguments for `app.setLoginItemSettings` (macOS, Windows); `--hidden` keeps the window closed at login. */
export function loginItemSettings(openAtLogin: boolean): { openAtLogin: boolean; args: string[] } {
  return { openAtLogin, args: openAtLogin ? ['--hidden'] : [] };
}
