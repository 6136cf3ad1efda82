import { useRef, useState } from 'react';
import { useApp } from '../store/app-store';
import { describeAddResult, shortHash } from '../lib/format';
import { TagsInput } from '../components/TagsInput';

/** Add: paste box (Ctrl+Enter or Cmd+Enter adds), .torrent picker, collapsed options, and a result for every input of the last add. */
export function AddView() {
  const [text, setText] = useState('');
  const adding = useApp((s) => s.adding);
  const results = useApp((s) => s.addResults);
  const options = useApp((s) => s.addOptions);
  const setOptions = useApp((s) => s.setAddOptions);
  const addText = useApp((s) => s.addText);
  const addFiles = useApp((s) => s.addFiles);
  const fileInput = useRef<HTMLInputElement>(null);

  return (
    <div className="stack">
      <p className="drop-hint">Drop magnet links or .torrent files anywhere in this window.</p>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void addText(text).then((ok) => ok && setText(''));
        }}
      >
        <label htmlFor="add-text">Magnet links or .torrent URLs</label>
        <textarea
          id="add-text"
          rows={4}
          value={text}
          spellCheck={false}
          placeholder="magnet:?xt=urn:btih:…  (one or more, separated by spaces or lines)"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            // Ctrl+Enter (Cmd+Enter on macOS) adds, as in chat and mail boxes; a plain Enter is a new line.
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              if (!adding) e.currentTarget.form?.requestSubmit();
            }
          }}
          aria-describedby="add-text-hint"
        />
        <p id="add-text-hint" className="muted small">
          One link per line; every line gets a result. <kbd>Ctrl</kbd>+<kbd>Enter</kbd> adds.
        </p>
        <div className="row">
          <button type="submit" className="primary" disabled={adding || !text.trim()}>
            {adding ? 'Adding…' : 'Add'}
          </button>
          <button type="button" onClick={() => fileInput.current?.click()} disabled={adding}>
            Choose .torrent files…
          </button>
          <input
            ref={fileInput}
            type="file"
            accept=".torrent,application/x-bittorrent"
            multiple
            hidden
            aria-label="Choose .torrent files"
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              e.target.value = '';
              if (files.length) void addFiles(files);
            }}
          />
        </div>
      </form>
      {results.length > 0 && (
        <section aria-label="Results of the last add">
          <h2 className="section-title">Last add</h2>
          <ul className="list" data-testid="add-results">
            {results.map((r, i) => (
              <li key={i} className={`card add-result outcome-${r.outcome}`} data-testid="add-result" data-outcome={r.outcome}>
                <span className="add-outcome">{describeAddResult(r)}</span>
                <span className="muted small add-input" title={r.infohash ?? r.input}>
                  {r.name ?? (r.infohash ? shortHash(r.infohash) : r.input)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <details className="card options">
        <summary>
          Options <span className="muted small">category, save path, tags, start paused</span>
        </summary>
        <div className="form-grid">
          <label htmlFor="opt-category">Category</label>
          <input id="opt-category" value={options.category ?? ''} onChange={(e) => setOptions({ ...options, category: e.target.value })} />
          <label htmlFor="opt-save">Save path</label>
          <input id="opt-save" value={options.savePath ?? ''} onChange={(e) => setOptions({ ...options, savePath: e.target.value })} />
          <label htmlFor="opt-tags">Tags</label>
          <TagsInput id="opt-tags" value={options.tags ?? []} onChange={(tags) => setOptions({ ...options, tags })} />
          <label htmlFor="opt-paused">Start</label>
          <select
            id="opt-paused"
            value={options.paused === undefined ? '' : options.paused ? 'paused' : 'started'}
            onChange={(e) => setOptions({ ...options, paused: e.target.value === '' ? undefined : e.target.value === 'paused' })}
          >
            <option value="">As the instance is set</option>
            <option value="started">Started</option>
            <option value="paused">Paused</option>
          </select>
        </div>
        <p className="muted small">Empty fields use each instance's own settings.</p>
      </details>
    </div>
  );
}
