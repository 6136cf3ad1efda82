import { memo, useRef, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { absoluteTime, relativeTime, shortHash } from '../lib/format';
import type { QueueRow, QueueSort, QueueSortKey } from '../lib/queue-table';

/** Height of one row, px (fixed: the virtualizer places rows without measuring them). */
export const QUEUE_ROW_PX = 62;

interface RowProps {
  row: QueueRow;
  /** `aria-rowindex` (the header is row 1). */
  index: number;
  now: number;
  selected: boolean;
  busy: boolean;
  removing: boolean;
  onSelect(infohash: string, selected: boolean): void;
  onRetry(infohash: string): void;
  onRemove(infohash: string): void;
}

const kindNote = (kind: QueueRow['entry']['kind']): string => (kind === 'torrent' ? '.torrent' : kind === 'url' ? '.torrent URL, downloaded at flush' : '');

/** One queue entry: select, name, age, attempts, Retry/Remove; then the short infohash and the reason (and a different last error). */
const Row = memo(function Row({ row, index, now, selected, busy, removing, onSelect, onRetry, onRemove }: RowProps) {
  const e = row.entry;
  const kind = kindNote(e.kind);
  return (
    <div className={`queue-row${selected ? ' selected' : ''}`} role="row" aria-rowindex={index} data-testid={`queue-row-${e.infohash}`} aria-selected={selected}>
      <span role="cell" className="q-select">
        <input type="checkbox" checked={selected} aria-label={`Select ${row.label}`} onChange={(ev) => onSelect(e.infohash, ev.target.checked)} />
      </span>
      <span role="cell" className="q-name">
        <strong className="queue-name" title={e.name ?? e.magnet}>
          {e.name ?? <span className="muted">(no name)</span>}
        </strong>
      </span>
      <span role="cell" className="q-hash">
        <code className="hash" title={e.infohash}>
          {shortHash(e.infohash)}
        </code>
      </span>
      <span role="cell" className="q-age muted small">
        <time dateTime={e.queuedAt} title={absoluteTime(e.queuedAt)}>
          {relativeTime(e.queuedAt, now)}
        </time>
      </span>
      <span role="cell" className="q-attempts small" title={`${e.attempts} ${e.attempts === 1 ? 'attempt' : 'attempts'}`} data-testid="queue-attempts">
        {e.attempts}
      </span>
      <span role="cell" className="q-why small" title={[row.reason, row.lastError && `Last error: ${row.lastError}`, kind].filter(Boolean).join('\n')}>
        {kind && <span className="muted">{kind} · </span>}
        <span className="q-reason">{row.reason || <span className="muted">no reason recorded</span>}</span>
        {row.lastError && <span className="error-text q-last-error"> · Last error: {row.lastError}</span>}
      </span>
      <span role="cell" className="q-actions">
        <button type="button" className="icon-button" disabled={busy} aria-label={`Retry ${row.label}`} title="Retry now" onClick={() => onRetry(e.infohash)}>
          <span aria-hidden="true">↻</span>
        </button>
        <button type="button" className="icon-button danger" disabled={removing} aria-label={`Remove ${row.label}`} title="Remove from the queue" onClick={() => onRemove(e.infohash)}>
          <span aria-hidden="true">✕</span>
        </button>
      </span>
    </div>
  );
});

/** A sortable column header: a button that says its sort, with `aria-sort` on the header cell. */
function SortHeader({ label, k, sort, onSort, className }: { label: string; k: QueueSortKey; sort: QueueSort; onSort(k: QueueSortKey): void; className: string }): ReactNode {
  const active = sort.key === k;
  const ariaSort = !active ? 'none' : (k === 'age' ? sort.dir === 'desc' : sort.dir === 'asc') ? 'ascending' : 'descending';
  const arrow = active ? (ariaSort === 'ascending' ? ' ▲' : ' ▼') : '';
  return (
    <span role="columnheader" aria-sort={ariaSort} className={className}>
      <button type="button" className="sort-button" data-testid={`sort-${k}`} onClick={() => onSort(k)}>
        {label}
        {arrow}
      </button>
    </span>
  );
}

/** Props of {@link QueueTable}. */
export interface QueueTableProps {
  rows: readonly QueueRow[];
  now: number;
  sort: QueueSort;
  onSort(k: QueueSortKey): void;
  selected: ReadonlySet<string>;
  /** Every row shown (after the search) is selected. */
  allShownSelected: boolean;
  onSelect(infohash: string, selected: boolean): void;
  onSelectAllShown(selected: boolean): void;
  busy: boolean;
  removing: ReadonlySet<string>;
  onRetry(infohash: string): void;
  onRemove(infohash: string): void;
}

/**
 * The queue as a table: only the rows in view are in the page (virtualised with
 * @tanstack/react-virtual), so 10 000 entries scroll as smoothly as 10.
 */
export function QueueTable(p: QueueTableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: p.rows.length, getScrollElement: () => scroller.current, estimateSize: () => QUEUE_ROW_PX, overscan: 8 });
  return (
    <div className="queue-table" role="table" aria-label="Queued entries" aria-rowcount={p.rows.length + 1} data-testid="queue-table">
      <div className="queue-head" role="row" aria-rowindex={1}>
        <span role="columnheader" className="q-select">
          <input
            type="checkbox"
            checked={p.allShownSelected}
            disabled={p.rows.length === 0}
            aria-label="Select all shown"
            data-testid="select-all"
            onChange={(ev) => p.onSelectAllShown(ev.target.checked)}
          />
        </span>
        <span role="columnheader" className="q-name">
          Name
        </span>
        <span role="columnheader" className="q-hash">
          Infohash
        </span>
        <SortHeader label="Age" k="age" sort={p.sort} onSort={p.onSort} className="q-age" />
        <SortHeader label="Attempts" k="attempts" sort={p.sort} onSort={p.onSort} className="q-attempts" />
        <SortHeader label="Reason" k="reason" sort={p.sort} onSort={p.onSort} className="q-why" />
      </div>
      <div className="queue-scroll" ref={scroller} role="rowgroup" style={{ height: Math.min(p.rows.length * QUEUE_ROW_PX, 100_000) }}>
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((v) => {
            const row = p.rows[v.index]!;
            const h = row.entry.infohash;
            return (
              <div key={h} className="queue-slot" style={{ transform: `translateY(${v.start}px)`, height: QUEUE_ROW_PX }}>
                <Row
                  row={row}
                  index={v.index + 2}
                  now={p.now}
                  selected={p.selected.has(h)}
                  busy={p.busy}
                  removing={p.removing.has(h)}
                  onSelect={p.onSelect}
                  onRetry={p.onRetry}
                  onRemove={p.onRemove}
                />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
