/**
 * A seeded pseudo-random generator for chaos tests, so a failing run can be replayed: the seed
 * comes from `CHAOS_SEED` (a decimal integer) or is drawn at random, and callers print it.
 */
import { randomInt } from 'node:crypto';

/** A seeded generator: `next()` in [0, 1), `int(lo, hi)` inclusive, `hex(bytes)`. */
export interface Prng {
  readonly seed: number;
  next(): number;
  int(lo: number, hi: number): number;
  /** `bytes` random bytes as lowercase hex (e.g. 20 → a v1 infohash). */
  hex(bytes: number): string;
  /** One element of a non-empty list. */
  pick<T>(list: readonly T[]): T;
}

/** A magnet URI with a seeded v1 infohash and no trackers (as the harness's randomMagnet, but replayable). */
export function seededMagnet(rng: Prng, name?: string, opts: { hybrid?: boolean } = {}): { magnet: string; infohash: string } {
  const infohash = rng.hex(20);
  const dn = name ?? `qbf-test-${infohash.slice(0, 8)}`;
  // A hybrid (v1+v2) link: qBittorrent lists it under its truncated v2 hash; `infohash` stays the v1 (our key).
  const v2 = opts.hybrid ? `&xt=urn:btmh:1220${rng.hex(32)}` : '';
  return { magnet: `magnet:?xt=urn:btih:${infohash}${v2}&dn=${encodeURIComponent(dn)}`, infohash };
}

/** The seed of this run: `CHAOS_SEED` when set (decimal), else a random 31-bit integer. */
export function chaosSeed(env: Record<string, string | undefined> = process.env): number {
  const fromEnv = Number.parseInt(env.CHAOS_SEED ?? '', 10);
  return Number.isFinite(fromEnv) ? fromEnv >>> 0 : randomInt(2 ** 31);
}

/** mulberry32: small, fast, good enough to drive test choices (not for anything secret). */
export function makePrng(seed: number): Prng {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  return {
    seed,
    next,
    int,
    pick: (list) => list[int(0, list.length - 1)]!,
    hex: (bytes) => Array.from({ length: bytes }, () => Math.floor(next() * 256).toString(16).padStart(2, '0')).join(''),
  };
}
