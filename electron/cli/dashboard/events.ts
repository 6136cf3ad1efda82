import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiBackend } from '../../../shared/contract';
import type { EngineEvent } from '../../../shared/model';
import { toWireError } from '../../../shared/wire-error';
import { HEARTBEAT_EVENT, HEARTBEAT_MS } from '../../../shared/dashboard-wire';

/**
 * `GET /api/events`: the engine's events as server-sent events, the same events the Electron
 * shell sends over IPC (`snapshot`, `queue`, `activity`; see EngineEvent). Each connection gets a
 * fresh snapshot first; the page fetches the queue and the activity log itself (`getQueue`,
 * `getActivity`), at start and after a reconnect.
 */

/** Interval of the heartbeat, ms (the named event `heartbeat`; see shared/dashboard-wire.ts). */
export { HEARTBEAT_MS } from '../../../shared/dashboard-wire';

/**
 * Streams events to one client until it goes away; `open` is told about the response so the
 * server can end it on close. Events raised while the first snapshot is read are held and sent
 * after it, so nothing is lost in between.
 */
export async function streamEvents(req: IncomingMessage, res: ServerResponse, backend: ApiBackend, open: Set<ServerResponse>): Promise<void> {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  open.add(res);
  const write = (event: EngineEvent): void => void res.write(`data: ${JSON.stringify(event)}\n\n`);
  let pending: EngineEvent[] | null = [];
  const unsubscribe = backend.subscribe((event) => (pending ? pending.push(event) : write(event)));
  const heartbeat = setInterval(() => res.write(`event: ${HEARTBEAT_EVENT}\ndata: {}\n\n`), HEARTBEAT_MS);
  heartbeat.unref();
  const cleanup = (): void => {
    clearInterval(heartbeat);
    unsubscribe();
    open.delete(res);
  };
  req.on('close', cleanup);
  res.on('close', cleanup);
  try {
    write({ type: 'snapshot', snapshot: await backend.call('getSnapshot', {}) });
  } catch (err) {
    res.write(`event: error\ndata: ${JSON.stringify(toWireError(err).body)}\n\n`);
  }
  const held = pending;
  pending = null;
  held.forEach(write);
}
