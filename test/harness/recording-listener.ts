import { createServer } from 'node:http';

/** One request a {@link startRecordingListener} received. */
export interface RecordedRequest {
  method: string;
  url: string;
  body: string;
}

/**
 * A tiny HTTP listener on 127.0.0.1 standing in for "some other address": it records every
 * request (method, path, body) and answers `Fails.` (a qBittorrent-like refused login), so a test
 * can assert that a stored password never arrived there.
 */
export async function startRecordingListener(): Promise<{ url: string; requests: RecordedRequest[]; close(): Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('Fails.');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
