import { afterEach, describe, expect, it, vi } from 'vitest';
import { changedSettingsChoices, initialNotificationChoices, NotificationBatcher, notificationsFor, type NotificationSpec } from '../../../../electron/main/notifications/rules';
import { allowedNotices, NoticeTracker, noticesForEvent } from '../../../../shared/notices';
import type { ActivityItem, EngineEvent } from '../../../../shared/model';
import { instance, queued, snapshot } from '../snapshot-fixture';

const ALL = { failover: true, queued: true, flushed: true, vpn: true };
const kinds = (ns: NotificationSpec[]) => ns.map((n) => n.kind);

describe('notificationsFor', () => {
  it('says nothing for the first snapshot', () => {
    expect(notificationsFor(null, snapshot({ queue: queued(1) }), ALL)).toEqual([]);
  });

  it('failover: primary → fallback names the new instance', () => {
    const n = notificationsFor(snapshot(), snapshot({ route: { kind: 'fallback', instance: 'seedbox' } }), ALL);
    expect(n).toHaveLength(1);
    expect(n[0]).toMatchObject({ kind: 'failover', title: 'Failover to seedbox' });
  });

  it('failover: falling to the queue says adds are queued', () => {
    const n = notificationsFor(snapshot({ route: { kind: 'fallback', instance: 'seedbox' } }), snapshot({ route: { kind: 'queue', instance: null } }), ALL);
    expect(n[0]?.title).toBe('No qBittorrent instance reachable');
  });

  it('no failover notification when going back to the primary or while paused', () => {
    expect(notificationsFor(snapshot({ route: { kind: 'fallback', instance: 'seedbox' } }), snapshot(), ALL)).toEqual([]);
    expect(notificationsFor(snapshot(), snapshot({ monitoringPaused: true, route: { kind: 'fallback', instance: 's' } }), ALL)).toEqual([]);
  });

  it('queued: counts entries that arrived, even when as many left (a flush placed one, another was queued)', () => {
    const n = notificationsFor(snapshot({ queue: queued(2, 5) }), snapshot({ queue: queued(2, 6) }), ALL);
    expect(n).toEqual([{ kind: 'queued', title: 'Queued', body: '1 magnet queued; they are added when an instance is reachable.', count: 1 }]);
  });

  it('queued: counts new entries', () => {
    const n = notificationsFor(snapshot({ queue: queued(1) }), snapshot({ queue: queued(3) }), ALL);
    expect(n).toEqual([{ kind: 'queued', title: 'Queued', body: '2 magnets queued; they are added when an instance is reachable.', count: 2 }]);
  });

  it('flushed: queue emptied by a flush', () => {
    const n = notificationsFor(snapshot({ queue: queued(2), flushing: true }), snapshot({ queue: queued(0, 2) }), ALL);
    expect(n).toEqual([{ kind: 'flushed', title: 'Queue flushed', body: '2 queued entries were added.' }]);
  });

  it('flushed: also when the whole flush ran between two snapshots (only its counter moved)', () => {
    const n = notificationsFor(snapshot({ queue: queued(1) }), snapshot({ queue: queued(0, 1), flushesPlaced: 1 }), ALL);
    expect(kinds(n)).toEqual(['flushed']);
  });

  it('no flushed notification when the user removed the last entry by hand', () => {
    expect(notificationsFor(snapshot({ queue: queued(1) }), snapshot({ queue: queued(0, 1) }), ALL)).toEqual([]);
  });

  it('vpn: down and back up; DISABLED transitions are silent', () => {
    const up = snapshot({ vpn: { state: 'CONNECTED', check: 'ping', target: 'g', error: null, checkedAt: 'x' } });
    const down = snapshot({ vpn: { state: 'DOWN', check: 'ping', target: 'g', error: 'timeout', checkedAt: 'x' } });
    expect(notificationsFor(up, down, ALL)[0]?.title).toBe('VPN down');
    expect(notificationsFor(down, up, ALL)[0]?.title).toBe('VPN back up');
    expect(notificationsFor(snapshot(), up, ALL)).toEqual([]);
  });

  it('turned-off kinds are not shown', () => {
    const prev = snapshot({ vpn: { state: 'CONNECTED', check: 'ping', target: 'g', error: null, checkedAt: 'x' } });
    const next = snapshot({
      route: { kind: 'fallback', instance: 'seedbox' },
      queue: queued(1),
      vpn: { state: 'DOWN', check: 'ping', target: 'g', error: null, checkedAt: 'x' },
    });
    expect(kinds(notificationsFor(prev, next, ALL))).toEqual(['failover', 'queued', 'vpn']);
    expect(kinds(notificationsFor(prev, next, { failover: false, queued: true, flushed: true, vpn: false }))).toEqual(['queued']);
    expect(notificationsFor(prev, next, { failover: false, queued: false, flushed: false, vpn: false })).toEqual([]);
  });
});

