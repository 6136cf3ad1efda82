import type { RouteState, VpnHealth } from '../../../shared/model';
import type { RoutingPolicy } from '../../../shared/settings';
import type { InstanceRuntime } from './instance';

/** What routing reads of an instance (a structural slice of {@link InstanceRuntime}, so the rules are testable alone). */
export type Routable = Pick<InstanceRuntime, 'isUsable'> & { health: Pick<InstanceRuntime['health'], 'torrents'> };

/**
 * Orders the usable instances for the next add by routing policy:
 * - `priority`: first usable in configured order (the old tool's primary → secondary);
 * - `round-robin`: rotates the starting instance on every call (`turn` counts calls);
 * - `least-loaded`: fewest incomplete torrents first (from the last health poll), ties in order.
 * The instances after the first are the fallbacks, in priority order.
 */
export function orderCandidates<T extends Routable>(instances: T[], vpn: VpnHealth, policy: RoutingPolicy, turn: number): T[] {
  const usable = instances.filter((i) => i.isUsable(vpn));
  if (usable.length < 2 || policy === 'priority') return usable;
  if (policy === 'round-robin') {
    const start = turn % usable.length;
    return [...usable.slice(start), ...usable.slice(0, start)];
  }
  const load = (i: T): number => i.health.torrents?.incomplete ?? Number.MAX_SAFE_INTEGER;
  const first = usable.reduce((best, i) => (load(i) < load(best) ? i : best), usable[0]!);
  return [first, ...usable.filter((i) => i !== first)];
}

/**
 * Where adds go now, for the tray light: `primary` when the first-priority instance is usable,
 * `fallback` when only another one is, `queue` when none is.
 */
export function routeState(instances: (Routable & { name: string })[], vpn: VpnHealth, paused: boolean): RouteState {
  if (instances.length === 0) return { kind: 'unconfigured', instance: null };
  if (paused) return { kind: 'paused', instance: null };
  const usable = instances.filter((i) => i.isUsable(vpn));
  if (usable.length === 0) return { kind: 'queue', instance: null };
  return { kind: usable[0] === instances[0] ? 'primary' : 'fallback', instance: usable[0]!.name };
}
