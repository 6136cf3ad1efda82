import { terminalSafeJson } from '../../shared/terminal-text';

/** Bytes of JSON text gathered before a write to stdout (synchronous for files and pipes on Linux). */
const CHUNK_CHARS = 256 * 1024;
/** Stands in for the list while the rest of the object is formatted. */
const MARK = '\u0000qbf-list\u0000';

/**
 * Prints `value` exactly as `printJson` does (`JSON.stringify(value, null, 2)`, made
 * terminal-safe, then a newline), but writes the array at `value[listKey]` item by item, so a
 * queue of 100 000 entries is never one 50 MB string in memory (issue 8, `queue --json`).
 * `items` maps each item to what is printed for it (called lazily, one item at a time).
 */
export function printJsonListed<T>(value: Record<string, unknown>, listKey: string, list: readonly T[], item: (t: T) => unknown = (t) => t): void {
  const head = JSON.stringify({ ...value, [listKey]: MARK }, null, 2);
  const at = head.indexOf(JSON.stringify(MARK));
  const out = new ChunkedStdout();
  out.push(terminalSafeJson(head.slice(0, at)));
  if (list.length === 0) out.push('[]');
  else {
    out.push('[');
    for (let i = 0; i < list.length; i++) {
      const text = JSON.stringify(item(list[i]!), null, 2) ?? 'null';
      out.push(`${i ? ',' : ''}\n    ${terminalSafeJson(text).replace(/\n/g, '\n    ')}`);
    }
    out.push('\n  ]');
  }
  out.push(`${terminalSafeJson(head.slice(at + JSON.stringify(MARK).length))}\n`);
  out.flush();
}

/** Gathers text and writes it to stdout in chunks; a closed stdout drops the text (see output.ts). */
class ChunkedStdout {
  private buf = '';

  push(text: string): void {
    this.buf += text;
    if (this.buf.length >= CHUNK_CHARS) this.flush();
  }

  flush(): void {
    const text = this.buf;
    this.buf = '';
    if (!text || process.stdout.destroyed || process.stdout.writableEnded) return;
    try {
      process.stdout.write(text);
    } catch {
      // EPIPE/EBADF: the reader went away; the command still finishes and exits with its own code.
    }
  }
}
