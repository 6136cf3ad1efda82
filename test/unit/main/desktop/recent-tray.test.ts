import { describe, expect, it } from 'vitest';
import type { RecentAdd } from '../../../../shared/desktop';
import type { AddResponse, AddResult } from '../../../../shared/model';
import { pushRecent, recentFromResponse, recentMenuLabel } from '../../../../electron/main/desktop/recent';
import { trayStateFrom, type MenuItemSpec } from '../../../../electron/main/tray/state';
import { snapshot } from '../snapshot-fixture';

/** Recent adds as the user sees them in the tray: each with its outcome in words, the newest first, at most 50, re-sendable. */

const base = { infohash: 'a'.repeat(40), reason: null, failures: null, error: null };
const result = (over: Partial<AddResult>): AddResult => ({ input: 'magnet:?xt=urn:btih:' + 'a'.repeat(40), outcome: 'added', name: 'ubuntu.iso', instance: 'nas', ...base, ...over });
const response = (results: AddResult[]): AddResponse => ({ results, summary: { added: 0, duplicate: 0, queued: 0, rejected: 0 } });
let n = 0;
const id = () => `id-${++n}`;
const at = new Date('2026-01-01T00:00:00Z');

describe('recent adds', () => {
  it('words each outcome: placed on X / queued with the reason / duplicate on X / rejected with why', () => {
    const items = recentFromResponse(
      response([
        result({}),
        result({ outcome: 'queued', instance: null, failures: [{ instance: 'nas', code: 'TIMEOUT', message: 'timed out' }] }),
        result({ outcome: 'duplicate', instance: 'seedbox' }),
        result({ outcome: 'rejected', name: null, instance: null, input: 'hello', error: { code: 'INVALID_INPUT', message: 'not a magnet link' } }),
      ]),
      { kind: 'text' },
      at,
      id,
    );
    expect(items.map((r) => [r.outcome, r.detail])).toEqual([
      ['placed', 'placed on nas'],
      ['queued', 'queued — nas: timed out'],
      ['duplicate', 'duplicate (already on seedbox)'],
      ['rejected', 'rejected — not a magnet link'],
    ]);
    expect(items[3]!.label).toBe('hello');
    expect(items[0]!.resend).toEqual({ kind: 'text', text: result({}).input });
  });

  it('a .torrent from a path can be sent again by path; a dropped file (bytes only) cannot', () => {
    expect(recentFromResponse(response([result({ input: 'x.torrent' })]), { kind: 'file', path: '/dl/x.torrent' }, at, id)[0]!.resend).toEqual({ kind: 'file', path: '/dl/x.torrent' });
    expect(recentFromResponse(response([result({ input: 'x.torrent' })]), { kind: 'bytes' }, at, id)[0]!.resend).toBeNull();
  });

  it('keeps the newest 50, newest first', () => {
    let list: RecentAdd[] = [];
    for (let i = 0; i < 60; i++) list = pushRecent(list, recentFromResponse(response([result({ name: `t${i}` })]), { kind: 'text' }, at, id));
    expect(list).toHaveLength(50);
    expect(list[0]!.label).toBe('t59');
    expect(list[49]!.label).toBe('t10');
  });

  it('the tray has a "Recent adds" submenu: each item with its outcome sends it again; a dropped file is disabled', () => {
    const recent = pushRecent([], [
      ...recentFromResponse(response([result({ name: 'dropped' })]), { kind: 'bytes' }, at, id),
      ...recentFromResponse(response([result({ name: 'ubuntu.iso', outcome: 'queued', instance: null })]), { kind: 'text' }, at, id),
    ]);
    const menu = trayStateFrom(snapshot(), recent).menu;
    const sub = menu.find((m) => m.type === 'submenu') as Extract<MenuItemSpec, { type: 'submenu' }>;
    expect(sub.label).toBe('Recent adds (2) — click one to send it again');
    const items = sub.items.filter((m): m is Extract<MenuItemSpec, { type: 'normal' }> => m.type === 'normal');
    expect(items.map((m) => [m.label, m.enabled, m.action])).toEqual([
      ['ubuntu.iso — queued — no instance usable', true, 'resend-recent'],
      ['dropped — placed on nas', false, 'resend-recent'],
      ['Show recent adds in the window', true, 'open-recent'],
    ]);
    expect(items[0]!.arg).toBe(recent[0]!.id);
    expect(recentMenuLabel(recent[1]!)).toBe('dropped — placed on nas');
  });
});
