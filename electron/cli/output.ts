import { textInWords } from '../../shared/code-words';
import { flushResultText, placedPerInstance } from '../../shared/flush-result';
import { describeStatus } from '../../shared/status';
import type { AddResponse, AddResult, EngineSnapshot, FlushResponse, InstanceHealth, QueueEntryView } from '../../shared/model';
import { safeLines, safeText, terminalSafeJson } from '../../shared/terminal-text';

/** Exit codes of the CLI (README "CLI reference"); `REJECTED` (2) is also every usage error. */
export const EXIT = { OK: 0, INTERNAL: 1, REJECTED: 2, QUEUED: 3, QUEUE_PROBLEM: 4 } as const;

/** Something the CLI prints: one line, or several. */
export type Lines = string[] | string;

/**
 * Writes to stdout/stderr unless the reader went away (`qbit-failover queue | head -1`): then the
 * text is dropped, so the command still finishes its work (an add is never cut short by a closed
 * pipe) and exits with its own code. See {@link tolerateClosedOutput}.
 */
function write(stream: NodeJS.WriteStream, text: string): void {
  if (stream.destroyed || stream.writableEnded) return;
  try {
    stream.write(text);
  } catch {
    // EPIPE/EBADF surface here on some platforms; the 'error' listener handles the async ones.
  }
}

/**
 * Prints lines to stdout. Each line goes through {@link safeText} first: a torrent name, a
 * server's message or a queue entry's error is shown as inert text, never as terminal escapes,
 * a carriage return or an extra (forged) line.
 */
export function print(lines: Lines): void {
  write(process.stdout, `${([] as string[]).concat(lines).map(safeText).join('\n')}\n`);
}

/** Prints lines to stderr (errors, warnings), made safe like {@link print}. */
export function printErr(lines: Lines): void {
  write(process.stderr, `${([] as string[]).concat(lines).map(safeText).join('\n')}\n`);
}

/** Prints `value` as indented JSON on stdout; C1 and bidi characters are written as `\uXXXX` (same JSON value). */
export function printJson(value: unknown): void {
  write(process.stdout, `${terminalSafeJson(JSON.stringify(value, null, 2))}\n`);
}

/** Commander's help and error text, line by line through {@link safeText} (it quotes the user's arguments). */
export function writeCommanderText(stream: NodeJS.WriteStream, text: string): void {
  write(stream, safeLines(text));
}

/**
 * Makes a closed stdout/stderr end the command quietly: `EPIPE` (the reader exited) and writes
 * after it are swallowed instead of crashing with a stack; the command runs to its end and exits
 * with its own code. Call once at start-up.
 */
export function tolerateClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
}

/** `[HEALTH]` lines like the old tool's: the VPN, then each instance. */
export function healthLines(s: EngineSnapshot): string[] {
  const vpn = s.vpn.state === 'DISABLED' ? 'DISABLED (no VPN check configured)' : `${s.vpn.state} (${s.vpn.check}${s.vpn.target && s.vpn.check === 'ping' ? ` ${s.vpn.target}` : ''})${s.vpn.error ? ` — ${s.vpn.error}` : ''}`;
  const lines = [`[HEALTH] VPN: ${vpn}`];
  if (s.instances.length === 0) lines.push('[HEALTH] no instance configured (NOT_CONFIGURED): set QBITTORRENT_URL or edit config.json');
  for (const i of s.instances) lines.push(`[HEALTH] ${instanceLine(i)}`);
  return lines;
}

function instanceLine(i: InstanceHealth): string {
  const head = `${i.name} (${i.url})${i.requiresVpn ? ' [requires VPN]' : ''}: ${i.status}`;
  if (i.status === 'OK') return `${head} ${i.latencyMs} ms, qBittorrent ${i.version}, WebUI API ${i.apiVersion}${i.connectionStatus ? `, ${i.connectionStatus}` : ''}${i.externalAddress ? `, peers see ${i.externalAddress}` : ''}`;
  return `${head} — ${i.error ?? describeStatus(i.status)}`;
}

