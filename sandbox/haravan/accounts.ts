/**
 * The accounts server (`accounts.haravan.com`, OpenID Connect) of the simulator — reference §2.3:
 *  - discovery (`/.well-known/openid-configuration`) and the key set (`.../jwks`, RS256, a key made at start);
 *  - `GET /connect/authorize` (response_mode=form_post, response_type `code id_token`): a page with the demo users,
 *    the shop and a "grant" and a "deny" button; the decision answers with a self-submitting form POSTed to the
 *    registered redirect URI (`code`, `id_token`, `state`, or `error=access_denied`);
 *  - `POST /connect/token`: `authorization_code` (single use, redirect_uri must match) and `refresh_token` (rotated:
 *    each refresh token works once), client id/secret in the body or as Basic auth; access tokens expire after
 *    `accessTokenTtlSeconds` (default 3600, settable at `/_sandbox/accounts/settings`);
 *  - `GET /connect/userinfo`; `POST|GET|DELETE /api/subscribe` (the webhook host: the app's registered callback,
 *    signed with its client secret, needs `wh_api`).
 * Only the shop owner (role `admin`) may grant `grant_service` / `wh_api`. Apps are registered through the control
 * API (`POST /_sandbox/apps`); `POST /_sandbox/shops/:id/uninstall` plays the merchant removing the app.
 * Failures of the real server (5xx, slowness) come from the shared fault injector, which sees these paths too.
 */
import crypto from 'node:crypto';
import express, { Request, Router } from 'express';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { z } from 'zod';
import { SandboxContext } from './context';
import { IssuedToken, OAuthApp, ShopData } from './types';

/** The demo users of every shop: the owner and a staff member (who may sign in but not install). */
export const DEMO_USERS = [
  { id: '100001', name: 'Chủ cửa hàng (demo)', email: 'owner@demo.haravan.test', role: ['admin'] },
  { id: '100002', name: 'Nhân viên (demo)', email: 'staff@demo.haravan.test', role: ['staff'] },
] as const;

const OWNER_ONLY_SCOPES = ['grant_service', 'wh_api'];
const CODE_TTL_MS = 60_000;
const ID_TOKEN_TTL_SECONDS = 300;

const AppSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  redirectUris: z.array(z.url()).min(1),
  webhookUrl: z.url().optional(),
  topics: z.array(z.string().min(1)).optional(),
});

interface PendingAuthorize {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  nonce?: string;
  state?: string;
  orgId?: number;
}

interface IssuedCode extends PendingAuthorize {
  userId: string;
  shopId: number;
  expiresAt: number;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const random = () => crypto.randomBytes(24).toString('base64url');

export class AccountsServer {
  private keys?: Promise<{ privateKey: CryptoKey; jwk: JWK }>;
  private readonly pending = new Map<string, PendingAuthorize>();
  private readonly codes = new Map<string, IssuedCode>();
  accessTokenTtlSeconds = 3600;

  constructor(private readonly ctx: SandboxContext) {}

  private signingKey() {
    this.keys ??= generateKeyPair('RS256', { extractable: true }).then(async ({ privateKey, publicKey }) => ({
      privateKey,
      jwk: { ...(await exportJWK(publicKey)), kid: random().slice(0, 12), alg: 'RS256', use: 'sig' },
    }));
    return this.keys;
  }

  private app(clientId: unknown): OAuthApp | undefined {
    return this.ctx.state.oauth().apps.find((a) => a.clientId === clientId);
  }

  /** The issuer is the URL the caller reached us at (the sandbox listens on any port). */
  private issuer(req: Request): string {
    return `${req.protocol}://${req.get('host')}`;
  }

  async idToken(req: Request, clientId: string, userId: string, shop: ShopData, nonce?: string): Promise<string> {
    const user = DEMO_USERS.find((u) => u.id === userId)!;
    const { privateKey, jwk } = await this.signingKey();
    return new SignJWT({ nonce, orgid: String(shop.shop.id), orgname: shop.shop.name, role: [...user.role], email: user.email, name: user.name, id: user.id })
      .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' })
      .setIssuer(this.issuer(req))
      .setAudience(clientId)
      .setSubject(user.id)
      .setIssuedAt()
      .setExpirationTime(`${ID_TOKEN_TTL_SECONDS}s`)
      .sign(privateKey);
  }

