import { flushProgressText } from '../../../shared/flush-result';
import { useApp } from '../store/app-store';

/**
 * Where the flush stands: while one runs, "placed n of m (seedbox n)" with a progress bar; after
 * it, the result per instance ("1 204 → seedbox, 798 → local, 0 left"), for a click, a Retry or
 * the engine's own flush on recovery alike.
 */
export function FlushStatus() {
  const progress = useApp((s) => s.flushProgress);
  const outcome = useApp((s) => s.flushOutcome);
  const flushing = useApp((s) => s.flushBusy || (s.snapshot?.flushing ?? false));
  if (progress && !progress.done && flushing) {
    return (
      <div className="flush-status" role="status" data-testid="flush-progress">
        <progress max={Math.max(progress.total, 1)} value={progress.placed} aria-label="Flush progress" />
        <span className="small">Flushing: {flushProgressText(progress)}</span>
      </div>
    );
  }
  if (!outcome) return null;
  return (
    <p className="flush-status small" role="status" data-testid="flush-outcome">
      Last flush: {outcome}
    </p>
  );
}
