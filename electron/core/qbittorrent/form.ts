import { randomBytes } from 'node:crypto';
import { QBITTORRENT_ADD_BODY_MAX_BYTES } from '../../../shared/limits';
import type { AddParams } from './types';

/**
 * Request bodies for `torrents/add`: url-encoded magnet batches and multipart `.torrent`
 * batches, each kept under the server's body limit (`QBITTORRENT_ADD_BODY_MAX_BYTES`).
 */

/** The add options sent as they are, and their `torrents/add` field names (qBittorrent's WebUI API). */
export const EXTRA_ADD_FIELDS = [
  ['skipChecking', 'skip_checking'],
  ['rename', 'rename'],
  ['upLimit', 'upLimit'],
  ['dlLimit', 'dlLimit'],
  ['ratioLimit', 'ratioLimit'],
  ['seedingTimeLimit', 'seedingTimeLimit'],
  ['inactiveSeedingTimeLimit', 'inactiveSeedingTimeLimit'],
  ['autoTMM', 'autoTMM'],
  ['sequentialDownload', 'sequentialDownload'],
  ['firstLastPiecePrio', 'firstLastPiecePrio'],
  ['contentLayout', 'contentLayout'],
] as const;

/**
 * Form fields for the add options: `category`, `savepath`, `tags` (trimmed, empties
 * dropped, joined with `,` because qBittorrent splits on commas without trimming), and both
 * `paused` and `stopped` (4.x reads `paused`, API ≥ 2.11 reads only `stopped`).
 */
export function addFields(opts: AddParams = {}): [string, string][] {
  const fields: [string, string][] = [];
  if (opts.category !== undefined) fields.push(['category', opts.category]);
  if (opts.savePath !== undefined && opts.savePath !== '') fields.push(['savepath', opts.savePath]);
  const tags = (opts.tags ?? []).map((t) => t.trim()).filter((t) => t.length > 0);
  if (tags.length) fields.push(['tags', tags.join(',')]);
  if (opts.paused !== undefined) {
    fields.push(['paused', String(opts.paused)], ['stopped', String(opts.paused)]);
  }
  for (const [key, field] of EXTRA_ADD_FIELDS) {
    const v = opts.extra?.[key];
    if (v !== undefined) fields.push([field, String(v)]);
  }
  return fields;
}

/** application/x-www-form-urlencoded encoding of one value (as URLSearchParams does). */
function formEncode(v: string): string {
  return new URLSearchParams([['', v]]).toString().slice(1);
}

/**
 * Url-encoded bodies for `torrents/add`, one per batch: all URIs of a batch go in ONE
 * `urls` field separated by `\n`; a new batch starts only when the body would pass
 * `maxBytes`. Returns `[]` for no URIs.
 */
export function magnetBodies(uris: string[], opts: AddParams = {}, maxBytes = QBITTORRENT_ADD_BODY_MAX_BYTES): string[] {
  const tail = addFields(opts)
    .map(([k, v]) => `&${k}=${formEncode(v)}`)
    .join('');
  const bodies: string[] = [];
  let batch: string[] = [];
  let size = 'urls='.length + tail.length;
  const newline = '%0A'.length;
  for (const uri of uris) {
    const enc = formEncode(uri);
    const add = enc.length + (batch.length ? newline : 0);
    if (batch.length && size + add > maxBytes) {
      bodies.push(`urls=${batch.join('%0A')}${tail}`);
      batch = [];
      size = 'urls='.length + tail.length;
    }
    size += enc.length + (batch.length ? newline : 0);
    batch.push(enc);
  }
  if (batch.length) bodies.push(`urls=${batch.join('%0A')}${tail}`);
  return bodies;
}

/** A multipart body and its Content-Type header (with the boundary). */
export interface MultipartBody {
  contentType: string;
  body: Buffer;
}

/** A file name safe inside a quoted `filename="…"` parameter. */
function quoteName(name: string): string {
  return name.replace(/[\r\n]/g, ' ').replace(/["\\]/g, '_') || 'file.torrent';
}

/**
 * multipart/form-data bodies for `torrents/add`: one `torrents` part per file plus the option
 * fields, split into several bodies only when one would pass `maxBytes`. A single file
 * larger than `maxBytes` still goes alone (the server will refuse it).
 */
export function torrentBodies(
  files: { name: string; data: Uint8Array }[],
  opts: AddParams = {},
  maxBytes = QBITTORRENT_ADD_BODY_MAX_BYTES,
): MultipartBody[] {
  const boundary = `----qbf${randomBytes(12).toString('hex')}`;
  const contentType = `multipart/form-data; boundary=${boundary}`;
  const fieldParts = addFields(opts).map(([k, v]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`, 'utf8'),
  );
  const closing = Buffer.from(`--${boundary}--\r\n`);
  const fixed = fieldParts.reduce((n, b) => n + b.length, closing.length);
  const bodies: MultipartBody[] = [];
  let parts: Buffer[] = [];
  let size = fixed;
  const flush = (): void => {
    bodies.push({ contentType, body: Buffer.concat([...parts, ...fieldParts, closing]) });
    parts = [];
    size = fixed;
  };
  for (const f of files) {
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="torrents"; filename="${quoteName(f.name)}"\r\n` +
        `Content-Type: application/x-bittorrent\r\n\r\n`,
      'utf8',
    );
    const partSize = head.length + f.data.length + 2;
    if (parts.length && size + partSize > maxBytes) flush();
    parts.push(head, Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength), Buffer.from('\r\n'));
    size += partSize;
  }
  if (parts.length) flush();
  return bodies;
}
