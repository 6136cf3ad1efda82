import type { IncomingMessage } from 'node:http';

/**
 * Reading a request body with a size cap — the one reader of the dashboard and the gateway. A
 * body over the cap is refused from its `Content-Length` before a byte is read, or as soon as the
 * bytes received pass the cap (chunked bodies): the request is paused there, so memory holds at
 * most `maxBytes` plus one chunk. The caller answers and closes the connection.
 */

/** The body is larger than the reader's `maxBytes` (declared in `Content-Length`, or received). */
export class BodyTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`request body larger than ${maxBytes} bytes`);
    this.name = 'BodyTooLarge';
  }
}

/**
 * The whole body of `req`, at most `maxBytes` bytes.
 * @throws BodyTooLarge beyond `maxBytes` (the request is left paused, unread);
 * Error when the client aborts the request before its end.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(new BodyTooLarge(maxBytes));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        done();
        req.pause();
        reject(new BodyTooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(Buffer.concat(chunks));
    };
    const onError = (err: Error): void => {
      done();
      reject(err);
    };
    const onClose = (): void => {
      done();
      reject(new Error('request aborted by the client'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
