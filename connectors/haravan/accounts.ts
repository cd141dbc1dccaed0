/**
 * Haravan's accounts server (OpenID Connect, reference haravan-api.md §2.3) and webhook host, from the app's side:
 * the `id_token` check, the code exchange, the refresh, the per-shop webhook subscription.
 * Every host comes from the settings (HARAVAN_ACCOUNTS_URL, HARAVAN_WEBHOOK_URL), never from a caller or a
 * vendor body: the key set is read at `<accounts>/.well-known/openid-configuration/jwks` (where the discovery
 * document of the sandbox and of IdentityServer, which Haravan's accounts server is, place it).
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { HaravanAppSettings } from '../../domain/haravan-app';
import { ConnectorError } from '../errors';
import { errorFromResponse, sendHttp } from '../http';

/** What an `id_token` says once verified (reference §2.3 item 5). */
export interface IdTokenClaims {
  userId: string;
  shopId?: number;
  shopName?: string;
  role: unknown;
  email?: string;
}

/** Why an `id_token` was refused — one code per check, for the log and the tests. */
export type IdTokenProblem = 'signature' | 'audience' | 'issuer' | 'expired' | 'nonce' | 'malformed';

export class IdTokenError extends Error {
  constructor(readonly problem: IdTokenProblem, message: string) {
    super(message);
    this.name = 'IdTokenError';
  }
}

const TokenAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  id_token: z.string().optional(),
  scope: z.string().optional(),
});
export type TokenAnswer = z.infer<typeof TokenAnswer>;

const trimSlash = (u: string) => u.replace(/\/+$/, '');
const CLOCK_TOLERANCE_SECONDS = 30;

export class HaravanAccounts {
  private readonly accountsUrl: string;
  private readonly keys: JWTVerifyGetKey;

  constructor(
    private readonly app: HaravanAppSettings,
    /** The issuer's key set (default: fetched from the accounts server and cached by jose). */
    keys?: JWTVerifyGetKey,
  ) {
    this.accountsUrl = trimSlash(app.accountsUrl);
    this.keys = keys ?? createRemoteJWKSet(new URL(`${this.accountsUrl}/.well-known/openid-configuration/jwks`));
  }

  /** Signature against the issuer's keys (RS256 only), issuer, audience = our client id, expiry, and our nonce. */
  async verifyIdToken(idToken: string, expectedNonce: string): Promise<IdTokenClaims> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, this.keys, {
        issuer: this.accountsUrl,
        audience: this.app.clientId,
        algorithms: ['RS256'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (err) {
      throw new IdTokenError(problemOf(err), (err as Error).message);
    }
    if (!expectedNonce || payload.nonce !== expectedNonce) throw new IdTokenError('nonce', 'the id_token nonce is missing or not ours');
    const shopId = Number(payload.orgid);
    return {
      userId: String(payload.sub),
      shopId: Number.isSafeInteger(shopId) && shopId > 0 ? shopId : undefined,
      shopName: typeof payload.orgname === 'string' ? payload.orgname : undefined,
      role: payload.role,
      email: typeof payload.email === 'string' ? payload.email : undefined,
    };
  }

  exchangeCode(code: string, redirectUri: string): Promise<TokenAnswer> {
    return this.token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
  }

  refresh(refreshToken: string): Promise<TokenAnswer> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /** Subscribe the shop to the app's webhooks (topics and callback are registered in the partner dashboard). */
  async subscribeWebhooks(accessToken: string): Promise<void> {
    const route = 'POST /api/subscribe';
    const res = await sendHttp('haravan', route, { method: 'POST', url: `${trimSlash(this.app.webhookUrl)}/api/subscribe`, headers: { Authorization: `Bearer ${accessToken}` } });
    if (res.status < 200 || res.status >= 300) throw errorFromResponse('haravan', route, res);
  }

  private async token(fields: Record<string, string>): Promise<TokenAnswer> {
    const route = 'POST /connect/token';
    const body = new URLSearchParams({ ...fields, client_id: this.app.clientId, client_secret: this.app.clientSecret }).toString();
    const res = await sendHttp('haravan', route, { method: 'POST', url: `${this.accountsUrl}/connect/token`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
    // The error body (`invalid_grant` …) is kept as the code; never the request (it holds the secret).
    if (res.status < 200 || res.status >= 300) throw errorFromResponse('haravan', route, res, `${route} answered ${res.status} ${oauthError(res.body)}`);
    const parsed = TokenAnswer.safeParse(res.body);
    if (!parsed.success) throw new ConnectorError({ system: 'haravan', code: 'BAD_RESPONSE', route, message: `${route}: the answer has no access_token` });
    return parsed.data;
  }
}

function oauthError(body: unknown): string {
  const e = (body as { error?: unknown } | undefined)?.error;
  return typeof e === 'string' && /^[a-z_]{1,40}$/.test(e) ? e : 'error';
}

function problemOf(err: unknown): IdTokenProblem {
  if (err instanceof joseErrors.JWTExpired) return 'expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return 'audience';
    if (err.claim === 'iss') return 'issuer';
    return 'malformed';
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof joseErrors.JWKSNoMatchingKey || err instanceof joseErrors.JOSEAlgNotAllowed) return 'signature';
  return 'malformed';
}
