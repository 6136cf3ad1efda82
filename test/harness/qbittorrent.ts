import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate, pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chrootEnv, ensureMounts, primaryVersion, resolveVersion, selectedVersion, type QbtVersionLabel } from './qbt-versions.mjs';

export type { QbtVersionLabel } from './qbt-versions.mjs';

/**
 * Real qbittorrent-nox instances for integration tests, on loopback only
 * (see ../shared/qbittorrent-facts.md, "Running real instances for tests").
 */

/**
 * Versions: `4.5` is the host's /usr/bin/qbittorrent-nox (override with QBF_QBITTORRENT_NOX);
 * `5.1` and `5.3` run from Debian chroots prepared by `node test/harness/prepare-versions.mjs`
 * (see ./qbt-versions.mjs). QBT_VERSION picks the default for every start; `version` per start.
 */
/** How long to wait for the WebUI to answer after a start, ms. */
const READY_TIMEOUT_MS = 15_000;
/** Poll interval while waiting for the WebUI, ms. */
const READY_POLL_MS = 25;
/** How long `stop()` waits for a graceful exit before SIGKILL, ms. */
const STOP_GRACE_MS = 10_000;

/** Options of {@link startQbittorrent}. */
export interface StartOptions {
  /** Label used in the profile directory name and error messages. */
  name?: string;
  /** WebUI user (default `admin`). */
  username?: string;
  /** WebUI password (default `adminadmin`). */
  password?: string;
  /** WebUI port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** Profile directory (default: a new `os.tmpdir()/qbf-test-*`). */
  profileDir?: string;
  /**
   * Extra `.conf` keys by section, written after the defaults (same key overrides), e.g.
   * `{ Preferences: { 'WebUI\\MaxAuthenticationFailCount': '2' } }`.
   */
  extraConfig?: Record<string, Record<string, string>>;
  /** Serve the WebUI over HTTPS with this PEM certificate and key (see {@link makeSelfSignedCert}). */
  https?: { certPath: string; keyPath: string };
  /**
   * qBittorrent version to run (default: QBT_VERSION, else `4.5`). Throws when that version is
   * not installed (`node test/harness/prepare-versions.mjs` installs it).
   */
  version?: QbtVersionLabel;
  /**
   * `primary`: the instance a test treats as the primary; its default version is
   * QBT_PRIMARY_VERSION when set (mixed clusters), else QBT_VERSION.
   */
  role?: 'primary';
}

/** A running (or stopped) qbittorrent-nox started by the harness. */
export interface QbtProcess {
  name: string;
  /** WebUI base URL, `http://127.0.0.1:<port>` (`https://` with the `https` option; no trailing slash). */
  url: string;
  port: number;
  username: string;
  password: string;
  profileDir: string;
  /** Version label running (`4.5`, `5.1`, `5.3`; changes after `restart({ version })`). */
  readonly label: QbtVersionLabel;
  /** Exact version the binary reports, e.g. `v5.3.0`. */
  readonly version: string;
  /** PID of the current process (changes after `restart()`); null while stopped. */
  readonly pid: number | null;
  /** SIGTERM, then wait for exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
  /** SIGSTOP: the kernel still accepts TCP connections, nothing answers. */
  freeze(): void;
  /** SIGCONT after `freeze()`. */
  thaw(): void;
  /**
   * Stops if running, starts again on the same profile and port, waits until ready. With
   * `version`, the new start runs that version: an upgrade (or downgrade) in place, as a user's
   * package update does. Throws when that version is not available.
   */
  restart(opts?: { version?: QbtVersionLabel }): Promise<void>;
  /** Kills if running (thawing first if frozen) and deletes the profile directory. */
  dispose(): Promise<void>;
  /** Last ~64 KiB of the process's stdout+stderr, for debugging. */
  output(): string;
}

