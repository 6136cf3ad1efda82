import { joinCommandLine, splitCommandLine } from '../../../shared/command-line';
import { InstanceSchema, SettingsSchema, type InstanceSettings, type Settings } from '../../../shared/settings';

/** One instance in the settings form: the edited value plus form-only state (never saved as such). */
export interface DraftInstance {
  /** Stable React key across reorders. */
  key: number;
  /** Name when loaded (to know whether a password is stored for it); null for a new instance. */
  original: string | null;
  /** URL when loaded; a stored password is sent only to this URL's origin. Null for a new instance. */
  originalUrl: string | null;
  /** Typed password, sent with `setPassword` on save; empty = keep the stored one. */
  password: string;
  open: boolean;
  value: InstanceSettings;
}

/** Field path (`instances.0.url`) → message. */
export type FieldErrors = Record<string, string>;

let nextKey = 1;

/** Wraps a loaded instance for the form. */
export function draftOf(value: InstanceSettings, open = false): DraftInstance {
  return { key: nextKey++, original: open ? null : value.name, originalUrl: open ? null : value.url, password: '', open, value };
}

/** A new instance with qBittorrent's defaults (`http://localhost:8080`, user `admin`) and a free name. */
export function newInstance(existing: string[]): InstanceSettings {
  const taken = new Set(existing.map((n) => n.toLowerCase()));
  let name = taken.has('local') ? '' : 'local';
  for (let i = 2; !name; i++) if (!taken.has(`instance-${i}`)) name = `instance-${i}`;
  return InstanceSchema.parse({ name, url: 'http://localhost:8080', username: 'admin' });
}

/** Validates the form's settings with the shared schema; returns the parsed value or errors by field. */
export function validateSettings(settings: Settings): { ok: true; value: Settings } | { ok: false; errors: FieldErrors } {
  const parsed = SettingsSchema.safeParse(settings);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.map(String).join('.') || '_form';
    errors[key] ??= issue.message;
  }
  return { ok: false, errors };
}

/** Validates one instance (for Test connection). */
export function validateInstance(value: InstanceSettings, prefix: string): { ok: true; value: InstanceSettings } | { ok: false; errors: FieldErrors } {
  const parsed = InstanceSchema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) errors[[prefix, ...issue.path.map(String)].join('.')] ??= issue.message;
  return { ok: false, errors };
}

/** Maps a server `INVALID_ARGUMENT` message (`settings.instances.0.url: …`) to a field error. */
export function serverFieldError(message: string): FieldErrors {
  const m = /^settings\.([\w.]+): (.*)$/s.exec(message);
  return m ? { [m[1]!]: m[2]! } : { _form: message };
}

/** Optional text: empty → undefined (so the instance/engine default applies). */
export function optionalText(v: string): string | undefined {
  return v.trim() === '' ? undefined : v;
}

/** Number input value → number (NaN when empty, which the schema reports). */
export function numberOf(v: string): number {
  return v.trim() === '' ? Number.NaN : Number(v);
}

/** The reconnect command (argv) as one editable line, quoted where needed; '' when none. */
export function commandLineText(argv: readonly string[] | undefined): string {
  return argv && argv.length ? joinCommandLine(argv) : '';
}

/**
 * The edited reconnect command line as argv (split without a shell: quotes group words, no
 * `&&`, pipes or variables); undefined when blank, or the reason it cannot be split.
 */
export function commandFromText(text: string): { ok: true; value: string[] | undefined } | { ok: false; error: string } {
  try {
    const argv = splitCommandLine(text);
    return { ok: true, value: argv.length ? argv : undefined };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/**
 * The origin the stored password belongs to, when the edited URL points at another origin
 * (scheme, host or port changed): the engine will not send the stored password there, so the
 * form asks for it again. Null when unchanged, new, or not a URL yet.
 */
export function storedPasswordOriginLeft(draft: DraftInstance): string | null {
  if (!draft.originalUrl) return null;
  try {
    const before = new URL(draft.originalUrl).origin;
    return new URL(draft.value.url).origin === before ? null : before;
  } catch {
    return null;
  }
}

/**
 * What a Test connection result depends on: URL, username, typed password, TLS and timeouts. A
 * result is shown only while this is unchanged, so "OK" never stays beside a URL it did not test.
 */
export function connectionKey(draft: DraftInstance): string {
  const v = draft.value;
  return JSON.stringify([v.url, v.username, draft.password, v.tls, v.connectTimeoutMs, v.requestTimeoutMs]);
}

/** Field errors after an edit: `patch` laid over `errors`; a key patched to null was fixed and is dropped. */
export function mergeFieldErrors(errors: FieldErrors, patch: Record<string, string | null>): FieldErrors {
  const out: FieldErrors = { ...errors };
  for (const [k, m] of Object.entries(patch)) {
    if (m === null) delete out[k];
    else out[k] = m;
  }
  return out;
}

/**
 * After an edit of the instance at `prefix` (`instances.0`): each of its fields that showed an
 * error gets its new message, or null when it now passes. Fields without an error stay quiet
 * (errors appear at Save or Test connection, not while typing).
 */
export function recheckInstanceErrors(errors: FieldErrors, value: InstanceSettings, prefix: string): Record<string, string | null> {
  const shown = Object.keys(errors).filter((k) => k.startsWith(`${prefix}.`));
  if (!shown.length) return {};
  const now = validateInstance(value, prefix);
  const current = now.ok ? {} : now.errors;
  return Object.fromEntries(shown.map((k) => [k, current[k] ?? null]));
}

/**
 * The error text to show under a status without saying the status twice: null when it only
 * repeats the status's words (AUTH_FAILED "Wrong username or password" / "wrong username or
 * password"), the rest when it starts with them ("…; 1 failed login counted" → "1 failed login counted").
 */
export function extraErrorText(statusWords: string, error: string | null | undefined): string | null {
  if (!error) return null;
  const words = (t: string) => t.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
  const status = words(statusWords);
  if (!status) return error;
  if (words(error) === status) return null;
  if (!words(error).startsWith(`${status} `)) return error;
  // Drop the leading repeat: as many characters of `error` as hold the status's words.
  let seen = 0;
  let i = 0;
  const target = status.replace(/ /g, '').length;
  while (i < error.length && seen < target) {
    if (/[a-z0-9]/i.test(error[i]!)) seen++;
    i++;
  }
  const rest = error.slice(i).replace(/^[\s:;,.—–-]+/, '');
  return rest ? rest : null;
}
