import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listHashes } from '../harness/direct';
import { assertCliBuilt, legacyEnv, makeSandbox, spawnCli, writeOldQueueFile, type CliChild, type Sandbox } from '../harness/cli';
import { randomMagnet } from '../harness/inputs';
import { startQbittorrent, type QbtProcess } from '../harness/qbittorrent';

/**
 * A full disk under `watch`, for real: the queue lives on a 256 KiB tmpfs that is then filled.
 * The auto-flush places the queued magnets, and settling the queue fails with ENOSPC. `watch` must
 * keep running, say so, and retry; once space is back the queue settles and nothing was lost.
 * Needs root (mount); reported as not run where tmpfs cannot be mounted.
 */

const mountPoint = mkdtempSync(join(tmpdir(), 'qbf-fulldisk-'));
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mountPoint], { stdio: 'pipe' });
  mounted = true;
} catch {
  mounted = false;
}

let q: QbtProcess;
let s: Sandbox;
let w: CliChild | null = null;

describe.skipIf(!mounted)(mounted ? 'a full disk under watch' : 'a full disk under watch (tmpfs cannot be mounted here: not run)', () => {
  beforeAll(async () => {
    assertCliBuilt();
    q = await startQbittorrent({ name: 'full-disk' });
    s = makeSandbox('full-disk');
  });

  afterAll(async () => {
    if (w && w.child.exitCode === null) w.child.kill('SIGTERM');
    await w?.exited;
    await q?.dispose();
    s?.dispose();
    try {
      execFileSync('umount', [mountPoint], { stdio: 'pipe' });
    } catch {
      /* already gone */
    }
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it('watch keeps running when the queue cannot be settled (ENOSPC), reports it, and settles once space is back — nothing lost', async () => {
    const queueFile = join(mountPoint, 'queue', 'qbittorrent_queue.json');
    mkdirSync(join(mountPoint, 'queue'));
    const magnets = [randomMagnet('full disk 1'), randomMagnet('full disk 2'), randomMagnet('full disk 3')];
    writeOldQueueFile(queueFile, magnets.map((m) => m.magnet));
    // Fill the disk to the last byte.
    const filler = join(mountPoint, 'filler');
    try {
      for (let i = 0; ; i++) writeFileSync(`${filler}-${i}`, Buffer.alloc(4096));
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    writeFileSync(join(s.home, 'config.json'), JSON.stringify({ version: 1, pollIntervalMs: 1_000, maxBackoffMs: 1_000 }));
    w = spawnCli(['watch'], { env: s.env({ ...legacyEnv(q), VPN_CHECK: 'none', QBIT_FAILOVER_QUEUE_FILE: queueFile }), cwd: s.cwd });
    // The auto-flush places the magnets, then cannot write the queue: reported, not fatal.
    await w.waitFor(/ENOSPC|no space/i, 20_000);
    const hashes = await listHashes(q);
    for (const m of magnets) expect(hashes).toContain(m.infohash);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(w.child.exitCode, w.output()).toBeNull();
    expect(w.output()).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    // Space comes back: the next retry settles the queue (the entries are found on the instance).
    for (let i = 0; ; i++) {
      try {
        rmSync(`${filler}-${i}`);
      } catch {
        break;
      }
    }
    const settled = await new Promise<boolean>((resolve) => {
      const end = Date.now() + 20_000;
      const tick = (): void => {
        const doc = JSON.parse(readFileSync(queueFile, 'utf8')) as { magnets: unknown[] };
        if (doc.magnets.length === 0) resolve(true);
        else if (Date.now() > end) resolve(false);
        else setTimeout(tick, 200);
      };
      tick();
    });
    expect(settled, w.output()).toBe(true);
    expect(w.child.exitCode).toBeNull();
  }, 90_000);
});
