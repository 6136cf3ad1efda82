import type { IncomingMessage, ServerResponse } from 'node:http';
import { GATEWAY_BODY_MAX_BYTES } from '../../../shared/limits';
import { readBody } from '../net/read-body';

export { BodyTooLarge } from '../net/read-body';

/**
 * Reading requests and writing answers the way qBittorrent's WebUI does (text/plain bodies like
 * `Ok.`, compact JSON), for the gateway's routes.
 */

/** One uploaded file of a multipart body (`torrents` parts of `torrents/add`). */
export interface UploadedFile {
  name: string;
  data: Uint8Array;
}

/** A request's parameters: query and body fields merged (the body wins), and multipart files. */
export interface RequestParams {
  fields: Map<string, string>;
  files: UploadedFile[];
}

/** An answer: status, a text or JSON body, extra headers. */
export interface Reply {
  status: number;
  /** A string goes out as text/plain; anything else as compact JSON. */
  body: unknown;
  headers?: Record<string, string | string[]>;
  /** `body` is JSON text already (passed through from an instance): sent as application/json, as is. */
  rawJson?: boolean;
}

/** `200 <text>`, text/plain. */
export const text = (body: string, status = 200): Reply => ({ status, body });
/** JSON text sent as it is (an instance's answer passed through without parsing 1 MB to write it again). */
export const rawJson = (body: string, status = 200): Reply => ({ status, body, rawJson: true });
/** `200` with compact JSON. */
export const json = (body: unknown, status = 200): Reply => ({ status, body: body === undefined ? null : body });

/**
 * The request's fields and files: the query string, then an url-encoded or multipart body
 * (parsed by the platform's `Response.formData()`, the WHATWG parser undici ships in Node), at
 * most `maxBytes` (see `readBody`, electron/core/net/read-body.ts). @throws BodyTooLarge; Error
 * when a multipart body does not parse or the client aborts.
 */
export async function readParams(req: IncomingMessage, url: URL, maxBytes = GATEWAY_BODY_MAX_BYTES): Promise<RequestParams> {
  const fields = new Map<string, string>(url.searchParams);
  const files: UploadedFile[] = [];
  if (req.method !== 'POST') return { fields, files };
  const body = await readBody(req, maxBytes);
  const type = req.headers['content-type'] ?? '';
  if (/^multipart\/form-data/i.test(type)) {
    const form = await new Response(body, { headers: { 'content-type': type } }).formData();
    for (const [key, value] of form) {
      if (typeof value === 'string') fields.set(key, value);
      else files.push({ name: value.name || `${key}.torrent`, data: new Uint8Array(await value.arrayBuffer()) });
    }
  } else if (body.length) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) fields.set(k, v);
  }
  return { fields, files };
}

/**
 * The header on every gateway answer that tells another qbit-failover process it is talking to a
 * qbit-failover gateway (the runner's probe of a busy port, ./peer-probe.ts): name and value only,
 * never a version or a secret. qBittorrent sends no such header.
 */
export const GATEWAY_MARK_HEADER = 'x-qbit-failover';
/** The value of {@link GATEWAY_MARK_HEADER}. */
export const GATEWAY_MARK_VALUE = 'gateway';

/** Writes `reply` (qBittorrent's content types: `text/plain; charset=UTF-8`, `application/json`), marked with {@link GATEWAY_MARK_HEADER}. */
export function writeReply(res: ServerResponse, reply: Reply): void {
  const isText = typeof reply.body === 'string';
  const payload = isText ? (reply.body as string) : JSON.stringify(reply.body);
  res.statusCode = reply.status;
  res.setHeader('content-type', isText && !reply.rawJson ? 'text/plain; charset=UTF-8' : 'application/json');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'SAMEORIGIN');
  res.setHeader(GATEWAY_MARK_HEADER, GATEWAY_MARK_VALUE);
  for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
  // Answered before the request body was read (refused, too large): close the connection, or a
  // keep-alive client would send its next request into the unread body.
  if (!res.req.complete) res.setHeader('connection', 'close');
  res.end(payload);
}

/** `true`/`false` as qBittorrent reads them (case-insensitive); undefined when absent or other. */
export function boolParam(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  const t = v.trim().toLowerCase();
  return t === 'true' ? true : t === 'false' ? false : undefined;
}

/** A number field; undefined when absent or not a number. */
export function numParam(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}
