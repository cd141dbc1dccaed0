/** OAuth2 client-credentials grant against `<baseUrl>/sc/oauth2/token`. */
import { ConnectorError } from '../errors';
import { sendHttp } from '../http';
import { badResponse, tikiErrorFromResponse } from './errors';
import { oauthErrorSchema, tokenResponseSchema } from './schemas';
import type { IssuedToken } from './token-cache';

export const TOKEN_PATH = '/sc/oauth2/token';
const TOKEN_ROUTE = `POST ${TOKEN_PATH}`;

export interface TikiOAuthCredentials {
  clientId: string;
  clientSecret: string;
  /** How the client authenticates at the token endpoint; must match the app registration. Default: post. */
  authMethod?: 'client_secret_post' | 'client_secret_basic';
}

/**
 * Run the client-credentials grant. Any OAuth error answer (4xx, or a 2xx carrying `error`) is AUTH_FAILED;
 * 429 / 5xx / network problems keep their retryable classification.
 */
export async function fetchClientCredentialsToken(
  baseUrl: string,
  creds: TikiOAuthCredentials,
  timeoutMs?: number,
): Promise<IssuedToken> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', scope: '' });
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (creds.authMethod === 'client_secret_basic') {
    const basic = Buffer.from(`${encodeURIComponent(creds.clientId)}:${encodeURIComponent(creds.clientSecret)}`);
    headers.Authorization = `Basic ${basic.toString('base64')}`;
  } else {
    form.set('client_id', creds.clientId);
    form.set('client_secret', creds.clientSecret);
  }
  const res = await sendHttp('tiki', TOKEN_ROUTE, {
    method: 'POST',
    url: `${baseUrl}${TOKEN_PATH}`,
    headers,
    body: form.toString(),
    timeoutMs,
  });
  const oauthError = oauthErrorSchema.safeParse(res.body);
  if (res.status === 429 || res.status >= 500) throw tikiErrorFromResponse(TOKEN_ROUTE, res);
  if (res.status >= 400 || oauthError.success) {
    const err = tikiErrorFromResponse(TOKEN_ROUTE, res, 'Tiki token request rejected');
    throw new ConnectorError({
      system: 'tiki',
      code: 'AUTH_FAILED',
      status: res.status,
      route: TOKEN_ROUTE,
      message: err.message,
      details: oauthError.success ? oauthError.data : res.body,
    });
  }
  const parsed = tokenResponseSchema.safeParse(res.body);
  if (!parsed.success) throw badResponse(TOKEN_ROUTE, parsed.error, res.body);
  return { accessToken: parsed.data.access_token, expiresInSeconds: parsed.data.expires_in };
}
