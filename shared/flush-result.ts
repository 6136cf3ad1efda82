import type { FlushPlacedOn, FlushProgress, FlushResponse } from './model';

/**
 * A flush in words, one way for the dashboard, the tray and the CLI: "1 204 → seedbox,
 * 798 → local, 0 left" at the end, "placed 1 204 of 2 002 (seedbox 1 204)" while it runs.
 */

/** `1204` → `1 204` (groups of three digits, a space between: unambiguous in every locale). */
export function groupDigits(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** Entries placed per instance, in the order the instances first appear in `placed`. */
export function placedPerInstance(placed: FlushResponse['placed']): FlushPlacedOn[] {
  const counts = new Map<string, number>();
  for (const p of placed) counts.set(p.instance, (counts.get(p.instance) ?? 0) + 1);
  return [...counts].map(([instance, n]) => ({ instance, placed: n }));
}

/**
 * A finished flush, per instance: `1 204 → seedbox, 798 → local, 0 left`; with nothing placed,
 * `0 placed, 3 left`. `left`: entries it was asked to place that are still queued.
 */
export function flushResultText(perInstance: readonly FlushPlacedOn[], left: number): string {
  const parts = perInstance.filter((p) => p.placed > 0).map((p) => `${groupDigits(p.placed)} → ${p.instance}`);
  if (parts.length === 0) parts.push('0 placed');
  return `${parts.join(', ')}, ${groupDigits(left)} left`;
}

/** A running flush: `placed 1 204 of 2 002 (seedbox 1 204, local 12)`. */
export function flushProgressText(p: Pick<FlushProgress, 'placed' | 'total' | 'perInstance'>): string {
  const on = p.perInstance.filter((i) => i.placed > 0).map((i) => `${i.instance} ${groupDigits(i.placed)}`);
  return `placed ${groupDigits(p.placed)} of ${groupDigits(p.total)}${on.length ? ` (${on.join(', ')})` : ''}`;
}
