import type { EngineSnapshot, InstanceHealth, QueueSummary } from '../../../shared/model';

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

/** The snapshot's queue summary for `length` entries, `arrived` of them since the start (default: all). */
export function queued(length: number, arrived = length): QueueSummary {
  return { length, revision: arrived, arrived, oldestQueuedAt: length ? '2025-01-01T00:00:00.000Z' : null };
}

/** A snapshot with a healthy primary `nas` and fallback `seedbox`, VPN disabled, empty queue. */
export function snapshot(over: Partial<EngineSnapshot> = {}): EngineSnapshot {
  return {
    vpn: { state: 'DISABLED', check: 'none', target: null, error: null, checkedAt: null },
    instances: [instance('nas'), instance('seedbox')],
    queue: queued(0),
    queueFile: '/home/u/.config/qbit-failover/qbittorrent_queue.json',
    queueProblem: null,
    route: { kind: 'primary', instance: 'nas' },
    routing: 'priority',
    monitoringPaused: false,
    flushing: false,
    flushesPlaced: 0,
    configWarnings: [],
    ...over,
  };
}