describe('NotificationBatcher', () => {
  afterEach(() => void vi.useRealTimers());

  it('merges a burst within 2 s into one "5 magnets queued"', () => {
    vi.useFakeTimers();
    const shown: NotificationSpec[] = [];
    const b = new NotificationBatcher((n) => shown.push(n));
    let prev = snapshot();
    for (let i = 1; i <= 5; i++) {
      const next = snapshot({ queue: queued(i) });
      b.push(...notificationsFor(prev, next, ALL));
      prev = next;
      vi.advanceTimersByTime(300);
    }
    expect(shown).toEqual([]);
    vi.advanceTimersByTime(2_000);
    expect(shown).toHaveLength(1);
    expect(shown[0]?.body).toBe('5 magnets queued; they are added when an instance is reachable.');
  });

  it('keeps different kinds apart, and a later burst is a new notification', () => {
    vi.useFakeTimers();
    const shown: NotificationSpec[] = [];
    const b = new NotificationBatcher((n) => shown.push(n));
    b.push({ kind: 'failover', title: 'Failover to a', body: '' }, { kind: 'queued', title: 'Queued', body: '', count: 1 });
    b.push({ kind: 'failover', title: 'Failover to b', body: '' });
    vi.advanceTimersByTime(2_000);
    expect(shown.map((n) => n.title)).toEqual(['Queued', 'Failover to b']);
    b.push({ kind: 'queued', title: 'Queued', body: '', count: 1 });
    vi.advanceTimersByTime(2_000);
    expect(shown).toHaveLength(3);
  });

  it('dispose drops a pending batch', () => {
    vi.useFakeTimers();
    const show = vi.fn();
    const b = new NotificationBatcher(show);
    b.push({ kind: 'vpn', title: 'VPN down', body: '' });
    b.dispose();
    vi.advanceTimersByTime(5_000);
    expect(show).not.toHaveBeenCalled();
  });
});

describe('event notices (shared/notices.ts): added, instance down/up, finished, per-kind choices', () => {
  afterEach(() => void vi.useRealTimers());
  const activity = (id: number, kind: ActivityItem['kind'], message: string): EngineEvent => ({ type: 'activity', item: { id, at: 'x', kind, message } });
  const finished = (addedHere: boolean, infohash = 'a'.repeat(40)): EngineEvent => ({ type: 'torrentFinished', instance: 'nas', infohash, name: 'ubuntu.iso', category: '', addedHere });

  it('five magnets placed within 2 s give one "5 magnets added"; a duplicate line is not an add', () => {
    vi.useFakeTimers();
    const shown: NotificationSpec[] = [];
    const b = new NotificationBatcher((n) => shown.push(n));
    const t = new NoticeTracker();
    for (let i = 1; i <= 5; i++) b.push(...t.feed(activity(i, 'add', `added t${i} to nas`)));
    b.push(...t.feed(activity(6, 'duplicate', 't1 already on nas')));
    vi.advanceTimersByTime(2_000);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ kind: 'added', title: '5 magnets added', count: 5 });
  });

  it('"added" follows the activity kind, not its wording: a reworded placement line still notifies, a duplicate worded "added …" does not', () => {
    expect(noticesForEvent(activity(1, 'add', 'placed ubuntu.iso on nas (from Sonarr/4.0.14)'))).toEqual([
      { kind: 'added', title: '1 magnet added', body: 'placed ubuntu.iso on nas (from Sonarr/4.0.14)', count: 1 },
    ]);
    expect(noticesForEvent(activity(2, 'duplicate', 'added earlier: ubuntu.iso already on nas'))).toEqual([]);
    expect(noticesForEvent(activity(3, 'queue', 'added to the queue: ubuntu.iso'))).toEqual([]);
  });

  it('an instance going down and coming back is told, with its name; the first check is not', () => {
    const t = new NoticeTracker();
    expect(t.feed({ type: 'snapshot', snapshot: snapshot({ instances: [instance('nas', { checkedAt: null, status: 'UNKNOWN' })] }) })).toEqual([]);
    expect(t.feed({ type: 'snapshot', snapshot: snapshot({ instances: [instance('nas')] }) })).toEqual([]);
    const down = t.feed({ type: 'snapshot', snapshot: snapshot({ instances: [instance('nas', { status: 'TIMEOUT', usable: false })] }) });
    expect(down).toEqual([expect.objectContaining({ kind: 'instance', title: 'nas is down', instance: 'nas' })]);
    const up = t.feed({ type: 'snapshot', snapshot: snapshot({ instances: [instance('nas')] }) });
    expect(up).toEqual([expect.objectContaining({ kind: 'instance', title: 'nas is back', instance: 'nas' })]);
  });

  it('finished: only a torrent the engine added itself (addedHere), naming it and its instance', () => {
    expect(noticesForEvent(finished(false))).toEqual([]);
    expect(noticesForEvent(finished(true))).toEqual([
      { kind: 'finished', title: 'Download finished', body: 'ubuntu.iso finished on nas.', instance: 'nas', infohash: 'a'.repeat(40) },
    ]);
  });

  it('per-kind choices: a kind switched off is left out, the rest stay', () => {
    const items = [...noticesForEvent(finished(true)), ...noticesForEvent(activity(1, 'add', 'added x to nas'))];
    expect(kinds(allowedNotices(items, { finished: false }))).toEqual(['added']);
    expect(kinds(allowedNotices(items, {}))).toEqual(['finished', 'added']);
  });

  it('desktop choices start from config.json ui.notifications, and follow a switch changed there (only that one)', () => {
    const seeded = initialNotificationChoices({ failover: true, queued: false, flushed: true, vpn: true });
    expect(seeded).toEqual({ added: true, queued: false, flushed: true, failover: true, instance: true, vpn: true, finished: true });
    expect(changedSettingsChoices(null, { failover: true, queued: true, flushed: true, vpn: true })).toEqual({});
    expect(changedSettingsChoices({ failover: true, queued: true, flushed: true, vpn: true }, { failover: true, queued: true, flushed: true, vpn: false })).toEqual({ vpn: false });
  });
});
