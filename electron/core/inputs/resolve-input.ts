import fs from 'node:fs/promises';
import { describeDownloadError, isTransientDownloadError } from './download-error';
import { LIMITS } from '../../../shared/limits';
import { InvalidInput, parseMagnet, parseTorrent, type ParsedInput } from './parse';

/** Why a path input is refused when paths are not allowed (same words whether the file exists or not). */
export const PATHS_REFUSED_MESSAGE = 'file paths are not accepted over the dashboard; upload the .torrent file';

/**
 * A `.torrent` URL that could not be downloaded. `retryable` when the network or the server
 * failed (connection refused, DNS, timeout, TLS, HTTP 5xx/429): the URL is queued and fetched
 * again at flush time. Not retryable for an answer that will not change (HTTP 404/403…, too
 * large): the input is rejected.
 */
export class DownloadFailed extends InvalidInput {
  constructor(
    message: string,
    readonly url: string,
    readonly retryable: boolean,
    /** The reason alone, without the URL (for the queue entry's reason). */
    readonly why: string,
  ) {
    super(message);
  }
}

/** How long a `.torrent` URL download may take, ms. */
export const DOWNLOAD_TIMEOUT_MS = 15_000;

/**
 * Turns one user input into a {@link ParsedInput}: a magnet URI, an `http(s)` URL of a
 * `.torrent` file (downloaded now, size-capped, so a queued entry never depends on the link), or
 * a path to a `.torrent` file. With `allowPaths: false` (the dashboard) a path is refused before
 * any file-system access, with {@link PATHS_REFUSED_MESSAGE}. @throws InvalidInput with a reason a user can act on.
 */
export async function resolveInput(raw: string, opts: { allowPaths?: boolean } = {}): Promise<ParsedInput> {
  const input = raw.trim();
  if (!input) throw new InvalidInput('empty input');
  if (/^magnet:/i.test(input)) return parseMagnet(input);
  if (/^https?:\/\//i.test(input)) return parseTorrent(await downloadTorrent(input), input);
  if (/^[a-z][a-z0-9+.-]*:/i.test(input) && !/^[a-z]:[\\/]/i.test(input)) {
    throw new InvalidInput(`unsupported URL scheme "${input.split(':')[0]!.slice(0, 20)}:" (use a magnet URI, an http(s) .torrent URL, or a .torrent file)`);
  }
  // A word that is no path ("not-a-magnet", a stray line of a paste) is told what it is not; a path hears why paths are refused.
  if (opts.allowPaths === false) throw new InvalidInput(/[\\/]|\.torrent$/i.test(input) ? PATHS_REFUSED_MESSAGE : 'not a magnet URI or http(s) .torrent URL');
  if (input.length > 4096 || input.includes('\0')) throw new InvalidInput('not a magnet URI, http(s) URL or .torrent file path');
  let stat;
  try {
    stat = await fs.stat(input);
  } catch {
    throw new InvalidInput(`not a magnet URI, http(s) URL or existing .torrent file: ${input.slice(0, 200)}`);
  }
  if (!stat.isFile()) throw new InvalidInput(`${input.slice(0, 200)} is not a file`);
  if (stat.size > LIMITS.maxTorrentBytes) throw new InvalidInput(`.torrent file larger than ${LIMITS.maxTorrentBytes} bytes`);
  return parseTorrent(new Uint8Array(await fs.readFile(input)), input);
}

/**
 * Downloads a `.torrent` file, refusing more than {@link LIMITS.maxTorrentBytes}.
 * @throws DownloadFailed (retryable for network trouble and HTTP 5xx/408/429), InvalidInput when too large.
 */
export async function downloadTorrent(url: string): Promise<Uint8Array> {
  let res: Response;
  const failed = (why: string, retryable: boolean): DownloadFailed => new DownloadFailed(`could not download ${url.slice(0, 200)}: ${why}`, url, retryable, why);
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), redirect: 'follow' });
  } catch (err) {
    throw failed(describeDownloadError(err, DOWNLOAD_TIMEOUT_MS), isTransientDownloadError(err));
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw failed(`HTTP ${res.status}`, res.status >= 500 || res.status === 408 || res.status === 429);
  }
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > LIMITS.maxTorrentBytes) {
    await res.body?.cancel();
    throw new InvalidInput(`.torrent download larger than ${LIMITS.maxTorrentBytes} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body?.getReader();
  if (!reader) return new Uint8Array();
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch (err) {
      throw failed(describeDownloadError(err, DOWNLOAD_TIMEOUT_MS), true);
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.byteLength;
    if (size > LIMITS.maxTorrentBytes) {
      await reader.cancel();
      throw new InvalidInput(`.torrent download larger than ${LIMITS.maxTorrentBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
