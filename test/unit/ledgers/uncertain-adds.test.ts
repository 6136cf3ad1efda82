import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UncertainAdds } from '../../../electron/core/ledgers/uncertain-adds';

/**
 * The uncertain-adds ledger (`<home>/uncertain-adds.json`) on the one locked JSON-ledger helper:
 * the CLI, `watch` and the tray record timed-out adds at once, and none may be lost — a lost
 * entry is a stray copy that is never cleaned up (a magnet on two instances).
 */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const home = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'qbf-uncertain-'));
  dirs.push(d);
  return d;
};
const hash = (n: number): string => n.toString(16).padStart(40, '0');

describe('UncertainAdds', () => {
  it('two ledgers on one home recording 2 × 60 adds at once keep all 120', async () => {
    const h = home();
    const [x, y] = [new UncertainAdds(h), new UncertainAdds(h)];
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => [x.record('a', [{ infohash: hash(i), v2: null }]), y.record('b', [{ infohash: hash(1000 + i), v2: null }])]).flat(),
    );
    const list = await x.list();
    expect(list).toHaveLength(120);
    expect(new Set(list.map((e) => e.infohash)).size).toBe(120);
  });

  it('marks where each add was finally placed, then forgets settled entries; the file is private (0600)', async () => {
    const h = home();
    const l = new UncertainAdds(h);
    await l.record('a', [
      { infohash: hash(1), v2: null },
      { infohash: hash(2), v2: 'f'.repeat(64) },
    ]);
    await l.markPlaced(new Map([[hash(1), 'b']]));
    expect(await l.list()).toEqual([
      expect.objectContaining({ infohash: hash(1), instance: 'a', placedOn: 'b' }),
      expect.objectContaining({ infohash: hash(2), v2: 'f'.repeat(64), instance: 'a' }),
    ]);
    await l.forget((e) => e.infohash === hash(1));
    expect((await l.list()).map((e) => e.infohash)).toEqual([hash(2)]);
    expect(statSync(l.file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(l.file, 'utf8'))).toHaveLength(1);
  });

  it('a damaged file reads as empty and is replaced by the next record', async () => {
    const h = home();
    const l = new UncertainAdds(h);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(l.file, '{"not": "a list"');
    expect(await l.list()).toEqual([]);
    await l.record('a', [{ infohash: hash(3), v2: null }]);
    expect((await l.list()).map((e) => e.infohash)).toEqual([hash(3)]);
  });
});
