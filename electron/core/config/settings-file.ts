import fs from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { SettingsSchema, defaultSettings, type Settings, type SettingsInput } from '../../../shared/settings';
import { configFile } from './paths';
import { configNotes, withUnreadKeys } from './config-notes';

/** `config.json` exists but cannot be used; the message names the field at fault. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(message: string, readonly file: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Raw parse result: the validated settings and the raw JSON (to tell set keys from defaults). */
export interface LoadedSettings {
  settings: Settings;
  raw: Record<string, unknown>;
  file: string;
  exists: boolean;
  /** What the file holds that was ignored or adjusted (unknown keys with their fix; see {@link configNotes}). */
  notes: string[];
}

/**
 * Reads `<home>/config.json` (zod-validated, defaults applied). A missing file gives the defaults.
 * Unknown keys (a typo, a `"password"`) do not fail the load: they are ignored and listed in `notes`.
 * @throws ConfigError when the file is not JSON or fails validation (it is never overwritten).
 */
export async function loadSettingsFile(home: string): Promise<LoadedSettings> {
  const file = configFile(home);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { settings: defaultSettings(), raw: {}, file, exists: false, notes: [] };
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}`, file);
  }
  const parsed = SettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`, file);
  }
  const rawObj = raw as Record<string, unknown>;
  await migrateReconnectCommand(file, rawObj, parsed.data);
  return { settings: parsed.data, raw: rawObj, file, exists: true, notes: configNotes(raw) };
}

/**
 * Rewrites a legacy one-string `vpn.reconnectCommand` in `config.json` as the argv it is run
 * with (split without a shell, see shared/command-line.ts), so the file shows exactly what runs.
 * Only that key changes; the user's other keys stay as written. Best effort: a read-only file
 * keeps the string (it is split the same way at every load).
 */
async function migrateReconnectCommand(file: string, raw: Record<string, unknown>, settings: Settings): Promise<void> {
  const vpn = raw.vpn as Record<string, unknown> | undefined;
  if (!vpn || typeof vpn !== 'object' || typeof vpn.reconnectCommand !== 'string') return;
  if (settings.vpn.reconnectCommand) vpn.reconnectCommand = settings.vpn.reconnectCommand;
  else delete vpn.reconnectCommand;
  try {
    await writeFileAtomic(file, `${JSON.stringify(raw, null, 2)}\n`, { mode: await configMode(file) });
  } catch {
    // Left as is: the string keeps working.
  }
}

/**
 * Validates and writes `<home>/config.json` atomically (temp file + fsync + rename). Keys of the
 * existing file that the settings do not read are kept (see {@link withUnreadKeys}).
 * @throws ZodError-derived ConfigError when the settings are invalid; fs errors as thrown by the OS.
 */
export async function saveSettingsFile(home: string, input: SettingsInput): Promise<Settings> {
  const parsed = SettingsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`, configFile(home));
  }
  await fs.mkdir(home, { recursive: true });
  // Keys of the file that the settings do not read stay (reported at every load), never lost by a save.
  const previous = await fs.readFile(configFile(home), 'utf8').then(JSON.parse, () => null).catch(() => null);
  await writeFileAtomic(configFile(home), `${JSON.stringify(withUnreadKeys(parsed.data, previous), null, 2)}\n`, { mode: await configMode(configFile(home)) });
  return parsed.data;
}

/** Permission bits of a new `config.json` (it holds no secrets: those are in the secret store). */
const NEW_CONFIG_MODE = 0o644;

/**
 * Permission bits to write `config.json` with: those of the existing file (a user who made it
 * 0600 keeps 0600 across every save), else {@link NEW_CONFIG_MODE}. A stat error other than a
 * missing file is treated as missing.
 */
async function configMode(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).mode & 0o7777;
  } catch {
    return NEW_CONFIG_MODE;
  }
}

/** Ensures the home directory exists (mode 0700: it holds secrets). */
export async function ensureHome(home: string): Promise<void> {
  await fs.mkdir(path.resolve(home), { recursive: true, mode: 0o700 });
}
