/**
 * Merchant sessions and per-shop API tokens (rules in domain/session.ts). The client holds the secret; the store
 * keeps its SHA-256, so a copy of the database opens no session and no token. Revoked rows stay (revoked_at).
 */
import crypto from 'node:crypto';
import { Repo } from './repo';

export interface SessionRecord {
  shopId: number;
  userId: string;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface ShopTokenRecord {
  tokenId: string;
  shopId: number;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export const secretHash = (secret: string): string => crypto.createHash('sha256').update(secret).digest('hex');

type SessionRow = { shop_id: number | string; user_id: string; csrf_token: string; created_at: Date | string; expires_at: Date | string };
type TokenRow = { token_id: string; shop_id: number | string; name: string; created_at: Date | string; last_used_at: Date | string | null; revoked_at: Date | string | null };

const date = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));
const toSession = (r: SessionRow): SessionRecord => ({ shopId: Number(r.shop_id), userId: r.user_id, csrfToken: r.csrf_token, createdAt: date(r.created_at), expiresAt: date(r.expires_at) });
const toToken = (r: TokenRow): ShopTokenRecord => ({
  tokenId: r.token_id,
  shopId: Number(r.shop_id),
  name: r.name,
  createdAt: date(r.created_at),
  lastUsedAt: r.last_used_at === null ? null : date(r.last_used_at),
  revokedAt: r.revoked_at === null ? null : date(r.revoked_at),
});

export class SessionRepo extends Repo {
  /** The HMAC key of session cookies, derived from the service's key material (store/secrets.ts). */
  sessionSigningKey(): Buffer {
    return this.keyring.session;
  }

  async createSession(sessionId: string, s: SessionRecord): Promise<void> {
    await this.db.query('INSERT INTO merchant_sessions (id_hash, shop_id, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      secretHash(sessionId),
      s.shopId,
      s.userId,
      s.csrfToken,
      s.createdAt.toISOString(),
      s.expiresAt.toISOString(),
    ]);
  }

  /** The session of this id unless it is revoked (expiry is the caller's rule: domain/session.ts). */
  async findSession(sessionId: string): Promise<SessionRecord | null> {
    const rows = await this.db.query<SessionRow>('SELECT * FROM merchant_sessions WHERE id_hash = $1 AND revoked_at IS NULL', [secretHash(sessionId)]);
    return rows[0] ? toSession(rows[0]) : null;
  }

  /** Move a live session's expiry later (sliding renewal); never earlier, never a revoked one. */
  async extendSession(sessionId: string, expiresAt: Date): Promise<void> {
    await this.db.query('UPDATE merchant_sessions SET expires_at = $2 WHERE id_hash = $1 AND revoked_at IS NULL AND expires_at < $2', [secretHash(sessionId), expiresAt.toISOString()]);
  }

  async revokeSession(sessionId: string): Promise<void> {
    await this.db.query('UPDATE merchant_sessions SET revoked_at = now() WHERE id_hash = $1 AND revoked_at IS NULL', [secretHash(sessionId)]);
  }

  /** Ends every session of a shop (uninstall, or the merchant signing out everywhere). Returns how many. */
  async revokeShopSessions(shopId: number): Promise<number> {
    const rows = await this.db.query('UPDATE merchant_sessions SET revoked_at = now() WHERE shop_id = $1 AND revoked_at IS NULL RETURNING id_hash', [shopId]);
    return rows.length;
  }

  async createShopToken(t: { tokenId: string; shopId: number; name: string; token: string }): Promise<ShopTokenRecord> {
    const rows = await this.db.query<TokenRow>('INSERT INTO shop_api_tokens (token_id, shop_id, name, token_hash) VALUES ($1, $2, $3, $4) RETURNING *', [t.tokenId, t.shopId, t.name, secretHash(t.token)]);
    return toToken(rows[0]);
  }

  /** The live (not revoked) token whose whole string is `token`. */
  async findShopToken(token: string): Promise<ShopTokenRecord | null> {
    const rows = await this.db.query<TokenRow>('SELECT * FROM shop_api_tokens WHERE token_hash = $1 AND revoked_at IS NULL', [secretHash(token)]);
    return rows[0] ? toToken(rows[0]) : null;
  }

  async listShopTokens(shopId: number): Promise<ShopTokenRecord[]> {
    const rows = await this.db.query<TokenRow>('SELECT * FROM shop_api_tokens WHERE shop_id = $1 ORDER BY created_at DESC, token_id', [shopId]);
    return rows.map(toToken);
  }

  async noteShopTokenUse(tokenId: string, at: Date): Promise<void> {
    await this.db.query('UPDATE shop_api_tokens SET last_used_at = $2 WHERE token_id = $1', [tokenId, at.toISOString()]);
  }

  /** Revoke one of a shop's tokens; false when that shop has no live token of this id. */
  async revokeShopToken(shopId: number, tokenId: string): Promise<boolean> {
    const rows = await this.db.query('UPDATE shop_api_tokens SET revoked_at = now() WHERE shop_id = $1 AND token_id = $2 AND revoked_at IS NULL RETURNING token_id', [shopId, tokenId]);
    return rows.length > 0;
  }

  async revokeShopTokens(shopId: number): Promise<number> {
    const rows = await this.db.query('UPDATE shop_api_tokens SET revoked_at = now() WHERE shop_id = $1 AND revoked_at IS NULL RETURNING token_id', [shopId]);
    return rows.length;
  }
}
