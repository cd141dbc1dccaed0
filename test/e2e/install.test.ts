/**
 * The Haravan app install end to end over HTTP (test/helpers/install.ts plays the browser; the service is named
 * `localhost` in PUBLIC_URL, the sandbox's accounts server `127.0.0.1`), against the real worker and the sandboxes:
 *  - a grant stores the tokens sealed, subscribes the shop's webhooks, and signs the owner in (a session of that shop);
 *  - the install `state` is bound to the browser that started it and used once (no cookie → refused, replay → refused);
 *  - the access token is refreshed before it expires and the connection keeps reading Haravan with the new one; a
 *    refresh Haravan refuses puts the connection in attention with HARAVAN_TOKEN_REFRESH_FAILED;
 *  - the `app/uninstalled` webhook disconnects the shop and forgets its tokens; installing again starts clean.
 * The browser side (cross-site cookies, the dashboard, deny/non-admin pages, tenancy) is browser-install.test.ts.
 */
import { SESSION_COOKIE } from '../../domain/session';
import { connectionWorkflowId } from '../../workflows/ids';
import { installOverHttp, sandboxControl, type InstallOutcome } from '../helpers/install';
import { seedDemoShop, type SeededShop } from '../helpers/seed';
import { eventually, startStack, type TestStack } from '../helpers/stack';

jest.setTimeout(300_000);

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ haravanApp: true });
});
afterAll(async () => {
  await stack?.stop();
});

