import { describe, expect, it } from 'vitest';
import { ForgottenByServer, unsavedListed } from '../../chaos/support/resume-data';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

describe('chaos support: losses by the server vs by the app', () => {
  it('a torrent listed without its .fastresume at a SIGKILL is counted as forgotten by the server, any other loss as the app\'s', () => {
    const f = new ForgottenByServer();
    // A listed and unsaved, B listed and saved, at primary's SIGKILL.
    f.killedUnsaved('primary', unsavedListed([{ hash: A }, { hash: B }], new Set([B])), 'run #6');
    const { byServer, byApp } = f.split([A, B, C]);
    expect(byServer.map((x) => x.infohash)).toEqual([A]);
    expect(byServer[0]!.why).toContain('primary');
    expect(byApp).toEqual([B, C]);
  });

  it('an infohash seen again after the SIGKILL and lost later is the app\'s loss', () => {
    const f = new ForgottenByServer();
    f.killedUnsaved('primary', [A], 'run #6');
    f.seen(A); // e.g. re-added from the queue, listed again
    expect(f.split([A]).byApp).toEqual([A]);
  });

  it('a hybrid saved under its listed id is not unsaved under its v1 key', () => {
    expect([...unsavedListed([{ hash: 'd'.repeat(40), infohash_v1: A }], new Set(['d'.repeat(40)]))]).toEqual([]);
    expect([...unsavedListed([{ hash: 'd'.repeat(40), infohash_v1: A }], new Set())].sort()).toEqual([A, 'd'.repeat(40)].sort());
  });
});
