import type { InstanceHealth } from './model';

/**
 * An instance's torrent counts in words, for the dashboard card and the tray: with a configured
 * category "4 in tv (1 incomplete) · 15 in all", without one "15 total (2 incomplete)"; null when
 * the counts are unknown (never checked). Counts of an old snapshot without `torrentsAll` keep the
 * old wording of the category alone.
 */
export function torrentCountsText(h: Pick<InstanceHealth, 'torrents' | 'torrentsAll' | 'category'>): string | null {
  const mine = h.torrents;
  if (!mine) return null;
  const incomplete = (n: number): string => (n ? ` (${n} incomplete)` : '');
  if (!h.category) return `${mine.total} total${incomplete(mine.incomplete)}`;
  const all = h.torrentsAll ? ` · ${h.torrentsAll.total} in all` : '';
  return `${mine.total} in ${h.category}${incomplete(mine.incomplete)}${all}`;
}
