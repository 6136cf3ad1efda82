import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, CLI_BIN, legacyEnv, makeSandbox, readJson, writeOldQueueFile, type CliResult, type Sandbox } from '../harness/cli';
import { bencode, randomMagnet } from '../harness/inputs';
import { freePort } from '../harness/qbittorrent';

/**
 * What the CLI prints when things go wrong, through the real built CLI (no qBittorrent needed:
 * instances point at loopback ports where nothing listens): usage errors exit 2 naming the real
 * flag, internal texts (`fetch failed`, `Cannot read properties`, `ERR_SOCKET_BAD_PORT`) never
 * reach the user, a closed stdout ends quietly, no stack trace ever, and names from a magnet
 * cannot inject terminal escapes.
 */

const sandboxes: Sandbox[] = [];
function sandbox(): Sandbox {
  const s = makeSandbox('messages');
  sandboxes.push(s);
  return s;
}

function expectExit(r: CliResult, code: number): void {
  expect(r.code, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);
}

/** A JS stack frame line, or Node's crash banner: never shown to a user. */
const STACK = /^\s+at .+\(?.*:\d+:\d+\)?$|node:internal|Node\.js v\d+/m;

/** Bytes a terminal acts on: C0 except \n, DEL, C1 (U+0080–U+009F), bidi overrides/isolates. */
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Instances on loopback ports where nothing listens (so adds are queued). */
async function deadEnv(): Promise<Record<string, string>> {
  const [p1, p2] = [await freePort(), await freePort()];
  return legacyEnv({ url: `http://127.0.0.1:${p1}`, username: 'admin', password: 'adminadmin' }, { url: `http://127.0.0.1:${p2}` }, 'up');
}

beforeAll(() => assertCliBuilt());
afterAll(() => {
  for (const s of sandboxes) s.dispose();
});

describe('usage errors exit 2 and name the user-facing flag', () => {
  it('unknown option, unknown command, missing argument, unknown torrents action → 2', async () => {
    const s = sandbox();
    const unknown = await s.run(['status', '--bogus']);
    expectExit(unknown, 2);
    expect(unknown.stderr).toMatch(/unknown option '--bogus'/);
    const command = await s.run(['frobnicate']);
    expectExit(command, 2);
    expect(command.stderr).toMatch(/unknown command 'frobnicate'/);
    const missing = await s.run(['add']);
    expectExit(missing, 2);
    expect(missing.stderr).toMatch(/missing required argument/);
    const action = await s.run(['torrents', 'frobnicate', '--instance', 'primary']);
    expectExit(action, 2);
    expect(action.stderr).toMatch(/list, pause, resume, delete/);
  });

  it('serve --port abc → 2 naming --port, not ERR_SOCKET_BAD_PORT', async () => {
    const r = await sandbox().run(['serve', '--port', 'abc']);
    expectExit(r, 2);
    expect(r.stderr).toMatch(/--port must be a whole number from 0 to 65535/);
    expect(r.stdout + r.stderr).not.toMatch(/ERR_SOCKET_BAD_PORT|NaN/);
  });

  it('serve --host 0.0.0.0 without --allow-remote → 2 naming --allow-remote, not an internal option', async () => {
    const r = await sandbox().run(['serve', '--host', '0.0.0.0']);
    expectExit(r, 2);
    expect(r.stderr).toMatch(/--allow-remote/);
    expect(r.stdout + r.stderr).not.toMatch(/allowNonLoopback/);
  });

  it('torrents <action> all is not an infohash (only --all means every torrent); delete --all without --yes and without a terminal → 2', async () => {
    const s = sandbox();
    const env = await deadEnv();
    const word = await s.run(['torrents', 'delete', '--instance', 'primary', 'all'], env);
    expectExit(word, 2);
    expect(word.stderr).toMatch(/not an infohash: all .*use --all/);
    const bad = await s.run(['torrents', 'pause', '--instance', 'primary', '0123'], env);
    expectExit(bad, 2);
    const all = await s.run(['torrents', 'delete', '--instance', 'primary', '--all'], env);
    expectExit(all, 2);
    expect(all.stderr).toMatch(/add --yes to confirm/);
    for (const r of [word, bad, all]) expect(r.stdout).not.toMatch(/\[OK\]/);
  });
});

