/** The dashboard's event stream carries the same events as Electron IPC: a snapshot first, then each store's own events. */
import { request, type IncomingMessage } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDashboardServer, type DashboardServer } from '../../../../electron/cli/dashboard/server';
import type { EngineEvent, QueueEntryView } from '../../../../shared/model';
import { createMemoryBackend } from '../../../e2e/support/memory-backend';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const entry: QueueEntryView = {
  id: 'q1', infohash: 'a'.repeat(40), name: 'queued one', kind: 'magnet', magnet: `magnet:?xt=urn:btih:${'a'.repeat(40)}`,
  reason: 'primary: TIMEOUT', failures: [{ instance: 'primary', code: 'TIMEOUT', message: 'timed out' }],
  queuedAt: '2025-01-01T00:00:00.000Z', attempts: 0, lastError: null, lastAttempt: null,
};

/** Opens `/api/events` with the token and collects the parsed `data:` events. */
function stream(server: DashboardServer): Promise<{ events: EngineEvent[]; res: IncomingMessage }> {
  return new Promise((ok, fail) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path: `/api/events?token=${server.token}`, headers: { accept: 'text/event-stream' } },
      (res) => {
        const events: EngineEvent[] = [];
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          buf += c;
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (data) events.push(JSON.parse(data) as EngineEvent);
          }
        });
        ok({ events, res });
      },
    );
    req.on('error', fail);
    req.end();
  });
}

async function until(pred: () => boolean): Promise<void> {
  for (const end = Date.now() + 10_000; Date.now() < end; await new Promise((r) => setTimeout(r, 10))) if (pred()) return;
  throw new Error('condition not met within 10 s');
}

describe('GET /api/events', () => {
  it('sends a small snapshot first, then queue and activity events as the stores change; getQueue/getActivity give the lists', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qbf-sse-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const backend = createMemoryBackend({ queue: [entry] });
    const server = await startDashboardServer({ backend, staticDir: dir });
    cleanups.push(() => server.close());
    const { events, res } = await stream(server);
    cleanups.push(async () => void res.destroy());

    await until(() => events.length >= 1);
    expect(events[0]).toMatchObject({ type: 'snapshot', snapshot: { queue: { length: 1 } } });
    expect(JSON.stringify(events[0])).not.toContain(entry.infohash);

    await backend.call('removeEntry', { infohash: entry.infohash });
    await until(() => events.some((e) => e.type === 'snapshot' && e.snapshot.queue.length === 0));
    expect(events.slice(1).map((e) => e.type)).toEqual(['activity', 'queue', 'snapshot']);
    expect(events[2]).toMatchObject({ type: 'queue', queue: { entries: [] } });

    const headers = { 'content-type': 'application/json', 'x-qbf-token': server.token };
    const queue = await (await fetch(`http://127.0.0.1:${server.port}/api/getQueue`, { method: 'POST', headers, body: '{}' })).json();
    const activity = await (await fetch(`http://127.0.0.1:${server.port}/api/getActivity`, { method: 'POST', headers, body: '{}' })).json();
    expect(queue).toMatchObject({ entries: [] });
    expect(activity).toEqual([expect.objectContaining({ kind: 'queue', message: `removed ${entry.infohash}` })]);
  });
});
