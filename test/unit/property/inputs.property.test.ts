/**
 * Property-based tests (fast-check) of every entry point that takes user input. Each generated
 * input must end in a typed rejection (`INVALID_INPUT`, `INVALID_ARGUMENT`, a 4xx with a code) or
 * a well-formed result — never a crash, an untyped error, a request to qBittorrent, or a change
 * to the queue file other than the intended one.
 *
 * Size caps these tests hold the code to (README "Limits"):
 *   magnet URI                      65 536 characters        LIMITS.maxMagnetChars (shared/limits.ts)
 *   .torrent file (disk/URL/drop)   10 MiB = 10 485 760 bytes LIMITS.maxTorrentBytes
 *   .torrent as base64 (API)        13 981 018 characters     MAX_TORRENT_BASE64_CHARS = ceil(10 MiB × 4/3) + 4
 *   pasted/dropped text (API)       1 MiB = 1 048 576 chars   LIMITS.maxTextChars
 *   inputs per add call (API)       10 000                    LIMITS.maxInputs (flush infohashes)
 *   .torrent file path              4 096 characters, no NUL  resolveInput
 *   launch argument                 65 536 characters         LIMITS.maxMagnetChars, parseLaunchArgs (longer ones ignored)
 *   dashboard request body          16 MiB = 16 777 216 bytes DASHBOARD_BODY_MAX_BYTES (413 beyond)
 *   category / save path / tag      256 / 4 096 / 128 chars, ≤ 64 tags   AddOptionsSchema
 *   file name (API drop)            1 024 characters          addTorrentFile.fileName
 *   password (API)                  1 024 characters          setPassword / testConnection
 *   torrent/magnet display name     1 024 characters kept     parseMagnet (longer `dn` truncated)
 *
 * Runs: 10 000 per property for the pure parsers here (parseMagnet, splitText, parseTorrent on
 * random bytes and on mutated valid torrents, resolveInput on non-file strings). The other files
 * in this folder say their own counts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../shared/limits';
import { InvalidInput, parseMagnet, parseTorrent, splitText } from '../../../electron/core/inputs/parse';
import { resolveInput } from '../../../electron/core/inputs/resolve-input';
import { makeTorrentFile } from '../../harness/inputs';

const RUNS = 10_000;
const HASH = /^([0-9a-f]{40}|[0-9a-f]{64})$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Calls `fn`; returns the parsed value or the thrown error, failing on anything but InvalidInput. */
function typed<T>(fn: () => T): T | InvalidInput {
  try {
    return fn();
  } catch (err) {
    if (err instanceof InvalidInput && err.code === 'INVALID_INPUT' && typeof err.message === 'string' && err.message.length > 0) return err;
    throw new Error(`untyped error: ${(err as Error)?.name}: ${(err as Error)?.message}`, { cause: err });
  }
}

const hex40 = fc.stringMatching(/^[0-9a-fA-F]{40}$/);
const hex64 = fc.stringMatching(/^[0-9a-fA-F]{64}$/);
const b32 = fc.stringMatching(/^[A-Za-z2-7]{32}$/);
/** Pieces magnets are made of, valid and hostile. */
const magnetPart = fc.oneof(
  hex40.map((h) => `xt=urn:btih:${h}`),
  b32.map((h) => `xt=urn:btih:${h}`),
  hex64.map((h) => `xt=urn:btmh:1220${h}`),
  fc.string().map((s) => `xt=${s}`),
  fc.string().map((s) => `xt=urn:btih:${s}`),
  fc.string().map((s) => `dn=${s}`),
  fc.string().map((s) => `dn=${encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, ''))}`),
  fc.string().map((s) => `tr=${s}`),
  fc.constantFrom('xt=urn:btih:%ZZ', 'dn=%E0%A4%A', 'xt.1=urn:btih:', '&&&', '=', 'x.pe=1.2.3.4:1', 'xt=urn:btih:' + 'A'.repeat(40) + '%00'),
  fc.string({ unit: 'binary', maxLength: 64 }),
);
/** Magnet-shaped strings: a (case-mangled) prefix, then parts joined by `&` (or junk). */
const magnetish = fc
  .tuple(
    fc.constantFrom('magnet:?', 'MAGNET:?', 'Magnet:?', 'magnet:', 'magnet://', ' magnet:?', 'magnet:?\u0000', '\tmagnet:?', ''),
    fc.array(magnetPart, { maxLength: 6 }),
    fc.constantFrom('&', '&amp;', ';', '\n'),
  )
  .map(([p, parts, sep]) => p + parts.join(sep));