  router(): Router {
    const r = express.Router();
    const form = express.urlencoded({ extended: false });

    r.get('/.well-known/openid-configuration', (req, res) => {
      const iss = this.issuer(req);
      res.json({
        issuer: iss,
        authorization_endpoint: `${iss}/connect/authorize`,
        token_endpoint: `${iss}/connect/token`,
        userinfo_endpoint: `${iss}/connect/userinfo`,
        jwks_uri: `${iss}/.well-known/openid-configuration/jwks`,
        response_modes_supported: ['form_post'],
        response_types_supported: ['code id_token', 'code'],
        id_token_signing_alg_values_supported: ['RS256'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
      });
    });
    r.get('/.well-known/openid-configuration/jwks', async (_req, res) => {
      res.json({ keys: [(await this.signingKey()).jwk] });
    });

    r.get('/connect/authorize', (req, res) => {
      const q = req.query as Record<string, string | undefined>;
      const app = this.app(q.client_id);
      // An unknown client or redirect URI is shown, never redirected to (the URI is not trusted).
      if (!app) return void res.status(400).type('html').send('<h1>invalid_client</h1>');
      if (!q.redirect_uri || !app.redirectUris.includes(q.redirect_uri)) return void res.status(400).type('html').send('<h1>invalid_request: redirect_uri is not registered</h1>');
      if (q.response_mode !== 'form_post' || !(q.response_type ?? '').split(' ').includes('code')) return void res.status(400).type('html').send('<h1>unsupported_response_type</h1>');
      const orgId = q.orgid ? Number(q.orgid) : undefined;
      const id = random();
      this.pending.set(id, { clientId: app.clientId, redirectUri: q.redirect_uri, scopes: (q.scope ?? '').split(/\s+/).filter(Boolean), nonce: q.nonce, state: q.state, orgId });
      const shops = this.ctx.state.shops().filter((s) => orgId === undefined || s.shop.id === orgId);
      res.type('html').send(authorizePage(id, app.clientId, this.pending.get(id)!.scopes, shops));
    });

    r.post('/connect/authorize/decision', form, async (req, res) => {
      const b = req.body as Record<string, string | undefined>;
      const p = b.request ? this.pending.get(b.request) : undefined;
      if (!p) return void res.status(400).type('html').send('<h1>invalid_request: unknown or used authorize request</h1>');
      this.pending.delete(b.request!);
      const user = DEMO_USERS.find((u) => u.id === b.user);
      const shop = this.ctx.state.shopById(Number(b.shop ?? p.orgId));
      const answer = (fields: Record<string, string | undefined>) => res.type('html').send(formPost(p.redirectUri, { ...fields, state: p.state }));
      if (b.decision !== 'grant' || !user || !shop) return void answer({ error: 'access_denied', error_description: 'The user denied the request' });
      if (p.scopes.some((s) => OWNER_ONLY_SCOPES.includes(s)) && !user.role.includes('admin' as never)) {
        return void answer({ error: 'access_denied', error_description: 'Only the shop owner can grant these scopes' });
      }
      const code = random();
      this.codes.set(code, { ...p, userId: user.id, shopId: shop.shop.id, expiresAt: Date.now() + CODE_TTL_MS });
      answer({ code, id_token: await this.idToken(req, p.clientId, user.id, shop, p.nonce), scope: p.scopes.join(' '), session_state: random() });
    });

    r.post('/connect/token', form, async (req, res) => {
      const b = req.body as Record<string, string | undefined>;
      const [basicId, basicSecret] = Buffer.from((req.get('authorization') ?? '').replace(/^Basic\s+/i, ''), 'base64').toString().split(':');
      const app = this.app(b.client_id ?? basicId);
      if (!app || app.clientSecret !== (b.client_secret ?? basicSecret)) return void res.status(401).json({ error: 'invalid_client' });
      const invalid = () => res.status(400).json({ error: 'invalid_grant' });
      if (b.grant_type === 'authorization_code') {
        const c = b.code ? this.codes.get(b.code) : undefined;
        if (c) this.codes.delete(b.code!);
        if (!c || c.expiresAt < Date.now() || c.clientId !== app.clientId || c.redirectUri !== b.redirect_uri) return void invalid();
        const shop = this.ctx.state.shopById(c.shopId);
        if (!shop) return void invalid();
        return void res.json(await this.tokenAnswer(req, app, shop, c.userId, c.scopes, c.nonce));
      }
      if (b.grant_type === 'refresh_token') {
        const tokens = this.ctx.state.oauth().tokens;
        const i = tokens.findIndex((t) => t.kind === 'refresh' && t.token === b.refresh_token && t.clientId === app.clientId);
        const shop = i >= 0 ? this.ctx.state.shopById(tokens[i].shopId) : undefined;
        if (i < 0 || !shop) return void invalid();
        const [old] = tokens.splice(i, 1);
        return void res.json(await this.tokenAnswer(req, app, shop, old.userId, old.scopes));
      }
      res.status(400).json({ error: 'unsupported_grant_type' });
    });

    r.get('/connect/userinfo', (req, res) => {
      const t = this.liveToken(req);
      if (!t) return void res.status(401).set('WWW-Authenticate', 'Bearer error="invalid_token"').end();
      const user = DEMO_USERS.find((u) => u.id === t.userId)!;
      const shop = this.ctx.state.shopById(t.shopId);
      res.json({ sub: user.id, name: user.name, email: user.email, role: user.role, orgid: String(t.shopId), orgname: shop?.shop.name });
    });

    r.all('/api/subscribe', (req, res) => {
      const t = this.liveToken(req);
      if (!t) return void res.status(401).json({ error: 'Unauthorized' });
      if (!t.scopes.includes('wh_api')) return void res.status(403).json({ error: 'The access token lacks the wh_api scope' });
      const shop = this.ctx.state.shopById(t.shopId)!;
      const app = this.app(t.clientId)!;
      const mine = () => shop.webhooks.filter((w) => w.clientId === app.clientId);
      if (req.method === 'POST') {
        if (!app.webhookUrl) return void res.status(422).json({ error: 'The app has no webhook callback URL registered' });
        if (mine().length === 0) shop.webhooks.push({ id: this.ctx.state.newId(), url: app.webhookUrl, secret: app.clientSecret, topics: app.topics ?? ['*'], created_at: this.ctx.state.now(), clientId: app.clientId });
      } else if (req.method === 'DELETE') {
        shop.webhooks = shop.webhooks.filter((w) => w.clientId !== app.clientId);
      } else if (req.method !== 'GET') {
        return void res.status(405).end();
      }
      res.json({ error: false, data: mine().map((w) => ({ id: w.id, url: w.url, topics: w.topics })) });
    });
    return r;
  }

  /** `/_sandbox` routes: apps, token lifetime, revoking a shop's refresh tokens, the merchant uninstalling. */
  controlRouter(): Router {
    const r = express.Router();
    r.use(express.json());
    const { state } = this.ctx;
    r.post('/apps', (req, res) => {
      const parsed = AppSchema.safeParse(req.body);
      if (!parsed.success) return void res.status(400).json({ errors: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
      const apps = state.oauth().apps;
      state.oauth().apps = [...apps.filter((a) => a.clientId !== parsed.data.clientId), parsed.data];
      res.status(201).json({ app: { clientId: parsed.data.clientId } });
    });
    r.put('/accounts/settings', (req, res) => {
      const ttl = Number(req.body?.accessTokenTtlSeconds);
      if (!Number.isInteger(ttl) || ttl < 1) return void res.status(400).json({ errors: 'accessTokenTtlSeconds: a positive integer' });
      this.accessTokenTtlSeconds = ttl;
      res.json({ accessTokenTtlSeconds: ttl });
    });
    r.get('/shops/:shopId/tokens', (req, res) => {
      const shopId = Number(req.params.shopId);
      res.json({ tokens: state.oauth().tokens.filter((t) => t.shopId === shopId).map(({ token: _t, ...rest }) => rest) });
    });
    r.post('/shops/:shopId/revoke-refresh-tokens', (req, res) => {
      const shopId = Number(req.params.shopId);
      const o = state.oauth();
      const before = o.tokens.length;
      o.tokens = o.tokens.filter((t) => !(t.shopId === shopId && t.kind === 'refresh'));
      res.json({ revoked: before - o.tokens.length });
    });
    r.post('/shops/:shopId/uninstall', (req, res) => {
      const shop = state.shopById(Number(req.params.shopId));
      const app = this.app(req.body?.clientId);
      if (!shop || !app) return void res.status(404).json({ errors: 'shop or app not found' });
      const o = state.oauth();
      o.tokens = o.tokens.filter((t) => !(t.shopId === shop.shop.id && t.clientId === app.clientId));
      // The app hears of it on its own subscription, which then goes away with the install.
      this.ctx.webhooks.emit({ ...shop, webhooks: shop.webhooks.filter((w) => w.clientId === app.clientId) }, 'app/uninstalled', { org_id: shop.shop.id, client_id: app.clientId });
      shop.webhooks = shop.webhooks.filter((w) => w.clientId !== app.clientId);
      res.json({});
    });
    return r;
  }

  private liveToken(req: Request): IssuedToken | undefined {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    const t = m ? this.ctx.state.oauth().tokens.find((x) => x.kind === 'access' && x.token === m[1]) : undefined;
    return t && (t.expiresAt ?? Infinity) > Date.now() ? t : undefined;
  }

  private async tokenAnswer(req: Request, app: OAuthApp, shop: ShopData, userId: string, scopes: string[], nonce?: string) {
    const o = this.ctx.state.oauth();
    const base = { clientId: app.clientId, shopId: shop.shop.id, userId, scopes };
    const access: IssuedToken = { ...base, token: random(), kind: 'access', expiresAt: Date.now() + this.accessTokenTtlSeconds * 1000 };
    o.tokens.push(access);
    let refresh: IssuedToken | undefined;
    if (scopes.includes('offline_access')) {
      refresh = { ...base, token: random(), kind: 'refresh' };
      o.tokens.push(refresh);
    }
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: this.accessTokenTtlSeconds,
      refresh_token: refresh?.token,
      id_token: await this.idToken(req, app.clientId, userId, shop, nonce),
      scope: scopes.join(' '),
    };
  }
}

function authorizePage(requestId: string, clientId: string, scopes: string[], shops: ShopData[]): string {
  const users = DEMO_USERS.map((u, i) => `<label><input type="radio" name="user" value="${u.id}"${i === 0 ? ' checked' : ''} data-testid="user-${u.role[0]}"> ${escape(u.name)} (${escape(u.email)}, ${u.role.join(', ')})</label><br>`).join('');
  const options = shops.map((s) => `<option value="${s.shop.id}">${escape(s.shop.name)} (${s.shop.id})</option>`).join('');
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Haravan accounts (sandbox)</title></head><body>
<h1>Haravan (sandbox)</h1><p>Ứng dụng <b>${escape(clientId)}</b> yêu cầu quyền / asks for: <code>${escape(scopes.join(' '))}</code></p>
<form method="post" action="/connect/authorize/decision"><input type="hidden" name="request" value="${requestId}">
${users}<p><select name="shop" data-testid="shop">${options}</select></p>
<button type="submit" name="decision" value="grant" data-testid="grant">Cho phép / Grant</button>
<button type="submit" name="decision" value="deny" data-testid="deny">Từ chối / Deny</button></form></body></html>`;
}

/** `response_mode=form_post`: a page whose form posts the fields to the redirect URI by itself. */
function formPost(action: string, fields: Record<string, string | undefined>): string {
  const inputs = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v!)}">`)
    .join('');
  return `<!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="${escape(action)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form></body></html>`;
}
