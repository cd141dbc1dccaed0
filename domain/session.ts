/**
 * Merchant sessions and per-shop API tokens: how long a session lives, when it is renewed (sliding), what a signed
 * session cookie value looks like, which requests need the CSRF token, and the shape of a per-shop token.
 * Pure rules (the HMAC itself is computed by the caller's `sign` function; no key and no I/O here).
 */

/** A session idle this long ends (each request at least half-way through renews it to this again). */
export const SESSION_IDLE_MS = 30 * 60_000;
/** However active, a session ends this long after it began (then the merchant signs in again from Haravan). */
export const SESSION_MAX_MS = 12 * 60 * 60_000;
/** The session cookie's name (no `__Host-` prefix: that requires `Secure`, which the embedded demo over http cannot set). */
export const SESSION_COOKIE = 'hts_session';
/** The request header that carries a session's CSRF token on a state-changing request. */
export const CSRF_HEADER = 'x-csrf-token';

export interface SessionTimes {
  createdAt: Date;
  expiresAt: Date;
}

/** When a session started at `createdAt` ends if it is used at `now` and renewed: idle window, capped by the maximum age. */
export function slidingExpiry(createdAt: Date, now: Date): Date {
  return new Date(Math.min(now.getTime() + SESSION_IDLE_MS, createdAt.getTime() + SESSION_MAX_MS));
}

export function isSessionExpired(s: SessionTimes, now: Date): boolean {
  return now.getTime() >= s.expiresAt.getTime();
}

/**
 * The new expiry when a request at `now` should renew the session, or undefined when it need not: renewal happens
 * once less than half of the idle window is left (so not every request writes), and never past the maximum age.
 */
export function renewedExpiry(s: SessionTimes, now: Date): Date | undefined {
  if (isSessionExpired(s, now)) return undefined;
  const left = s.expiresAt.getTime() - now.getTime();
  if (left > SESSION_IDLE_MS / 2) return undefined;
  const next = slidingExpiry(s.createdAt, now);
  return next.getTime() > s.expiresAt.getTime() ? next : undefined;
}

/** A signed cookie value: `<sessionId>.<signature>` (both base64url); `sign` is the HMAC of the id. */
export function signedCookieValue(sessionId: string, sign: (data: string) => string): string {
  return `${sessionId}.${sign(sessionId)}`;
}

/**
 * The session id of a cookie value whose signature is right, else undefined. `equal` compares in constant time.
 */
export function verifiedSessionId(value: string | undefined, sign: (data: string) => string, equal: (a: string, b: string) => boolean): string | undefined {
  if (!value) return undefined;
  const m = /^([A-Za-z0-9_-]{20,100})\.([A-Za-z0-9_-]{20,100})$/.exec(value);
  if (!m) return undefined;
  return equal(sign(m[1]), m[2]) ? m[1] : undefined;
}

/** Whether a request of this method changes state, and so needs the session's CSRF token. */
export function needsCsrf(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}

/** A per-shop API token: `hts_<tokenId>_<secret>`; the id names it in lists, the whole string is what is hashed. */
export const SHOP_TOKEN_PREFIX = 'hts_';

export function shopTokenString(tokenId: string, secret: string): string {
  return `${SHOP_TOKEN_PREFIX}${tokenId}_${secret}`;
}

/** The token id of a string shaped like a per-shop token, else undefined (then it is no per-shop token at all). */
export function shopTokenId(token: string): string | undefined {
  const m = /^hts_([A-Za-z0-9-]{8,40})_([A-Za-z0-9_-]{20,100})$/.exec(token);
  return m?.[1];
}

/** A token's last use is written at most this often (a token used every second does not write every second). */
export const TOKEN_USE_WRITE_MS = 60_000;

export function tokenUseDue(lastUsedAt: Date | null, now: Date): boolean {
  return !lastUsedAt || now.getTime() - lastUsedAt.getTime() >= TOKEN_USE_WRITE_MS;
}
