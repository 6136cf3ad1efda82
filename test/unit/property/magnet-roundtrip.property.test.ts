/**
 * Property: every magnet URI `add` accepts survives queue → foreign rewrite → reload → flush with
 * the same infohash (v1 and v2), name and add options. Generated links vary what users' tools
 * write: `xt` / `XT` / `xt.N` keys, hex in either case, base32 in either case, a percent-encoded
 * `urn:btih:`, hybrids (btih + btmh), `dn` with `+`, percent escapes and non-ASCII, and extra
 * parameters (`tr`, `ws`, `x.pe`) in any order. Two parsers that disagreed on exactly these forms
 * once dropped queued magnets while `add` had printed `[QUEUED]`.
 *
 * Runs: 300 queue round trips (each writes real files), 5 000 parse → canonical → parse checks.
 * Seed: QBF_SEED, else random; printed.
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMagnet } from '../../../electron/core/inputs/parse';
import { parseMagnetUri } from '../../../electron/core/inputs/magnet-uri';
import { QueueStore } from '../../../electron/core/queue';

const seed = Number(process.env.QBF_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`magnet round-trip property seed: ${seed} (rerun with QBF_SEED=${seed})`);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const HEX = '0123456789abcdef';
const B32 = 'abcdefghijklmnopqrstuvwxyz234567';
const bytes = (n: number): fc.Arbitrary<number[]> => fc.array(fc.integer({ min: 0, max: 255 }), { minLength: n, maxLength: n });
const toHex = (b: number[]): string => b.map((x) => HEX[x >> 4]! + HEX[x & 15]!).join('');
function toB32(b: number[]): string {
  let bits = '';
  for (const x of b) bits += x.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += B32[parseInt(bits.slice(i, i + 5), 2)];
  return out;
}

interface Case {
  uri: string;
  v1: string | null;
  v2: string | null;
  name: string | null;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    v1: fc.option(bytes(20), { nil: null }),
    v2: fc.option(bytes(32), { nil: null }),
    v1Form: fc.constantFrom('hex', 'HEX', 'b32', 'B32'),
    keyForm: fc.constantFrom('xt', 'XT', 'Xt', 'xt.1', 'xt.2'),
    pctUrn: fc.boolean(),
    // eslint-disable-next-line no-control-regex
    name: fc.option(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s)), { nil: null }),
    plusSpaces: fc.boolean(),
    extras: fc.subarray(['tr=http%3A%2F%2F127.0.0.1%3A1%2Fannounce', 'ws=http%3A%2F%2F127.0.0.1%2Ff', 'x.pe=127.0.0.1:6881', 'so=0-1']),
    v2First: fc.boolean(),
  })
  .filter((r) => r.v1 !== null || r.v2 !== null)
  .map((r) => {
    const key = (n: number): string => (r.keyForm.startsWith('xt.') ? `xt.${n + 1}` : r.keyForm);
    const urn = (s: string): string => (r.pctUrn ? s.replace(/:/g, '%3A') : s);
    const xts: string[] = [];
    if (r.v1) {
      const text = r.v1Form === 'hex' ? toHex(r.v1) : r.v1Form === 'HEX' ? toHex(r.v1).toUpperCase() : r.v1Form === 'b32' ? toB32(r.v1) : toB32(r.v1).toUpperCase();
      xts.push(urn(`urn:btih:${text}`));
    }
    if (r.v2) xts.push(urn(`urn:btmh:1220${toHex(r.v2)}`));
    if (r.v2First) xts.reverse();
    const params = xts.map((x, i) => `${key(i)}=${x}`);
    if (r.name !== null) {
      const enc = encodeURIComponent(r.name);
      params.push(`dn=${r.plusSpaces ? enc.replace(/%20/g, '+') : enc}`);
    }
    params.push(...r.extras);
    return { uri: `magnet:?${params.join('&')}`, v1: r.v1 ? toHex(r.v1) : null, v2: r.v2 ? toHex(r.v2) : null, name: r.name };
  });

describe('the one magnet parser', () => {
  it('parses every generated form to the right hashes and name, and its canonical form parses the same', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const p = parseMagnetUri(c.uri);
        expect(p.ok, c.uri).toBe(true);
        if (!p.ok) return;
        expect([p.v1, p.v2, p.name]).toEqual([c.v1, c.v2, c.name]);
        const again = parseMagnetUri(p.magnet);
        expect(again).toEqual(p);
      }),
      { seed, numRuns: 5_000 },
    );
  });

  it('a queued magnet reads back from the file — ours, or rewritten by the old tool — with the same infohash, name and options, and parses for flush', async () => {
    const root = mkdtempSync(join(tmpdir(), 'qbf-roundtrip-'));
    dirs.push(root);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, fc.boolean(), async (c, foreignRewrite) => {
        const file = join(root, `q${n++}.json`);
        const parsed = parseMagnet(c.uri);
        const options = { category: 'tv/hd', tags: ['a b'], paused: true };
        const store = new QueueStore({ path: file });
        await store.add([{ infohash: parsed.infohash, name: parsed.name, kind: 'magnet', magnet: parsed.magnet, reason: 'primary: VPN_DOWN', options }]);
        if (foreignRewrite) {
          // The old Python tool: json.load → keep its four keys → json.dump (our block is lost).
          const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
          writeFileSync(file, JSON.stringify({ saved_at: doc.saved_at, reason: doc.reason, magnets: doc.magnets, instructions: doc.instructions }));
        }
        const reloaded = await new QueueStore({ path: file }).load();
        expect(reloaded).toHaveLength(1);
        const e = reloaded[0]!;
        expect([e.infohash, e.name]).toEqual([parsed.infohash, parsed.name]);
        if (!foreignRewrite) expect(e.options).toEqual(options);
        const forFlush = parseMagnet(e.magnet);
        expect([forFlush.infohash, forFlush.v1, forFlush.v2, forFlush.name]).toEqual([parsed.infohash, c.v1, c.v2, c.name]);
      }),
      { seed, numRuns: 300 },
    );
  });
});
