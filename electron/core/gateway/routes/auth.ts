import { SESSION_COOKIE, sessionCookieHeader } from '../auth';
import { text } from '../http-io';
import type { RouteTable } from './types';

/** `auth/login` (public, POST: `Ok.` + `SID` cookie, `Fails.`, or the ban's 403) and `auth/logout`. */
export const authRoutes: RouteTable = {
  'auth/login': {
    postOnly: true,
    public: true,
    handle: ({ auth, req, params, address, tls }) => {
      const r = auth.login(address, params.fields.get('username') ?? '', params.fields.get('password') ?? '', req);
      return { status: r.status, body: r.text, headers: r.sid ? { 'set-cookie': sessionCookieHeader(r.sid, tls) } : undefined };
    },
  },
  'auth/logout': {
    postOnly: true,
    handle: ({ auth, req }) => {
      auth.logout(req);
      return { ...text(''), headers: { 'set-cookie': `${SESSION_COOKIE}=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT` } };
    },
  },
};
