/**
 * File-system primitives of the queue: the cross-process lock, atomic durable writes,
 * reading, moving a corrupt file aside, and `.torrent` payload files.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import lockfile from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';
import { sha1Hex } from '../digest';

/** Tries of `acquireLock` after the first, ≤ 50 ms apart: ~30 s in all. */
const LOCK_RETRIES = 600;

/** Releases a lock taken by `acquireLock`. */
export type ReleaseLock = () => Promise<void>;

/**
 * Takes the cross-process lock (`<file>.lock` directory, `proper-lockfile`, the same one
 * every qbit-failover process uses). A lock older than `staleMs` (ms, min 2000) is taken
 * over, so a crashed holder blocks others for at most that long. Polls every ≤ 50 ms (so
 * the lock does not sit idle between busy holders) for ~30 s in all: many CLI `add`s, `watch`
 * and a lock-less writer forcing re-reads can keep it busy for seconds — on a loaded machine
 * (measured: 8 concurrent `add`s + `watch` + a script rewriting the file, two busy CPU loops on
 * 2 cores) ~9 s was not enough for 5–6 of 60 `add`s — and giving up means telling the user
 * their magnets were not queued.
 * `onCompromised` is called (instead of throwing asynchronously) if the lock is lost.
 * Throws the underlying error (`ELOCKED`, `ENOENT`, `ENOTDIR`…) when not obtained.
 */
export async function acquireLock(
  file: string,
  staleMs: number,
  onCompromised: (err: Error) => void,
): Promise<ReleaseLock> {
  return lockfile.lock(file, {
    realpath: false,
    stale: staleMs,
    retries: { retries: LOCK_RETRIES, factor: 1.5, minTimeout: 5, maxTimeout: 50, randomize: true },
    onCompromised,
  });
}

/**
 * Text of a file as Windows editors save it: a UTF-8 byte-order mark (Notepad, PowerShell 7
 * `Set-Content -Encoding utf8BOM`, Windows PowerShell 5 `-Encoding UTF8`) is dropped, and a
 * UTF-16 one (Windows PowerShell 5 `Out-File` and `>`) decodes as UTF-16. Without a mark: UTF-8.
 * Line ends (CRLF) are left alone: JSON treats them as whitespace.
 */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2, bytes.length - (bytes.length % 2))).swap16().toString('utf16le');
  return bytes.toString('utf8');
}

