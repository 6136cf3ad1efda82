import { describe, expect, it, vi } from 'vitest';
import type { ApiBackend } from '../../../../shared/contract';
import { checkSender, createIpcDispatcher } from '../../../../electron/main/ipc/dispatcher';
import { toWireError } from '../../../../shared/wire-error';
import { snapshot } from '../snapshot-fixture';

const OURS = new Set([7]);
const ourFrame = { webContentsId: 7, frameUrl: 'app://qbit-failover/index.html' };

function setup(impl?: ApiBackend['call']) {
  const call = vi.fn(impl ?? (async () => snapshot() as never));
  const rejected = vi.fn();
  const dispatch = createIpcDispatcher({ backend: { call } as unknown as ApiBackend, ourWebContentsIds: () => OURS, onRejected: rejected });
  return { call, dispatch, rejected };
}

describe('checkSender', () => {
  it('accepts our window showing our page', () => {
    expect(checkSender(ourFrame, OURS)).toBe(true);
  });
  it('rejects a foreign webContents even on an app:// page', () => {
    expect(checkSender({ webContentsId: 8, frameUrl: 'app://qbit-failover/index.html' }, OURS)).toBe(false);
  });
  it('rejects our webContents when the frame is not app:// (navigated away, iframe, devtools)', () => {
    for (const frameUrl of ['https://evil.example/', 'file:///tmp/x.html', 'app://other/index.html', 'devtools://devtools/x', null, undefined]) {
      expect(checkSender({ webContentsId: 7, frameUrl }, OURS), String(frameUrl)).toBe(false);
    }
  });
});

describe('createIpcDispatcher', () => {
  it('passes a valid call from our window to the backend and wraps the result', async () => {
    const { call, dispatch } = setup();
    const reply = await dispatch(ourFrame, 'getSnapshot', {});
    expect(call).toHaveBeenCalledTimes(1);
    expect(reply).toEqual({ result: snapshot() });
  });

  it('never calls the backend for a foreign sender', async () => {
    const { call, dispatch, rejected } = setup();
    const reply = await dispatch({ webContentsId: 99, frameUrl: 'https://evil.example/' }, 'addText', { text: 'magnet:?xt=urn:btih:x' });
    expect(reply).toEqual({ error: { code: 'FORBIDDEN', message: 'caller is not a window of this app' } });
    expect(call).toHaveBeenCalledTimes(0);
    expect(rejected).toHaveBeenCalledOnce();
  });

  it('rejects bad arguments before the backend is called', async () => {
    const { call, dispatch } = setup();
    const bad: [string, unknown][] = [
      ['addText', { text: 42 }],
      ['addText', { text: 'x', extra: true }],
      ['removeEntry', { infohash: 'not-hex' }],
      ['setMonitoringPaused', { paused: 'yes' }],
      ['setPassword', { instance: '../../etc', password: 'p' }],
      ['addTorrentFile', { fileName: 'a.torrent', dataBase64: '***' }],
      ['addText', { text: 'x'.repeat(1_048_577) }],
    ];
    for (const [m, arg] of bad) {
      const reply = (await dispatch(ourFrame, m, arg)) as { error: { code: string } };
      expect(reply.error.code, m).toBe('INVALID_ARGUMENT');
    }
    expect(call).toHaveBeenCalledTimes(0);
  });

  it('refuses unknown and prototype method names', async () => {
    const { call, dispatch } = setup();
    for (const m of ['deleteEverything', '__proto__', 'constructor', 'toString']) {
      expect(((await dispatch(ourFrame, m, {})) as { error: { code: string } }).error.code).toBe('UNKNOWN_METHOD');
    }
    expect(call).toHaveBeenCalledTimes(0);
  });

  it('returns backend failures as {error:{code,message}} without a stack', async () => {
    const { dispatch } = setup(async () => {
      throw Object.assign(new Error('Wrong username or password'), { code: 'AUTH_FAILED' });
    });
    const reply = await dispatch(ourFrame, 'checkNow', {});
    expect(reply).toEqual({ error: { code: 'AUTH_FAILED', message: 'Wrong username or password' } });
    expect(JSON.stringify(reply)).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('maps untyped throws to INTERNAL', () => {
    expect(toWireError(new TypeError('x is undefined')).body.error.code).toBe('INTERNAL');
    expect(toWireError('boom').body).toEqual({ error: { code: 'INTERNAL', message: 'boom' } });
    expect(toWireError({ code: 'lower case', message: 'm' }).body.error.code).toBe('INTERNAL');
  });
});
