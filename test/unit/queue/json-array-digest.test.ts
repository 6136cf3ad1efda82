import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jsonArrayDigest } from '../../../electron/core/digest';
import { magnetsDigest } from '../../../electron/core/queue/file-format';

describe('jsonArrayDigest (the queue digests, item by item)', () => {
  it('is the digest of JSON.stringify(items): empty, strings with escapes, objects, holes, and past the 64 KiB batch', () => {
    const lists: unknown[][] = [
      [],
      ['magnet:?xt=urn:btih:' + 'a'.repeat(40) + '&dn=caf\u00e9 "quoted" \\ \u0007 \u202e'],
      [{ id: 'x', n: 1, nested: [null, true] }, 42, null, undefined, 'tail'],
      Array.from({ length: 5_000 }, (_, i) => ({ infohash: i.toString(16).padStart(40, '0'), name: `n${i}` })),
    ];
    for (const items of lists) {
      for (const algo of ['sha1', 'sha256'] as const) {
        expect(jsonArrayDigest(algo, items)).toBe(createHash(algo).update(JSON.stringify(items)).digest('hex'));
      }
      expect(magnetsDigest(items)).toBe(createHash('sha256').update(JSON.stringify(items)).digest('hex').slice(0, 32));
    }
  });
});
