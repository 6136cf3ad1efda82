import { LIMITS } from '../../../shared/limits';

/**
 * Pure parsing of what the OS hands the app at launch or on a second launch: magnet URIs
 * (protocol handler) and `.torrent` paths (file association). Arguments are matched by pattern,
 * never by position: argv[0] may be the executable or `electron` plus the app path, Chromium adds
 * switches (`--allow-file-access-from-files`, `--original-process-start-time=…`), and Windows
 * passes the URI after a `--` separator when registered with `setAsDefaultProtocolClient`
 * (https://www.electronjs.org/docs/latest/api/app#appsetasdefaultprotocolclientprotocol-path-args).
 */

/** Flags the app understands on its own command line. */
export interface LaunchFlags {
  /** `--hidden`: start in the tray without showing the window (used by start-at-login). */
  hidden: boolean;
  /** `--show`: show the window even when there are no inputs. */
  show: boolean;
}

/** Inputs found on a command line. */
export interface LaunchArgs {
  /** Magnet URIs as given (scheme may be any case, e.g. `MAGNET:?xt=…`), de-duplicated, in order. */
  magnets: string[];
  /** `.torrent` paths as given (relative or absolute; the caller resolves and checks existence). */
  torrentFiles: string[];
  flags: LaunchFlags;
}

const MAGNET = /^magnet:\?/i;
const TORRENT = /\.torrent$/i;
/** Longest argument considered: the longest magnet URI accepted anywhere (longer ones are absurd input). */
const MAX_ARG_CHARS = LIMITS.maxMagnetChars;

/** Strips one pair of matching quotes some launchers (Windows shell, .desktop `%u`) leave on. */
function unquote(a: string): string {
  const t = a.trim();
  if (t.length >= 2 && ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")))) {
    return t.slice(1, -1).trim();
  }
  return t;
}

/**
 * Extracts magnets and `.torrent` paths from an argv. Switches (`-x`, `--x`, `--x=y`), `--`,
 * the executable and anything else are ignored. Never throws.
 */
export function parseLaunchArgs(argv: readonly string[]): LaunchArgs {
  const magnets: string[] = [];
  const torrentFiles: string[] = [];
  const flags: LaunchFlags = { hidden: false, show: false };
  for (const raw of argv) {
    if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_ARG_CHARS) continue;
    const arg = unquote(raw);
    if (arg === '--hidden') flags.hidden = true;
    else if (arg === '--show') flags.show = true;
    else if (arg.startsWith('-')) continue; // Chromium/Electron switches and `--`
    else if (MAGNET.test(arg)) {
      if (!magnets.includes(arg)) magnets.push(arg);
    } else if (TORRENT.test(arg) && !arg.includes('\0') && !/^(?!file:)[a-z][a-z0-9+.-]*:\/\//i.test(arg)) {
      // Paths only: an `https://…/x.torrent` URL on the command line is not ours to fetch.
      // `file://` URLs come from some file managers; turn them into paths.
      const p = /^file:\/\//i.test(arg) ? fileUrlToPath(arg) : arg;
      if (p && !torrentFiles.includes(p)) torrentFiles.push(p);
    }
  }
  return { magnets, torrentFiles, flags };
}

function fileUrlToPath(u: string): string | null {
  try {
    const url = new URL(u);
    const p = decodeURIComponent(url.pathname);
    // Percent-decoding can bring back what the raw checks refused (`%00`), and a query or
    // fragment can carry the `.torrent` ending the path lacks (`file:///a?b.torrent`).
    if (p.includes('\0') || !TORRENT.test(p)) return null;
    return /^\/[A-Za-z]:\//.test(p) ? p.slice(1) : p;
  } catch {
    return null;
  }
}
