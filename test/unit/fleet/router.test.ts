import { describe, expect, it } from 'vitest';
import type { VpnHealth } from '../../../shared/model';
import { orderCandidates, routeState, type Routable } from '../../../electron/core/fleet/router';

/** A routable instance: usable or not, with a count of incomplete torrents (null = not polled yet). */
interface Fake extends Routable {
  name: string;
}
const inst = (name: string, usable: boolean, incomplete: number | null = 0): Fake => ({
  name,
  isUsable: () => usable,
  health: { torrents: incomplete === null ? null : { total: incomplete, incomplete } },
});
const vpn: VpnHealth = { state: 'DISABLED', check: 'none', target: null, error: null, checkedAt: null };
const names = (list: Fake[]): string[] => list.map((i) => i.name);

describe('orderCandidates', () => {
  it('priority: usable instances in configured order, unusable ones left out', () => {
    const list = [inst('a', false), inst('b', true), inst('c', true)];
    expect(names(orderCandidates(list, vpn, 'priority', 0))).toEqual(['b', 'c']);
    expect(names(orderCandidates(list, vpn, 'priority', 7))).toEqual(['b', 'c']);
  });

  it('round-robin: the first instance rotates with each call, the rest follow in order', () => {
    const list = [inst('a', true), inst('b', true), inst('c', true)];
    expect([0, 1, 2, 3].map((turn) => names(orderCandidates(list, vpn, 'round-robin', turn)))).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c', 'a'],
      ['c', 'a', 'b'],
      ['a', 'b', 'c'],
    ]);
  });

  it('round-robin skips unusable instances', () => {
    const list = [inst('a', true), inst('b', false), inst('c', true)];
    expect(names(orderCandidates(list, vpn, 'round-robin', 1))).toEqual(['c', 'a']);
  });

  it('least-loaded: fewest incomplete torrents first (ties keep configured order), then the others in priority order', () => {
    const list = [inst('a', true, 5), inst('b', true, 1), inst('c', true, 1), inst('d', true, 9)];
    expect(names(orderCandidates(list, vpn, 'least-loaded', 0))).toEqual(['b', 'a', 'c', 'd']);
  });

  it('least-loaded: an instance not polled yet counts as the most loaded', () => {
    const list = [inst('a', true, null), inst('b', true, 50)];
    expect(names(orderCandidates(list, vpn, 'least-loaded', 0))).toEqual(['b', 'a']);
  });

  it('no usable instance: an empty order (the add goes to the queue)', () => {
    expect(orderCandidates([inst('a', false), inst('b', false)], vpn, 'round-robin', 3)).toEqual([]);
  });
});

describe('routeState', () => {
  it('names where adds go: primary, fallback, queue; paused and unconfigured first', () => {
    expect(routeState([], vpn, false)).toEqual({ kind: 'unconfigured', instance: null });
    expect(routeState([inst('a', true)], vpn, true)).toEqual({ kind: 'paused', instance: null });
    expect(routeState([inst('a', true), inst('b', true)], vpn, false)).toEqual({ kind: 'primary', instance: 'a' });
    expect(routeState([inst('a', false), inst('b', true)], vpn, false)).toEqual({ kind: 'fallback', instance: 'b' });
    expect(routeState([inst('a', false), inst('b', false)], vpn, false)).toEqual({ kind: 'queue', instance: null });
  });
});