/** Reads the file's text (see {@link decodeText}); null when it does not exist. Other errors are thrown. */
export async function readTextOrNull(file: string): Promise<string | null> {
  try {
    return decodeText(await readFile(file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Fsyncs a directory so a rename inside it survives a power cut. Platforms that cannot
 * open or fsync directories (Windows: EISDIR/EPERM) are ignored: the rename is still atomic.
 */
export async function fsyncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF', 'EACCES', 'ENOTSUP'].includes(code ?? '')) throw err;
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/**
 * Writes `data` atomically and durably: temp file + fsync + rename (`write-file-atomic`),
 * then fsync of the folder. Readers see the old or the new file, never a mix.
 */
export async function writeDurable(file: string, data: string | Uint8Array): Promise<void> {
  await writeFileAtomic(file, typeof data === 'string' ? data : Buffer.from(data), { fsync: true });
  await fsyncDir(dirname(file));
}

/** SHA-1 of a file's text, to tell whether it changed without keeping the text (null: no file). */
export function textDigest(text: string | null): string | null {
  return text === null ? null : sha1Hex(text);
}

/**
 * Result of {@link writeDurableIfUnchanged}: not written (someone wrote the file meanwhile), or
 * written, with the file it replaced still reachable at `displaced` (a hard link; null when
 * there was no file or the file system has no hard links). The caller inspects, then deletes it.
 */
export type GuardedWrite = { written: false } | { written: true; displaced: string | null };

/**
 * Like {@link writeDurable}, but for a file that programs without our lock also write (the old
 * Python tool): the new content is written and fsynced to a temp file first (the slow part),
 * then the file is read again and the rename happens only if it still has the text whose digest
 * is `expectedDigest` (null = missing; `undefined` = do not check). Returns `{ written: false }`,
 * leaving the file alone, when someone wrote it meanwhile — the caller re-reads and merges, so
 * that writer's magnets are not overwritten. A lock-less writer can still open the file between
 * the check and the rename and write into the file we replace: that file is kept (hard link) as
 * `displaced`, so the caller can pick up what landed in it instead of losing it.
 */
export async function writeDurableIfUnchanged(file: string, data: string, expectedDigest: string | null | undefined): Promise<GuardedWrite> {
  const tag = `${process.pid}.${randomBytes(4).toString('hex')}`;
  const tmp = `${file}.${tag}.tmp`;
  let displaced: string | null = `${file}.${tag}.displaced`;
  try {
    const fh = await open(tmp, 'w', 0o644);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (expectedDigest !== undefined && textDigest(await readTextOrNull(file)) !== expectedDigest) {
      await unlink(tmp).catch(() => undefined);
      return { written: false };
    }
    try {
      await link(file, displaced);
    } catch {
      displaced = null; // no file yet, or no hard links here (FAT, some network shares)
    }
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    if (displaced) await unlink(displaced).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dirname(file));
  return { written: true, displaced };
}

/** Creates the folder of `file` (recursively) so the lock and the file can be made. */
export async function ensureParentDir(file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
}

/**
 * Why a file is moved aside: `corrupt` (it does not parse and nobody is writing it) or `writing`
 * (cut short a moment ago: another program is still writing it, and may finish later).
 */
export type AsideKind = 'corrupt' | 'writing';

/**
 * Renames a queue file to `<base>.<kind>-<timestamp>` (`base` defaults to `file`; a file kept
 * beside the queue file, such as the file a write replaced, passes the queue file's path).
 * Never overwrites, never deletes. Returns the new path, or null when the file was already gone.
 */
export async function moveAside(file: string, now: Date, opts: { base?: string; kind?: AsideKind } = {}): Promise<string | null> {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  for (let n = 0; n < 100; n++) {
    const target = `${opts.base ?? file}.${opts.kind ?? 'corrupt'}-${stamp}${n === 0 ? '' : `-${n}`}`;
    if ((await readTextOrNull(target)) !== null) continue;
    try {
      await rename(file, target);
      return target;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }
  throw new Error(`no free name to move ${file} aside`);
}

/**
 * Where `.torrent` payloads live: `<queue file name>.torrents/` beside the queue file.
 * Entries store `torrentFile` relative to the queue file's folder.
 */
export class PayloadDir {
  readonly dir: string;
  private readonly base: string;

  constructor(queueFile: string) {
    this.base = dirname(resolve(queueFile));
    this.dir = join(this.base, `${basename(queueFile)}.torrents`);
  }

  /** Relative name stored in the entry for an infohash's payload. */
  relativeName(infohash: string): string {
    return relative(this.base, join(this.dir, `${infohash}.torrent`));
  }

  /** Absolute path of a stored relative name; null if it points outside the payload folder. */
  resolve(torrentFile: string): string | null {
    const abs = resolve(this.base, torrentFile);
    return abs.startsWith(this.dir + sep) ? abs : null;
  }

  /** Writes and fsyncs one payload; returns its relative name. */
  async write(infohash: string, bytes: Uint8Array): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    await writeDurable(join(this.dir, `${infohash}.torrent`), bytes);
    return this.relativeName(infohash);
  }

  /** Deletes a payload by its stored relative name; a missing file is not an error. */
  async delete(torrentFile: string): Promise<void> {
    const abs = this.resolve(torrentFile);
    if (!abs) return;
    await unlink(abs).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  /** Reads a payload; null when missing or outside the payload folder. */
  async read(torrentFile: string): Promise<Uint8Array | null> {
    const abs = this.resolve(torrentFile);
    if (!abs) return null;
    try {
      return new Uint8Array(await readFile(abs));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }
}
