/**
 * The words of the notice that qBittorrent lost torrents after a crash and the app queued them
 * again (see forgotten.ts): made here, so the activity log and the CLI's stderr agree on them.
 * No imports: the CLI reads it before the engine's chunk loads.
 */

/** One torrent (`name`, else its infohash) that qBittorrent on `instance` forgot, queued again. */
export const lostNotice = (instance: string, name: string): string => `qBittorrent on ${instance} lost ${name} after a crash (it had not saved it yet); queued again`;

/** The line for the `count` torrents beyond those named one by one. */
export const lostMoreNotice = (instance: string): string => `more torrents lost by qBittorrent on ${instance} after a crash; queued again`;

/** Whether an activity message is one of these notices. */
export const isLostNotice = (message: string): boolean => / after a crash(?: \(it had not saved it yet\))?; queued again$/.test(message);
