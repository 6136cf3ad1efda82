/**
 * What a real qBittorrent answers to `POST auth/login`, per version (measured, see
 * ../shared/qbittorrent-facts.md "Authentication and sessions"): up to 5.1 `200 Ok.` /
 * `200 Fails.`; 5.2+ `204` (empty body) / `401 Unauthorized`. A ban is `403` on all of them.
 * Tests check raw answers with these, independently of the client under test.
 */

/** A raw login answer: HTTP status and trimmed body text. */
export interface LoginAnswer {
  status: number;
  body: string;
}

/** True for a successful login (`200 Ok.` on ≤ 5.1, `204` on 5.2+). */
export function loginAccepted(a: LoginAnswer): boolean {
  return (a.status === 200 && a.body.trim() === 'Ok.') || a.status === 204;
}

/** True for wrong credentials that count towards a ban (`200 Fails.` on ≤ 5.1, `401` on 5.2+). */
export function loginRefused(a: LoginAnswer): boolean {
  return (a.status === 200 && a.body.trim() === 'Fails.') || a.status === 401;
}
