import { describe, expect, it } from 'vitest';
import { documentTitle } from '../../../renderer/src/lib/document-title';
import { isStoppedState, torrentStateGroup } from '../../../shared/torrent-list';
import { instance, queued, snapshot } from '../main/snapshot-fixture';

describe('the dashboard tab title (the status light of a browser tab)', () => {
  it('says ✓ when all is good and counts queued entries first', () => {
    expect(documentTitle('open', snapshot())).toBe('✓ qbit-failover');
    expect(documentTitle('open', snapshot({ queue: queued(3) }))).toBe('⚠ 3 queued — qbit-failover');
    expect(documentTitle('open', snapshot({ queue: queued(12_345) }))).toBe('⚠ 12,345 queued — qbit-failover');
  });

  it('names instances down, nothing reachable, no instance, and a paused monitor', () => {
    expect(documentTitle('open', snapshot({ instances: [instance('nas'), instance('seedbox', { status: 'TIMEOUT', usable: false })] }))).toBe('⚠ 1 down — qbit-failover');
    expect(documentTitle('open', snapshot({ route: { kind: 'queue', instance: null } }))).toBe('⚠ no instance reachable — qbit-failover');
    expect(documentTitle('open', snapshot({ instances: [], route: { kind: 'unconfigured', instance: null } }))).toBe('⚠ no instance set up — qbit-failover');
    expect(documentTitle('open', snapshot({ route: { kind: 'paused', instance: null }, monitoringPaused: true }))).toBe('⏸ paused — qbit-failover');
  });

  it('never shows an old state as current while disconnected', () => {
    expect(documentTitle('closed', snapshot())).toBe('✕ disconnected — qbit-failover');
    expect(documentTitle('unauthorized', snapshot({ queue: queued(3) }))).toBe('✕ disconnected — qbit-failover');
    expect(documentTitle('connecting', null)).toBe('qbit-failover');
  });
});

describe('torrent state groups (the Torrents view filter)', () => {
  it('groups qBittorrent 4.x and 5.x state words the same way', () => {
    expect(['pausedDL', 'pausedUP', 'stoppedDL', 'stoppedUP'].map(torrentStateGroup)).toEqual(['paused', 'paused', 'paused', 'paused']);
    expect(['downloading', 'metaDL', 'forcedDL', 'forcedMetaDL'].map(torrentStateGroup)).toEqual(['downloading', 'downloading', 'downloading', 'downloading']);
    expect(['uploading', 'stalledUP', 'forcedUP'].map(torrentStateGroup)).toEqual(['seeding', 'seeding', 'seeding']);
    expect(['queuedDL', 'queuedUP', 'checkingDL', 'checkingResumeData', 'moving', 'stalledDL', 'error', 'missingFiles'].map(torrentStateGroup)).toEqual([
      'queued', 'queued', 'checking', 'checking', 'checking', 'stalled', 'error', 'error',
    ]);
    expect(isStoppedState('stoppedDL')).toBe(true);
    expect(isStoppedState('downloading')).toBe(false);
  });
});
