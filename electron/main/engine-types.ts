import type { ApiBackend } from '../../shared/contract';
import type { EngineEvent, EngineSnapshot } from '../../shared/model';

/**
 * TEMPORARY local copy of the engine's public shapes, declared here because `electron/core`
 * is being written in parallel. The shell codes only against these; once
 * `electron/core/{engine,api,logger,config/secret-store}.ts` land, replace the bodies below with
 * `export type { ... } from '../core/...'` re-exports (the shapes are the agreed interface, so
 * nothing else in electron/main changes).
 */

/** Leveled logger shared by engine and shell (`electron/core/logger.ts`). */
export interface Logger {
  debug(msg: string, meta?: object): void;
  info(msg: string, meta?: object): void;
  warn(msg: string, meta?: object): void;
  error(msg: string, meta?: object): void;
}

/** Write-only password store keyed by instance name (`electron/core/config/secret-store.ts`). */
export interface SecretStore {
  /** The stored password, or null when none is stored. */
  get(instance: string): Promise<string | null>;
  set(instance: string, password: string): Promise<void>;
  delete(instance: string): Promise<void>;
  /** Instance names that have a password stored. */
  list(): Promise<string[]>;
}

/** Options of `createEngine` (`electron/core/engine.ts`). */
export interface EngineOptions {
  /** Directory holding `config.json` and the default queue file; the app passes `userData`. */
  home: string;
  secrets: SecretStore;
  env?: Record<string, string | undefined>;
  logger?: Logger;
  watchQueueFile?: boolean;
}

/** The running engine (`electron/core/engine.ts`): emits `event` on every state change. */
export interface Engine {
  start(): Promise<void>;
  stop(): Promise<void>;
  snapshot(): EngineSnapshot;
  on(event: 'event', listener: (e: EngineEvent) => void): this;
  off(event: 'event', listener: (e: EngineEvent) => void): this;
}

/** `createEngine` from `electron/core/engine.ts`. */
export type CreateEngine = (opts: EngineOptions) => Promise<Engine>;
/** `createApiBackend` from `electron/core/api.ts`. */
export type CreateApiBackend = (engine: Engine) => ApiBackend;