/** Every child started by this module, SIGKILLed when the test process exits. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      try {
        if (child.pid) process.kill(child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

/** Ports per test process: each process draws from its own block (see `freePort`). */
const PORT_BLOCK = 200;
/** First port of block 0; blocks end below Linux's ephemeral range (32 768+): 63 blocks. */
const PORT_BASE = 20_000;
const PORT_BLOCKS = Math.floor((32_768 - PORT_BASE) / PORT_BLOCK);
/** Where test processes claim their blocks: one file per block holding the claimer's PID. */
const PORT_CLAIMS = join(tmpdir(), 'qbf-test-ports');
let portBase: number | null = null;
let nextPort = Math.floor(Math.random() * PORT_BLOCK);

/** Whether process `pid` is alive (a claim of a process that died, e.g. SIGKILLed, is free again). */
function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * This process's block of ports, claimed once for the whole machine: the first block whose claim
 * file (`<tmp>/qbf-test-ports/<n>`) does not exist or names a dead process. So concurrent runs
 * (two Vitest runs, Vitest beside Playwright, a bench) never share a block. Released at exit.
 */
function claimPortBlock(): number {
  if (portBase !== null) return portBase;
  mkdirSync(PORT_CLAIMS, { recursive: true });
  for (let n = 0; n < PORT_BLOCKS; n++) {
    const file = join(PORT_CLAIMS, String(n));
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(file, String(process.pid), { flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        let holder = NaN;
        try {
          holder = Number(readFileSync(file, 'utf8'));
        } catch {
          /* released meanwhile: try again */
        }
        if (holder === process.pid) return (portBase = PORT_BASE + n * PORT_BLOCK);
        if (pidAlive(holder)) break;
        rmSync(file, { force: true }); // its process died: the block is free
        continue;
      }
      process.once('exit', () => {
        try {
          if (readFileSync(file, 'utf8') === String(process.pid)) rmSync(file, { force: true });
        } catch {
          /* gone already */
        }
      });
      return (portBase = PORT_BASE + n * PORT_BLOCK);
    }
  }
  throw new Error(`no free block of test ports: ${PORT_BLOCKS} claimed in ${PORT_CLAIMS}`);
}

/** True when nothing listens on 127.0.0.1:`port` (it binds and closes at once). */
async function portIsFree(port: number): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A TCP port on 127.0.0.1 that nothing listens on, for a server a test starts (or for an address
 * that must refuse). Each test process draws from its own block of 200 ports below the kernel's
 * ephemeral range, claimed for the whole machine ({@link claimPortBlock}), so no other process's
 * `bind(0)`, outgoing connection or `freePort` can take a port between this call and the server
 * binding it — nor while a test has killed its server and expects CONNECTION_REFUSED there, or
 * restarts it on the same port. (Port 0 did allow that: another worker's qBittorrent could start
 * on a killed one's port.) Throws when the whole block is busy.
 */
export async function freePort(): Promise<number> {
  const base = claimPortBlock();
  for (let i = 0; i < PORT_BLOCK; i++) {
    const port = base + (nextPort++ % PORT_BLOCK);
    if (await portIsFree(port)) return port;
  }
  throw new Error(`no free port in 127.0.0.1:${base}-${base + PORT_BLOCK - 1}`);
}

/** `@ByteArray(salt:key)` PBKDF2-HMAC-SHA512 hash, 100 000 iterations, as qBittorrent stores it. */
export function qbtPasswordHash(password: string): string {
  const salt = randomBytes(16);
  const key = pbkdf2Sync(password, salt, 100_000, 64, 'sha512');
  return `@ByteArray(${salt.toString('base64')}:${key.toString('base64')})`;
}

/** Builds the qBittorrent.conf text: loopback only, auth on, nothing leaves the machine. */
function buildConfig(o: {
  port: number;
  sessionPort: number;
  username: string;
  passwordHash: string;
  savePath: string;
  extra?: Record<string, Record<string, string>>;
}): string {
  const sections: Record<string, Record<string, string>> = {
    LegalNotice: { Accepted: 'true' },
    BitTorrent: {
      'Session\\Interface': 'lo',
      'Session\\InterfaceName': 'lo',
      'Session\\InterfaceAddress': '127.0.0.1',
      'Session\\DHTEnabled': 'false',
      'Session\\PeXEnabled': 'false',
      'Session\\LSDEnabled': 'false',
      'Session\\Port': String(o.sessionPort),
      'Session\\DefaultSavePath': o.savePath,
    },
    Network: { PortForwardingEnabled: 'false' },
    Preferences: {
      'WebUI\\Enabled': 'true',
      'WebUI\\Address': '127.0.0.1',
      'WebUI\\Port': String(o.port),
      'WebUI\\LocalHostAuth': 'true',
      'WebUI\\Username': o.username,
      'WebUI\\Password_PBKDF2': `"${o.passwordHash}"`,
      'WebUI\\UseUPnP': 'false',
      'Connection\\UPnP': 'false',
      'Connection\\ResolvePeerCountries': 'false',
      'General\\Locale': 'en',
    },
  };
  for (const [section, keys] of Object.entries(o.extra ?? {})) {
    sections[section] = { ...(sections[section] ?? {}), ...keys };
  }
  return (
    Object.entries(sections)
      .map(([s, keys]) => `[${s}]\n${Object.entries(keys).map(([k, v]) => `${k}=${v}`).join('\n')}\n`)
      .join('\n') + '\n'
  );
}

/** Status of `GET url` (any certificate accepted), or null when nothing answers within 1 s. */
function probeStatus(url: string): Promise<number | null> {
  const get = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = get(url, { method: 'GET', timeout: 1_000, rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? null);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end();
  });
}