/** A call as the signed-in merchant's browser makes it: the session cookie, and the CSRF token on a change. */
async function asMerchant(out: InstallOutcome, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const cookie = `${SESSION_COOKIE}=${out.cookies[SESSION_COOKIE]}`;
  const headers: Record<string, string> = { Cookie: cookie, 'Content-Type': 'application/json' };
  if (method !== 'GET') {
    const s = await fetch(`${stack.apiUrl}/v1/session`, { headers: { Cookie: cookie } });
    headers['X-CSRF-Token'] = ((await s.json()) as { csrfToken: string }).csrfToken;
  }
  const res = await fetch(`${stack.apiUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const connId = (s: SeededShop) => `conn-${s.shopId}`;

async function installed(shop: SeededShop): Promise<InstallOutcome> {
  const out = await installOverHttp(stack, shop.shopId);
  expect(out.status).toBe(302);
  expect(out.location).toBe('/app');
  return out;
}

/** Connect an installed shop as its merchant: only the Tiki side. */
async function connectTikiOnly(out: InstallOutcome, shop: SeededShop): Promise<void> {
  const res = await asMerchant(out, 'POST', '/v1/connections', { shopId: shop.shopId, tiki: { clientId: shop.tiki.clientId, clientSecret: shop.tiki.clientSecret } });
  expect(res.status).toBe(201);
  await eventually(async () => (await stack.api('GET', `/v1/connections/${connId(shop)}`)).body.state === 'connected', 60_000);
}

const setTokenLifetime = (seconds: number) => sandboxControl(stack, 'PUT', '/accounts/settings', { accessTokenTtlSeconds: seconds });

test('a grant stores the tokens sealed, subscribes the webhooks and signs the owner in to that shop only', async () => {
  const shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 3 });
  const out = await installed(shop);

  const session = await asMerchant(out, 'GET', '/v1/session');
  expect(session.status).toBe(200);
  expect(session.body.shopId).toBe(shop.shopId);

  const inst = await stack.store.getInstallation(shop.shopId);
  expect(inst?.status).toBe('installed');
  const tokens = await stack.store.loadInstallationTokens(shop.shopId);
  expect(tokens?.accessToken).toBeTruthy();
  expect(tokens?.refreshToken).toBeTruthy();
  const [row] = await stack.store.db.query<Record<string, unknown>>('SELECT * FROM installations WHERE shop_id = $1', [shop.shopId]);
  const stored = JSON.stringify(row);
  expect(stored).not.toContain(tokens!.accessToken);
  expect(stored).not.toContain(tokens!.refreshToken!);

  // Subscribed with the app's own token: the sandbox lists the shop's webhooks to our callback.
  const { webhooks } = await sandboxControl(stack, 'GET', `/shops/${shop.shopId}/webhooks`);
  expect(JSON.stringify(webhooks)).toContain(`${stack.apiUrl}/webhooks/haravan`);

  // A connect without the Haravan side works for the installed shop only.
  const other = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 2, seed: 5 });
  const refused = await stack.api('POST', '/v1/connections', { shopId: other.shopId, tiki: { clientId: other.tiki.clientId, clientSecret: other.tiki.clientSecret } });
  expect(refused.status).toBe(422);
  expect(refused.body.error.code).toBe('NOT_INSTALLED');
  // The merchant's session may not name another shop.
  const foreign = await asMerchant(out, 'POST', '/v1/connections', { shopId: other.shopId, tiki: { clientId: other.tiki.clientId, clientSecret: other.tiki.clientSecret } });
  expect(foreign.status).toBe(404);
});

test('the install state is bound to the browser that started it and works once', async () => {
  const shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 2, seed: 7 });
  // A callback from a browser that did not start the install (login CSRF): refused, nothing stored.
  const stranger = await installOverHttp(stack, shop.shopId, { withoutCookies: true });
  expect(stranger.code).toBe('INSTALL_STATE_INVALID');
  expect(stranger.cookies[SESSION_COOKIE]).toBeUndefined();
  expect(await stack.store.getInstallation(shop.shopId)).toBeNull();

  // The real install, then its last callback posted again: the state is spent.
  const out = await installed(shop);
  const replay = await out.replayLastCallback();
  expect(replay.status).not.toBe(302);
  expect(replay.code).toBe('INSTALL_STATE_INVALID');
});

test('the access token is renewed before it expires; a refused refresh puts the connection in attention', async () => {
  // Short-lived access tokens: the refresh falls due seconds after the install (domain/haravan-app.ts refreshDueAt).
  await setTokenLifetime(12);
  try {
    const shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 3, seed: 9 });
    const out = await installed(shop);
    await connectTikiOnly(out, shop);
    const first = (await stack.store.loadInstallationTokens(shop.shopId))!;
    const firstExpiry = Date.parse((await stack.store.getInstallation(shop.shopId))!.expiresAt);

    // Renewed before the first token expired, and again after; the rotated refresh token is stored too.
    const renewed = await eventually(async () => {
      const t = await stack.store.loadInstallationTokens(shop.shopId);
      return t && t.accessToken !== first.accessToken ? t : undefined;
    }, 30_000, 250);
    expect(Date.now()).toBeLessThan(firstExpiry + 2_000);
    expect(renewed.refreshToken).not.toBe(first.refreshToken);
    await eventually(async () => (await stack.store.loadInstallationTokens(shop.shopId))!.accessToken !== renewed.accessToken, 30_000, 250);

    // Well past the first token's lifetime the connection still reads Haravan (a dry link run reads the catalogue).
    await new Promise((r) => setTimeout(r, Math.max(0, firstExpiry + 1_000 - Date.now())));
    const run = await stack.api('POST', `/v1/connections/${connId(shop)}/link-runs`, { all: true, dryRun: true });
    expect(run.status).toBeLessThan(300);
    const done = await eventually(async () => {
      const r = (await stack.api('GET', `/v1/connections/${connId(shop)}/link-runs/${run.body.runId}`)).body;
      return r.state === 'completed' || r.state === 'failed' ? r : undefined;
    }, 60_000);
    expect(done.state).toBe('completed');
    expect((await stack.api('GET', `/v1/connections/${connId(shop)}`)).body).toMatchObject({ state: 'connected' });

    // Haravan refuses the next refresh (the grant was revoked): attention, with the reason in both languages.
    await sandboxControl(stack, 'POST', `/shops/${shop.shopId}/revoke-refresh-tokens`);
    const conn = await eventually(async () => {
      const c = (await stack.api('GET', `/v1/connections/${connId(shop)}`)).body;
      return c.state === 'attention' ? c : undefined;
    }, 60_000, 250);
    expect(conn.attention.code).toBe('HARAVAN_TOKEN_REFRESH_FAILED');
    expect(conn.attention.messageVi).toBeTruthy();
    expect((await stack.store.getInstallation(shop.shopId))!.status).not.toBe('installed');
  } finally {
    await setTokenLifetime(3600);
  }
});

test('uninstalling disconnects the shop and forgets its tokens; installing again starts clean', async () => {
  const shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 3, seed: 13 });
  const out = await installed(shop);
  await connectTikiOnly(out, shop);

  // The merchant removes the app in Haravan: the sandbox sends app/uninstalled, signed, to our webhook.
  await sandboxControl(stack, 'POST', `/shops/${shop.shopId}/uninstall`, { clientId: stack.haravanApp!.clientId });
  await eventually(async () => (await stack.api('GET', `/v1/connections/${connId(shop)}`)).body.state === 'disconnected', 60_000, 250);
  await eventually(async () => (await stack.client.workflow.getHandle(connectionWorkflowId(shop.shopId)).describe()).status.name === 'COMPLETED', 60_000);
  expect(await stack.store.getInstallation(shop.shopId)).toBeNull();
  expect(await stack.store.loadInstallationTokens(shop.shopId)).toBeNull();
  // The old session's shop is no longer installed: a Tiki-only connect is refused with the reason.
  const again = await asMerchant(out, 'POST', '/v1/connections', { shopId: shop.shopId, tiki: { clientId: shop.tiki.clientId, clientSecret: shop.tiki.clientSecret } });
  expect(again.status).toBe(422);
  expect(again.body.error.code).toBe('NOT_INSTALLED');

  // Installing again starts clean: new tokens, a new session, and a connect that works.
  const fresh = await installed(shop);
  expect(fresh.cookies[SESSION_COOKIE]).not.toBe(out.cookies[SESSION_COOKIE]);
  expect((await stack.store.getInstallation(shop.shopId))?.status).toBe('installed');
  await connectTikiOnly(fresh, shop);
});
