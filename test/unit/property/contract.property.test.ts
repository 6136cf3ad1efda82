/**
 * Property tests of the IPC/HTTP contract validator (`validateApiArg`, every method) and of the
 * Electron launch-argument parser (`parseLaunchArgs`). 10 000 runs per property (both are pure).
 * Caps: see the block at the top of inputs.property.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { API_METHODS, ApiArgSchemas, isApiMethod, LIMITS, validateApiArg, type ApiMethod } from '../../../shared/contract';
import { parseLaunchArgs } from '../../../electron/main/launch/args';

const RUNS = 10_000;

/** Keys an attacker would try, plus the contract's own field names (so objects get near-valid). */
const KEYS = [
  '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty',
  'text', 'options', 'fileName', 'dataBase64', 'infohashes', 'infohash', 'paused', 'settings', 'instance', 'password',
  'category', 'savePath', 'tags', 'instances', 'name', 'url', 'username', 'tls', 'mode',
];
const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom('', ' ', '\u0000', '\u202e', '\ud800', '../../etc/passwd', 'javascript:alert(1)', 'file:///etc/passwd', 'data:,x', '<script>', "'; DROP TABLE", 'a'.repeat(40), 'A'.repeat(64), 'http://127.0.0.1:1', '%00', '${x}'),
);
const leaf = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.bigInt(), fc.constant(Number.NaN));
/** Objects with hostile keys, built through JSON.parse so `__proto__` is an own key as in a real request body. */
const hostileObject = fc
  .letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 5 })),
  }))
  .node.map((v) => {
    try {
      return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x)) ?? 'null') as unknown;
    } catch {
      return v;
    }
  });
const anyArg = fc.oneof(fc.anything({ withNullPrototype: true, withObjectString: true, withBigInt: true, withDate: true, withTypedArray: true, withSparseArray: true, withBoxedValues: true, withMap: true, withSet: true }), hostileObject);

describe('validateApiArg', () => {
  it(`never throws; returns a typed INVALID_ARGUMENT or a value that validates again (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.constantFrom(...API_METHODS), anyArg, (method, arg) => {
        const r = validateApiArg(method, arg);
        if (r.ok) {
          expect(validateApiArg(method, r.value).ok).toBe(true);
          expect(Object.getPrototypeOf(r.value)).toBe(Object.prototype);
        } else {
          expect(r.error.code).toBe('INVALID_ARGUMENT');
          expect(typeof r.error.message).toBe('string');
          expect(r.error.message.length).toBeLessThan(2_000);
        }
        // Nothing leaked onto Object.prototype.
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.keys(Object.prototype)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it(`refuses unknown method names (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        if (isApiMethod(name) || name in Object.prototype) return;
        const r = validateApiArg(name as ApiMethod, {});
        expect(r.ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('isApiMethod refuses prototype keys, so the transports (which check it first) never reach a schema lookup', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
      expect(isApiMethod(name)).toBe(false);
    }
  });

  // Prototype keys must not reach a schema lookup (validateApiArg checks isApiMethod first).
  it('validateApiArg returns INVALID_ARGUMENT for prototype keys as method names', () => {
    for (const name of ['__proto__', 'toString', 'constructor']) {
      expect(validateApiArg(name as ApiMethod, {}).ok).toBe(false);
    }
  });

  it('drops prototype-pollution keys (strict objects refuse them; nothing reaches Object.prototype)', () => {
    for (const method of API_METHODS) {
      for (const body of ['{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}']) {
        const r = validateApiArg(method, JSON.parse(body));
        expect(r.ok, `${method} ${body}`).toBe(false);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }
    }
  });

  it('enforces the size caps', () => {
    expect(validateApiArg('addText', { text: 'a'.repeat(LIMITS.maxTextChars) }).ok).toBe(true);
    expect(validateApiArg('addText', { text: 'a'.repeat(LIMITS.maxTextChars + 1) }).ok).toBe(false);
    const maxB64 = Math.ceil((LIMITS.maxTorrentBytes * 4) / 3) + 4;
    expect(validateApiArg('addTorrentFile', { fileName: 'x', dataBase64: 'A'.repeat(maxB64 + 4) }).ok).toBe(false);
    expect(validateApiArg('addTorrentFile', { fileName: 'x'.repeat(1025), dataBase64: '' }).ok).toBe(false);
    expect(validateApiArg('flush', { infohashes: Array(LIMITS.maxInputs + 1).fill('a'.repeat(40)) }).ok).toBe(false);
    expect(validateApiArg('setPassword', { instance: 'a', password: 'p'.repeat(1025) }).ok).toBe(false);
    expect(validateApiArg('addText', { text: 'x', options: { tags: Array(65).fill('t') } }).ok).toBe(false);
    expect(validateApiArg('addText', { text: 'x', options: { category: 'c'.repeat(257) } }).ok).toBe(false);
  });

  it('every method has a schema (the generator covers all of them)', () => {
    expect(API_METHODS.sort()).toEqual(Object.keys(ApiArgSchemas).sort());
  });
});

describe('parseLaunchArgs', () => {
  const arg = fc.oneof(
    hostileString,
    fc.string({ maxLength: 200 }),
    fc.constantFrom('--hidden', '--show', '--', '-', '--allow-file-access-from-files', '--original-process-start-time=1', '"--hidden"', "'magnet:?xt=urn:btih:" + 'a'.repeat(40) + "'"),
    fc.tuple(fc.constantFrom('magnet:?', 'MAGNET:?', '"magnet:?', ' magnet:?'), hostileString).map(([a, b]) => a + b),
    fc.tuple(fc.constantFrom('', '/tmp/', 'C:\\x\\', 'file://', 'file:///', 'FILE:///C:/', 'https://e.com/', 'javascript:', 'smb://h/', '"', "'"), hostileString, fc.constantFrom('.torrent', '.TORRENT', '.torrent"', '%00.torrent', '.torrent\u0000')).map(([a, b, c]) => a + b + c),
    fc.constant('a'.repeat(65_537) + '.torrent'),
  );
  it(`never throws; magnets are magnet URIs, files are .torrent paths without NUL, no duplicates (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(arg, fc.anything() as fc.Arbitrary<string>), { maxLength: 12 }), (argv) => {
        const r = parseLaunchArgs(argv);
        expect(typeof r.flags.hidden).toBe('boolean');
        expect(typeof r.flags.show).toBe('boolean');
        expect(new Set(r.magnets).size).toBe(r.magnets.length);
        expect(new Set(r.torrentFiles).size).toBe(r.torrentFiles.length);
        for (const m of r.magnets) {
          expect(m).toMatch(/^magnet:\?/i);
          expect(m.length).toBeLessThanOrEqual(65_536);
        }
        for (const f of r.torrentFiles) {
          expect(f).toMatch(/\.torrent$/i);
          expect(f.includes('\u0000')).toBe(false);
          expect(/^(?!file:)[a-z][a-z0-9+.-]*:\/\//i.test(f)).toBe(false);
          expect(f.length).toBeLessThanOrEqual(65_536);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
