/**
 * The engine shapes the shell codes against, re-exported from `electron/core` in one place so the
 * rest of `electron/main` depends on core through types only (value imports live in
 * `engine/bridge.ts`) and stays unit-testable without the engine.
 */

/** Leveled logger shared by engine and shell. */
export type { Logger } from '../../core/logger';
/** Write-only password store keyed by instance name; each password bound to the origin it was saved for. */
export type { SecretStore, StoredSecret } from '../../core/config/secret-store';
/** The running engine (emits `event` on every change) and how it is made. */
export type { Engine, EngineOptions } from '../../core/engine';
