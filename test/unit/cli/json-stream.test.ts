import { afterEach, describe, expect, it, vi } from 'vitest';
import { printJsonListed } from '../../../electron/cli/json-stream';
import { terminalSafeJson } from '../../../shared/terminal-text';

afterEach(() => vi.restoreAllMocks());

/** What printJsonListed wrote to stdout. */
function captured(fn: () => void): string {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write);
  fn();
  return out;
}

describe('printJsonListed (queue --json item by item)', () => {
  it('writes exactly what printJson would: JSON.stringify(value, null, 2), terminal-safe, newline', () => {
    const entry = (i: number): Record<string, unknown> => ({ id: `id-${i}`, name: i % 3 ? `n\u202e${i}\u0085` : null, nested: { a: [1, { b: 'x\ny' }] }, attempts: i });
    for (const n of [0, 1, 2, 3_000]) {
      const entries = Array.from({ length: n }, (_, i) => entry(i));
      const value = { file: '/q/queue.json', entries, queueProblem: n ? null : { code: 'QUEUE_CORRUPT', message: 'm\u009b' } };
      const out = captured(() => printJsonListed(value, 'entries', entries));
      expect(out).toBe(`${terminalSafeJson(JSON.stringify(value, null, 2))}\n`);
    }
  });

  it('maps each item on the way out', () => {
    const out = captured(() => printJsonListed({ list: null, after: 1 }, 'list', [1, 2], (x) => ({ x })));
    expect(JSON.parse(out)).toEqual({ list: [{ x: 1 }, { x: 2 }], after: 1 });
  });
});
