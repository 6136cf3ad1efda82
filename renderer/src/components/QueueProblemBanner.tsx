import { useApp } from '../store/app-store';

/**
 * A banner above every view while the queue file has a problem (`snapshot.queueProblem`): it is
 * corrupt (and where it was moved aside, if it was) or cannot be read at all. Queued magnets
 * are at stake, so it stays visible on every tab until the file reads normally again.
 */
export function QueueProblemBanner() {
  const problem = useApp((s) => s.snapshot?.queueProblem ?? null);
  if (!problem) return null;
  return (
    <div className="banner tone-bg-bad" role="alert" data-testid="queue-problem" data-code={problem.code}>
      {problem.code === 'QUEUE_CORRUPT' ? 'Queue file corrupt' : 'Queue file unreadable'}: {problem.message}
      {problem.movedTo && (
        <>
          {' '}
          (kept as <code data-testid="queue-problem-moved-to">{problem.movedTo}</code>)
        </>
      )}
    </div>
  );
}
