import { z } from 'zod';
import { LIMITS, MAX_TORRENT_BASE64_CHARS } from './limits';
import { CategorySchema, InstanceNameSchema, InstanceSchema, SavePathSchema, SettingsSchema, TagSchema, type Settings } from './settings';
import type { TorrentListing } from './torrent-list';
import { NOTICE_KINDS } from './notices';
import type { DesktopState } from './desktop';
import type { ActivityItem, AddResponse, EngineEvent, EngineSnapshot, FlushResponse, InstanceHealth, QueueListing } from './model';

/**
 * The one API contract between the engine and every UI: the Electron preload exposes exactly
 * these methods over IPC, and `qbit-failover serve` exposes them as `POST /api/<method>`
 * (JSON) plus `GET /api/events` (server-sent events). Each method takes one argument validated
 * by the schema of the same name in {@link ApiArgSchemas}.
 */

/** Caps on renderer/dashboard input (bytes and counts), enforced before anything reaches the engine; defined in `limits.ts`. */
export { LIMITS } from './limits';

/** Options for one add call; each overrides the receiving instance's own setting. */
export const AddOptionsSchema = z
  .object({
    category: CategorySchema.optional(),
    savePath: SavePathSchema.optional(),
    tags: z.array(TagSchema).max(64).optional(),
    paused: z.boolean().optional(),
    /** qBittorrent's own add options, passed through as given (the gateway's `torrents/add`): `skip_checking`. */
    skipChecking: z.boolean().optional(),
    /** `rename`: the torrent's name in qBittorrent. */
    rename: z.string().max(1024).optional(),
    /** `upLimit` / `dlLimit`: bytes per second (-1 or 0 = no limit). */
    upLimit: z.number().int().min(-1).optional(),
    dlLimit: z.number().int().min(-1).optional(),
    /** `ratioLimit`: share ratio (-2 = global setting, -1 = none). */
    ratioLimit: z.number().min(-2).optional(),
    /** `seedingTimeLimit` / `inactiveSeedingTimeLimit`: minutes (-2 = global setting, -1 = none). */
    seedingTimeLimit: z.number().int().min(-2).optional(),
    inactiveSeedingTimeLimit: z.number().int().min(-2).optional(),
    /** `autoTMM`: automatic torrent management (the category decides the save path). */
    autoTMM: z.boolean().optional(),
    sequentialDownload: z.boolean().optional(),
    firstLastPiecePrio: z.boolean().optional(),
    /** `contentLayout`: qBittorrent's names. */
    contentLayout: z.enum(['Original', 'Subfolder', 'NoSubfolder']).optional(),
    /**
     * Place on this instance only (the add dialog's "which instance"; absent = automatic, the
     * routing order). Still de-duplicated across every instance and confirmed; when it is not
     * usable the input is queued, and the queue entry keeps the choice for the flush.
     */
    instance: InstanceNameSchema.optional(),
  })
  .strict();
export type AddOptions = z.infer<typeof AddOptionsSchema>;

const Infohash = z.string().regex(/^([0-9a-f]{40}|[0-9a-f]{64})$/i, 'infohash must be 40 or 64 hex digits');
const Base64 = z
  .string()
  .max(MAX_TORRENT_BASE64_CHARS, 'torrent file too large (max 10 MiB)')
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64');

/** A settings document without secrets, as the renderer edits it. */
export const SettingsViewSchema = SettingsSchema;

