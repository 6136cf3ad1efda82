import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, makeSandbox, type CliResult, type Sandbox } from '../harness/cli';
import { randomMagnet } from '../harness/inputs';

/**
 * Issue 7 item 3 through the real CLI: a queue file saved by Notepad/PowerShell (UTF-8 BOM,
 * CRLF) is read with all its entries; a corrupt file is never moved by the read-only `queue`
 * and `status`, and every command says what is wrong (stderr, `--json`, exit 4) — with the path
 * it was moved to once a writing command moved it; a folder at the queue path is not "0 entries".
 * No instance is configured: nothing here talks to a network.
 */

const sandboxes: Sandbox[] = [];
function sandbox(): Sandbox {
  const s = makeSandbox('queue-problems');
  mkdirSync(dirname(s.queueFile), { recursive: true });
  sandboxes.push(s);
  return s;
}
const expectExit = (r: CliResult, code: number): void => {
  expect(r.code, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);
};
const queueDir = (s: Sandbox): string[] => readdirSync(dirname(s.queueFile)).sort();

beforeAll(() => assertCliBuilt());
afterAll(() => {
  for (const s of sandboxes) s.dispose();
});

describe('CLI: queue file problems', () => {
  it('`queue` lists every entry of a file saved with a UTF-8 BOM and CRLF (Notepad, PowerShell)', async () => {
    const s = sandbox();
    const mags = [randomMagnet('win-a'), randomMagnet('win-b')];
    const json = JSON.stringify({ saved_at: '2025-11-28T02:30:00.000000', reason: 'r', magnets: mags.map((m) => m.magnet), instructions: 'i' }, null, 2).replace(/\n/g, '\r\n');
    writeFileSync(s.queueFile, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]));
    const r = await s.run(['queue', '--json']);
    expectExit(r, 0);
    const out = JSON.parse(r.stdout) as { entries: { infohash: string }[]; queueProblem: unknown };
    expect(out.entries.map((e) => e.infohash)).toEqual(mags.map((m) => m.infohash));
    expect(out.queueProblem).toBeNull();
    expect(queueDir(s)).toEqual(['qbittorrent_queue.json']);
  });

  it('a corrupt file: `queue` and `status` leave it in place and exit 4 saying so; `add` moves it aside and says where', async () => {
    const s = sandbox();
    const corrupt = '{"saved_at": "2025-11-28T02:30:00", "magnets": [';
    writeFileSync(s.queueFile, corrupt);
    for (const args of [['queue'], ['status'], ['queue', '--json'], ['status', '--json']]) {
      const r = await s.run(args);
      expectExit(r, 4);
      expect(r.stderr).toContain('[QUEUE PROBLEM] QUEUE_CORRUPT');
      expect(r.stderr).toContain(s.queueFile);
      if (args.includes('--json')) expect((JSON.parse(r.stdout) as { queueProblem: { code: string; movedTo: null } }).queueProblem).toMatchObject({ code: 'QUEUE_CORRUPT', movedTo: null });
    }
    expect(queueDir(s)).toEqual(['qbittorrent_queue.json']);
    expect(readFileSync(s.queueFile, 'utf8')).toBe(corrupt);

    const m = randomMagnet();
    const add = await s.run(['add', '--json', m.magnet]);
    expectExit(add, 4);
    const report = JSON.parse(add.stdout) as { results: { outcome: string }[]; queueProblem: { code: string; movedTo: string } };
    expect(report.results[0]!.outcome).toBe('queued');
    expect(report.queueProblem.code).toBe('QUEUE_CORRUPT');
    expect(report.queueProblem.movedTo).toMatch(/qbittorrent_queue\.json\.corrupt-/);
    expect(add.stderr).toContain(report.queueProblem.movedTo);
    expect(readFileSync(report.queueProblem.movedTo, 'utf8')).toBe(corrupt);
    // The queue is healthy again for the next command.
    const after = await s.run(['queue', '--json']);
    expectExit(after, 0);
    expect((JSON.parse(after.stdout) as { entries: { infohash: string }[] }).entries.map((e) => e.infohash)).toEqual([m.infohash]);
  });

  it('a folder at the queue path: `queue` exits 4 with QUEUE_UNREADABLE and the path, not "0 entries" and exit 0', async () => {
    const s = sandbox();
    mkdirSync(s.queueFile);
    const r = await s.run(['queue']);
    expectExit(r, 4);
    expect(r.stderr).toContain('[QUEUE PROBLEM] QUEUE_UNREADABLE');
    expect(r.stderr).toContain(s.queueFile);
    const st = await s.run(['status', '--json']);
    expectExit(st, 4);
    expect((JSON.parse(st.stdout) as { queueProblem: { code: string } }).queueProblem.code).toBe('QUEUE_UNREADABLE');
    const add = await s.run(['add', randomMagnet().magnet]);
    expectExit(add, 1);
    expect(add.stdout).toContain('QUEUE_WRITE_FAILED');
    expect(add.stderr).toContain('QUEUE_UNREADABLE');
  });
});