describe('inputs that fail say why in words', () => {
  it('a corrupt .torrent (bencoded, no name) → "not a valid .torrent file (…)" without JS internals', async () => {
    const s = sandbox();
    const file = join(s.cwd, 'corrupt.torrent');
    writeFileSync(file, bencode({ info: { length: 1, 'piece length': 16384, pieces: Buffer.alloc(20) } }));
    const r = await s.run(['add', file], await deadEnv());
    expectExit(r, 2);
    expect(r.stdout).toMatch(/\[REJECTED\] .*corrupt\.torrent: not a valid \.torrent file \(/);
    expect(r.stdout + r.stderr).not.toMatch(/Cannot read properties|undefined|TypeError/);
  });

  it('a .torrent URL nobody answers → "could not download …: connection refused", not "fetch failed"', async () => {
    const url = `http://127.0.0.1:${await freePort()}/file.torrent`;
    const r = await sandbox().run(['add', url], await deadEnv());
    // Network trouble queues the URL (downloaded again at flush); the reason is in words.
    expectExit(r, 3);
    expect(r.stdout).toMatch(/^\[QUEUED\] .*could not download[^\n]*: connection refused$/m);
    expect(r.stdout + r.stderr).not.toMatch(/fetch failed/);
  });

  it('flush with a folder where the queue file should be → one [ERROR] line with its code, exit 1, no stack', async () => {
    const s = sandbox();
    mkdirSync(s.queueFile, { recursive: true });
    const r = await s.run(['flush'], await deadEnv());
    expectExit(r, 1);
    expect(r.stderr).toMatch(/^\[ERROR\] QUEUE_READ_FAILED: .*EISDIR/m);
    expect(r.stdout + r.stderr).not.toMatch(STACK);
  });
});

describe('a closed stdout ends quietly', () => {
  it('queue | head -1 prints one line, no EPIPE and no stack, and the CLI exits 0', async () => {
    const s = sandbox();
    // Far more than a pipe buffer (64 KiB), so the CLI is still writing when head exits.
    writeOldQueueFile(s.queueFile, Array.from({ length: 3000 }, () => randomMagnet().magnet));
    const env = s.env(await deadEnv());
    const script = `"${process.execPath}" "${CLI_BIN}" queue 2>"${join(s.root, 'stderr.txt')}" | head -1; echo "cli-exit=\${PIPESTATUS[0]}" >&2`;
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
      execFile('bash', ['-c', script], { env, cwd: s.cwd, timeout: 30_000 }, (err, out, errOut) => (err ? reject(err) : resolve({ stdout: out, stderr: errOut }))),
    );
    expect(stdout).toMatch(/^\[QUEUE\] 3000 entries in /);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stderr.trim()).toBe('cli-exit=0');
    expect(readFileSync(join(s.root, 'stderr.txt'), 'utf8')).toBe('');
  });
});

describe('terminal escape injection', () => {
  // ESC [2J (clear screen), OSC 0 (window title) ended by BEL, CR LF + a forged "[ADDED]" line,
  // a C1 CSI (U+009B) and a right-to-left override (U+202E), all percent-encoded in dn.
  const dn = '%1b%5b2J%1b%5d0%3bpwned%07%0d%0a%5bADDED%5d%20fake%c2%9b31m%e2%80%aeevil';
  const magnet = `magnet:?xt=urn:btih:${'ab'.repeat(20)}&dn=${dn}`;

  it('add, add -v, add --json and queue print no ESC/CR/C1/bidi byte and no forged line', async () => {
    const s = sandbox();
    const env = await deadEnv();
    const add = await s.run(['-v', 'add', magnet], env);
    expectExit(add, 3);
    const json = await s.run(['add', '--json', magnet], env);
    const list = await s.run(['queue'], env);
    const listJson = await s.run(['queue', '--json'], env);
    for (const r of [add, json, list, listJson]) {
      expect(r.stdout + r.stderr, JSON.stringify(r.stdout + r.stderr)).not.toMatch(TERMINAL_CONTROL);
      expect(r.stdout + r.stderr).not.toMatch(/^\[ADDED\] fake/m);
    }
    expect(add.stdout).toMatch(/^\[QUEUED\] .*\[ADDED\] fake.*evil/m);
    // --json stays the same JSON value: the name decodes back to the original characters.
    const parsed = JSON.parse(json.stdout) as { results: { name: string }[] };
    expect(parsed.results[0]!.name).toContain('\u001b[2J');
    expect(parsed.results[0]!.name).toContain('\u202e');
    expect(readJson<{ magnets: string[] }>(s.queueFile).magnets).toHaveLength(1);
  });
});