/** One line per add result. */
export function resultLine(r: AddResult): string {
  const what = r.name ? `${r.name} (${r.infohash})` : (r.infohash ?? r.input);
  switch (r.outcome) {
    case 'added':
      return `[ADDED] ${what} → ${r.instance}`;
    case 'duplicate':
      return `[DUPLICATE] ${what} already on ${r.instance}`;
    case 'queued':
      return `[QUEUED] ${what}: ${r.reason}`;
    default:
      return `[REJECTED] ${r.input.slice(0, 200)}: ${r.error?.message} (${r.error?.code})`;
  }
}

/** The `[RESULT]` count line. */
export function summaryLine(res: AddResponse): string {
  const s = res.summary;
  return `[RESULT] added=${s.added} duplicate=${s.duplicate} queued=${s.queued} rejected=${s.rejected}`;
}

/** Exit code of `add`: 1 when a queue write failed, 2 when some input was rejected, 3 when some were queued, else 0. */
export function addExitCode(res: AddResponse): number {
  if (res.results.some((r) => r.error?.code === 'QUEUE_WRITE_FAILED')) return EXIT.INTERNAL;
  if (res.summary.rejected) return EXIT.REJECTED;
  if (res.summary.queued) return EXIT.QUEUED;
  return EXIT.OK;
}

/** `--json` shape of `add`: results with `input, outcome, infohash, instance, reason, error`, plus the summary. */
export function addJson(res: AddResponse): object {
  return {
    results: res.results.map((r) => ({ input: r.input, outcome: r.outcome, infohash: r.infohash, name: r.name, instance: r.instance, reason: r.reason, error: r.error })),
    summary: res.summary,
  };
}

/** `--json` shape of `status`. */
export function statusJson(s: EngineSnapshot): object {
  return {
    vpn: s.vpn,
    instances: s.instances.map((i) => ({
      name: i.name,
      url: i.url,
      status: i.status,
      latencyMs: i.latencyMs,
      version: i.version,
      apiVersion: i.apiVersion,
      requiresVpn: i.requiresVpn,
      connectionStatus: i.connectionStatus,
      externalAddress: i.externalAddress ?? null,
      error: i.error,
    })),
    route: s.route,
    queue: { length: s.queue.length, file: s.queueFile },
    queueProblem: s.queueProblem,
  };
}

/** Queue listing lines. */
export function queueLines(entries: QueueEntryView[], file: string): string[] {
  const lines = [`[QUEUE] ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} in ${file}`];
  for (const e of entries) {
    lines.push(`  ${e.infohash}  ${e.name ?? '(no name)'}  queued ${e.queuedAt}  attempts ${e.attempts}${e.lastError ? `  last error: ${textInWords(e.lastError)}` : ''}`);
  }
  return lines;
}

/**
 * Flush summary lines: one per entry (`[QUEUED]` keeps the status codes, as `add` and the old tool
 * print them for scripts), `[FLUSHED] 1 204 → seedbox, 798 → local, 0 left` (per instance, the
 * words the dashboard shows; only when entries were asked for that are queued), and the `[RESULT]` counts.
 */
export function flushLines(res: FlushResponse): string[] {
  const what = (x: { infohash: string; name: string | null }): string => (x.name ? `${x.name} (${x.infohash})` : x.infohash);
  const tried = res.placed.length + res.remaining.length;
  return [
    ...res.placed.map((p) => (p.outcome === 'duplicate' ? `[DUPLICATE] ${what(p)} already on ${p.instance}` : `[ADDED] ${what(p)} → ${p.instance}`)),
    ...res.remaining.map((r) => `[QUEUED] ${what(r)}: ${r.error ?? 'not placed'}`),
    ...(res.notQueued ?? []).map((h) => `[NOT QUEUED] ${h} is not in the queue`),
    ...(tried ? [`[FLUSHED] ${flushResultText(placedPerInstance(res.placed), res.remaining.length)}`] : []),
    `[RESULT] placed=${res.placed.length} remaining=${res.remaining.length} queue=${res.queueLength}${res.notQueued?.length ? ` not-queued=${res.notQueued.length}` : ''}`,
  ];
}
