import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directLogin, forgetDirectSession, listHashes, listTorrents, waitForHashes } from '../harness/direct';
import { startQbittorrent, type QbtProcess } from '../harness/qbittorrent';
import { savedResumeIds, unsavedListed } from '../chaos/support/resume-data';

/**
 * What qBittorrent itself keeps across a SIGKILL (crash, OOM kill, power cut) of torrents it
 * already lists: the premise the chaos tests use to tell the server's losses from the app's
 * (test/chaos/support/resume-data.ts). A torrent whose `BT_backup/<id>.fastresume` was written
 * before the kill comes back; one that is gone after the restart was listed WITHOUT that file.
 * How many are lost depends on timing (printed, not asserted).
 */

let q: QbtProcess;
beforeAll(async () => {
  q = await startQbittorrent({ name: 'resume-durability' });
});
afterAll(async () => q?.dispose());

describe('qBittorrent resume data and SIGKILL', () => {
  it('after a SIGKILL right when 30 new magnets are listed, exactly those without a .fastresume can be gone; every saved one is back', async () => {
    const t = { url: q.url, username: q.username, password: q.password };
    const hashes = Array.from({ length: 30 }, () => randomBytes(20).toString('hex'));
    const login = await directLogin(t);
    const res = await fetch(`${q.url}/api/v2/torrents/add`, {
      method: 'POST',
      headers: { cookie: login.cookie ?? '', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ urls: hashes.map((h) => `magnet:?xt=urn:btih:${h}&dn=durability-${h.slice(0, 8)}`).join('\n') }),
    });
    expect(await res.text()).toBe('Ok.');
    await waitForHashes(t, hashes);
    const unsaved = unsavedListed(await listTorrents(t, hashes), savedResumeIds(q.profileDir));
    await q.kill();
    // Read once more after the kill: what is on disk now is what the restart can restore.
    const saved = savedResumeIds(q.profileDir);
    await q.restart();
    forgetDirectSession(t);
    const back = new Set(await listHashes(t));
    const gone = hashes.filter((h) => !back.has(h));
    console.log(`[resume-durability] listed 30; without .fastresume at the SIGKILL ${unsaved.size}; gone after restart ${gone.length}`);
    expect(hashes.filter((h) => saved.has(h) && !back.has(h))).toEqual([]);
    expect(gone.filter((h) => !unsaved.has(h))).toEqual([]);
  });
});
