/** Issue 7 item 3: the tray shows a queue-file problem (queued magnets at stake) whatever the route. */
import { describe, expect, it } from 'vitest';
import { trayStateFrom } from '../../../../electron/main/tray/state';
import { snapshot } from '../snapshot-fixture';

const QUEUE = '/home/u/.config/qbit-failover/qbittorrent_queue.json';

describe('tray: queue file problem', () => {
  it('a corrupt queue file moved aside turns the tray red and names where it went', () => {
    const movedTo = `${QUEUE}.corrupt-2026-11-30T08-00-00-000Z`;
    const s = trayStateFrom(snapshot({ queueProblem: { code: 'QUEUE_CORRUPT', message: `Queue file ${QUEUE} was corrupt; moved aside to ${movedTo}`, movedTo } }));
    expect(s.color).toBe('red');
    expect(s.tooltip).toContain('QUEUE FILE PROBLEM');
    expect(s.menu[0]).toEqual({ type: 'normal', label: `Queue file corrupt — moved aside to ${movedTo}`, enabled: false });
  });

  it('an unreadable queue path (a folder) is shown with the path', () => {
    const s = trayStateFrom(snapshot({ queueProblem: { code: 'QUEUE_UNREADABLE', message: `Queue file ${QUEUE} could not be read: EISDIR`, movedTo: null } }));
    expect(s.color).toBe('red');
    expect(s.menu[0]).toMatchObject({ label: `Queue file unreadable: ${QUEUE}` });
  });

  it('no problem: no extra line, the route decides the colour', () => {
    const s = trayStateFrom(snapshot());
    expect(s.color).toBe('green');
    expect(JSON.stringify(s.menu)).not.toContain('Queue file');
  });
});
