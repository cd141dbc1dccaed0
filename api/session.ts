/**
 * Merchant sessions over HTTP: the signed session cookie (HMAC-SHA256 with the store's session key, `HttpOnly`,
 * `SameSite=Lax`, `Secure` outside the embedded demo), started at the end of the Haravan app install, read back and
 * renewed (sliding) on each request, ended by signing out. The rules (lifetimes, cookie value, CSRF) are in
 * domain/session.ts; the rows in store/repos/sessions.ts.
 */
import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import { parseCookie, stringifySetCookie } from 'cookie';
import { SESSION_COOKIE, isSessionExpired, renewedExpiry, signedCookieValue, slidingExpiry, verifiedSessionId } from '../domain/session';
import type { SessionRecord } from '../store/store';
import type { ApiDeps } from './context';

type SessionDeps = Pick<ApiDeps, 'store' | 'sessionCookieSecure'>;

export interface ActiveSession extends SessionRecord {
  sessionId: string;
}

const randomToken = (bytes = 32): string => crypto.randomBytes(bytes).toString('base64url');

function signer(deps: SessionDeps) {
  const key = deps.store.sessionSigningKey();
  return (data: string) => crypto.createHmac('sha256', key).update(data).digest('base64url');
}

function constantTimeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

function setCookie(res: Response, deps: SessionDeps, value: string, expiresAt: Date): void {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  res.append(
    'Set-Cookie',
    stringifySetCookie({ name: SESSION_COOKIE, value, path: '/', httpOnly: true, sameSite: 'lax', secure: deps.sessionCookieSecure ?? true, maxAge, expires: expiresAt }),
  );
}

/** Sign the merchant in: a new server-side session for this shop and user, and its cookie on `res`. */
export async function startSession(res: Response, deps: SessionDeps, who: { shopId: number; userId: string }): Promise<void> {
  const sessionId = randomToken();
  const now = new Date();
  const record: SessionRecord = { shopId: who.shopId, userId: who.userId, csrfToken: randomToken(), createdAt: now, expiresAt: slidingExpiry(now, now) };
  await deps.store.createSession(sessionId, record);
  setCookie(res, deps, signedCookieValue(sessionId, signer(deps)), record.expiresAt);
}

/**
 * The live session the request's cookie names (signature right, not revoked, not expired), or undefined. A session
 * past half its idle window is renewed here: a later expiry in the store and a fresh cookie on `res`.
 */
export async function readSession(req: Request, res: Response, deps: SessionDeps, now = new Date()): Promise<ActiveSession | undefined> {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const sign = signer(deps);
  const sessionId = verifiedSessionId(parseCookie(header)[SESSION_COOKIE], sign, constantTimeEqual);
  if (!sessionId) return undefined;
  const s = await deps.store.findSession(sessionId);
  if (!s || isSessionExpired(s, now)) return undefined;
  const renewed = renewedExpiry(s, now);
  if (renewed) {
    await deps.store.extendSession(sessionId, renewed);
    setCookie(res, deps, signedCookieValue(sessionId, sign), renewed);
    return { ...s, sessionId, expiresAt: renewed };
  }
  return { ...s, sessionId };
}

/** Whether a request's `X-CSRF-Token` is the session's token (constant time). */
export function csrfMatches(session: SessionRecord, given: string | string[] | undefined): boolean {
  return typeof given === 'string' && given.length > 0 && constantTimeEqual(given, session.csrfToken);
}

/** Sign out: the session is revoked in the store and the cookie cleared. */
export async function endSession(res: Response, deps: SessionDeps, session: ActiveSession): Promise<void> {
  await deps.store.revokeSession(session.sessionId);
  setCookie(res, deps, '', new Date(0));
}
