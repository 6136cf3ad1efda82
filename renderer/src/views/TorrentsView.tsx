import { useCallback, useEffect, useMemo, useState } from 'react';
import { TORRENT_STATE_GROUPS, isStoppedState, torrentStateGroup, type TorrentListing, type TorrentStateGroup } from '../../../shared/torrent-list';
import { errorInWords } from '../../../shared/code-words';
import { errorText } from '../api';
import { currentApi, useApp } from '../store/app-store';

/** Rows drawn at first and per "Show more": a few thousand torrents stay quick to filter and draw. */
export const TORRENT_PAGE_ROWS = 200;
/** How often the open view re-reads the listing, ms (only while the page is visible). */
const REFRESH_MS = 5_000;

/** One row of the table: a torrent and the instance it is on. */
interface Row {
  key: string;
  instance: string;
  hash: string;
  name: string;
  state: string;
  group: TorrentStateGroup;
  progress: number;
  category: string;
  addedOn: number;
}

const GROUP_LABEL: Record<TorrentStateGroup, string> = {
  downloading: 'Downloading',
  seeding: 'Seeding',
  paused: 'Paused',
  queued: 'Queued',
  checking: 'Checking',
  stalled: 'Stalled',
  error: 'Error',
};

/** A pending delete, waiting for the user's confirmation. */
interface PendingDelete {
  rows: Row[];
  deleteFiles: boolean;
}

/**
 * Torrents: every instance's torrents in one table (instance, name, state, progress, category),
 * filtered by instance, state and name; select rows to pause, resume or delete them (delete asks
 * first, with "also delete the downloaded files" off by default). Instances that could not be read
 * are named above the table, never silently missing from it.
 */
