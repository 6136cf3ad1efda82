import { SettingsSchema } from '../../../shared/settings';
import { trimApiSuffix } from '../../../shared/webui-url';

/**
 * What `config.json` holds that the settings schema does not read: unknown keys (a typo, a
 * `"password"`, an old tool's variable name), each reported with its fix. The schema strips such
 * keys and loads the rest, so a note never stops a load; it only tells the user what was ignored.
 */

/** A minimal view of a zod 4 schema's definition (only what the walk needs). */
interface Def {
  type: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  element?: unknown;
  in?: unknown;
  options?: unknown[];
}

const defOf = (schema: unknown): Def | null => (schema as { _zod?: { def?: Def } } | null)?._zod?.def ?? null;

/** The object schema under wrappers (default, optional, nullable, pipe/transform, refine), or null. */
function objectShape(schema: unknown): Record<string, unknown> | null {
  let cur = schema;
  for (let depth = 0; depth < 12 && cur; depth++) {
    const d = defOf(cur);
    if (!d) return null;
    if (d.type === 'object') return d.shape ?? null;
    if (d.type === 'default' || d.type === 'optional' || d.type === 'nullable' || d.type === 'prefault' || d.type === 'readonly') cur = d.innerType;
    else if (d.type === 'pipe') cur = d.in;
    else return null;
  }
  return null;
}

/** The element schema of an array schema under wrappers, or null. */
function arrayElement(schema: unknown): unknown {
  let cur = schema;
  for (let depth = 0; depth < 12 && cur; depth++) {
    const d = defOf(cur);
    if (!d) return null;
    if (d.type === 'array') return d.element ?? null;
    if (d.type === 'default' || d.type === 'optional' || d.type === 'nullable' || d.type === 'prefault') cur = d.innerType;
    else if (d.type === 'pipe') cur = d.in;
    else return null;
  }
  return null;
}

/** Edit distance with adjacent transpositions (optimal string alignment), case-insensitive. */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[s.length]![t.length]!;
}

/** The known key `key` most likely meant (case, separators, a prefix or plural, up to 2 typos), or null. */
export function closestKey(key: string, known: readonly string[]): string | null {
  const squash = (k: string): string => k.toLowerCase().replace(/[-_\s]/g, '');
  const exact = known.find((k) => squash(k) === squash(key));
  if (exact) return exact;
  // A key cut short or run on (`fingerprint` for `fingerprint256`, `instance` for `instances`).
  const stem = known.find((k) => Math.min(k.length, key.length) >= 4 && (squash(k).startsWith(squash(key)) || squash(key).startsWith(squash(k))));
  if (stem) return stem;
  let best: { key: string; d: number } | null = null;
  for (const k of known) {
    const d = distance(squash(key), squash(k));
    if (d <= Math.min(2, Math.max(1, Math.floor(k.length / 3))) && (!best || d < best.d)) best = { key: k, d };
  }
  return best?.key ?? null;
}

/** How to name an instance in a command line: its name, quoted when it holds a space. */
const cliName = (name: unknown): string => {
  if (typeof name !== 'string' || !name.trim()) return '<instance>';
  return /\s/.test(name) ? `"${name}"` : name;
};

/** The fix for an unknown `key` found at `where` (inside instance `instanceName`, if any). */
function fixFor(key: string, known: readonly string[], instanceName: unknown): string {
  if (/^(web_?ui_?)?(pass(word|wd)?|pwd|secret)$/i.test(key.replace(/[-_\s]/g, '')) || /password/i.test(key)) {
    return `passwords are not read from config.json: store it with \`qbit-failover password ${cliName(instanceName)}\` (kept in secrets.json, mode 0600) or in the app's Settings, then delete this key`;
  }
  if (/api.?key/i.test(key)) {
    return `API keys are not read from config.json: store it with \`qbit-failover api-key ${cliName(instanceName)}\` or in the app's Settings, then delete this key`;
  }
  if (/^(QBITTORRENT_|QB_|VPN_|DOWNLOAD_PATH$)/.test(key)) {
    return 'that is an environment variable of the old tool: put it in .env or the environment, or write it as a config.json setting (README "Configuration")';
  }
  const near = closestKey(key, known);
  return near ? `did you mean \`${near}\`?` : `known keys here: ${known.join(', ')}`;
}

