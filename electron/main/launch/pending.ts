import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AddOptions, ApiBackend } from '../../../shared/contract';
import { LIMITS, MIB } from '../../../shared/limits';
import type { AddResponse } from '../../../shared/model';
import type { LaunchArgs } from './args';
import type { Logger } from '../engine/types';

/**
 * Launch requests (magnets, `.torrent` files) that reach the shell before the engine is ready are
 * HELD here and handed over once it is: `open-url`/`open-file` fire before `ready` on macOS, and a
 * second instance can start while the first is still loading. Nothing is ever dropped.
 */

/** One request: what was parsed, and the directory relative `.torrent` paths are resolved against. */
export interface LaunchRequest {
  args: LaunchArgs;
  cwd: string;
}

/** Handles one request once the engine is ready. */
export type LaunchHandler = (req: LaunchRequest) => Promise<void>;

/** FIFO of launch requests that buffers until {@link PendingLaunches.setReady} is called. */
export class PendingLaunches {
  private readonly held: LaunchRequest[] = [];
  private handler: LaunchHandler | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly onError: (err: unknown) => void = () => {}) {}

  /** Queues a request; runs it now (after earlier ones) when ready, else holds it. */
  push(req: LaunchRequest): void {
    if (req.args.magnets.length === 0 && req.args.torrentFiles.length === 0) return;
    if (this.handler) this.run(this.handler, req);
    else this.held.push(req);
  }

  /** Marks the engine ready: drains held requests in arrival order, then handles new ones directly. */
  setReady(handler: LaunchHandler): Promise<void> {
    this.handler = handler;
    for (const req of this.held.splice(0)) this.run(handler, req);
    return this.chain;
  }

  /** Resolves when every request handed over so far has been handled. */
  idle(): Promise<void> {
    return this.chain;
  }

  private run(handler: LaunchHandler, req: LaunchRequest): void {
    this.chain = this.chain.then(() => handler(req)).catch((err) => this.onError(err));
  }
}

/** What {@link addLaunchRequest} reports: add responses (each with the file it came from, null for the magnets) and files that could not be read. */
export interface LaunchOutcome {
  responses: AddResponse[];
  /** The same responses with their origin: `file` is the resolved `.torrent` path, null for the magnets' `addText`. */
  sent: { response: AddResponse; file: string | null }[];
  unreadable: { file: string; reason: string }[];
}

/**
 * Hands one request to the engine: all magnets as one `addText` call, each `.torrent` file as
 * `addTorrentFile` (base64). Relative paths resolve against `req.cwd`; a missing, non-regular or
 * oversized (> `LIMITS.maxTorrentBytes`, 10 MiB) file is reported in `unreadable`, not thrown.
 * @param options the add dialog's choices (category, save path, tags, paused, instance); none = each instance's own
 */
export async function addLaunchRequest(
  backend: Pick<ApiBackend, 'call'>,
  req: LaunchRequest,
  logger?: Logger,
  options?: AddOptions,
): Promise<LaunchOutcome> {
  const out: LaunchOutcome = { responses: [], sent: [], unreadable: [] };
  const withOptions = options && Object.values(options).some((v) => v !== undefined) ? { options } : {};
  if (req.args.magnets.length) {
    const response = await backend.call('addText', { text: req.args.magnets.join('\n'), ...withOptions });
    out.responses.push(response);
    out.sent.push({ response, file: null });
  }
  for (const given of req.args.torrentFiles) {
    const file = path.resolve(req.cwd, given);
    try {
      const st = await stat(file);
      if (!st.isFile()) throw new Error('not a regular file');
      if (st.size > LIMITS.maxTorrentBytes) throw new Error(`larger than ${LIMITS.maxTorrentBytes / MIB} MiB`);
      const data = await readFile(file);
      const response = await backend.call('addTorrentFile', { fileName: path.basename(file), dataBase64: data.toString('base64'), ...withOptions });
      out.responses.push(response);
      out.sent.push({ response, file });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      logger?.warn('launch: cannot read .torrent file', { file, reason });
      out.unreadable.push({ file, reason });
    }
  }
  return out;
}