/** Polls `GET /api/v2/app/version` until it answers 403 (up, not logged in). */
async function waitReady(url: string, child: ChildProcess, label: string, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`qbittorrent-nox ${label} exited early (${child.exitCode ?? child.signalCode}):\n${output()}`);
    }
    if ((await probeStatus(`${url}/api/v2/app/version`)) === 403) return;
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
  throw new Error(`qbittorrent-nox ${label} not ready after ${READY_TIMEOUT_MS} ms:\n${output()}`);
}

/** Resolves when the child has exited (at once if it already has). */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Merges the HTTPS keys (when asked) under the caller's extra config. */
function httpsConfig(opts: StartOptions, extra?: Record<string, Record<string, string>>): Record<string, Record<string, string>> {
  if (!opts.https) return extra ?? {};
  const tls = {
    'WebUI\\HTTPS\\Enabled': 'true',
    'WebUI\\HTTPS\\CertificatePath': opts.https.certPath,
    'WebUI\\HTTPS\\KeyPath': opts.https.keyPath,
  };
  return { ...extra, Preferences: { ...tls, ...(extra?.Preferences ?? {}) } };
}

/**
 * A self-signed certificate for `127.0.0.1` made with the `openssl` CLI, in `dir`. Returns the
 * PEM paths and the certificate's SHA-256 fingerprint (uppercase hex with colons, as Node shows it).
 */
export function makeSelfSignedCert(dir: string): { certPath: string; keyPath: string; fingerprint256: string } {
  const certPath = join(dir, 'webui-cert.pem');
  const keyPath = join(dir, 'webui-key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyPath, '-out', certPath,
  ], { stdio: 'ignore' });
  const fingerprint256 = new X509Certificate(readFileSync(certPath)).fingerprint256;
  return { certPath, keyPath, fingerprint256 };
}

/**
 * The server of `label`, with its chroot mounted. Throws when the version is not installed, or
 * when one of `paths` (profile, certificate) is not under /tmp for a chroot version: inside the
 * chroot only /tmp is the same path (bind mount).
 */
function serverFor(label: QbtVersionLabel, paths: (string | undefined)[]): { root: string | null; binary: string; version: string } {
  const server = resolveVersion(label);
  if (server.missing !== undefined) throw new Error(`qBittorrent ${label} is not available: ${server.missing}`);
  if (server.root) {
    for (const p of paths) {
      if (p && !`${realpathSync(dirname(p))}/`.startsWith('/tmp/')) throw new Error(`qBittorrent ${label} runs in a chroot: ${p} must be under /tmp`);
    }
    ensureMounts(server.root);
  }
  return server;
}

/**
 * Writes a loopback-only profile and starts `qbittorrent-nox --profile=<dir>` (no `-d`, so
 * the PID is the real one), resolving once the WebUI answers. Throws if it exits or is not
 * ready within 15 s.
 */
