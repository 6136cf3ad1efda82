import { createServer, request, type Server } from 'node:http';

/**
 * A loopback HTTP proxy in front of one qBittorrent WebUI that counts login requests
 * (`POST /api/v2/auth/login`) and their answers, so a test knows exactly how many logins
 * reached the server. The Host header is rewritten to the target (qBittorrent answers 401 to a
 * Host with a foreign port).
 */
export interface LoginCountingProxy {
  url: string;
  /** Login requests forwarded. */
  logins: number;
  /** Answers to them: body text (`Ok.`, `Fails.`, or the ban message) by count. */
  answers: string[];
  close(): Promise<void>;
}

/** Starts the proxy on 127.0.0.1 for `targetUrl` (`http://127.0.0.1:<port>`). */
export async function startLoginCountingProxy(targetUrl: string): Promise<LoginCountingProxy> {
  const target = new URL(targetUrl);
  const state = { logins: 0, answers: [] as string[] };
  const server: Server = createServer((req, res) => {
    const isLogin = req.method === 'POST' && (req.url ?? '').startsWith('/api/v2/auth/login');
    if (isLogin) state.logins++;
    const headers = { ...req.headers, host: target.host };
    const up = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        if (!isLogin) return void upRes.pipe(res);
        let body = '';
        upRes.on('data', (d: Buffer) => {
          body += d.toString('utf8');
          res.write(d);
        });
        upRes.on('end', () => {
          state.answers.push(body.trim());
          res.end();
        });
      },
    );
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    get logins() {
      return state.logins;
    },
    get answers() {
      return state.answers;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  } as LoginCountingProxy;
}