/** Argument schemas, one per API method. */
export const ApiArgSchemas = {
  getSnapshot: z.object({}).strict(),
  /** Every queue entry at the current revision (then `queue` events keep it current). */
  getQueue: z.object({}).strict(),
  /** The activity log, newest first, at most `ACTIVITY_LIMIT` items (then `activity` events add to it). */
  getActivity: z.object({}).strict(),
  /** Magnet URIs, `.torrent` URLs, or text holding several of them (split on whitespace). */
  addText: z
    .object({ text: z.string().max(LIMITS.maxTextChars, 'text too long (max 1 MiB)'), options: AddOptionsSchema.optional() })
    .strict(),
  /** A dropped `.torrent` file's bytes, base64. */
  addTorrentFile: z
    .object({ fileName: z.string().max(1024), dataBase64: Base64, options: AddOptionsSchema.optional() })
    .strict(),
  /** Flush the whole queue, or only the given infohashes ("Retry" on one entry). */
  flush: z.object({ infohashes: z.array(Infohash).max(LIMITS.maxInputs).optional() }).strict(),
  removeEntry: z.object({ infohash: Infohash }).strict(),
  /** Remove many entries in one queue write (the queue view's bulk Remove). */
  removeEntries: z.object({ infohashes: z.array(Infohash).max(LIMITS.maxInputs) }).strict(),
  checkNow: z.object({}).strict(),
  setMonitoringPaused: z.object({ paused: z.boolean() }).strict(),
  getSettings: z.object({}).strict(),
  saveSettings: z.object({ settings: SettingsViewSchema }).strict(),
  /**
   * Write-only: passwords go in, never come out. `url`: the address the password is for (the
   * edited instance's URL when it is saved with the password); the password is bound to its
   * origin and never sent elsewhere. Default: the instance's current URL.
   */
  setPassword: z.object({ instance: InstanceNameSchema, password: z.string().max(1024), url: InstanceSchema.shape.url.optional() }).strict(),
  /** Import the old tool's environment variables (`QBITTORRENT_URL`, …, and a `.env`) into saved settings. */
  importEnvironment: z.object({}).strict(),
  /** Test an instance as edited (not yet saved); password optional (falls back to the stored one). */
  testConnection: z.object({ instance: InstanceSchema, password: z.string().max(1024).optional() }).strict(),
  /** The qBittorrent-compatible gateway: on/off, its URL while it listens here, username, whether a password / API key is set (never their values). */
  getGatewayStatus: z.object({}).strict(),
  /** Write-only: the gateway's own WebUI password (secret `@gateway:password`); clients log in with it. */
  setGatewayPassword: z.object({ password: z.string().min(1, 'password must not be empty').max(1024) }).strict(),
  /** Makes a new gateway API key (secret `@gateway:apikey`), replacing the old one; the result is the only time it is shown. */
  rotateGatewayApiKey: z.object({}).strict(),
  /** The Torrents view: the torrents of the given instances (default every configured one); an instance that cannot be read is named, not left out. */
  listTorrents: z.object({ instances: z.array(InstanceNameSchema).max(64).optional() }).strict(),
  /**
   * Pause, resume or delete torrents on one instance by the ids it lists them under (never
   * "all": the dashboard names each torrent). `deleteFiles` removes downloaded data too.
   */
  torrentAction: z
    .object({
      instance: InstanceNameSchema,
      action: z.enum(['pause', 'resume', 'delete']),
      hashes: z.array(Infohash).min(1).max(LIMITS.maxInputs),
      deleteFiles: z.boolean().optional(),
    })
    .strict(),
  /** Desktop app only (shared/desktop.ts): prefs, recent adds, the add waiting for the dialog. Elsewhere `available: false`. */
  getDesktopState: z.object({}).strict(),
  /** Desktop app only: change the add dialog's switch and/or notification choices (kinds left out keep theirs). */
  saveDesktopPrefs: z
    .object({ askBeforeAdd: z.boolean().optional(), notifications: z.partialRecord(z.enum(NOTICE_KINDS), z.boolean()).optional() })
    .strict(),
  /** Desktop app only: the add dialog's answer — add with these options (`instance` = which instance) or cancel. */
  answerAddPrompt: z
    .object({ id: z.string().min(1).max(64), add: z.boolean(), options: AddOptionsSchema.optional(), dontAskAgain: z.boolean().optional() })
    .strict(),
  /** Desktop app only: send a recent add again (same input, default options). */
  resendRecentAdd: z.object({ id: z.string().min(1).max(64) }).strict(),
} as const;

/** Method names of the contract. */
export type ApiMethod = keyof typeof ApiArgSchemas;

/** Settings as shown to the renderer, plus which instances have a stored password. */
export interface SettingsView {
  settings: Settings;
  /** Instance names that have a password stored (the password itself never leaves the main process). */
  passwordsSet: string[];
  /** Where settings and the queue live. */
  paths: { home: string; queueFile: string };
}

/** The gateway as the settings and status views show it (never its password or API key). */
export interface GatewayStatusView {
  enabled: boolean;
  /** `http://host:port` while a gateway runs in the process behind this API; absent otherwise. */
  url?: string;
  /**
   * Why the gateway that the process behind this API runs from the settings did not start at its
   * last try, in words with the fix (e.g. "port 8089 is in use by another program — choose another
   * port in Settings, or stop the other program"). Absent while it listens, when it is disabled,
   * when only a password is missing (see `hasPassword`), and when no start failed in this process
   * (a gateway run by another process, `qbit-failover gateway`, reports nothing here).
   */
  problem?: string;
  /**
   * True when the gateway did not start here because another qbit-failover process's gateway
   * (`qbit-failover gateway`, or `watch` and the tray app on the same settings) holds the port and
   * serves Sonarr and the other clients there; `problem` then says so. Not an error: this process
   * leaves the port to it (no retry) until the settings change. Absent otherwise.
   */
  servedElsewhere?: boolean;
  host: string;
  /** TCP port from the settings. */
  port: number;
  /** The username clients log in with (the environment override when set). */
  username: string;
  hasPassword: boolean;
  hasApiKey: boolean;
}

