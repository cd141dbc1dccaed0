/**
 * The service as a Haravan app (reference haravan-api.md §2.3): its settings, the scopes of the two authorize
 * passes, who may install, when an access token is refreshed, and how long an install attempt may take.
 */

/** The app's settings (PUBLIC_URL, HARAVAN_APP_CLIENT_ID/SECRET, HARAVAN_ACCOUNTS_URL, HARAVAN_API_URL, HARAVAN_WEBHOOK_URL). */
export interface HaravanAppSettings {
  /** The service's own external base URL (no trailing slash): the redirect URIs are built on it. */
  publicUrl: string;
  clientId: string;
  clientSecret: string;
  /** The accounts server (OpenID Connect issuer), e.g. https://accounts.haravan.com. */
  accountsUrl: string;
  /** The Admin API host of installed shops, e.g. https://apis.haravan.com. */
  apiUrl: string;
  /** The webhook host (`/api/subscribe`), e.g. https://webhook.haravan.com. */
  webhookUrl: string;
}

export const DEFAULT_ACCOUNTS_URL = 'https://accounts.haravan.com';
export const DEFAULT_API_URL = 'https://apis.haravan.com';
export const DEFAULT_WEBHOOK_URL = 'https://webhook.haravan.com';

/** First pass: who the user is and which shop (org) they act for. */
export const LOGIN_SCOPES = ['openid', 'profile', 'email', 'org', 'userinfo'] as const;

/**
 * Second pass: the shop's long-lived grant (`grant_service`, owner only), webhooks (`wh_api`), a refresh token
 * (`offline_access`) and the Admin API scopes the sync uses: products and inventory (linking, stock), orders and
 * customers (order import), the shop and its locations.
 */
export const INSTALL_SCOPES = [
  ...LOGIN_SCOPES,
  'grant_service',
  'wh_api',
  'offline_access',
  'com.read_shop',
  'com.read_products',
  'com.read_inventories',
  'com.write_orders',
  'com.write_customers',
] as const;

/** The callback paths under PUBLIC_URL (register both in Haravan's partner dashboard). */
export const INSTALL_PATHS = { start: '/install', login: '/install/login', grant: '/install/grant' } as const;

export const redirectUri = (s: Pick<HaravanAppSettings, 'publicUrl'>, step: 'login' | 'grant'): string => `${s.publicUrl}${INSTALL_PATHS[step]}`;

/** Haravan's authorize URL of one pass (response_mode=form_post, response_type `code id_token`). */
export function authorizeUrl(app: Pick<HaravanAppSettings, 'accountsUrl' | 'clientId' | 'publicUrl'>, pass: { step: 'login' | 'grant'; nonce: string; state: string; orgId?: number }): string {
  const q = new URLSearchParams({
    response_mode: 'form_post',
    response_type: 'code id_token',
    scope: (pass.step === 'login' ? LOGIN_SCOPES : INSTALL_SCOPES).join(' '),
    client_id: app.clientId,
    redirect_uri: redirectUri(app, pass.step),
    nonce: pass.nonce,
    state: pass.state,
  });
  if (pass.orgId !== undefined) q.set('orgid', String(pass.orgId));
  return `${app.accountsUrl}/connect/authorize?${q}`;
}

/** The `role` claim is a string or an array; only a shop owner (`admin`) may install. */
export function isShopAdmin(role: unknown): boolean {
  const roles = Array.isArray(role) ? role : [role];
  return roles.some((r) => typeof r === 'string' && r.trim().toLowerCase() === 'admin');
}

/** A shop id as Haravan writes it (`orgid` claim, `?orgid=`): a positive integer, as number or digits. */
export function parseShopId(value: unknown): number | undefined {
  const s = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^[1-9]\d{0,15}$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Haravan states no token lifetime; when `expires_in` is missing the token is treated as living this long. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 86_400;
/** Refresh this long before the expiry… */
export const REFRESH_MARGIN_MS = 5 * 60_000;
/** …or, for a token that lives less than 5 × that, once 80 % of its lifetime has passed (never in a busy loop). */
export const REFRESH_MARGIN_SHARE = 0.2;

/** When to refresh a token issued at `issuedAt` that expires at `expiresAt` (ms since epoch): before it expires. */
export function refreshDueAt(issuedAt: number, expiresAt: number): number {
  const lifetime = Math.max(0, expiresAt - issuedAt);
  return issuedAt + lifetime - Math.min(REFRESH_MARGIN_MS, Math.round(lifetime * REFRESH_MARGIN_SHARE));
}

/** How long a started install (its `state`) stays valid. */
export const INSTALL_ATTEMPT_MS = 10 * 60_000;