const anyString = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 100 }));

describe('parseMagnet', () => {
  it(`returns a well-formed input or throws InvalidInput (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.oneof(magnetish, anyString), (s) => {
        const r = typed(() => parseMagnet(s));
        if (r instanceof InvalidInput) return;
        expect(r.kind).toBe('magnet');
        expect(r.infohash).toMatch(HASH);
        expect(r.magnet).toMatch(/^magnet:\?/i);
        expect(CONTROL.test(r.magnet)).toBe(false);
        expect(r.magnet.length).toBeLessThanOrEqual(LIMITS.maxMagnetChars);
        if (r.name !== null) expect(r.name.length).toBeLessThanOrEqual(1024);
      }),
      { numRuns: RUNS },
    );
  });

  it(`finds the infohash of every valid magnet, whatever else it carries (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(hex40, fc.array(magnetPart.filter((p) => !/^xt/.test(p) && !CONTROL.test(p)), { maxLength: 4 }), (h, rest) => {
        const r = parseMagnet(`magnet:?${[`xt=urn:btih:${h}`, ...rest].join('&')}`);
        expect(r.infohash).toBe(h.toLowerCase());
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses a magnet over the cap and control characters anywhere', () => {
    const big = `magnet:?xt=urn:btih:${'a'.repeat(40)}&dn=${'x'.repeat(LIMITS.maxMagnetChars)}`;
    expect(() => parseMagnet(big)).toThrow(InvalidInput);
    for (const c of ['\u0000', '\u0007', '\u001b', '\u007f', '\r']) {
      expect(() => parseMagnet(`magnet:?xt=urn:btih:${'a'.repeat(40)}&dn=a${c}b`)).toThrow(InvalidInput);
    }
  });
});

describe('splitText', () => {
  it(`never throws and yields non-empty trimmed pieces (${RUNS} runs)`, () => {
    const text = fc.array(fc.oneof(magnetish, anyString, fc.constantFrom('\n', '\r\n', ' ', 'https://127.0.0.1:1/x.torrent', 'javascript:alert(1)')), { maxLength: 12 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text, (t) => {
        const parts = splitText(t);
        expect(Array.isArray(parts)).toBe(true);
        for (const p of parts) {
          expect(typeof p).toBe('string');
          expect(p.length).toBeGreaterThan(0);
          expect(p.length).toBeLessThanOrEqual(t.length);
        }
        // What splitText finds, every input later goes through parseMagnet/resolveInput: typed either way.
        for (const p of parts.slice(0, 20)) typed(() => (/^magnet:/i.test(p.trim()) ? parseMagnet(p) : null));
      }),
      { numRuns: RUNS },
    );
  });

  it('splits 1 MiB of text (the API cap) in well under a second', () => {
    const line = `magnet:?xt=urn:btih:${'b'.repeat(40)}&dn=x `;
    const text = line.repeat(Math.floor(1_048_576 / line.length));
    const t0 = performance.now();
    const parts = splitText(text);
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(parts.length).toBe(Math.floor(1_048_576 / line.length));
    const junk = 'magnet:?'.repeat(1_048_576 / 8);
    const t1 = performance.now();
    splitText(junk);
    typed(() => parseMagnet(junk));
    expect(performance.now() - t1).toBeLessThan(1_000);
  });
});

describe('parseTorrent', () => {
  it(`random bytes: a typed rejection or a well-formed torrent (${RUNS} runs)`, () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 2048 }),
      // bencode-looking noise: mostly structural bytes and digits
      fc.array(fc.constantFrom(...'dlie0123456789:4:infod'.split('').map((c) => c.charCodeAt(0))), { maxLength: 512 }).map((a) => Uint8Array.from(a)),
    );
    fc.assert(
      fc.property(bytes, (b) => {
        const r = typed(() => parseTorrent(b, 'x.torrent'));
        if (!(r instanceof InvalidInput)) expect(r.infohash).toMatch(HASH);
      }),
      { numRuns: RUNS },
    );
  });

  it(`mutated valid torrents (flips, truncation, insertion, splices): typed either way (${RUNS} runs)`, () => {
    const base = [makeTorrentFile('prop-a', 40_000).data, makeTorrentFile('prop-ü-名前', 1).data, makeTorrentFile('', 100_000).data];
    const mutation = fc.tuple(
      fc.constantFrom(0, 1, 2),
      fc.array(
        fc.oneof(
          fc.record({ op: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
          fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
          fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
          fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }) }),
          fc.record({ op: fc.constant('length' as const), at: fc.nat(), digits: fc.constantFrom('0', '99999999999', '-1', '00', '1e3') }),
        ),
        { minLength: 1, maxLength: 4 },
      ),
    );
    fc.assert(
      fc.property(mutation, ([which, ops]) => {
        let b = Buffer.from(base[which]!);
        for (const m of ops) {
          const at = b.length ? m.at % b.length : 0;
          if (m.op === 'flip') b[at] = m.byte;
          else if (m.op === 'truncate') b = b.subarray(0, at);
          else if (m.op === 'insert') b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
          else if (m.op === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.len)]);
          else {
            const colon = b.indexOf(0x3a, at);
            if (colon > 0) {
              let s = colon;
              while (s > 0 && b[s - 1]! >= 0x30 && b[s - 1]! <= 0x39) s--;
              b = Buffer.concat([b.subarray(0, s), Buffer.from(m.digits), b.subarray(colon)]);
            }
          }
        }
        const r = typed(() => parseTorrent(new Uint8Array(b), 'm.torrent'));
        if (!(r instanceof InvalidInput)) {
          expect(r.infohash).toMatch(HASH);
          expect(r.magnet).toMatch(/^magnet:\?xt=urn:bt(ih|mh):/);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses oversized, empty and deeply nested files with InvalidInput', () => {
    expect(() => parseTorrent(new Uint8Array(LIMITS.maxTorrentBytes + 1), 'big.torrent')).toThrow(InvalidInput);
    expect(() => parseTorrent(new Uint8Array(0), 'empty.torrent')).toThrow(InvalidInput);
    const deep = Buffer.concat([Buffer.from('d4:info'), Buffer.alloc(1_000_000, 'l'), Buffer.alloc(1_000_000, 'e'), Buffer.from('e')]);
    expect(() => parseTorrent(new Uint8Array(deep), 'deep.torrent')).toThrow(InvalidInput);
    const bigString = Buffer.concat([Buffer.from('d4:info999999999999:'), Buffer.alloc(64, 'a'), Buffer.from('e')]);
    expect(() => parseTorrent(new Uint8Array(bigString), 'len.torrent')).toThrow(InvalidInput);
  });
});

