import type { Engine } from '../../../../electron/core/engine';
import { startGateway, type GatewayHandle } from '../../../../electron/core/gateway';
import { directLogin } from '../../../harness/direct';
import type { QbtProcess } from '../../../harness/qbittorrent';
import { createTestEngine, type TestEngine, type TestEngineOptions } from '../../../harness/test-engine';

/**
 * The stack the gateway integration tests run against: real qbittorrent-nox instances (started
 * by the test), an engine on them in a temporary home, and a gateway on 127.0.0.1 at a free port
 * in front of it. Also the one logged-in `call` helper those tests share.
 */

/** What {@link startGatewayStack} builds: the engine's settings and how the gateway authenticates. */
export interface GatewayStackOptions extends TestEngineOptions {
  /**
   * The gateway's credentials, given to `startGateway` directly (the stored ones are then not
   * read). `'from-settings'`: `startGateway(engine)` with no options — host, port and username from
   * the settings' `gateway` block, password and API key from the secret store (set them in
   * `beforeStart`).
   */
  gateway: { username: string; password: string } | 'from-settings';
  /** Runs on the created engine before it starts (event listeners, gateway password, API key). */
  beforeStart?: (engine: Engine) => Promise<void> | void;
  /** The qbittorrent-nox processes behind the instances: {@link GatewayStack.dispose} disposes them too. */
  processes?: QbtProcess[];
}

/** A running engine with a gateway in front of it. */
export interface GatewayStack extends TestEngine {
  gateway: GatewayHandle;
  /**
   * Closes the gateway, stops the engine, disposes `processes` and removes the root, in that
   * order (each step even when one before failed). Never throws.
   */
  dispose(): Promise<void>;
}

/**
 * Creates the engine ({@link createTestEngine}), runs `beforeStart`, starts the engine and a
 * gateway on `127.0.0.1:0`. On any failure it disposes what it had built (the `processes`
 * included) and rethrows, so a test's `afterAll` needs only `await stack?.dispose()`.
 */
export async function startGatewayStack(o: GatewayStackOptions): Promise<GatewayStack> {
  const processes = o.processes ?? [];
  const disposeProcesses = async (): Promise<void> => {
    await Promise.allSettled(processes.map((q) => q.dispose()));
  };
  let built: TestEngine;
  try {
    built = await createTestEngine(o);
  } catch (e) {
    await disposeProcesses();
    throw e;
  }
  const { engine } = built;
  let gateway: GatewayHandle | undefined;
  const dispose = async (): Promise<void> => {
    await gateway?.close().catch(() => undefined);
    await engine.stop().catch(() => undefined);
    await disposeProcesses();
    await built.dispose();
  };
  try {
    await o.beforeStart?.(engine);
    await engine.start();
    gateway = o.gateway === 'from-settings' ? await startGateway(engine) : await startGateway(engine, { host: '127.0.0.1', port: 0, ...o.gateway });
  } catch (e) {
    await dispose();
    throw e;
  }
  return { ...built, gateway, dispose };
}

/** One answer of {@link GatewayClient.call}. */
export interface GatewayAnswer {
  status: number;
  body: string;
}

/** A logged-in WebUI client of a gateway, one raw request at a time. */
export interface GatewayClient {
  /** The session cookie (`SID=…`) the login returned. */
  cookie: string;
  /**
   * `GET /api/v2/<path>`, or a form POST when `form` is given (urlencoded). `headers` replace
   * the default `{ cookie }` (e.g. `{ authorization: 'Bearer …' }` instead of the session);
   * every request carries the client's User-Agent.
   */
  call(path: string, form?: Record<string, string>, headers?: Record<string, string>): Promise<GatewayAnswer>;
}

/**
 * Logs in to the gateway at `gateway.url` as `username`/`password` and returns a client holding
 * the session cookie. `userAgent` is sent on every call (the activity log names the program that
 * added by it). Throws when the login returns no cookie (wrong credentials, banned address).
 */
export async function gatewayClient(
  gateway: Pick<GatewayHandle, 'url'>,
  creds: { username: string; password: string },
  userAgent = 'Sonarr/4.0.14.2939',
): Promise<GatewayClient> {
  const login = await directLogin({ url: gateway.url, ...creds });
  if (!login.cookie) throw new Error(`gateway login as ${creds.username} failed: ${login.status} ${login.body}`);
  const cookie = login.cookie;
  return {
    cookie,
    async call(path, form, headers = { cookie }) {
      const res = await fetch(`${gateway.url}/api/v2/${path}`, {
        method: form ? 'POST' : 'GET',
        headers: { 'user-agent': userAgent, ...headers, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body: form ? new URLSearchParams(form).toString() : undefined,
      });
      return { status: res.status, body: await res.text() };
    },
  };
}

/**
 * Calls `read` until `ok` accepts its value (every `intervalMs` ms, at most `tries` times) and
 * returns that value; throws `never happened: <what>` otherwise. For a change another component
 * applies asynchronously (qBittorrent shows a pause in `info` ~0.5 s later; the gateway reloads its
 * credentials on an engine event).
 */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, o: { intervalMs?: number; tries?: number } = {}): Promise<T> {
  const { intervalMs = 100, tries = 100 } = o;
  for (let i = 0; i < tries; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`never happened: ${what}`);
}
