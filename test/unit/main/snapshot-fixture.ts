import type { EngineSnapshot, InstanceHealth, QueueEntryView } from '../../../shared/model';

/** A health line as the engine reports it after a successful probe. */
export function instance(name: string, over: Partial<InstanceHealth> = {}): InstanceHealth {
  return {
    name,
    url: `http://${name}.lan:8080`,
    requiresVpn: false,
    status: 'OK',
    usable: true,
    latencyMs: 12,
    version: 'v4.6.2',
    apiVersion: '2.9.3',
    connectionStatus: 'connected',
    torrents: { total: 3, incomplete: 1 },
    error: null,
    checkedAt: '2025-01-01T00:00:00.000Z',
    ...over,
  };
}

/** A queue entry with a distinct id/infohash per `n`. */
export function entry(n: number): QueueEntryView {
  const hex = n.toString(16).padStart(40, '0');
  return {
    id: `e${n}`,
    infohash: hex,
    name: `file ${n}`,
    kind: 'magnet',
    magnet: `magnet:?xt=urn:btih:${hex}`,
    reason: 'no instance usable',
    queuedAt: '2025-01-01T00:00:00.000Z',
    attempts: 0,
    lastError: null,
    lastAttempt: null,
  };
}

/** A snapshot with a healthy primary `nas` and fallback `seedbox`, VPN disabled, empty queue. */
export function snapshot(over: Partial<EngineSnapshot> = {}): EngineSnapshot {
  return {
    vpn: { state: 'DISABLED', check: 'none', target: null, error: null, checkedAt: null },
    instances: [instance('nas'), instance('seedbox')],
    queue: [],
    queueFile: '/home/u/.config/qbit-failover/qbittorrent_queue.json',
    queueProblem: null,
    route: { kind: 'primary', instance: 'nas' },
    routing: 'priority',
    monitoringPaused: false,
    flushing: false,
    activity: [],
    ...over,
  };
}
