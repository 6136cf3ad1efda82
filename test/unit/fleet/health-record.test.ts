import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InstanceHealth } from '../../../shared/model';
import { HEALTH_RECORD_FRESH_MS, HealthRecorder, healthRecordPath, readHealthRecord, recordedDown } from '../../../electron/core/fleet/health-record';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'qbf-health-record-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const URL_P = 'http://127.0.0.1:18080';
const URL_S = 'http://127.0.0.1:18081';
const instances = [
  { name: 'primary', url: URL_P },
  { name: 'secondary', url: URL_S },
];

function health(name: string, url: string, status: InstanceHealth['status'], checkedAt: string | null = new Date().toISOString()): InstanceHealth {
  return { name, url, requiresVpn: false, status, usable: status === 'OK', latencyMs: null, version: null, apiVersion: null, connectionStatus: null, torrents: null, error: status === 'OK' ? null : `${name} did not answer`, checkedAt };
}

function writeRecord(entries: Record<string, { url: string; status: string; checkedAt: string }>): void {
  const instancesRec = Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, { ...v, error: 'recorded error' }]));
  writeFileSync(healthRecordPath(home), JSON.stringify({ version: 1, writtenAt: new Date().toISOString(), pid: 1, instances: instancesRec }));
}

describe('health record (shared between a daemon and one-shot CLI runs)', () => {
  it('a daemon writes every checked instance; a reader takes a fresh TIMEOUT or CONNECTION_REFUSED as down, saying where it comes from', async () => {
    const rec = new HealthRecorder(home);
    rec.update([health('primary', URL_P, 'TIMEOUT'), health('secondary', URL_S, 'OK'), health('tertiary', 'http://127.0.0.1:1', 'UNKNOWN', null)]);
    await rec.idle();
    const file = await readHealthRecord(home);
    expect(Object.keys(file!.instances).sort()).toEqual(['primary', 'secondary']);
    expect(readdirSync(home)).toEqual(['health.json']); // no temporary file left behind
    const down = await recordedDown(home, instances);
    expect([...down.keys()]).toEqual(['primary']);
    expect(down.get('primary')).toMatchObject({ code: 'TIMEOUT' });
    expect(down.get('primary')!.message).toMatch(/recorded by a running qbit-failover \d+ s ago/);
  });

  it('trusts only TIMEOUT and CONNECTION_REFUSED: OK, AUTH_FAILED or BANNED are probed again', async () => {
    const now = new Date().toISOString();
    writeRecord({
      primary: { url: URL_P, status: 'AUTH_FAILED', checkedAt: now },
      secondary: { url: URL_S, status: 'CONNECTION_REFUSED', checkedAt: now },
    });
    expect([...(await recordedDown(home, instances)).keys()]).toEqual(['secondary']);
    writeRecord({ primary: { url: URL_P, status: 'BANNED', checkedAt: now }, secondary: { url: URL_S, status: 'OK', checkedAt: now } });
    expect((await recordedDown(home, instances)).size).toBe(0);
  });

  it(`ignores a record older than ${HEALTH_RECORD_FRESH_MS / 1000} s, from the future, or for another address`, async () => {
    const now = Date.now();
    writeRecord({
      primary: { url: URL_P, status: 'TIMEOUT', checkedAt: new Date(now - HEALTH_RECORD_FRESH_MS - 1).toISOString() },
      secondary: { url: URL_S, status: 'TIMEOUT', checkedAt: new Date(now + 5_000).toISOString() },
    });
    expect((await recordedDown(home, instances, now)).size).toBe(0);
    writeRecord({ primary: { url: 'http://127.0.0.1:9999', status: 'TIMEOUT', checkedAt: new Date(now).toISOString() } });
    expect((await recordedDown(home, instances, now)).size).toBe(0);
  });

  it('a missing, corrupt or foreign file is no record', async () => {
    expect((await recordedDown(home, instances)).size).toBe(0);
    writeFileSync(healthRecordPath(home), '{"version": 1, "instan');
    expect((await recordedDown(home, instances)).size).toBe(0);
    writeFileSync(healthRecordPath(home), JSON.stringify({ version: 7, instances: { primary: { url: URL_P, status: 'TIMEOUT', checkedAt: new Date().toISOString() } } }));
    expect((await recordedDown(home, instances)).size).toBe(0);
  });

  it('rewrites on a status change at once, not for an unchanged status within the refresh interval', async () => {
    const rec = new HealthRecorder(home);
    rec.update([health('primary', URL_P, 'OK')]);
    await rec.idle();
    const first = readFileSync(healthRecordPath(home), 'utf8');
    rec.update([health('primary', URL_P, 'OK', new Date(Date.now() + 1_000).toISOString())]);
    await rec.idle();
    expect(readFileSync(healthRecordPath(home), 'utf8')).toBe(first);
    rec.update([health('primary', URL_P, 'CONNECTION_REFUSED')]);
    await rec.idle();
    expect((await readHealthRecord(home))!.instances.primary!.status).toBe('CONNECTION_REFUSED');
  });

  it('a write that fails is reported, never thrown', async () => {
    const messages: string[] = [];
    const rec = new HealthRecorder(join(home, 'no-such-folder'), (m) => messages.push(m));
    rec.update([health('primary', URL_P, 'OK')]);
    await rec.idle();
    expect(messages.join('\n')).toMatch(/could not write the health record/);
  });
});
