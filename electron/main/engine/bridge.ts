/**
 * The shell's only value imports from the engine, kept in one file so the rest of
 * `electron/main` depends on core through types (`engine/types.ts`) and stays unit-testable.
 */

/** Loads `config.json` from `home` and builds the engine (not started). */
export { createEngine } from '../../core/engine';
/** The contract dispatcher (`ApiBackend`) over an engine. */
export { createApiBackend } from '../../core/api';
/** Runs the qBittorrent-compatible gateway while settings `gateway.enabled` (follows changes). */
export { runGatewayFromSettings } from '../../core/gateway';
