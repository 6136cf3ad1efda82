/**
 * The qBittorrent-compatible gateway (see ./server.ts): `startGateway` serves `/api/v2/*` as
 * qBittorrent 5.1 does in front of the engine; `runGatewayFromSettings` keeps one running while
 * the settings enable it (daemons, the tray app).
 */
export { CREDENTIALS_REFRESH_MS, GatewayError, isLoopbackHost, startGateway, type GatewayHandle, type GatewayOptions } from './server';
export { NO_GATEWAY_PASSWORD, type GatewayCredentials, type GatewayStatus } from './credentials';
export { PRESENTED_API_VERSION, PRESENTED_VERSION } from './routes/app';
export type { GatewayEngine } from './backends';
export { runGatewayFromSettings, type GatewayRunner } from './runner';
