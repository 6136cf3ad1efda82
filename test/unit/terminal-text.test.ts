import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createStreamLogger } from '../../electron/core/logger';
import { REPLACEMENT_CHAR, safeLines, safeText, terminalSafeJson } from '../../shared/terminal-text';

/** Everything a terminal acts on, one of each class: ESC, CR, LF, BEL, TAB, NUL, DEL, C1 CSI, C1 NEL, bidi. */
const NASTY = ['\u001b', '\r', '\n', '\u0007', '\t', '\u0000', '\u007f', '\u009b', '\u0085', '\u202a', '\u202e', '\u2066', '\u2069'];
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const TERMINAL_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('safeText', () => {
  it('replaces every C0, DEL, C1 and bidi override character, one for one', () => {
    for (const c of NASTY) expect(safeText(`a${c}b`)).toBe(`a${REPLACEMENT_CHAR}b`);
  });

  it('turns a decoded escape-laden dn into one inert line', () => {
    const dn = decodeURIComponent('%1b%5b2J%1b%5d0%3bpwned%07%0d%0a%5bADDED%5d%20fake%c2%9b31m%e2%80%aeevil');
    const out = safeText(`[QUEUED] ${dn}`);
    expect(out).not.toMatch(TERMINAL_CONTROL);
    expect(out.split('\n')).toHaveLength(1);
    expect(out).toContain('[ADDED] fake');
  });

  it('keeps ordinary text, accents, CJK and emoji as they are', () => {
    const text = 'Ubuntu 24.04 — café 日本語 🎬 [1080p] (x264)';
    expect(safeText(text)).toBe(text);
    expect(safeText(null)).toBe('');
    expect(safeText(42)).toBe('42');
  });

  it('safeLines keeps line breaks and cleans inside each line', () => {
    expect(safeLines('one\u001b[2J\ntwo\r')).toBe(`one${REPLACEMENT_CHAR}[2J\ntwo${REPLACEMENT_CHAR}`);
  });
});

describe('terminalSafeJson', () => {
  it('escapes C1 and bidi characters and stays the same JSON value', () => {
    const value = { name: 'x\u009b31m\u202eevil\u001b[2J\u007f' };
    const text = terminalSafeJson(JSON.stringify(value, null, 2));
    // Pretty-printed JSON has its own line breaks; nothing else a terminal acts on.
    expect(text.replace(/\n/g, '')).not.toMatch(TERMINAL_CONTROL);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('the stream logger', () => {
  it('writes a hostile name as one inert line, meta as safe JSON', () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (d: Buffer) => chunks.push(d.toString('utf8')));
    const log = createStreamLogger('info', stream);
    log.info('queued \u001b[2Jname\r\n2026-01-01T00:00:00.000Z INFO added fake', { error: 'boom\u009b\u202e' });
    const out = chunks.join('');
    expect(out.endsWith('\n')).toBe(true);
    expect(out.slice(0, -1)).not.toMatch(TERMINAL_CONTROL);
    expect(out.slice(0, -1).split('\n')).toHaveLength(1);
  });

  it('never throws when its stream does', () => {
    const broken = { write: () => { throw new Error('EPIPE'); } } as unknown as NodeJS.WritableStream;
    expect(() => createStreamLogger('info', broken).error('x')).not.toThrow();
  });
});
