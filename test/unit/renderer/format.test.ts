import { describe, expect, it } from 'vitest';
import { describeAddResult, failuresInWords, lastAttemptError, queuedBecause } from '../../../renderer/src/lib/format';
import { mergeActivity, newerQueue } from '../../../renderer/src/lib/event-merge';
import type { ActivityItem, AddResult } from '../../../shared/model';

const timeout = { instance: 'nas', code: 'TIMEOUT', message: 'timed out after 10000 ms' };
const refused = { instance: 'seedbox', code: 'REFUSED', message: 'qBittorrent refused the torrent (Fails.)' };

describe('failures in words (typed, no parsing)', () => {
  it('puts known codes into words and keeps the server words of a refusal or an unknown code', () => {
    expect(failuresInWords([timeout, { instance: 'b', code: 'CONNECTION_REFUSED', message: 'ECONNREFUSED' }])).toBe('nas: timed out; b: connection refused');
    expect(failuresInWords([refused])).toBe('seedbox: qBittorrent refused the torrent (Fails.)');
    expect(failuresInWords([{ instance: 'x', code: 'SOMETHING_NEW', message: 'words from the engine' }])).toBe('x: words from the engine');
  });

  it('a queued add result is described from its typed failures, not from its text', () => {
    const r: AddResult = {
      input: 'magnet:?xt=…', outcome: 'queued', infohash: 'a'.repeat(40), name: 'x', instance: null,
      reason: 'text an old engine wrote', failures: [timeout], error: null,
    };
    expect(describeAddResult(r)).toBe('queued: nas: timed out');
  });

  it('a typed entry is shown from its list, its text is not parsed; an entry with neither shows nothing', () => {
    const e = { failures: [timeout], reason: 'nas: TIMEOUT', lastError: null, attempts: 0 };
    expect(queuedBecause(e)).toBe('nas: timed out');
    const named = { failures: null, reason: null, lastError: null, attempts: 0 };
    expect(queuedBecause(named)).toBeNull();
  });

  it('entries written by old versions (text only) still read in words', () => {
    const old = { failures: null, reason: 'primary: CONNECTION_REFUSED; secondary: TIMEOUT', lastError: 'primary: TIMEOUT', attempts: 2 };
    expect(queuedBecause(old)).toBe('primary: connection refused; secondary: timed out');
    expect(lastAttemptError(old)).toBe('primary: timed out');
  });

  it("after a flush attempt the typed list is that attempt's; a failure that is no instance's shows its text", () => {
    expect(lastAttemptError({ failures: [refused], reason: 'nas: TIMEOUT', lastError: 'seedbox: …', attempts: 1 })).toBe('seedbox: qBittorrent refused the torrent (Fails.)');
    expect(queuedBecause({ failures: [refused], reason: 'nas: TIMEOUT', lastError: 'seedbox: …', attempts: 1 })).toBe('nas: timed out');
    expect(lastAttemptError({ failures: null, reason: 'nas: TIMEOUT', lastError: 'the .torrent file kept beside the queue is missing', attempts: 1 })).toBe(
      'the .torrent file kept beside the queue is missing',
    );
  });
});

describe('renderer store merging', () => {
  const item = (id: number): ActivityItem => ({ id, at: 'x', kind: 'add', message: `m${id}` });
  it('activity from the fetch and from events merges by id, newest first, capped', () => {
    expect(mergeActivity([item(3), item(2)], [item(3), item(4)]).map((a) => a.id)).toEqual([4, 3, 2]);
    expect(mergeActivity([], Array.from({ length: 250 }, (_, i) => item(i + 1)))).toHaveLength(200);
  });
  it('a queue listing older than the one held is ignored (a fetch and an event can cross)', () => {
    const older = { revision: 3, entries: [] };
    const newer = { revision: 4, entries: [] };
    expect(newerQueue(newer, older)).toBe(newer);
    expect(newerQueue(older, newer)).toBe(newer);
    expect(newerQueue(null, older)).toBe(older);
  });
});
