import { LIMITS } from '../../../shared/contract';

/** Base64 of bytes, in chunks so a 10 MiB file does not overflow the argument stack. */
export function bytesToBase64(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/** True for a file that looks like a `.torrent` (by name or MIME type). */
export function isTorrentFile(f: File): boolean {
  return /\.torrent$/i.test(f.name) || f.type === 'application/x-bittorrent';
}

/** Why a `.torrent` file is refused before upload, or null when it may go. */
export function torrentFileProblem(f: File): string | null {
  if (f.size > LIMITS.maxTorrentBytes) return `${f.name} is larger than 10 MiB`;
  if (f.size === 0) return `${f.name} is empty`;
  return null;
}

/** Text of a drop: `text/uri-list` (without `#` comment lines) or plain text. */
export function droppedText(dt: DataTransfer): string {
  const uris = dt.getData('text/uri-list');
  if (uris) {
    return uris
      .split(/\r?\n/)
      .filter((l) => l.trim() && !l.startsWith('#'))
      .join('\n');
  }
  return dt.getData('text/plain');
}
