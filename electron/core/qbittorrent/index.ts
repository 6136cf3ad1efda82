/** WebUI API client of one qBittorrent instance: session, add, info, versions. */
export { QbitClient, compareVersions } from './client';
export { QbitError, CertificatePinError, toQbitError, httpError, httpStatusCode } from './errors';
export { EXTRA_ADD_FIELDS, addFields, magnetBodies, torrentBodies } from './form';
export { normaliseFingerprint } from './http';
export { BAN_DURATION_MS, sessionCookie } from './session';
export type {
  AddParams,
  AddResult,
  CallOptions,
  CategoryInfo,
  ClientStats,
  InfoFilter,
  LoginAttempt,
  LoginGuard,
  LoginPermit,
  MainData,
  QbitClientOptions,
  TlsOptions,
  TorrentInfo,
  TransferInfo,
} from './types';
