/**
 * Property test of the CLI's arguments: the built `qbit-failover add --json -- <args…>` with
 * generated garbage (javascript:/file:/data: URLs, control characters, 64 KiB strings, broken
 * magnets) in a sandbox with NO instance configured. Each run must exit 2 with a typed
 * INVALID_INPUT per input in the JSON report, no stack trace on stderr, and the queue file
 * byte-for-byte unchanged. Runs: 100 (each spawns Node, ~0.4 s). `--` keeps generated strings
 * from being read as options; `-` (stdin) and NUL (not passable in argv) are left out.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInput, parseMagnet } from '../../../electron/core/inputs/parse';

const RUNS = 100;
const BIN = fileURLToPath(new URL('../../../electron/cli/bin.mjs', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../../../out/cli/qbit-failover.mjs', import.meta.url));

function run(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** True when the CLI would accept `a` (a parsable magnet, or a URL it would download). */
function acceptable(a: string): boolean {
  const t = a.trim();
  if (/^https?:/i.test(t)) return true;
  if (!/^magnet:/i.test(t)) return false;
  try {
    parseMagnet(t);
    return true;
  } catch (err) {
    if (err instanceof InvalidInput) return false;
    throw err;
  }
}

describe('CLI add with generated arguments', () => {
  let root: string;
  let env: Record<string, string>;
  let cwd: string;
  let queueFile: string;
  let original: Buffer;

  beforeAll(() => {
    if (!existsSync(BUNDLE)) throw new Error(`CLI not built (missing ${BUNDLE}): run "npm run build:cli"`);
    root = mkdtempSync(join(tmpdir(), 'qbf-cli-prop-'));
    cwd = join(root, 'cwd');
    const home = join(root, 'qbf-home');
    const userHome = join(root, 'home');
    for (const d of [cwd, home, userHome, join(root, 'queue')]) mkdirSync(d, { recursive: true });
    queueFile = join(root, 'queue', 'qbittorrent_queue.json');
    // A queue that already holds one entry, as the old tool wrote it.
    writeFileSync(
      queueFile,
      JSON.stringify({ saved_at: '2025-11-28T02:30:00.000000', reason: 'x', magnets: [`magnet:?xt=urn:btih:${'e'.repeat(40)}&dn=kept`], instructions: 'x' }, null, 2),
    );
    original = readFileSync(queueFile);
    env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: userHome, TMPDIR: tmpdir(), QBIT_FAILOVER_HOME: home, QBIT_FAILOVER_QUEUE_FILE: queueFile };
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const ctrl = fc.integer({ min: 1, max: 31 }).map((c) => String.fromCharCode(c));
  const piece = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    ctrl,
    fc.constantFrom('\u007f', '\u202e', '\u001b[31m', '$(id)', '`id`', ';rm -rf /', '%00', '../../etc/passwd', '~', '*'),
  );
  const arg = fc.oneof(
    fc.tuple(fc.constantFrom('javascript:', 'JAVASCRIPT:', 'file:', 'file:///etc/', 'data:', 'data:application/x-bittorrent;base64,', 'vbscript:', 'magnet:?', 'magnet:?xt=urn:btih:', 'MAGNET:', 'ftp://', 'smb://', ''), fc.array(piece, { maxLength: 4 })).map(([p, a]) => p + a.join('')),
    fc.constant('a'.repeat(64 * 1024)),
    fc.constant(`magnet:?xt=urn:btih:${'f'.repeat(39)}&dn=${'y'.repeat(64 * 1024)}`),
    fc.constantFrom('', ' ', '\t', 'x.torrent', '/nonexistent/x.torrent', '.', '/', '/etc/passwd', '--json', '-v', '--help'),
  ).filter((a) => a !== '-' && !a.includes('\u0000') && !acceptable(a));

  it(`exits 2 with INVALID_INPUT for each input, no stack, queue file unchanged (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arg, { minLength: 1, maxLength: 4 }), async (args) => {
        const r = await run(['add', '--json', '--', ...args], env, cwd);
        expect(r.stderr).not.toMatch(/\n\s+at |node_modules|\.mjs:\d+/);
        expect(r.code, r.stderr.slice(0, 500)).toBe(2);
        const report = JSON.parse(r.stdout) as { results: { input: string; outcome: string; error: { code: string } | null }[]; summary: { rejected: number } };
        expect(report.results).toHaveLength(args.length);
        for (const res of report.results) {
          expect(res.outcome).toBe('rejected');
          expect(res.error?.code).toBe('INVALID_INPUT');
        }
        expect(report.summary.rejected).toBe(args.length);
        expect(Buffer.compare(readFileSync(queueFile), original)).toBe(0);
        expect(readdirSync(join(root, 'queue'))).toEqual(['qbittorrent_queue.json']);
      }),
      { numRuns: RUNS },
    );
  }, 240_000);
});
