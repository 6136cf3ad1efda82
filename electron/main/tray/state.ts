import type { EngineSnapshot, InstanceHealth, VpnHealth } from '../../../shared/model';
import { describeStatus } from '../../../shared/status';
import type { RecentAdd } from '../../../shared/desktop';
import { recentMenuLabel } from '../desktop/recent';

/**
 * Pure mapping from an engine snapshot to what the tray shows: icon colour, tooltip and the
 * context menu as plain data. `tray.ts` turns the data into an Electron `Menu`. The menu is
 * always set (not only on right-click) because Linux trays without AppIndicator click handling
 * only ever show the context menu (https://www.electronjs.org/docs/latest/api/tray#platform-considerations).
 */

/** Tray icon colour: green primary OK, amber on a fallback, red queuing, grey paused/unconfigured. */
export type TrayColor = 'green' | 'amber' | 'red' | 'grey';

/** What a clickable tray menu item does; handled by the shell (`tray.ts` caller). */
export type TrayAction =
  | 'add-clipboard'
  | 'flush'
  | 'check-now'
  | 'pause-monitoring'
  | 'resume-monitoring'
  | 'open'
  | 'settings'
  | 'open-logs'
  | 'quit'
  /** Send a recent add again; the item's `arg` is its id. */
  | 'resend-recent'
  /** Show the recent adds in the window. */
  | 'open-recent';

/** One menu item as plain data (deep-comparable); separators carry no label. */
export type MenuItemSpec =
  | { type: 'separator' }
  | { type: 'normal'; label: string; enabled: boolean; action?: TrayAction; arg?: string }
  | { type: 'submenu'; label: string; enabled: boolean; items: MenuItemSpec[] };

/** Everything the tray shows for one snapshot. */
export interface TrayState {
  color: TrayColor;
  /** Short text, e.g. `nas OK · queue 3` (Windows cuts tooltips at 127 characters). */
  tooltip: string;
  menu: MenuItemSpec[];
}

/** Colour for a snapshot: a queue-file problem (queued magnets at stake) wins, then paused monitoring, then the route kind. */
export function trayColorFor(snapshot: EngineSnapshot): TrayColor {
  if (snapshot.queueProblem) return 'red';
  if (snapshot.monitoringPaused) return 'grey';
  switch (snapshot.route.kind) {
    case 'primary':
      return 'green';
    case 'fallback':
      return 'amber';
    case 'queue':
      return 'red';
    default:
      return 'grey';
  }
}

function headline(snapshot: EngineSnapshot): string {
  const name = snapshot.route.instance ?? '?';
  if (snapshot.monitoringPaused) return 'monitoring paused';
  switch (snapshot.route.kind) {
    case 'primary':
      return `${name} OK`;
    case 'fallback':
      return `fallback ${name}`;
    case 'queue':
      return 'no instance usable, queuing';
    case 'paused':
      return 'monitoring paused';
    default:
      return 'no instance configured';
  }
}

/** Disabled status line of one instance, e.g. `nas: OK (12 ms)` or `seedbox: Timed out`. */
export function instanceLine(i: InstanceHealth): string {
  if (i.checkedAt === null) return `${i.name}: not checked yet`;
  const words = describeStatus(i.status);
  const latency = i.status === 'OK' && i.latencyMs !== null ? ` (${Math.round(i.latencyMs)} ms)` : '';
  const unusable = i.status === 'OK' && !i.usable ? ' (skipped: VPN down)' : '';
  return `${i.name}: ${words}${latency}${unusable}`;
}

/** Disabled menu line of a queue-file problem, e.g. `Queue file corrupt — moved aside to /path/q.json.corrupt-…`; null when none. */
export function queueProblemLine(snapshot: EngineSnapshot): string | null {
  const p = snapshot.queueProblem;
  if (!p) return null;
  if (p.code === 'QUEUE_UNREADABLE') return `Queue file unreadable: ${snapshot.queueFile}`;
  return p.movedTo ? `Queue file corrupt — moved aside to ${p.movedTo}` : `Queue file corrupt: ${snapshot.queueFile}`;
}

