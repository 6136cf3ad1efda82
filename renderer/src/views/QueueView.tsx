import { useState } from 'react';
import type { QueueEntryView } from '../../../shared/model';
import { useNow } from '../components/use-now';
import { absoluteTime, lastAttemptError, queuedBecause, relativeTime, shortHash } from '../lib/format';
import { useApp } from '../store/app-store';

function QueueRow({ e, now }: { e: QueueEntryView; now: number }) {
  const flush = useApp((s) => s.flush);
  const remove = useApp((s) => s.removeEntry);
  const busy = useApp((s) => s.flushBusy || (s.snapshot?.flushing ?? false));
  const [removing, setRemoving] = useState(false);
  const label = e.name ?? shortHash(e.infohash);
  const because = queuedBecause(e);
  const lastError = lastAttemptError(e);
  return (
    <li className="card queue-row" data-testid={`queue-row-${e.infohash}`}>
      <div className="queue-main">
        <strong className="queue-name" title={e.name ?? e.magnet}>
          {e.name ?? <span className="muted">(no name)</span>}
        </strong>
        <code className="hash" title={e.infohash}>
          {shortHash(e.infohash)}
        </code>
      </div>
      <p className="muted small">
        {e.kind === 'torrent' ? '.torrent · ' : e.kind === 'url' ? '.torrent URL, downloaded at flush · ' : ''}queued <time title={absoluteTime(e.queuedAt)}>{relativeTime(e.queuedAt, now)}</time>
        {' · '}
        {e.attempts} {e.attempts === 1 ? 'attempt' : 'attempts'}
        {because ? ` · ${because}` : ''}
      </p>
      {lastError && <p className="error-text small">Last error: {lastError}</p>}
      <div className="row">
        <button type="button" disabled={busy} aria-label={`Retry ${label}`} onClick={() => void flush([e.infohash])}>
          Retry
        </button>
        <button
          type="button"
          className="danger"
          disabled={removing}
          aria-label={`Remove ${label}`}
          onClick={() => {
            setRemoving(true);
            void remove(e.infohash).finally(() => setRemoving(false));
          }}
        >
          Remove
        </button>
      </div>
    </li>
  );
}

/** Queue: every queued entry with Retry/Remove, and "Flush queue (N)" with its result. */
export function QueueView() {
  const snapshot = useApp((s) => s.snapshot);
  const listing = useApp((s) => s.queue);
  const flushBusy = useApp((s) => s.flushBusy);
  const flushResult = useApp((s) => s.flushResult);
  const flush = useApp((s) => s.flush);
  const now = useNow();
  if (!snapshot || !listing) return <p className="muted">Loading…</p>;
  const busy = flushBusy || snapshot.flushing;
  const entries = listing.entries;
  const n = entries.length;
  return (
    <div className="stack">
      <div className="row">
        <button
          type="button"
          className="primary"
          data-testid="flush-button"
          disabled={busy || n === 0}
          aria-busy={busy}
          onClick={() => void flush()}
        >
          {busy ? 'Flushing…' : `Flush queue (${n})`}
        </button>
        {flushResult && (
          <span className="small" role="status" data-testid="flush-result">
            {flushResult.summary}
          </span>
        )}
      </div>
      <p className="muted small" title={snapshot.queueFile}>
        Queue file: <code>{snapshot.queueFile}</code>
      </p>
      {n === 0 ? (
        <p className="muted" data-testid="queue-empty">
          The queue is empty.
        </p>
      ) : (
        <ul className="list" aria-label="Queued entries">
          {entries.map((e) => (
            <QueueRow key={e.id} e={e} now={now} />
          ))}
        </ul>
      )}
    </div>
  );
}
