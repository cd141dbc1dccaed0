/**
 * The zod schemas of merchant sessions and per-shop API tokens (api.md additions: `GET /v1/session`, "Merchant
 * sessions"), and their paths in /openapi.json (`registerSessionPaths`, passed to buildOpenApi).
 */
import { z } from 'zod';
import type { PathRegistrar } from './schemas';

export const ShopParams = z.object({ shopId: z.string().regex(/^[1-9][0-9]{0,15}$/) });
export const ShopTokenParams = ShopParams.extend({ tokenId: z.string().min(1).max(40).regex(/^[A-Za-z0-9-]+$/) });
export const CreateShopTokenSchema = z.object({ name: z.string().trim().min(1).max(100) }).strict().openapi('CreateShopApiToken');

export const SessionSchema = z.object({ shopId: z.number(), csrfToken: z.string(), expiresAt: z.string() }).openapi('Session');
export const ShopTokenSchema = z
  .object({ tokenId: z.string(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable() })
  .openapi('ShopApiToken');
export const MintedShopTokenSchema = ShopTokenSchema.extend({ token: z.string().describe('the token itself: shown this once, stored only hashed') }).openapi('MintedShopApiToken');

export const registerSessionPaths: PathRegistrar = (add) => {
  add('get', '/v1/session', 'With a merchant session cookie: who is signed in, and the CSRF token every state-changing request must carry (`X-CSRF-Token`)', {
    ok: [200, 'the session', SessionSchema],
  });
  add('delete', '/v1/session', 'Sign out: the session is revoked and its cookie cleared', { ok: [204, 'signed out'], errors: { 403: 'CSRF_FAILED' } });
  add('get', '/v1/shops/{shopId}/api-tokens', "The shop's API tokens (for its own integrations), with their last use; never the tokens themselves", {
    params: ShopParams,
    ok: [200, 'tokens', z.object({ items: z.array(ShopTokenSchema) })],
    errors: { 404: 'NOT_FOUND' },
  });
  add('post', '/v1/shops/{shopId}/api-tokens', 'Mint an API token that acts for this shop only (`Authorization: Bearer hts_…`); the answer is the only time it is shown', {
    params: ShopParams,
    body: CreateShopTokenSchema,
    ok: [201, 'minted', MintedShopTokenSchema],
    errors: { 403: 'CSRF_FAILED', 404: 'NOT_FOUND' },
  });
  add('delete', '/v1/shops/{shopId}/api-tokens/{tokenId}', 'Revoke a token (at once, for good)', { params: ShopTokenParams, ok: [204, 'revoked'], errors: { 403: 'CSRF_FAILED', 404: 'API_TOKEN_NOT_FOUND' } });
};
