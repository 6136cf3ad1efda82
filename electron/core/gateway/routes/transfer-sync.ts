import { fanOut } from '../backends';
import { json } from '../http-io';
import { presentRow, queuedRow, sumTransfer } from '../merge';
import type { RouteTable } from './types';

/** Revision counter of `sync/maindata` answers (every answer is a `full_update`, which qBittorrent's protocol allows). */
let maindataRid = 0;

/** `transfer/info` (summed over the answering instances) and `sync/maindata` (merged, always a full update). */
export const transferSyncRoutes: RouteTable = {
  'transfer/info': {
    handle: async ({ backends }) => json(sumTransfer((await fanOut(backends, (b) => b.client.transferInfo())).map((x) => x.value))),
  },
  'sync/maindata': {
    handle: async ({ backends, engine }) => {
      const answers = (await fanOut(backends, (b) => b.client.syncMaindata(0))).map((x) => x.value);
      const torrents: Record<string, unknown> = {};
      const categories: Record<string, unknown> = {};
      const tags = new Set<string>();
      for (const a of answers) {
        for (const [hash, t] of Object.entries(a.torrents ?? {})) if (!(hash in torrents)) torrents[hash] = presentRow(t);
        for (const [name, c] of Object.entries(a.categories ?? {})) if (!(name in categories)) categories[name] = c;
        for (const t of a.tags ?? []) tags.add(t);
      }
      for (const e of engine.queuedEntries()) {
        if (e.kind === 'url') continue;
        const row = queuedRow(e);
        if (!(row.hash in torrents)) {
          const { hash: _hash, ...rest } = row;
          torrents[row.hash] = rest;
        }
      }
      const serverState = sumTransfer(answers.map((a) => (a.server_state ?? {}) as Record<string, unknown>));
      // Free space is a disk's, not a sum: the first instance's.
      const first = answers[0]?.server_state;
      if (first && typeof first.free_space_on_disk === 'number') serverState.free_space_on_disk = first.free_space_on_disk;
      return json({ rid: ++maindataRid, full_update: true, torrents, categories, tags: [...tags].sort(), server_state: serverState });
    },
  },
};
