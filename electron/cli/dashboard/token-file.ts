import fs from 'node:fs';
import { readFile, mkdir, chmod } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { dashboardToken } from './auth';
import type { DashboardTokenStore } from './server';

/**
 * The dashboard's access token at rest: `<home>/dashboard-token` (home = `QBIT_FAILOVER_HOME` or
 * the OS config folder), one line, mode 0600 — so a bookmarked `?token=` link and an open tab's
 * cookie keep working across `serve` restarts. Rotating writes a new token; a running `serve`
 * notices the change (see {@link watchDashboardToken}) and refuses the old one from then on.
 */

/** File name of the token inside the home folder. */
export const DASHBOARD_TOKEN_FILE = 'dashboard-token';

/** How often a running server looks at the token file for a rotation by the CLI, ms. */
export const TOKEN_FILE_POLL_MS = 1_000;

/** Path of the token file in `home`. */
export function dashboardTokenPath(home: string): string {
  return path.join(home, DASHBOARD_TOKEN_FILE);
}

/** The token in the file, or null when the file is missing or does not hold a well-formed token. */
export async function readDashboardToken(home: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(dashboardTokenPath(home), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return dashboardToken(text.trim());
  } catch {
    return null;
  }
}

/** Writes `token` atomically with mode 0600 (the folder 0700 when created). */
async function writeToken(home: string, token: string): Promise<void> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  const file = dashboardTokenPath(home);
  await writeFileAtomic(file, `${token}\n`, { mode: 0o600 });
  // write-file-atomic keeps an existing file's mode; the token is owner-only whatever it was.
  await chmod(file, 0o600);
}

/**
 * The stored token; a new random one (32 bytes, base64url) is created and stored when there is
 * none or the file holds garbage. Permissions looser than 0600 are tightened.
 * @throws the file system error when the home folder cannot be read or written.
 */
export async function loadOrCreateDashboardToken(home: string): Promise<{ token: string; created: boolean }> {
  const existing = await readDashboardToken(home);
  if (existing) {
    const file = dashboardTokenPath(home);
    if ((fs.statSync(file).mode & 0o077) !== 0) await chmod(file, 0o600);
    return { token: existing, created: false };
  }
  const token = dashboardToken();
  await writeToken(home, token);
  return { token, created: true };
}

/** Replaces the stored token with a new random one and returns it (old links and cookies stop working). */
export async function rotateDashboardToken(home: string): Promise<string> {
  const token = dashboardToken();
  await writeToken(home, token);
  return token;
}

/**
 * Calls `onChange(token)` when the file's token changes (a `dashboard-token --rotate` from another
 * process), checked every {@link TOKEN_FILE_POLL_MS} ms by stat (works across atomic renames).
 * Returns a function that stops watching. A removed or garbled file changes nothing.
 */
export function watchDashboardToken(home: string, onChange: (token: string) => void): () => void {
  const file = dashboardTokenPath(home);
  const listener = (): void => {
    readDashboardToken(home).then(
      (token) => token && onChange(token),
      () => undefined,
    );
  };
  fs.watchFile(file, { interval: TOKEN_FILE_POLL_MS, persistent: false }, listener);
  return () => fs.unwatchFile(file, listener);
}

/** The token file of `home` as the server's {@link DashboardTokenStore} (rotate from settings, follow the CLI's rotations). */
export function fileTokenStore(home: string): DashboardTokenStore {
  return { rotate: () => rotateDashboardToken(home), watch: (onChange) => watchDashboardToken(home, onChange) };
}

/** File where `serve` notes the address it listens on, so `dashboard-token` can print the whole link. */
export const DASHBOARD_ADDRESS_FILE = 'dashboard-address';

/** Notes `base` (e.g. `http://127.0.0.1:8090/`, no token) for {@link readDashboardAddress}. Best effort: a failure is ignored. */
export async function recordDashboardAddress(home: string, base: string): Promise<void> {
  await writeFileAtomic(path.join(home, DASHBOARD_ADDRESS_FILE), `${base}\n`, { mode: 0o644 }).catch(() => undefined);
}

/** The address the last `serve` listened on, or null when none was noted. */
export async function readDashboardAddress(home: string): Promise<string | null> {
  const text = await readFile(path.join(home, DASHBOARD_ADDRESS_FILE), 'utf8').catch(() => '');
  const line = text.trim();
  return /^https?:\/\/\S+\/$/.test(line) ? line : null;
}

/**
 * The port the last `serve` on `host` listened on (from {@link DASHBOARD_ADDRESS_FILE}), or null
 * when none was noted or it was another address: `serve` without `--port` reuses it, so a
 * bookmark and an open tab keep working across restarts.
 */
export async function previousDashboardPort(home: string, host: string): Promise<number | null> {
  const base = await readDashboardAddress(home);
  if (!base) return null;
  const url = new URL(base);
  const noted = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port);
  return noted === host.replace(/^\[|\]$/g, '') && Number.isInteger(port) && port > 0 ? port : null;
}
