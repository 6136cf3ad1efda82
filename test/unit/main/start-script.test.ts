import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `npm start` where Electron cannot be downloaded: runs the real start script
 * (build/scripts/start.mjs) with the download pointed at a closed loopback port (nothing leaves
 * the machine; an empty cache in a fresh home), as a user behind a blocked network would.
 * The user must see one sentence naming the cause and the browser alternative — no stack trace,
 * no "delete node_modules/electron" — and a non-zero exit.
 */
const repo = path.resolve(__dirname, '../../..');
const home = mkdtempSync(path.join(os.tmpdir(), 'qbf-start-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('npm start without a downloadable Electron binary', () => {
  it('package.json "start" runs the checking start script', () => {
    const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('node build/scripts/start.mjs');
  });

  it('prints one sentence with the cause and `npx qbit-failover serve`, exits non-zero, no stack trace', () => {
    const run = spawnSync(process.execPath, [path.join(repo, 'build', 'scripts', 'start.mjs')], {
      cwd: repo,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        XDG_CACHE_HOME: path.join(home, '.cache'),
        electron_config_cache: path.join(home, 'electron-cache'),
        // Port 9 (discard) on loopback: refused, like a blocked download.
        ELECTRON_MIRROR: 'http://127.0.0.1:9/',
      },
    });
    const out = `${run.stdout}${run.stderr}`;
    expect(run.status, out).not.toBe(0);
    expect(run.status, out).not.toBeNull();
    const lines = out.trim().split('\n');
    expect(lines, out).toHaveLength(1);
    expect(lines[0]).toMatch(/Electron binary is not installed and could not be downloaded \(.+\)/);
    expect(lines[0]).toContain('`npx qbit-failover serve` gives the same UI in a browser');
    expect(out).not.toMatch(/^\s+at /m);
    expect(out).not.toMatch(/node_modules\/electron|delete/i);
  });
});
