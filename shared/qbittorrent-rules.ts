/**
 * qBittorrent's own rules for names we pass in `torrents/add`, checked before sending: the
 * server silently drops an invalid category or tag and still answers `Ok.`, so the torrent
 * would land without it and we would report it added as asked.
 */

/**
 * qBittorrent's `Session::isValidCategoryName` (src/base/bittorrent/session.cpp, 4.x–5.x):
 * empty, or no `\`, no `/` at either end and no `//` (subcategories are `a/b`).
 */
const CATEGORY = /^([^\\/]|[^\\/]([^\\/]|\/(?=[^/]))*[^\\/])$/;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why `name` is not a category qBittorrent accepts, or null when it is (empty = no category). */
export function categoryProblem(name: string): string | null {
  if (name === '') return null;
  if (CONTROL.test(name)) return `category "${printable(name)}" contains control characters`;
  if (!CATEGORY.test(name)) return `category "${printable(name)}" is not valid in qBittorrent (no \\, no / at the start or end, no //)`;
  return null;
}

/**
 * Why `tag` is not a tag qBittorrent accepts, or null. qBittorrent's `Session::isValidTag`
 * (4.x) / `Tag::isValid` (5.x): not empty after trimming, no comma (the API's tag separator).
 */
export function tagProblem(tag: string): string | null {
  if (tag.trim() === '') return 'empty tag';
  if (tag.includes(',')) return `tag "${printable(tag)}" contains a comma (qBittorrent separates tags with commas)`;
  if (CONTROL.test(tag)) return `tag "${printable(tag)}" contains control characters`;
  return null;
}

/** Tags from a comma-separated list (the WebUI API's `tags` field, the CLI's `--tags`): trimmed, empties dropped. */
export function splitTags(list: string): string[] {
  return list.split(',').map((t) => t.trim()).filter(Boolean);
}

/** Why `path` cannot be a save path, or null: qBittorrent takes any path, but control characters never name a real folder. */
export function savePathProblem(path: string): string | null {
  if (CONTROL.test(path)) return `save path "${printable(path)}" contains control characters`;
  return null;
}

function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 100);
}