describe('resolveInput (non-file strings)', () => {
  // http(s) URLs are excluded: they would download (tested against a loopback server elsewhere).
  const notUrl = (s: string) => !/^\s*https?:/i.test(s);
  const hostile = fc.oneof(
    anyString,
    magnetish,
    fc.tuple(fc.constantFrom('javascript:', 'file:', 'file:///etc/', 'data:', 'data:application/x-bittorrent;base64,', 'vbscript:', 'ftp://', 'C:\\', '\\\\?\\', '/dev/', '/proc/self/', '../', '~/', 'magnet:'), anyString).map(([a, b]) => a + b),
  ).filter(notUrl);
  it(`resolves to a well-formed input or rejects with InvalidInput (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (s) => {
        try {
          const r = await resolveInput(s);
          expect(r.infohash).toMatch(HASH);
        } catch (err) {
          if (!(err instanceof InvalidInput)) throw new Error(`untyped error for ${JSON.stringify(s).slice(0, 200)}: ${(err as Error)?.message}`, { cause: err });
        }
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('refuses a 64 KiB path, NUL bytes and foreign schemes with a reason', async () => {
    for (const s of ['a'.repeat(65_536) + '.torrent', 'x\u0000.torrent', 'javascript:alert(1)', 'file:///etc/passwd', 'data:,x', '', '   ']) {
      await expect(resolveInput(s)).rejects.toBeInstanceOf(InvalidInput);
    }
  });
});
