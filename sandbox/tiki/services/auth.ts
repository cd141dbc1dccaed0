/**
 * Credentials and tokens: OAuth2 client credentials per seller (the "in-house app" model: the
 * app's token is linked to the seller that connected it) and the legacy `tiki-api` seller key.
 * Tokens look like Hydra's: `<base64url>.<base64url>`.
 */
import { ApiError } from '../api-error';
import type { SandboxContext } from '../context';
import { randomBase64Url } from '../rng';
import type { AuthMethod, SellerRec } from '../world';

export interface Identity {
  seller: SellerRec;
  /** Queue ownership: the OAuth app (`client:<id>`) or the key's seller (`key:<sellerId>`). */
  owner: string;
  scheme: 'bearer' | 'key';
}

export interface ClientAuthAttempt {
  method: AuthMethod | 'none';
  clientId?: string;
  clientSecret?: string;
}

export const PAUSED_MESSAGE = 'Kết nối đang tạm ngưng bởi seller';
/** The value is not visible in Tiki's docs; the sandbox answers this string. */
export const PAUSED_INTEGRATION_STATUS = 'paused';

/** ORY Hydra-style OAuth error. */
export function oauthError(status: number, error: string, description: string, hint?: string): ApiError {
  return new ApiError(status, {
    error,
    error_description: description,
    error_hint: hint ?? '',
    error_debug: '',
    status_code: status,
  });
}

export class AuthService {
  constructor(private readonly ctx: SandboxContext) {}

  private get world() {
    return this.ctx.world;
  }

  /** The client-credentials grant. Throws OAuth-style ApiErrors. */
  issueToken(grantType: unknown, attempt: ClientAuthAttempt) {
    if (grantType === undefined || grantType === '') {
      throw oauthError(400, 'invalid_request', 'The request is missing a required parameter: grant_type.');
    }
    if (attempt.method === 'none' || !attempt.clientId) {
      throw invalidClient('No client authentication included.');
    }
    const sellerId = this.world.clientIndex.get(attempt.clientId);
    const seller = sellerId === undefined ? undefined : this.world.sellers.get(sellerId);
    if (!seller || seller.revoked || seller.clientSecret !== attempt.clientSecret) {
      throw invalidClient('Unknown client or wrong client secret.');
    }
    if (seller.authMethod && seller.authMethod !== attempt.method) {
      throw invalidClient(
        `The OAuth 2.0 Client supports client authentication method '${seller.authMethod}', but method '${attempt.method}' was requested.`,
      );
    }
    if (grantType !== 'client_credentials') {
      throw oauthError(
        400,
        'unsupported_grant_type',
        'The authorization grant type is not supported by the authorization server.',
        `The sandbox supports grant_type=client_credentials only (got '${String(grantType)}').`,
      );
    }
    const ttl = this.ctx.settings.tokenTtlSeconds;
    const token = `${randomBase64Url(this.world.rng, 32)}.${randomBase64Url(this.world.rng, 32)}`;
    this.world.tokens.set(token, {
      token,
      clientId: attempt.clientId,
      sellerId: seller.id,
      expiresAt: this.ctx.now() + ttl * 1000,
    });
    this.pruneExpired();
    return { access_token: token, expires_in: ttl, scope: 'product order inventory', token_type: 'bearer' };
  }

  /** Resolve `Authorization: Bearer`; 401 `{"errors": [...]}` when missing, unknown or expired. */
  resolveBearer(token: string): Identity {
    const rec = this.world.tokens.get(token);
    if (!rec) throw new ApiError(401, { errors: ['Unauthorized: the access token is invalid'] });
    if (rec.expiresAt <= this.ctx.now()) {
      this.world.tokens.delete(token);
      throw new ApiError(401, { errors: ['Unauthorized: the access token is expired'] });
    }
    const seller = this.world.sellers.get(rec.sellerId);
    if (!seller || seller.revoked) {
      throw new ApiError(401, { errors: ['Unauthorized: the access token is not linked to any seller'] });
    }
    return { seller, owner: `client:${rec.clientId}`, scheme: 'bearer' };
  }

  /** Resolve `tiki-api: <key>`; wrong key → 403 `{"msg":"Permission denied"}`; paused → 200 with msg. */
  resolveKey(key: string): Identity {
    const sellerId = this.world.keyIndex.get(key);
    const seller = sellerId === undefined ? undefined : this.world.sellers.get(sellerId);
    if (!seller || seller.revoked) throw new ApiError(403, { msg: 'Permission denied' });
    if (seller.paused) {
      throw new ApiError(200, { msg: PAUSED_MESSAGE, integration_status: PAUSED_INTEGRATION_STATUS });
    }
    return { seller, owner: `key:${seller.id}`, scheme: 'key' };
  }

  registerCredentials(seller: SellerRec, creds: { clientId?: string; clientSecret?: string; apiKey?: string }): void {
    if (creds.clientId !== undefined) {
      const owner = this.world.clientIndex.get(creds.clientId);
      if (owner !== undefined && owner !== seller.id)
        throw new ApiError(409, { error: `clientId already used by seller ${owner}` });
      if (seller.clientId && seller.clientId !== creds.clientId) this.world.clientIndex.delete(seller.clientId);
      seller.clientId = creds.clientId;
      this.world.clientIndex.set(creds.clientId, seller.id);
    }
    if (creds.clientSecret !== undefined) seller.clientSecret = creds.clientSecret;
    if (creds.apiKey !== undefined) {
      const owner = this.world.keyIndex.get(creds.apiKey);
      if (owner !== undefined && owner !== seller.id)
        throw new ApiError(409, { error: `apiKey already used by seller ${owner}` });
      if (seller.apiKey) this.world.keyIndex.delete(seller.apiKey);
      seller.apiKey = creds.apiKey;
      this.world.keyIndex.set(creds.apiKey, seller.id);
    }
  }

  /** Invalidate everything the seller handed out: tokens die, the secret and the key stop working. */
  revoke(seller: SellerRec): void {
    seller.revoked = true;
    this.dropTokens(seller.id);
  }

  /** Replace credentials after a revocation (or rotate them); clears the revoked flag. */
  replaceCredentials(seller: SellerRec, creds: { clientSecret?: string; apiKey?: string }): void {
    this.dropTokens(seller.id);
    this.registerCredentials(seller, creds);
    seller.revoked = false;
  }

  /** Make issued tokens expire now (all sellers, or one). Returns how many. */
  expireTokens(sellerId?: number): number {
    let n = 0;
    const now = this.ctx.now();
    for (const rec of this.world.tokens.values()) {
      if (sellerId !== undefined && rec.sellerId !== sellerId) continue;
      rec.expiresAt = Math.min(rec.expiresAt, now);
      n++;
    }
    return n;
  }

  unregister(seller: SellerRec): void {
    if (seller.clientId) this.world.clientIndex.delete(seller.clientId);
    if (seller.apiKey) this.world.keyIndex.delete(seller.apiKey);
    this.dropTokens(seller.id);
  }

  private dropTokens(sellerId: number): void {
    for (const [token, rec] of this.world.tokens) if (rec.sellerId === sellerId) this.world.tokens.delete(token);
  }

  private pruneExpired(): void {
    if (this.world.tokens.size < 10_000) return;
    const now = this.ctx.now();
    for (const [token, rec] of this.world.tokens) if (rec.expiresAt <= now) this.world.tokens.delete(token);
  }
}

function invalidClient(hint: string): ApiError {
  return oauthError(
    401,
    'invalid_client',
    'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).',
    hint,
  );
}