export async function startQbittorrent(opts: StartOptions = {}): Promise<QbtProcess> {
  installExitHook();
  let label = opts.version ?? (opts.role === 'primary' ? primaryVersion() : selectedVersion());
  let server = serverFor(label, [opts.profileDir, opts.https?.certPath, opts.https?.keyPath]);
  const name = opts.name ?? 'qbt';
  const username = opts.username ?? 'admin';
  const password = opts.password ?? 'adminadmin';
  const port = opts.port ?? (await freePort());
  let sessionPort = await freePort();
  while (sessionPort === port) sessionPort = await freePort();
  const ownProfile = !opts.profileDir;
  const profileDir = opts.profileDir ?? mkdtempSync(join(server.root ? '/tmp' : tmpdir(), `qbf-test-${name.replace(/[^\w.-]/g, '_')}-`));
  const confDir = join(profileDir, 'qBittorrent', 'config');
  const savePath = join(profileDir, 'downloads');
  mkdirSync(confDir, { recursive: true });
  mkdirSync(savePath, { recursive: true });
  writeFileSync(
    join(confDir, 'qBittorrent.conf'),
    buildConfig({ port, sessionPort, username, passwordHash: qbtPasswordHash(password), savePath, extra: httpsConfig(opts, opts.extraConfig) }),
  );
  const url = `${opts.https ? 'https' : 'http'}://127.0.0.1:${port}`;

  let child: ChildProcess | null = null;
  let frozen = false;
  let buffer = '';
  const output = (): string => buffer;

  const launch = async (): Promise<void> => {
    // chroot execs the server, so the PID held here is qbittorrent-nox's own (SIGSTOP/SIGKILL reach it).
    const { root, binary } = server;
    const c = root
      ? spawn('chroot', [root, binary, `--profile=${profileDir}`], { stdio: ['ignore', 'pipe', 'pipe'], env: chrootEnv() })
      : spawn(binary, [`--profile=${profileDir}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    live.add(c);
    const collect = (d: Buffer): void => {
      buffer = (buffer + d.toString('utf8')).slice(-65_536);
    };
    c.stdout?.on('data', collect);
    c.stderr?.on('data', collect);
    c.once('exit', () => live.delete(c));
    c.once('error', (e) => collect(Buffer.from(`spawn error: ${e.message}\n`)));
    try {
      await waitReady(url, c, name, output);
    } catch (e) {
      c.kill('SIGKILL');
      await exited(c);
      throw e;
    }
  };

  const running = (): ChildProcess | null =>
    child && child.exitCode === null && child.signalCode === null ? child : null;

  const kill = async (): Promise<void> => {
    const c = running();
    if (!c) return;
    c.kill('SIGKILL'); // SIGKILL also ends a SIGSTOPped process
    frozen = false;
    await exited(c);
  };

  const stop = async (): Promise<void> => {
    const c = running();
    if (!c) return;
    if (frozen) {
      c.kill('SIGCONT');
      frozen = false;
    }
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), STOP_GRACE_MS);
    await exited(c);
    clearTimeout(timer);
  };

  await launch();

  return {
    name,
    url,
    port,
    username,
    password,
    profileDir,
    get label() {
      return label;
    },
    get version() {
      return server.version;
    },
    get pid() {
      return running()?.pid ?? null;
    },
    stop,
    kill,
    freeze() {
      const c = running();
      if (!c) throw new Error(`${name} is not running`);
      c.kill('SIGSTOP');
      frozen = true;
    },
    thaw() {
      const c = running();
      if (c && frozen) c.kill('SIGCONT');
      frozen = false;
    },
    async restart(o = {}) {
      await stop();
      if (o.version && o.version !== label) {
        server = serverFor(o.version, [profileDir, opts.https?.certPath, opts.https?.keyPath]);
        label = o.version;
      }
      await launch();
    },
    async dispose() {
      await kill();
      if (ownProfile || /qbf-test-/.test(profileDir)) rmSync(profileDir, { recursive: true, force: true });
    },
    output,
  };
}
