import type { ApiBackend } from '../../shared/contract';
import type { Engine } from '../core/engine';

/**
 * The engine shapes the shell codes against, in one place so the rest of `electron/main` imports
 * nothing else from core. `CreateApiBackend` is declared locally because `electron/core/api.ts`
 * was still being written; once it lands, `core-bridge.ts` imports the real function and this type
 * can become `typeof import('../core/api').createApiBackend`.
 */

/** Leveled logger shared by engine and shell. */
export type { Logger } from '../core/logger';
/** Write-only password store keyed by instance name. */
export type { SecretStore } from '../core/config/secret-store';
/** The running engine (emits `event` on every change) and how it is made. */
export type { Engine, EngineOptions } from '../core/engine';

/** `createApiBackend` from `electron/core/api.ts`: the contract dispatcher over an engine. */
export type CreateApiBackend = (engine: Engine) => ApiBackend;
