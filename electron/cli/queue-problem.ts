import type { QueueProblem } from '../../shared/model';
import { EXIT, printErr } from './output';

/**
 * Tells the user about a queue-file problem (corrupt, moved aside, unreadable) on stderr and
 * returns the exit code to use: `EXIT.QUEUE_PROBLEM` (4) when there is a problem and the
 * command would otherwise exit 0 or 3; a rejection (2) or internal failure (1) keeps its code.
 * Without a problem, `exit` unchanged. `--json` output carries the same value as `queueProblem`.
 */
export function withQueueProblem(problem: QueueProblem | null, exit: number): number {
  if (!problem) return exit;
  printErr(`[QUEUE PROBLEM] ${problem.code}: ${problem.message}`);
  return exit === EXIT.OK || exit === EXIT.QUEUED ? EXIT.QUEUE_PROBLEM : exit;
}
