import { z } from 'zod';
import { splitCommandLine } from './command-line';
import { categoryProblem, savePathProblem, tagProblem } from './qbittorrent-rules';
import { trimApiSuffix } from './webui-url';

/**
 * The settings schema shared by the engine (`config.json`), the tray app and the renderer.
 * Secrets (passwords) are never part of it: they live in a secret store keyed by instance name.
 */

/** Instance names: used as keys, in CLI flags and in file names, so kept simple. */
export const InstanceNameSchema = z
  .string()
  .trim()
  .min(1, 'name is required')
  .max(64, 'name is at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/, 'name may hold letters, digits, space, "_", "." and "-"');

/** TLS policy per instance: system CAs, a pinned SHA-256 certificate fingerprint, or accept self-signed. */
export const TlsSchema = z
  .object({
    mode: z.enum(['system', 'pinned', 'insecure']).default('system'),
    /** SHA-256 fingerprint of the server certificate, hex with or without colons (for `pinned`). */
    fingerprint256: z
      .string()
      .trim()
      .regex(/^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$/, 'fingerprint must be 64 hex digits (colons allowed)')
      .optional(),
  })
  .refine((t) => t.mode !== 'pinned' || !!t.fingerprint256, {
    message: 'a pinned certificate needs its SHA-256 fingerprint',
  });

/** `base` refined by one of qBittorrent's rules (`qbittorrent-rules.ts`): the rule's words become the issue. */
const obeying = (base: z.ZodString, problem: (v: string) => string | null): z.ZodType<string> =>
  base.superRefine((v, ctx) => {
    const p = problem(v);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

/** A category as qBittorrent accepts it (see `qbittorrent-rules.ts`); empty = none. */
export const CategorySchema = obeying(z.string().trim().max(256), categoryProblem);
/** A tag as qBittorrent accepts it: trimmed, non-empty, no comma. */
export const TagSchema = obeying(z.string().trim().min(1).max(128), tagProblem);
/** A save path (any text qBittorrent takes, without control characters). */
export const SavePathSchema = obeying(z.string().trim().max(4096), savePathProblem);

/** One qBittorrent instance, in failover priority order within the list. */
export const InstanceSchema = z.object({
  name: InstanceNameSchema,
  /** WebUI base URL, e.g. `http://localhost:8080` (qBittorrent's default). */
  url: z
    .string()
    .trim()
    .url('url must be a full http(s) URL')
    .refine((u) => /^https?:\/\//i.test(u), 'url must start with http:// or https://')
    // A pasted `…/api/v2` is the API, not the WebUI base: dropped (config notes say so).
    .transform(trimApiSuffix),
  username: z.string().max(256).default('admin'),
  /** Skip this instance while the VPN probe says DOWN (never add to it then). */
  requiresVpn: z.boolean().default(false),
  category: CategorySchema.optional(),
  savePath: SavePathSchema.optional(),
  tags: z.array(TagSchema).max(64).default([]),
  startPaused: z.boolean().default(false),
  tls: TlsSchema.default({ mode: 'system' }),
  /** TCP connect timeout, ms (default 3 000). */
  connectTimeoutMs: z.number().int().min(100).max(120_000).default(3_000),
  /** Whole-request timeout, ms (default 10 000; the old tool's 30 s was too slow to fail over). */
  requestTimeoutMs: z.number().int().min(200).max(300_000).default(10_000),
});

/** VPN probe: `ping` (ICMP to `gateway`), `interface:<name>` (interface exists with an address), or `none`. */
export const VpnCheckSchema = z.union([
  z.literal('ping'),
  z.literal('none'),
  z.string().regex(/^interface:[A-Za-z0-9_.:@-]{1,32}$/, 'use interface:<name>, e.g. interface:wg0'),
]);

/**
 * The VPN reconnect command: argv (1–64 words, program first), or a legacy string split into argv
 * without a shell. Output is argv, or undefined for a blank legacy string (no command).
 */
export const ReconnectCommandSchema = z
  .union([z.array(z.string().max(4096)).min(1, 'the command needs a program').max(64), z.string().max(4096)])
  .transform((v, ctx) => {
    if (Array.isArray(v)) return v;
    try {
      const argv = splitCommandLine(v);
      // A blank legacy string meant "no command".
      return argv.length === 0 ? undefined : argv;
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  })
  .refine((argv) => argv === undefined || argv[0]!.trim() !== '', 'the command needs a program');

export const VpnSchema = z.object({
  check: VpnCheckSchema.default('none'),
  /** Gateway pinged by the `ping` probe (the old tool's default). */
  gateway: z.string().trim().min(1).max(255).default('192.168.0.1'),
  /** ping timeout, ms. */
  pingTimeoutMs: z.number().int().min(200).max(30_000).default(2_000),
  /**
   * Command run when the VPN goes down, at most once per cooldown, as argv WITHOUT a shell
   * (e.g. `["wg-quick", "up", "wg0"]`). The old one-string form is still read and split into argv
   * by {@link splitCommandLine} (no shell features). Set only in `config.json` by hand or in the
   * desktop app's settings: the dashboard's HTTP API can never change it (it would run as the user).
   */
  reconnectCommand: ReconnectCommandSchema.optional(),
  reconnectCooldownMs: z.number().int().min(10_000).default(300_000),
});

export const NotificationSettingsSchema = z.object({
  failover: z.boolean().default(true),
  queued: z.boolean().default(true),
  flushed: z.boolean().default(true),
  vpn: z.boolean().default(true),
});

/** Settings the desktop shell owns; the engine ignores them. */
export const UiSettingsSchema = z.object({
  notifications: NotificationSettingsSchema.default({ failover: true, queued: true, flushed: true, vpn: true }),
  magnetHandler: z.boolean().default(false),
  startAtLogin: z.boolean().default(false),
  pinWindow: z.boolean().default(false),
});

/**
 * The qBittorrent-compatible gateway (`qbit-failover gateway`, and inside `watch`, `serve` and the
 * tray app when `enabled`): its address and its own WebUI username. Its password and API key are
 * secrets (`@gateway:password`, `@gateway:apikey` in the secret store), never in `config.json`.
 */
export const GatewaySettingsSchema = z.object({
  enabled: z.boolean().default(false),
  host: z.string().trim().min(1).max(255).default('127.0.0.1'),
  /** TCP port (default 8089, beside qBittorrent's 8080). */
  port: z.number().int().min(0).max(65_535).default(8089),
  username: z.string().trim().min(1).max(256).default('admin'),
});

/**
 * Notices sent beyond the desktop (electron/core/webhook.ts): `webhookUrl`, when set, receives a
 * JSON POST per notice (added, queued, flushed, failover, instance down/up, VPN, finished) from
 * `watch`, `serve`, `gateway` and the tray app. http(s) only; empty or absent = off.
 */
export const NotifySettingsSchema = z.object({
  webhookUrl: z
    .string()
    .trim()
    .max(2048)
    .refine((u) => u === '' || (/^https?:\/\/\S+$/i.test(u) && URL.canParse(u)), 'the webhook URL must be a full http:// or https:// URL')
    .optional(),
});

export const RoutingPolicySchema = z.enum(['priority', 'round-robin', 'least-loaded']);

/** The whole settings document (`config.json`, version 1). */
export const SettingsSchema = z.object({
  version: z.literal(1).default(1),
  instances: z.array(InstanceSchema).max(32).default([]).refine(
    (list) => new Set(list.map((i) => i.name.toLowerCase())).size === list.length,
    'instance names must be unique',
  ),
  vpn: VpnSchema.default({
    check: 'none',
    gateway: '192.168.0.1',
    pingTimeoutMs: 2_000,
    reconnectCooldownMs: 300_000,
  }),
  /** Health poll interval, ms (default 15 000). */
  pollIntervalMs: z.number().int().min(1_000).max(3_600_000).default(15_000),
  /** Cap of the exponential backoff for failing instances, ms (default 120 000). */
  maxBackoffMs: z.number().int().min(1_000).max(3_600_000).default(120_000),
  routing: RoutingPolicySchema.default('priority'),
  /** Queue file path; default `<home>/qbittorrent_queue.json`. */
  queueFile: z.string().trim().min(1).max(4096).optional(),
  /** Pause between adds, ms (the old tool paused 2 000; default 0). */
  addDelayMs: z.number().int().min(0).max(60_000).default(0),
  /** Most inputs sent to qBittorrent per call; the excess is queued, not dropped. 0 = no cap. */
  maxAddsPerCall: z.number().int().min(0).max(1_000_000).default(0),
  /** How long to poll `torrents/info` for an added infohash before the add counts as failed, ms. */
  confirmTimeoutMs: z.number().int().min(100).max(60_000).default(3_000),
  gateway: GatewaySettingsSchema.default({ enabled: false, host: '127.0.0.1', port: 8089, username: 'admin' }),
  notifications: NotifySettingsSchema.default({}),
  ui: UiSettingsSchema.default({
    notifications: { failover: true, queued: true, flushed: true, vpn: true },
    magnetHandler: false,
    startAtLogin: false,
    pinWindow: false,
  }),
});

/** Parsed settings with defaults applied. */
export type Settings = z.infer<typeof SettingsSchema>;
/** One instance's settings with defaults applied. */
export type InstanceSettings = z.infer<typeof InstanceSchema>;
/** Settings as written by a user (defaults optional). */
export type SettingsInput = z.input<typeof SettingsSchema>;
export type InstanceSettingsInput = z.input<typeof InstanceSchema>;
export type RoutingPolicy = z.infer<typeof RoutingPolicySchema>;

/** Settings with every default, for a first run. */
export function defaultSettings(): Settings {
  return SettingsSchema.parse({});
}
