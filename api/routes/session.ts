/**
 * /v1/session (who is signed in, sign out) and /v1/shops/:shopId/api-tokens (a shop's tokens for its own
 * integrations: minted by the merchant in a session or by the operator, shown once, stored hashed, revocable).
 * Which shop a caller may name is scopeGuard's business (connection-access.ts).
 */
import crypto from 'node:crypto';
import { Router } from 'express';
import { shopTokenString } from '../../domain/session';
import type { ShopTokenRecord } from '../../store/store';
import { ApiDeps, parse } from '../context';
import { ApiError, apiError } from '../errors';
import { CreateShopTokenSchema, ShopParams, ShopTokenParams } from '../session-schemas';
import { principalOf } from '../security';
import { endSession } from '../session';

const presentToken = (t: ShopTokenRecord) => ({
  tokenId: t.tokenId,
  name: t.name,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

export function sessionRoutes(deps: ApiDeps): Router {
  const { store } = deps;
  const r = Router();

  const sessionOf = (res: Parameters<typeof principalOf>[0]) => {
    const p = principalOf(res);
    if (p.kind !== 'session') throw new ApiError(401, 'UNAUTHORIZED');
    return p.session;
  };

  r.get('/session', (_req, res) => {
    const s = sessionOf(res);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ shopId: s.shopId, csrfToken: s.csrfToken, expiresAt: s.expiresAt.toISOString() });
  });

  r.delete('/session', async (_req, res) => {
    await endSession(res, deps, sessionOf(res));
    res.status(204).end();
  });

  /** Tokens are managed by the merchant (session) or the operator, not by another token. */
  const manager = (res: Parameters<typeof principalOf>[0]) => {
    if (principalOf(res).kind === 'shop-token') throw apiError('NOT_FOUND');
  };

  r.get('/shops/:shopId/api-tokens', async (req, res) => {
    manager(res);
    const { shopId } = parse(ShopParams, req.params);
    res.json({ items: (await store.listShopTokens(Number(shopId))).map(presentToken) });
  });

  r.post('/shops/:shopId/api-tokens', async (req, res) => {
    manager(res);
    const { shopId } = parse(ShopParams, req.params);
    const { name } = parse(CreateShopTokenSchema, req.body);
    const tokenId = crypto.randomUUID();
    const token = shopTokenString(tokenId, crypto.randomBytes(32).toString('base64url'));
    const t = await store.createShopToken({ tokenId, shopId: Number(shopId), name, token });
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json({ ...presentToken(t), token });
  });

  r.delete('/shops/:shopId/api-tokens/:tokenId', async (req, res) => {
    manager(res);
    const { shopId, tokenId } = parse(ShopTokenParams, req.params);
    if (!(await store.revokeShopToken(Number(shopId), tokenId))) throw apiError('API_TOKEN_NOT_FOUND');
    res.status(204).end();
  });

  return r;
}