/** Result type of each method. */
export interface ApiResults {
  getSnapshot: EngineSnapshot;
  getQueue: QueueListing;
  getActivity: ActivityItem[];
  addText: AddResponse;
  addTorrentFile: AddResponse;
  flush: FlushResponse;
  removeEntry: { removed: boolean };
  /** The infohashes removed (those not queued are left out). */
  removeEntries: { removed: string[] };
  checkNow: EngineSnapshot;
  setMonitoringPaused: EngineSnapshot;
  getSettings: SettingsView;
  saveSettings: SettingsView;
  setPassword: { ok: true };
  importEnvironment: { applied: string[]; view: SettingsView };
  testConnection: InstanceHealth;
  getGatewayStatus: GatewayStatusView;
  setGatewayPassword: { ok: true };
  rotateGatewayApiKey: { apiKey: string };
  listTorrents: TorrentListing;
  torrentAction: { ok: true };
  getDesktopState: DesktopState;
  saveDesktopPrefs: DesktopState;
  /** The add's response, or null when the dialog was cancelled (or the prompt was already answered). */
  answerAddPrompt: { response: AddResponse | null; state: DesktopState };
  resendRecentAdd: AddResponse;
}

/** Argument type of each method (after validation). */
export type ApiArgs = { [M in ApiMethod]: z.infer<(typeof ApiArgSchemas)[M]> };

/** The API as one object: what the preload exposes and what the dashboard client implements. */
export type QbitFailoverApi = { [M in ApiMethod]: (arg: z.input<(typeof ApiArgSchemas)[M]>) => Promise<ApiResults[M]> } & {
  /** Subscribe to engine events; returns an unsubscribe function. */
  subscribe(listener: (event: EngineEvent) => void): () => void;
};

/** IPC channel names: `qbf:<method>` for calls, one channel for pushed events. */
export const IPC_EVENT_CHANNEL = 'qbf:event';
/** The IPC channel of a method. */
export function ipcChannel(method: ApiMethod): `qbf:${ApiMethod}` {
  return `qbf:${method}`;
}
/** Every method name, in a stable order. */
export const API_METHODS = Object.keys(ApiArgSchemas) as ApiMethod[];

export type { ApiErrorBody } from './wire-error';

/**
 * What a transport (Electron IPC handlers, the dashboard's HTTP bridge) talks to: one
 * dispatcher for validated calls, and an event subscription. The engine provides it
 * (`electron/core/api.ts`); transports validate arguments with {@link ApiArgSchemas} first.
 */
export interface ApiBackend {
  /** Runs one call; rejects with an error carrying `code` and `message` on failure. `ctx` says where it came from (default: local). */
  call<M extends ApiMethod>(method: M, arg: ApiArgs[M], ctx?: CallContext): Promise<ApiResults[M]>;
  /** Subscribe to engine events; returns an unsubscribe function. */
  subscribe(listener: (event: EngineEvent) => void): () => void;
}

/**
 * Where a call comes from. `remote: true` for the dashboard's HTTP bridge (anyone with its token,
 * possibly from another machine): it may not change the VPN reconnect command (`saveSettings`
 * keeps the stored one, or fails with `COMMAND_LOCKED`), and `addText` refuses file paths on the
 * server. Electron IPC from the app's own window is local.
 */
export interface CallContext {
  remote?: boolean;
}

/** Validates a call's argument; returns the parsed value or a typed error (never throws). */
export function validateApiArg<M extends ApiMethod>(
  method: M,
  arg: unknown,
): { ok: true; value: ApiArgs[M] } | { ok: false; error: { code: 'INVALID_ARGUMENT'; message: string } } {
  if (!isApiMethod(String(method))) return { ok: false, error: { code: 'INVALID_ARGUMENT', message: `unknown method ${String(method).slice(0, 64)}` } };
  const schema = ApiArgSchemas[method];
  const parsed = schema.safeParse(arg ?? {});
  if (parsed.success) return { ok: true, value: parsed.data as ApiArgs[M] };
  const first = parsed.error.issues[0];
  const where = first && first.path.length ? `${first.path.join('.')}: ` : '';
  return { ok: false, error: { code: 'INVALID_ARGUMENT', message: `${where}${first?.message ?? 'invalid argument'}` } };
}

/** True when `name` is one of the contract's method names (guards against prototype keys). */
export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(ApiArgSchemas, name);
}