/** A JSON path for messages: `instances[0] (nas).pasword`. */
function join(where: string, key: string): string {
  return where ? `${where}.${key}` : key;
}

/**
 * Notes on `raw` (the parsed `config.json`) for every key the schema does not read, and for an
 * instance URL whose `/api/v2` suffix is dropped; e.g.
 * `config.json: "instance" is not a setting, ignored — did you mean \`instances\`?`.
 * Never throws; values of known keys are left to the schema (which reports invalid ones).
 */
export function configNotes(raw: unknown): string[] {
  const notes: string[] = [];
  const walk = (value: unknown, schema: unknown, where: string, instanceName: unknown): void => {
    if (!value || typeof value !== 'object') return;
    const element = arrayElement(schema);
    if (Array.isArray(value)) {
      if (!element) return;
      value.forEach((item, i) => {
        const name = where === 'instances' && item && typeof item === 'object' ? (item as Record<string, unknown>).name : instanceName;
        const label = where === 'instances' && typeof name === 'string' ? `${where}[${i}] (${name})` : `${where}[${i}]`;
        walk(item, element, label, name);
      });
      return;
    }
    const shape = objectShape(schema);
    if (!shape) return;
    const known = Object.keys(shape);
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (key in shape) {
        walk(v, shape[key], join(where, key), instanceName);
        continue;
      }
      notes.push(`config.json: "${join(where, key)}" is not a setting, ignored — ${fixFor(key, known, instanceName)}`);
    }
  };
  walk(raw, SettingsSchema, '', undefined);
  const instances = (raw as { instances?: unknown } | null)?.instances;
  if (Array.isArray(instances)) {
    instances.forEach((inst, i) => {
      const url = (inst as { url?: unknown } | null)?.url;
      if (typeof url !== 'string') return;
      const trimmed = trimApiSuffix(url);
      if (trimmed !== url.trim().replace(/\/+$/, '')) notes.push(`config.json: instances[${i}].url ends in /api/v2; using ${trimmed} (qbit-failover adds /api/v2 itself)`);
    });
  }
  return notes;
}

/**
 * `settings` (about to be written to `config.json`) with the keys the schema does not read that
 * `previous` (the file as it was) held: at the top level, and in each instance matched by name.
 * A save from a UI thus never loses what the user wrote by mistake (`"instance": [...]`, a typo'd
 * field); {@link configNotes} keeps reporting it until it is fixed by hand. Known keys come from
 * `settings` only. Never throws.
 */
export function withUnreadKeys<T extends object>(settings: T, previous: unknown): T {
  if (!previous || typeof previous !== 'object' || Array.isArray(previous)) return settings;
  const topShape = objectShape(SettingsSchema) ?? {};
  const instanceShape = objectShape(arrayElement(topShape.instances)) ?? {};
  const unread = (raw: Record<string, unknown>, shape: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(raw).filter(([k]) => !(k in shape)));
  const prev = previous as Record<string, unknown>;
  const out: Record<string, unknown> = { ...(settings as Record<string, unknown>), ...unread(prev, topShape) };
  const before = Array.isArray(prev.instances) ? (prev.instances as unknown[]) : [];
  const now = (settings as { instances?: unknown }).instances;
  if (Array.isArray(now)) {
    out.instances = now.map((inst: unknown) => {
      const name = (inst as { name?: unknown } | null)?.name;
      const old = before.find((b): b is Record<string, unknown> => !!b && typeof b === 'object' && (b as { name?: unknown }).name === name);
      return old ? { ...(inst as Record<string, unknown>), ...unread(old, instanceShape) } : inst;
    });
  }
  return out as T;
}