/** Disabled status line of the VPN probe. */
export function vpnLine(v: VpnHealth): string {
  switch (v.state) {
    case 'CONNECTED':
      return 'VPN: connected';
    case 'DOWN':
      return `VPN: down${v.error ? ` (${v.error})` : ''}`;
    default:
      return 'VPN: not checked (disabled)';
  }
}

/**
 * The "Recent adds" submenu: one item per recent add (newest first) with its outcome, clicking it
 * sends it again (disabled for a dropped file, whose bytes are not kept); then "Show in window".
 */
export function recentSubmenu(recent: readonly RecentAdd[]): MenuItemSpec {
  const items: MenuItemSpec[] = recent.length
    ? recent.map((r) => ({ type: 'normal', label: recentMenuLabel(r), enabled: r.resend !== null, action: 'resend-recent', arg: r.id }))
    : [{ type: 'normal', label: 'No adds yet', enabled: false }];
  items.push({ type: 'separator' }, { type: 'normal', label: 'Show recent adds in the window', enabled: true, action: 'open-recent' });
  return { type: 'submenu', label: `Recent adds (${recent.length}) — click one to send it again`, enabled: true, items };
}

/**
 * Tray state for a snapshot and the recent adds.
 * Menu: one disabled line per instance and one for the VPN, separator, add / Recent adds
 * submenu / flush / check / pause, separator, Open/Settings/Open logs/Quit. "Flush queue (N)"
 * is disabled at 0 or while flushing.
 */
export function trayStateFrom(snapshot: EngineSnapshot, recent: readonly RecentAdd[] = []): TrayState {
  const queued = snapshot.queue.length;
  const status: MenuItemSpec[] = snapshot.instances.length
    ? snapshot.instances.map((i) => ({ type: 'normal', label: instanceLine(i), enabled: false }))
    : [{ type: 'normal', label: 'No instance configured', enabled: false }];
  status.push({ type: 'normal', label: vpnLine(snapshot.vpn), enabled: false });
  const problem = queueProblemLine(snapshot);
  if (problem) status.unshift({ type: 'normal', label: problem, enabled: false });
  // What config.json held that was ignored, with the fix (the window's banner shows them all).
  for (const w of (snapshot.configWarnings ?? []).slice(0, 3)) status.push({ type: 'normal', label: `⚠ ${w.slice(0, 120)}`, enabled: false });
  const menu: MenuItemSpec[] = [
    ...status,
    { type: 'separator' },
    { type: 'normal', label: 'Add magnet from clipboard', enabled: true, action: 'add-clipboard' },
    recentSubmenu(recent),
    {
      type: 'normal',
      label: snapshot.flushing ? `Flushing queue (${queued})…` : `Flush queue (${queued})`,
      enabled: queued > 0 && !snapshot.flushing,
      action: 'flush',
    },
    { type: 'normal', label: 'Check now', enabled: true, action: 'check-now' },
    snapshot.monitoringPaused
      ? { type: 'normal', label: 'Resume monitoring', enabled: true, action: 'resume-monitoring' }
      : { type: 'normal', label: 'Pause monitoring', enabled: true, action: 'pause-monitoring' },
    { type: 'separator' },
    { type: 'normal', label: 'Open', enabled: true, action: 'open' },
    { type: 'normal', label: 'Settings', enabled: true, action: 'settings' },
    { type: 'normal', label: 'Open logs', enabled: true, action: 'open-logs' },
    { type: 'normal', label: 'Quit', enabled: true, action: 'quit' },
  ];
  const tooltip = `qbit-failover: ${snapshot.queueProblem ? 'QUEUE FILE PROBLEM · ' : ''}${headline(snapshot)} · queue ${queued}`.slice(0, 127);
  return { color: trayColorFor(snapshot), tooltip, menu };
}

/** True when two tray states render identically (so the tray is not rebuilt). */
export function sameTrayState(a: TrayState | null, b: TrayState): boolean {
  return a !== null && JSON.stringify(a) === JSON.stringify(b);
}