export function TorrentsView() {
  const toast = useApp((s) => s.toast);
  const [listing, setListing] = useState<TorrentListing | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [instance, setInstance] = useState('');
  const [group, setGroup] = useState<'' | TorrentStateGroup>('');
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [shown, setShown] = useState(TORRENT_PAGE_ROWS);
  const [busy, setBusy] = useState(false);
  const [pendingDelete, setPendingDelete] = useState<PendingDelete | null>(null);

  const load = useCallback(async () => {
    try {
      setListing(await currentApi().listTorrents({}));
      setLoadError(null);
    } catch (err) {
      setLoadError(errorText(err));
    }
  }, []);
  useEffect(() => {
    void load();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void load();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  const rows = useMemo<Row[]>(() => {
    const out: Row[] = [];
    for (const part of listing?.instances ?? []) {
      for (const t of part.torrents) {
        out.push({ key: `${part.instance}/${t.hash}`, instance: part.instance, hash: t.hash, name: t.name, state: t.state, group: torrentStateGroup(t.state), progress: t.progress, category: t.category, addedOn: t.addedOn });
      }
    }
    return out.sort((a, b) => b.addedOn - a.addedOn || a.name.localeCompare(b.name));
  }, [listing]);
  const visible = useMemo(() => {
    const q = search.trim().toLowerCase();
    return rows.filter((r) => (!instance || r.instance === instance) && (!group || r.group === group) && (!q || r.name.toLowerCase().includes(q) || r.hash.startsWith(q)));
  }, [rows, instance, group, search]);
  const chosen = useMemo(() => visible.filter((r) => selected.has(r.key)), [visible, selected]);
  const unreachable = listing?.instances.filter((p) => !p.reachable) ?? [];

  const toggle = (key: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(key);
    else next.delete(key);
    setSelected(next);
  };
  const allChosen = visible.length > 0 && chosen.length === visible.length;

  /** Runs one action on the chosen rows, one call per instance; reports what failed; reloads. */
  const act = async (action: 'pause' | 'resume' | 'delete', target: Row[], deleteFiles = false) => {
    const byInstance = new Map<string, string[]>();
    for (const r of target) byInstance.set(r.instance, [...(byInstance.get(r.instance) ?? []), r.hash]);
    setBusy(true);
    const failed: string[] = [];
    for (const [name, hashes] of byInstance) {
      try {
        await currentApi().torrentAction({ instance: name, action, hashes, deleteFiles });
      } catch (err) {
        failed.push(`${name}: ${errorText(err)}`);
      }
    }
    setBusy(false);
    if (failed.length) toast(`${action[0]!.toUpperCase()}${action.slice(1)} failed on ${failed.join('; ')}`, 'error');
    if (action === 'delete') setSelected(new Set());
    await load();
  };

  const instances = listing?.instances.map((p) => p.instance) ?? [];
  return (
    <section className="stack torrents" aria-labelledby="h-torrents">
      <h2 className="section-title" id="h-torrents">
        Torrents{' '}
        <span className="muted small" data-testid="torrents-count">
          {listing ? `${visible.length.toLocaleString('en-US')} of ${rows.length.toLocaleString('en-US')}` : ''}
        </span>
      </h2>
      {loadError && (
        <p className="error-text small" role="alert">
          Could not list torrents: {loadError}
        </p>
      )}
      {unreachable.map((p) => (
        <p key={p.instance} className="card warn small" role="status" data-testid="torrents-unreachable" data-instance={p.instance}>
          <strong>{p.instance}</strong> is unreachable: its torrents are not listed ({p.error ? errorInWords(p.error) : 'no answer'}).
        </p>
      ))}
      <div className="torrent-filters">
        <label>
          <span className="small muted">Instance</span>
          <select aria-label="Instance filter" value={instance} onChange={(e) => setInstance(e.target.value)}>
            <option value="">All instances</option>
            {instances.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="small muted">State</span>
          <select aria-label="State filter" value={group} onChange={(e) => setGroup(e.target.value as '' | TorrentStateGroup)}>
            <option value="">All states</option>
            {TORRENT_STATE_GROUPS.map((g) => (
              <option key={g} value={g}>
                {GROUP_LABEL[g]}
              </option>
            ))}
          </select>
        </label>
        <label className="grow">
          <span className="small muted">Name or infohash</span>
          <input type="search" aria-label="Search torrents" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
        <button type="button" onClick={() => void load()} disabled={busy}>
          Refresh
        </button>
      </div>
      <div className="torrent-actions" role="toolbar" aria-label="Actions on selected torrents">
        <span className="small muted" data-testid="torrents-selected">
          {chosen.length} selected
        </span>
        <button type="button" disabled={busy || !chosen.some((r) => !isStoppedState(r.state))} onClick={() => void act('pause', chosen)}>
          Pause
        </button>
        <button type="button" disabled={busy || !chosen.some((r) => isStoppedState(r.state))} onClick={() => void act('resume', chosen)}>
          Resume
        </button>
        <button type="button" className="danger" disabled={busy || chosen.length === 0} onClick={() => setPendingDelete({ rows: chosen, deleteFiles: false })}>
          Delete…
        </button>
      </div>
      {pendingDelete && (
        <div className="card confirm" role="alertdialog" aria-labelledby="delete-q" data-testid="delete-confirm">
          <p id="delete-q">
            Delete {pendingDelete.rows.length === 1 ? <strong>{pendingDelete.rows[0]!.name}</strong> : `${pendingDelete.rows.length} torrents`} from{' '}
            {[...new Set(pendingDelete.rows.map((r) => r.instance))].join(', ')}?
          </p>
          <label className="check">
            <input type="checkbox" checked={pendingDelete.deleteFiles} onChange={(e) => setPendingDelete({ ...pendingDelete, deleteFiles: e.target.checked })} />
            Also delete the downloaded files
          </label>
          <div className="row">
            <button
              type="button"
              className="danger"
              onClick={() => {
                const p = pendingDelete;
                setPendingDelete(null);
                void act('delete', p.rows, p.deleteFiles);
              }}
            >
              {pendingDelete.deleteFiles ? 'Delete torrents and files' : 'Delete torrents'}
            </button>
            <button type="button" onClick={() => setPendingDelete(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {!listing && !loadError ? (
        <p className="muted">Loading torrents…</p>
      ) : visible.length === 0 ? (
        <p className="muted" data-testid="torrents-empty">
          {rows.length === 0 ? 'No torrents on the reachable instances.' : 'No torrent matches the filters.'}
        </p>
      ) : (
        <div className="table-scroll">
          <table className="torrent-table">
            <thead>
              <tr>
                <th scope="col">
                  <input
                    type="checkbox"
                    aria-label="Select all matching torrents"
                    checked={allChosen}
                    onChange={(e) => setSelected(e.target.checked ? new Set(visible.map((r) => r.key)) : new Set())}
                  />
                </th>
                <th scope="col">Instance</th>
                <th scope="col">Name</th>
                <th scope="col">State</th>
                <th scope="col">Progress</th>
                <th scope="col" className="torrent-cat">
                  Category
                </th>
              </tr>
            </thead>
            <tbody>
              {visible.slice(0, shown).map((r) => (
                <tr key={r.key} data-testid="torrent-row" data-instance={r.instance} data-hash={r.hash} data-state={r.group}>
                  <td>
                    <input type="checkbox" aria-label={`Select ${r.name}`} checked={selected.has(r.key)} onChange={(e) => toggle(r.key, e.target.checked)} />
                  </td>
                  <td>{r.instance}</td>
                  <td className="torrent-name" title={r.hash}>
                    {r.name}
                    {r.category && <span className="torrent-cat-inline muted small"> · {r.category}</span>}
                  </td>
                  <td title={r.state}>{GROUP_LABEL[r.group]}</td>
                  <td className="num">{(r.progress * 100).toFixed(r.progress < 1 ? 1 : 0)}%</td>
                  <td className="torrent-cat">{r.category || <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {visible.length > shown && (
            <button type="button" onClick={() => setShown(shown + TORRENT_PAGE_ROWS)}>
              Show {Math.min(TORRENT_PAGE_ROWS, visible.length - shown)} more ({(visible.length - shown).toLocaleString('en-US')} not shown)
            </button>
          )}
        </div>
      )}
    </section>
  );
}
