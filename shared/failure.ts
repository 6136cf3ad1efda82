/**
 * The one shape of "why an instance did not take an input", from the placer to every edge.
 * Text is made only at the edges: the CLI, the UI, and the queue file's old-format `reason`.
 */

/** One instance's failure for one input: `code` is a status code (`TIMEOUT`, `VPN_DOWN`, `REFUSED`…). */
export interface Failure {
  instance: string;
  code: string;
  message: string;
}

/**
 * The queue file's and the UI's one-line reason: `primary: VPN_DOWN; secondary: TIMEOUT`
 * (the renderer puts codes into words after `<instance>: `). A refusal or an unusual failure
 * keeps its message, as the user needs its words.
 */
export function failureText(failures: Failure[]): string {
  return failures.map((f) => `${f.instance}: ${f.code === 'REFUSED' || f.code.startsWith('HTTP_4') ? f.message : f.code}`).join('; ');
}

/** Longest `message` of a failure read back from a file, characters (a hand-edited file may hold anything). */
const MAX_READ_MESSAGE_CHARS = 2_000;

/**
 * The typed failures of a queue entry as read from the queue file (our block), or null when the
 * value is not a list of `{instance, code, message}` strings (an old version wrote none, another
 * program mangled it). Never throws.
 */
export function failuresFromJson(raw: unknown): Failure[] | null {
  if (!Array.isArray(raw)) return null;
  const out: Failure[] = [];
  for (const f of raw) {
    if (!f || typeof f !== 'object') return null;
    const { instance, code, message } = f as Record<string, unknown>;
    if (typeof instance !== 'string' || typeof code !== 'string' || typeof message !== 'string') return null;
    out.push({ instance, code, message: message.slice(0, MAX_READ_MESSAGE_CHARS) });
  }
  return out;
}
