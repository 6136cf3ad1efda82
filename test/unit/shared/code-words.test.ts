import { describe, expect, it } from 'vitest';
import { CODE_WORDS, describeCode, errorInWords, failuresInWords, textInWords } from '../../../shared/code-words';
import { BASE_STATUS_CODES, describeStatus } from '../../../shared/status';
import { describeAddResult, lastAttemptError, queuedBecause } from '../../../renderer/src/lib/format';
import type { AddResult } from '../../../shared/model';

/**
 * The one table of words for codes: every code a view, the tray or the CLI's human lines can be
 * handed comes out in words — no raw `NOT_CONFIGURED` — and an entry's last error is never its
 * reason a second time.
 */

/** Every code the table knows, plus status codes and an HTTP status it computes. */
const CODES = [...new Set([...Object.keys(CODE_WORDS), ...BASE_STATUS_CODES, 'HTTP_502', 'HTTP_418'])].filter((c) => c !== 'OK');
/** A raw code anywhere in text (UPPER_SNAKE or a known single-word code). */
const rawCode = (text: string): string | undefined => CODES.find((c) => new RegExp(`(^|[^A-Za-z_])${c}($|[^A-Za-z_0-9])`).test(text));

describe('codes in words (shared/code-words.ts)', () => {
  it('has words for every status code, and the tray/CLI describeStatus uses the same table', () => {
    for (const c of BASE_STATUS_CODES) {
      expect(describeCode(c)).toBe(describeStatus(c));
      if (c !== 'OK') expect(rawCode(describeCode(c)), c).toBeUndefined();
    }
    expect(describeCode('HTTP_502')).toBe('Server error (HTTP 502)');
    expect(describeCode('SOMETHING_NEW')).toBe('Something new');
  });

  it('puts every code into words in the shapes the engine writes text in', () => {
    for (const c of CODES) {
      const shapes = [
        `${c}: words the engine wrote`,
        `primary: ${c}`,
        `primary: ${c}; secondary: ${c}`,
        `auto-flush failed (${c}: words); retrying in 2 s`,
        `flush failed (${c})`,
        c,
      ];
      for (const s of shapes) expect(rawCode(textInWords(s)), `${c} in "${s}" → "${textInWords(s)}"`).toBeUndefined();
    }
  });

  it('the queue reason with no instance configured reads as words, not NOT_CONFIGURED (failed before: shown raw)', () => {
    const e = { failures: [], reason: 'NOT_CONFIGURED: no qBittorrent instance configured', lastError: null, attempts: 0 };
    expect(queuedBecause(e)).toBe('no qBittorrent instance configured');
  });

  it('keeps a code-like word that is not a code where the engine writes codes (a variable name, a torrent name)', () => {
    expect(textInWords('set QBITTORRENT_URL or edit config.json')).toBe('set QBITTORRENT_URL or edit config.json');
    expect(textInWords('queued TIMEOUT (2019) FLAC: primary: TIMEOUT')).toBe('queued TIMEOUT (2019) FLAC: primary: timed out');
  });

  it('a failure without words keeps its message, never its code', () => {
    expect(failuresInWords([{ instance: 'x', code: 'SOMETHING_NEW', message: '' }])).toBe('x: something new');
  });

  it('the last error is not shown when it says what the reason says (failed before: the same text twice)', () => {
    const same = { failures: [{ instance: 'primary', code: 'CONNECTION_REFUSED', message: 'ECONNREFUSED' }], reason: 'primary: CONNECTION_REFUSED', lastError: 'primary: CONNECTION_REFUSED', attempts: 1 };
    expect(queuedBecause(same)).toBe('primary: connection refused');
    expect(lastAttemptError(same)).toBeNull();
    const differs = { ...same, failures: [{ instance: 'primary', code: 'TIMEOUT', message: 'timed out' }], lastError: 'primary: TIMEOUT' };
    expect(lastAttemptError(differs)).toBe('primary: timed out');
  });

  it('add results and failed calls reach the user in words', () => {
    const r: AddResult = { input: 'x', outcome: 'rejected', infohash: null, name: null, instance: null, reason: null, failures: null, error: { code: 'INVALID_INPUT', message: 'INVALID_INPUT: not a magnet URI' } };
    expect(rawCode(describeAddResult(r))).toBeUndefined();
    expect(errorInWords(Object.assign(new Error('no instance named x'), { code: 'NOT_CONFIGURED' }))).toBe('no instance named x');
    expect(errorInWords(Object.assign(new Error(''), { code: 'QUEUE_BUSY' }))).toBe('Another flush is running');
  });
});
