import type { Settings } from '../../../shared/settings';
import { applyLegacyEnv, readEnvWithSources, type EnvOverlay, type EnvSource } from './env-import';
import { loadSettingsFile } from './settings-file';

/**
 * The one rule for "the settings in force": `config.json` (validated, defaults applied) with the
 * old tool's variables from the environment and `.env` laid over it — read the same way at load,
 * after a hand edit of the file, and (without the process environment) for an import.
 */

/** Which settings came from `.env` and from the environment (names only, never values), and what was ignored. */
export interface EnvReport {
  /** Variables read from `.env` in the working directory that took effect. */
  fromDotenv: string[];
  /** Variables from the real environment that took effect. */
  fromEnvironment: string[];
  /** Variables that were set but ignored, with why. */
  warnings: string[];
}

/** An environment to lay over `config.json`: the variables and the folder whose `.env` is read with them. */
export interface EnvInput {
  env: Record<string, string | undefined>;
  /** Folder of the `.env` (default: the working directory). */
  cwd?: string;
}

/** The settings in force, what the environment changed, and passwords it carried (bound to their origins). */
export interface SettingsRead {
  /** `config.json` alone, before the environment (legacy passwords are bound to these URLs). */
  file: Settings;
  settings: Settings;
  report: EnvReport;
  passwords: EnvOverlay['passwords'];
  /**
   * What was ignored or adjusted, with the fix, for every shell to show: unknown keys of
   * `config.json` (see config-notes.ts) and the environment's URLs given a scheme or trimmed.
   */
  notes: string[];
}

/** Reads `<home>/config.json` and lays `env` (if any) over it. @throws ConfigError when the file is invalid. */
export async function readSettings(home: string, env?: EnvInput): Promise<SettingsRead> {
  const loaded = await loadSettingsFile(home);
  if (!env) return { file: loaded.settings, settings: loaded.settings, report: { fromDotenv: [], fromEnvironment: [], warnings: [] }, passwords: {}, notes: loaded.notes };
  const src = readEnvWithSources(env.env, env.cwd);
  const overlay = applyLegacyEnv(loaded.settings, loaded.raw, src.values, src.sources);
  return {
    file: loaded.settings,
    settings: overlay.settings,
    report: envReportOf(overlay, src.sources),
    passwords: overlay.passwords,
    notes: [...loaded.notes, ...overlay.notes],
  };
}

/**
 * An import of the old tool's variables into `current` (the settings in force): what to save,
 * which variables took effect, what was ignored and the passwords to store. Reads `config.json`
 * only to tell keys the user set from defaults. @throws ConfigError when the file is invalid.
 */
export async function importOverlay(home: string, current: Settings, env: EnvInput): Promise<EnvOverlay> {
  const loaded = await loadSettingsFile(home);
  const src = readEnvWithSources(env.env, env.cwd);
  return applyLegacyEnv(current, loaded.raw, src.values, src.sources);
}

/** Message of a dashboard call that tries to change the VPN reconnect command. */
export const COMMAND_LOCKED_MESSAGE =
  "the VPN reconnect command can only be set in config.json or in the desktop app's settings, not over the dashboard; nothing was saved";

/**
 * `settings` with the VPN reconnect command of `config.json`: a remote caller (the dashboard)
 * may not change it, as it runs as the user. Omitted or equal, the stored one is kept.
 * @throws Error code `COMMAND_LOCKED` (httpStatus 403) when `settings` asks for another one.
 */
export async function keepStoredCommand(home: string, settings: Settings): Promise<Settings> {
  const stored = (await loadSettingsFile(home)).settings.vpn.reconnectCommand;
  const asked = settings.vpn.reconnectCommand;
  if (asked !== undefined && JSON.stringify(asked) !== JSON.stringify(stored ?? null)) {
    throw Object.assign(new Error(COMMAND_LOCKED_MESSAGE), { code: 'COMMAND_LOCKED', httpStatus: 403 });
  }
  return { ...settings, vpn: { ...settings.vpn, reconnectCommand: stored } };
}

/** Splits the applied variable names by source. */
function envReportOf(overlay: EnvOverlay, sources: Record<string, EnvSource>): EnvReport {
  return {
    fromDotenv: overlay.applied.filter((n) => sources[n] === '.env'),
    fromEnvironment: overlay.applied.filter((n) => sources[n] !== '.env'),
    warnings: overlay.warnings,
  };
}
