import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiBackend } from '../../../shared/contract';
import { ApiError, toWireError } from '../../../shared/wire-error';
import { createIpcDispatcher } from '../../../electron/main/ipc/dispatcher';
import { makeApi } from '../../../electron/preload/make-api';
import { startDashboardServer, type DashboardServer } from '../../../electron/cli/dashboard/server';

/** What the backend throws, as engines and stores do: typed errors, untyped ones, strings. */
const THROWN: [label: string, value: unknown][] = [
  ['typed QbitError-like', Object.assign(new Error('Wrong username or password'), { code: 'AUTH_FAILED' })],
  ['typed with an HTTP status', Object.assign(new Error('the VPN reconnect command can only be set locally'), { code: 'COMMAND_LOCKED', httpStatus: 403 })],
  ['a code that is not a status code', Object.assign(new Error('m'), { code: 'lower case' })],
  ['a plain TypeError', new TypeError('x is undefined')],
  ['a string', 'boom'],
  ['nothing', undefined],
  ['a very long message', Object.assign(new Error('x'.repeat(5_000)), { code: 'QUEUE_WRITE_FAILED' })],
];

const OURS = new Set([1]);
const ourFrame = { webContentsId: 1, frameUrl: 'app://qbit-failover/index.html' };

describe('one mapping of failures to the wire (shared/wire-error.ts)', () => {
  let dir: string;
  let server: DashboardServer;
  let thrown: unknown;
  const backend: ApiBackend = {
    call: async () => {
      throw thrown;
    },
    subscribe: () => () => {},
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qbf-wire-'));
    server = await startDashboardServer({ backend, staticDir: dir });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(THROWN)('%s: the Electron window and the dashboard get the same {code, message}', async (_label, value) => {
    thrown = value;
    const ipc = await createIpcDispatcher({ backend, ourWebContentsIds: () => OURS })(ourFrame, 'checkNow', {});
    const res = await fetch(`http://127.0.0.1:${server.port}/api/checkNow`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-qbf-token': server.token },
      body: '{}',
    });
    const http = (await res.json()) as unknown;
    expect(http).toEqual(ipc);
    expect(res.status).toBe(toWireError(value).status);
    expect(JSON.stringify(http)).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('a status code other than a code shape becomes INTERNAL; an httpStatus outside 400–599 becomes 500', () => {
    expect(toWireError({ code: 'lower case', message: 'm' }).body.error.code).toBe('INTERNAL');
    expect(toWireError({ code: 'X_Y', message: 'm', httpStatus: 302 }).status).toBe(500);
    expect(toWireError({ code: 'NOT_CONFIGURED', message: 'm', httpStatus: 404 })).toEqual({ status: 404, body: { error: { code: 'NOT_CONFIGURED', message: 'm' } } });
  });

  it('the window sees one error class with the code, after the message crossed contextBridge as "CODE: words"', async () => {
    const api = makeApi({ invoke: async () => ({ error: { code: 'BANNED', message: 'primary: IP banned' } }), on: () => () => {} });
    const crossed = await api.checkNow({}).catch((e: Error) => new Error(e.message)); // contextBridge keeps only the message
    const err = ApiError.fromCrossed(crossed);
    expect(err).toBeInstanceOf(ApiError);
    expect({ code: err.code, message: err.message }).toEqual({ code: 'BANNED', message: 'primary: IP banned' });
    expect(ApiError.fromBody({ error: { code: 'UNREACHABLE', message: 'gone' } }, 0)).toMatchObject({ code: 'UNREACHABLE', message: 'gone' });
  });
});
