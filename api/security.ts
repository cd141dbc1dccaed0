/**
 * Who is calling /v1, decided once per request: the operator (bearer `API_TOKEN`, every shop), a per-shop API token
 * (bearer `hts_…`, one shop) or a merchant session cookie (one shop; a state-changing request must carry the
 * session's `X-CSRF-Token`, else 403 `CSRF_FAILED` before anything is read or changed). What a one-shop caller may
 * reach is enforced by `scopeGuard` (api/routes/connection-access.ts) and the list filters, from `shopScopeOf`.
 */
import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { CSRF_HEADER, needsCsrf, shopTokenId, tokenUseDue } from '../domain/session';
import type { ApiDeps } from './context';
import { ApiError } from './errors';
import { csrfMatches, readSession, type ActiveSession } from './session';

export type Principal = { kind: 'operator' } | { kind: 'session'; shopId: number; session: ActiveSession } | { kind: 'shop-token'; shopId: number; tokenId: string };

export function checkToken(header: string | undefined, token: string): boolean {
  if (!header || !header.startsWith('Bearer ')) return false;
  const given = crypto.createHash('sha256').update(header.slice(7).trim()).digest();
  const expected = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(given, expected);
}

/** The caller of this request (set by `authenticate`). */
export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new ApiError(401, 'UNAUTHORIZED');
  return p;
}

/** The one shop this caller acts for, or undefined for the operator (every shop). */
export function shopScopeOf(res: Response): number | undefined {
  const p = principalOf(res);
  return p.kind === 'operator' ? undefined : p.shopId;
}

async function bearerPrincipal(header: string, deps: Pick<ApiDeps, 'apiToken' | 'store'>): Promise<Principal | undefined> {
  if (checkToken(header, deps.apiToken)) return { kind: 'operator' };
  if (!header.startsWith('Bearer ')) return undefined;
  const token = header.slice(7).trim();
  if (!shopTokenId(token)) return undefined;
  const t = await deps.store.findShopToken(token);
  if (!t) return undefined;
  const now = new Date();
  if (tokenUseDue(t.lastUsedAt, now)) await deps.store.noteShopTokenUse(t.tokenId, now);
  return { kind: 'shop-token', shopId: t.shopId, tokenId: t.tokenId };
}

/**
 * Authentication of /v1: an `Authorization` header must be the operator token or a live per-shop token (it is never
 * combined with a cookie); without one, a live session cookie. Anything else → 401.
 */
export function authenticate(deps: Pick<ApiDeps, 'apiToken' | 'store' | 'sessionCookieSecure'>) {
  return (req: Request, res: Response, next: NextFunction) => {
    void (async (): Promise<Principal> => {
      const header = req.headers.authorization;
      if (header !== undefined) {
        const p = await bearerPrincipal(header, deps);
        if (!p) throw new ApiError(401, 'UNAUTHORIZED');
        return p;
      }
      const session = await readSession(req, res, deps);
      if (!session) throw new ApiError(401, 'UNAUTHORIZED');
      if (needsCsrf(req.method) && !csrfMatches(session, req.headers[CSRF_HEADER])) throw new ApiError(403, 'CSRF_FAILED');
      return { kind: 'session', shopId: session.shopId, session };
    })().then((p) => {
      res.locals.principal = p;
      next();
    }, next);
  };
}
