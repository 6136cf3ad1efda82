import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { GATEWAY_MARK_HEADER, GATEWAY_MARK_VALUE } from './http-io';

/** How long the probe of a busy port waits for an answer, ms. */
export const PEER_PROBE_TIMEOUT_MS = 1_000;

/**
 * Whether `host:port` (the gateway's port, found in use) is served by another qbit-failover
 * gateway: asks `GET /api/v2/app/version` over HTTP and HTTPS at once (a gateway served with
 * `--tls-cert` answers only the latter; its certificate is not checked — nothing is sent but the
 * path) with no credentials, and looks for the {@link GATEWAY_MARK_HEADER} every gateway answer
 * carries (the answer itself is 401/403). At most {@link PEER_PROBE_TIMEOUT_MS} ms. Never throws:
 * no answer, another program, or any error gives false.
 */
export async function servedByAnotherGateway(host: string, port: number, timeoutMs = PEER_PROBE_TIMEOUT_MS): Promise<boolean> {
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const results = await Promise.all([askOnce('http', host, shownHost, port, timeoutMs), askOnce('https', host, shownHost, port, timeoutMs)]);
  return results.some(Boolean);
}

/** One probe over `scheme`; true when the answer carries the gateway's mark. Never rejects. */
function askOnce(scheme: 'http' | 'https', host: string, shownHost: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let done = false;
    const finish = (v: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(v);
    };
    const onAnswer = (res: IncomingMessage): void => {
      res.resume();
      finish(res.headers[GATEWAY_MARK_HEADER] === GATEWAY_MARK_VALUE);
    };
    const options = { host, port, path: '/api/v2/app/version', method: 'GET', headers: { host: `${shownHost}:${port}` }, agent: false as const };
    let req: ReturnType<typeof httpRequest>;
    try {
      req = scheme === 'http' ? httpRequest(options, onAnswer) : httpsRequest({ ...options, rejectUnauthorized: false }, onAnswer);
    } catch {
      resolve(false);
      return;
    }
    const timer = setTimeout(() => finish(false), timeoutMs);
    timer.unref();
    req.on('error', () => finish(false));
    req.end();
  });
}
