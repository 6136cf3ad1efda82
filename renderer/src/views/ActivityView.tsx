import { useNow } from '../components/use-now';
import { absoluteTime, relativeTime, statusCodesInWords } from '../lib/format';
import type { ActivityItem } from '../../../shared/model';
import { useApp } from '../store/app-store';

/** The tag of each kind of activity, in words (the kind itself is a code). */
const KIND_WORDS: Record<ActivityItem['kind'], string> = {
  add: 'added',
  duplicate: 'already there',
  rejected: 'rejected',
  foreign: 'from another program',
  queue: 'queue',
  flush: 'flush',
  status: 'status',
  vpn: 'VPN',
  error: 'error',
};

/** Activity: recent adds and status changes, newest first. */
export function ActivityView() {
  // Kept newest first and capped by the store (mergeActivity).
  const items = useApp((s) => s.activity);
  const now = useNow();
  if (items.length === 0) return <p className="muted">Nothing has happened yet.</p>;
  return (
    <ol className="activity" data-testid="activity-list">
      {items.map((a) => (
        <li key={a.id} className={`activity-item kind-${a.kind}`} data-testid="activity-item">
          <span className={`tag kind-tag-${a.kind}`}>{KIND_WORDS[a.kind] ?? a.kind}</span>
          <span className="activity-message">{statusCodesInWords(a.message)}</span>
          <time className="muted small" title={absoluteTime(a.at)}>
            {relativeTime(a.at, now)}
          </time>
        </li>
      ))}
    </ol>
  );
}
