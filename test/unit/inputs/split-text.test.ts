import { describe, expect, it } from 'vitest';
import { splitText } from '../../../electron/core/inputs/parse';
import { resolveInput } from '../../../electron/core/inputs/resolve-input';

/** The paste box's text → inputs: every line gets a result, as the CLI gives one per argument. */

const m1 = `magnet:?xt=urn:btih:${'a'.repeat(40)}&dn=one`;
const m2 = `magnet:?xt=urn:btih:${'b'.repeat(40)}&dn=two`;

describe('splitText', () => {
  it('keeps a garbage line among magnets as an input, in line order (failed before: dropped)', () => {
    expect(splitText(`${m1}\nnot-a-magnet\n${m2}`)).toEqual([m1, 'not-a-magnet', m2]);
  });

  it('a line of words around the links is not an input; the links in a line are', () => {
    expect(splitText(`grab these:\n${m1}\n\n  ${m2}   thanks!`)).toEqual([m1, m2]);
    expect(splitText(`see ${m1} and ${m2}`)).toEqual([m1, m2]);
  });

  it('text without any link: each non-empty line is an input', () => {
    expect(splitText('hello world\n\nfoo')).toEqual(['hello world', 'foo']);
  });

  it('over the dashboard a stray word is told what it is not; a path hears why paths are refused', async () => {
    await expect(resolveInput('not-a-magnet', { allowPaths: false })).rejects.toThrow('not a magnet URI or http(s) .torrent URL');
    await expect(resolveInput('/tmp/x.torrent', { allowPaths: false })).rejects.toThrow('file paths are not accepted over the dashboard');
    await expect(resolveInput('x.torrent', { allowPaths: false })).rejects.toThrow('file paths are not accepted over the dashboard');
  });
});
