import { createServer, request, type Server } from 'node:http';

/**
 * A loopback HTTP proxy in front of one qBittorrent WebUI that counts the requests it forwards
 * (by path, query left out) and can hold requests whose path starts with a given prefix for a
 * while before forwarding them (a slow server, or an add that takes long), or refuse everything
 * with 502 (a broken server). The Host header is rewritten to the target (qBittorrent answers 401
 * to a Host with a foreign port). Only 127.0.0.1 is used.
 */
export interface DelayProxy {
  url: string;
  /** Paths forwarded (or refused), in order, e.g. `/api/v2/torrents/add`. */
  readonly paths: string[];
  /** Holds requests whose path starts with `prefix` for `ms` before forwarding them (0: no more). */
  delay(prefix: string, ms: number): void;
  /** Answers every request 502 while on. */
  refuse(on: boolean): void;
  close(): Promise<void>;
}

/** Starts the proxy on 127.0.0.1 for `targetUrl` (`http://127.0.0.1:<port>`). */
export async function startDelayProxy(targetUrl: string): Promise<DelayProxy> {
  const target = new URL(targetUrl);
  const paths: string[] = [];
  const delays = new Map<string, number>();
  let refusing = false;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    paths.push(path);
    if (refusing) return void res.writeHead(502).end('proxy refusing');
    const hold = [...delays].find(([prefix, ms]) => ms > 0 && path.startsWith(prefix))?.[1] ?? 0;
    const body: Buffer[] = [];
    req.on('data', (d: Buffer) => body.push(d));
    req.on('end', () => {
      setTimeout(() => {
        const up = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (upRes) => {
          if (res.destroyed) return void upRes.resume();
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        });
        up.on('error', () => {
          if (!res.headersSent && !res.destroyed) res.writeHead(502);
          res.end();
        });
        up.end(Buffer.concat(body));
      }, hold);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    paths,
    delay: (prefix, ms) => void delays.set(prefix, ms),
    refuse: (on) => void (refusing = on),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
