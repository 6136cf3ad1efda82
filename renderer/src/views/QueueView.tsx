import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { groupDigits } from '../../../shared/flush-result';
import type { QueueEntryView } from '../../../shared/model';
import { FlushStatus } from '../components/FlushStatus';
import { QueueTable } from '../components/QueueTable';
import { useNow } from '../components/use-now';
import { shortHash } from '../lib/format';
import { filterRows, sortRows, toRows, type QueueSort, type QueueSortKey } from '../lib/queue-table';
import { useApp } from '../store/app-store';

const labelOf = (e: QueueEntryView): string => e.name ?? shortHash(e.infohash);

/** The first click on a column sorts the way a user looks for trouble: oldest, most attempts, reason A–Z. */
const FIRST_DIR: Record<QueueSortKey, QueueSort['dir']> = { queue: 'asc', age: 'desc', attempts: 'desc', reason: 'asc' };

/**
 * Queue: "Flush queue (N)" with its progress and result per instance, then the entries as a
 * table — search by name or infohash, sort by age, attempts or reason, select (one, or all
 * shown) and Retry or Remove the selection; each row keeps its own Retry and Remove.
 */
export function QueueView() {
  const snapshot = useApp((s) => s.snapshot);
  const listing = useApp((s) => s.queue);
  const flushBusy = useApp((s) => s.flushBusy);
  const flushResult = useApp((s) => s.flushResult);
  const flush = useApp((s) => s.flush);
  const removeEntry = useApp((s) => s.removeEntry);
  const removeEntries = useApp((s) => s.removeEntries);
  const now = useNow();
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const [sort, setSort] = useState<QueueSort>({ key: 'queue', dir: 'asc' });
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [removing, setRemoving] = useState<ReadonlySet<string>>(new Set());

  const entries = listing?.entries;
  const rows = useMemo(() => toRows(entries ?? [], labelOf), [entries]);
  const shown = useMemo(() => sortRows(filterRows(rows, deferredQuery), sort), [rows, deferredQuery, sort]);
  // The selection keeps only entries still queued (a flush or another program may have taken them).
  const selected = useMemo(() => {
    const queued = new Set(rows.map((r) => r.entry.infohash));
    return new Set([...picked].filter((h) => queued.has(h)));
  }, [rows, picked]);
  const allShownSelected = shown.length > 0 && shown.every((r) => selected.has(r.entry.infohash));

  const onSort = useCallback((key: QueueSortKey) => {
    setSort((s) => (s.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: FIRST_DIR[key] }));
  }, []);
  const onSelect = useCallback((h: string, on: boolean) => {
    setPicked((s) => {
      const next = new Set(s);
      if (on) next.add(h);
      else next.delete(h);
      return next;
    });
  }, []);
  const onSelectAllShown = (on: boolean): void => {
    setPicked((s) => {
      const next = new Set(s);
      for (const r of shown) {
        if (on) next.add(r.entry.infohash);
        else next.delete(r.entry.infohash);
      }
      return next;
    });
  };
  const removeSome = useCallback(
    (hashes: string[]) => {
      setRemoving((s) => new Set([...s, ...hashes]));
      const done = hashes.length === 1 ? removeEntry(hashes[0]!) : removeEntries(hashes);
      void done.finally(() =>
        setRemoving((s) => {
          const next = new Set(s);
          for (const h of hashes) next.delete(h);
          return next;
        }),
      );
    },
    [removeEntry, removeEntries],
  );
  const onRetry = useCallback((h: string) => void flush([h]), [flush]);
  const onRemove = useCallback((h: string) => removeSome([h]), [removeSome]);

  if (!snapshot || !listing || !entries) return <p className="muted">Loading…</p>;
  const busy = flushBusy || snapshot.flushing;
  const n = entries.length;
  const chosen = [...selected];
  return (
    <div className="stack">
      <div className="row">
        <button type="button" className="primary" data-testid="flush-button" disabled={busy || n === 0} aria-busy={busy} onClick={() => void flush()}>
          {busy ? 'Flushing…' : `Flush queue (${n})`}
        </button>
        {flushResult && (
          <span className="small" role="status" data-testid="flush-result">
            {flushResult.summary}
          </span>
        )}
      </div>
      <FlushStatus />
      <p className="muted small" title={snapshot.queueFile}>
        Queue file: <code>{snapshot.queueFile}</code>
      </p>
      {n === 0 ? (
        <p className="muted" data-testid="queue-empty">
          The queue is empty.
        </p>
      ) : (
        <>
          <div className="row queue-tools">
            <input
              type="search"
              className="queue-search"
              placeholder="Search name or infohash"
              aria-label="Search name or infohash"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
            <span className="muted small" data-testid="queue-count">
              {shown.length === n ? `${groupDigits(n)} queued` : `${groupDigits(shown.length)} of ${groupDigits(n)} shown`}
            </span>
          </div>
          {selected.size > 0 && (
            <div className="row bulk-bar" role="group" aria-label="Selected entries">
              <span className="small" data-testid="selected-count">
                {groupDigits(selected.size)} selected
              </span>
              <button type="button" disabled={busy} onClick={() => void flush(chosen)}>
                Retry selected
              </button>
              <button type="button" className="danger" disabled={chosen.every((h) => removing.has(h))} onClick={() => removeSome(chosen)}>
                Remove selected
              </button>
              <button type="button" onClick={() => setPicked(new Set())}>
                Clear selection
              </button>
            </div>
          )}
          {shown.length === 0 ? (
            <p className="muted" data-testid="queue-no-match">
              No queued entry matches “{deferredQuery.trim()}”.
            </p>
          ) : (
            <QueueTable
              rows={shown}
              now={now}
              sort={sort}
              onSort={onSort}
              selected={selected}
              allShownSelected={allShownSelected}
              onSelect={onSelect}
              onSelectAllShown={onSelectAllShown}
              busy={busy}
              removing={removing}
              onRetry={onRetry}
              onRemove={onRemove}
            />
          )}
        </>
      )}
    </div>
  );
}
