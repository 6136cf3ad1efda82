import { describe, expect, it } from 'vitest';
import { sameTrayState, trayStateFrom, type MenuItemSpec } from '../../../../electron/main/tray/state';
import { instance, queued, snapshot } from '../snapshot-fixture';

const labels = (menu: MenuItemSpec[]) => menu.map((m) => (m.type === 'separator' ? '---' : m.label));
const item = (menu: MenuItemSpec[], label: string) => menu.find((m) => m.type === 'normal' && m.label === label) as Extract<MenuItemSpec, { type: 'normal' }> | undefined;

describe('trayStateFrom', () => {
  it('is green with "<primary> OK" when the first-priority instance takes adds', () => {
    const s = trayStateFrom(snapshot());
    expect(s.color).toBe('green');
    expect(s.tooltip).toBe('qbit-failover: nas OK · queue 0');
  });

  it('is amber and names the fallback when adds go to a fallback', () => {
    const s = trayStateFrom(
      snapshot({ route: { kind: 'fallback', instance: 'seedbox' }, instances: [instance('nas', { status: 'TIMEOUT', usable: false }), instance('seedbox')] }),
    );
    expect(s.color).toBe('amber');
    expect(s.tooltip).toContain('fallback seedbox');
    expect(labels(s.menu)).toContain('nas: Timed out');
  });

  it('is red and says adds are queued when no instance is usable', () => {
    const s = trayStateFrom(snapshot({ route: { kind: 'queue', instance: null }, queue: queued(3) }));
    expect(s.color).toBe('red');
    expect(s.tooltip).toBe('qbit-failover: no instance usable, queuing · queue 3');
    const flush = item(s.menu, 'Flush queue (3)');
    expect(flush?.enabled).toBe(true);
    expect(flush?.action).toBe('flush');
  });

  it('is grey when monitoring is paused, and offers "Resume monitoring"', () => {
    const s = trayStateFrom(snapshot({ monitoringPaused: true, route: { kind: 'paused', instance: null } }));
    expect(s.color).toBe('grey');
    expect(s.tooltip).toContain('monitoring paused');
    expect(item(s.menu, 'Resume monitoring')?.action).toBe('resume-monitoring');
    expect(item(s.menu, 'Pause monitoring')).toBeUndefined();
  });

  it('is grey on a first run with nothing configured, and still offers adding from the clipboard', () => {
    const s = trayStateFrom(snapshot({ instances: [], route: { kind: 'unconfigured', instance: null } }));
    expect(s.color).toBe('grey');
    expect(labels(s.menu)).toContain('No instance configured');
    expect(item(s.menu, 'Add magnet from clipboard')?.enabled).toBe(true);
  });

  it('has the full menu in order: status lines, VPN, actions, window items, Quit', () => {
    const s = trayStateFrom(snapshot({ vpn: { state: 'CONNECTED', check: 'ping', target: '10.0.0.1', error: null, checkedAt: 'x' } }));
    expect(labels(s.menu)).toEqual([
      'nas: OK (12 ms)',
      'seedbox: OK (12 ms)',
      'VPN: connected',
      '---',
      'Add magnet from clipboard',
      'Recent adds (0) — click one to send it again',
      'Flush queue (0)',
      'Check now',
      'Pause monitoring',
      '---',
      'Open',
      'Settings',
      'Open logs',
      'Quit',
    ]);
    expect(item(s.menu, 'nas: OK (12 ms)')?.enabled).toBe(false);
    expect(item(s.menu, 'Flush queue (0)')?.enabled).toBe(false);
    expect(item(s.menu, 'Quit')?.action).toBe('quit');
  });

  it('shows a VPN-bound instance as skipped while the VPN is down', () => {
    const s = trayStateFrom(
      snapshot({
        vpn: { state: 'DOWN', check: 'interface:wg0', target: 'wg0', error: 'no address', checkedAt: 'x' },
        instances: [instance('nas', { requiresVpn: true, usable: false })],
      }),
    );
    expect(labels(s.menu)).toContain('nas: OK (12 ms) (skipped: VPN down)');
    expect(labels(s.menu)).toContain('VPN: down (no address)');
  });

  it('disables flushing while a flush runs', () => {
    const s = trayStateFrom(snapshot({ queue: queued(1), flushing: true }));
    expect(item(s.menu, 'Flushing queue (1)…')?.enabled).toBe(false);
  });

  it('reports equal states as the same (so the tray is not rebuilt) and different ones as not', () => {
    expect(sameTrayState(null, trayStateFrom(snapshot()))).toBe(false);
    expect(sameTrayState(trayStateFrom(snapshot()), trayStateFrom(snapshot()))).toBe(true);
    expect(sameTrayState(trayStateFrom(snapshot()), trayStateFrom(snapshot({ queue: queued(1) })))).toBe(false);
  });
});
