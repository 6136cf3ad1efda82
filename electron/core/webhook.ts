import type { EngineEvent } from '../../shared/model';
import { NoticeBatcher, NoticeTracker, type Notice, type NoticeKind } from '../../shared/notices';
import type { Settings } from '../../shared/settings';
import type { Logger } from './logger';

/**
 * The webhook: the same notices the desktop app shows (`shared/notices.ts`: added, queued,
 * flushed, failover, instance down/up, VPN, finished), sent as one JSON POST each to
 * `settings.notifications.webhookUrl`, for headless users (`watch`, `serve`, `gateway`) and the
 * tray app alike. The engine runs it from `start()` to `stop()`.
 *
 * Body (UTF-8 JSON, `content-type: application/json`):
 * `{ event, title, message, content, instance?, infohash?, at }` — `event` is the notice kind,
 * `at` ISO 8601, `content` = `title: message` for Discord-style receivers (Discord requires
 * `content`; Gotify reads `title` and `message`; other fields are ignored by both). ntfy: use its
 * template parameters, e.g. `https://ntfy.sh/<topic>?tpl=1&t={{.title}}&m={{.message}}`.
 *
 * Rules: http(s) URLs only; bursts merged over 2 s (ten magnets → one "10 magnets added"); one
 * request at a time with a 5 s timeout; no retries (a failed notice is logged and dropped); at
 * most {@link MAX_PENDING} waiting (older ones dropped, counted in the log); redirects are not
 * followed (the body would go to another address); the URL is never logged past its origin (it
 * often carries a token: Discord's path, Gotify's `?token=`). Never blocks or fails an add.
 */

/** Whole-request timeout of one POST, ms. */
export const WEBHOOK_TIMEOUT_MS = 5_000;
/** Notices merged into one POST per kind within this window, ms. */
export const WEBHOOK_BATCH_MS = 2_000;
/** Most notices waiting to be sent; beyond it the oldest are dropped (a dead receiver must not grow memory). */
export const MAX_PENDING = 20;

/** One POST body. */
export interface WebhookPayload {
  event: NoticeKind;
  title: string;
  message: string;
  /** `title: message`, the one field Discord-style receivers require. */
  content: string;
  instance?: string;
  infohash?: string;
  /** When the notice was made, ISO 8601. */
  at: string;
}

/** The POST body for a notice made at `at`. */
export function webhookPayload(n: Notice, at: Date): WebhookPayload {
  return {
    event: n.kind,
    title: n.title,
    message: n.body,
    content: `${n.title}: ${n.body}`,
    ...(n.instance ? { instance: n.instance } : {}),
    ...(n.infohash ? { infohash: n.infohash } : {}),
    at: at.toISOString(),
  };
}

/** The webhook URL when it is a usable http(s) URL, else null (empty, another scheme, unparsable). */
export function webhookTarget(url: string | undefined | null): URL | null {
  if (!url || !url.trim()) return null;
  try {
    const u = new URL(url.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : null;
  } catch {
    return null;
  }
}

/** What the webhook needs from the engine: its events and its settings. */
export interface WebhookSource {
  on(event: 'event', listener: (e: EngineEvent) => void): unknown;
  off(event: 'event', listener: (e: EngineEvent) => void): unknown;
  currentSettings(): Readonly<Settings>;
}

/** A running webhook; `stop` unsubscribes and sends what is batched within one timeout ({@link WEBHOOK_TIMEOUT_MS}), dropping the rest. */
export interface WebhookHandle {
  stop(): Promise<void>;
}

/**
 * Subscribes to the engine's events and posts their notices. The URL is read from the settings
 * at each send, so a change in config.json applies without a restart.
 * @param opts.fetchFn the HTTP client (default: Node's fetch); injectable for a test's receiver only
 */
export function startWebhook(opts: { source: WebhookSource; logger: Logger; fetchFn?: typeof fetch; batchMs?: number }): WebhookHandle {
  const fetchFn = opts.fetchFn ?? fetch;
  const tracker = new NoticeTracker();
  const pending: WebhookPayload[] = [];
  let dropped = 0;
  let sending: Promise<void> | null = null;
  let failing = false;

  const target = () => webhookTarget(opts.source.currentSettings().notifications?.webhookUrl);
  const post = async (url: URL, body: WebhookPayload): Promise<void> => {
    try {
      const res = await fetchFn(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'qbit-failover' },
        body: JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status >= 300) throw new Error(`HTTP ${res.status}`);
      if (failing) opts.logger.info(`webhook ${url.origin}: delivering again`);
      failing = false;
    } catch (err) {
      // Logged once per failure streak; the origin only, never the path or query (tokens).
      if (!failing) opts.logger.warn(`webhook ${url.origin}: notice not delivered (${(err as Error).name === 'TimeoutError' ? `no answer within ${WEBHOOK_TIMEOUT_MS} ms` : (err as Error).message}); later notices are still tried, none is retried`);
      failing = true;
    }
  };
  const drain = (): Promise<void> => {
    if (sending) return sending;
    sending = (async () => {
      while (pending.length) {
        const url = target();
        if (!url) {
          pending.length = 0;
          break;
        }
        await post(url, pending.shift()!);
      }
      if (dropped) opts.logger.warn(`webhook: ${dropped} notice(s) dropped while the receiver was slow`);
      dropped = 0;
      sending = null;
    })();
    return sending;
  };
  const batcher = new NoticeBatcher((n) => {
    if (!target()) return;
    pending.push(webhookPayload(n, new Date()));
    while (pending.length > MAX_PENDING) {
      pending.shift();
      dropped++;
    }
    void drain();
  }, opts.batchMs ?? WEBHOOK_BATCH_MS);
  const listener = (e: EngineEvent) => {
    try {
      const notices = tracker.feed(e);
      if (notices.length && target()) batcher.push(...notices);
    } catch (err) {
      opts.logger.warn(`webhook: ${(err as Error).message}`);
    }
  };
  opts.source.on('event', listener);
  return {
    async stop() {
      opts.source.off('event', listener);
      batcher.flush();
      // What is batched gets one timeout in all, not one each: a dead receiver must not hold up a quit.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([drain(), new Promise<void>((r) => (timer = setTimeout(r, WEBHOOK_TIMEOUT_MS)))]);
      clearTimeout(timer);
      pending.length = 0;
    },
  };
}
