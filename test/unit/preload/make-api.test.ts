import { describe, expect, it, vi } from 'vitest';
import { API_METHODS, IPC_EVENT_CHANNEL, ipcChannel } from '../../../shared/contract';
import type { EngineEvent } from '../../../shared/model';
import { makeApi, type IpcTransport } from '../../../electron/preload/make-api';

function transport(reply: unknown = { result: { ok: true } }) {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const t: IpcTransport & { emit(ch: string, p: unknown): void } = {
    invoke: vi.fn(async () => reply),
    on: (ch, l) => {
      const set = listeners.get(ch) ?? new Set();
      set.add(l);
      listeners.set(ch, set);
      return () => void set.delete(l);
    },
    emit: (ch, p) => listeners.get(ch)?.forEach((l) => l(p)),
  };
  return t;
}

describe('makeApi (what window.qbitFailover exposes)', () => {
  it('has exactly the contract methods plus subscribe — nothing raw', () => {
    const api = makeApi(transport());
    expect(Object.keys(api).sort()).toEqual([...API_METHODS, 'subscribe'].sort());
    for (const k of Object.keys(api)) expect(typeof (api as unknown as Record<string, unknown>)[k]).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('invokes qbf:<method> with the argument and returns the result', async () => {
    const t = transport({ result: { removed: true } });
    const api = makeApi(t);
    await expect(api.removeEntry({ infohash: 'a'.repeat(40) })).resolves.toEqual({ removed: true });
    expect(t.invoke).toHaveBeenCalledWith(ipcChannel('removeEntry'), { infohash: 'a'.repeat(40) });
  });

  it('returns a result that has its own "error" field as a result (testConnection)', async () => {
    const health = { name: 'nas', status: 'TIMEOUT', error: 'timed out after 3000 ms' };
    const api = makeApi(transport({ result: health }));
    await expect(api.testConnection({ instance: { name: 'nas', url: 'http://nas:8080' } as never })).resolves.toEqual(health);
  });

  it('turns {error:{code,message}} into a thrown Error carrying code (also in the message, which survives contextBridge)', async () => {
    const api = makeApi(transport({ error: { code: 'ENCRYPTION_UNAVAILABLE', message: 'no keyring' } }));
    const err = await api.setPassword({ instance: 'nas', password: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ code: 'ENCRYPTION_UNAVAILABLE', message: 'ENCRYPTION_UNAVAILABLE: no keyring' });
  });

  it('a malformed reply is BAD_REPLY, not a silent undefined', async () => {
    await expect(makeApi(transport('garbage')).getSnapshot({})).rejects.toMatchObject({ code: 'BAD_REPLY' });
  });

  it('subscribe delivers only the event payload and returns a working unsubscribe', () => {
    const t = transport();
    const api = makeApi(t);
    const got: EngineEvent[] = [];
    const off = api.subscribe((e) => got.push(e));
    const ev: EngineEvent = { type: 'activity', item: { id: 1, at: 'x', kind: 'add', message: 'added' } };
    t.emit(IPC_EVENT_CHANNEL, ev);
    off();
    t.emit(IPC_EVENT_CHANNEL, ev);
    expect(got).toEqual([ev]);
    expect(() => api.subscribe('nope' as never)).toThrow(TypeError);
  });
});
