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
