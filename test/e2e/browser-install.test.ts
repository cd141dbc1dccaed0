/**
 * The Haravan app install in real headless Chromium, the service on `localhost` and the Haravan sandbox (its accounts
 * server) on `127.0.0.1` — two sites, so the callbacks arrive as cross-site form POSTs as they do from the real
 * accounts.haravan.com (the install's state cookie must be `SameSite=None; Secure` for it to work at all):
 *  - the owner installs (grant twice: sign-in, then the install scopes) → lands on the dashboard of their shop,
 *    signed in, no token pasted → connects with only the Tiki side → links → a Tiki order appears;
 *  - denying, and a staff member (not admin), end on a clear message in both languages;
 *  - a second shop installed in another browser context sees only itself, and gets 404 for the first shop's data
 *    through its session (dashboard calls and the API alike); a state-changing call without the CSRF token → 403.
 * Screenshots go to test-output/screenshots/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MESSAGES } from '../../domain/messages';
import { launchBrowser, screenshot } from '../helpers/browser';
import { eventually, startStack, TestStack } from '../helpers/stack';
import { get, post, seedDemoShop, SeededShop } from '../helpers/seed';

jest.setTimeout(300_000);


let stack: TestStack;
let shopA: SeededShop;
let shopB: SeededShop;
let browser: Browser;
const contexts: BrowserContext[] = [];
const conn = (s: SeededShop) => `conn-${s.shopId}`;

beforeAll(async () => {
  stack = await startStack({ haravanApp: true });
  shopA = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 8 });
  shopB = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 6, seed: 11 });
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const c of contexts) {
    for (const p of c.pages()) await p.goto('about:blank').catch(() => undefined); // stop the dashboards' polling
    await c.close().catch(() => undefined);
  }
  await browser?.close();
  await stack?.stop();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

const installUrl = (s: SeededShop) => `${stack.haravanApp!.publicUrl}/install?orgid=${s.shopId}`;

/** The sandbox's authorize page: pick the user and the decision (both passes of an install look alike). */
async function decide(page: Page, user: 'admin' | 'staff', decision: 'grant' | 'deny'): Promise<void> {
  await page.waitForURL((u) => u.origin === new URL(stack.haravan.url).origin && u.pathname === '/connect/authorize');
  await page.getByTestId(`user-${user}`).check();
  await page.getByTestId(decision).click();
}

/** A whole install by the owner: sign-in pass, install pass, then the dashboard of the shop. */
async function install(page: Page, s: SeededShop): Promise<void> {
  await page.goto(installUrl(s));
  await decide(page, 'admin', 'grant');
  await decide(page, 'admin', 'grant');
  await page.waitForURL(`${stack.haravanApp!.publicUrl}/app**`);
  await page.getByTestId('signed-in-shop').waitFor();
  expect(await page.getByTestId('signed-in-shop').innerText()).toContain(String(s.shopId));
}

/** A request from the page itself (its cookies, its origin), as the dashboard would send it. */
async function fromPage(page: Page, method: string, url: string, opts: { csrf?: boolean; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  return page.evaluate(
    async ({ method, url, csrf, body }) => {
      const g = globalThis as any;
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (csrf) headers['X-CSRF-Token'] = (await (await g.fetch('/v1/session')).json()).csrfToken;
      const res = await g.fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status as number, body: text ? JSON.parse(text) : undefined };
    },
    { method, url, csrf: opts.csrf ?? false, body: opts.body },
  );
}

test('the owner installs, connects with only the Tiki key, links, and a Tiki order appears', async () => {
  const page = await newPage();
  await page.goto(installUrl(shopA));
  await decide(page, 'admin', 'grant');
  await screenshot(page, 'install-01-authorize');
  await decide(page, 'admin', 'grant');
  await page.waitForURL(`${stack.haravanApp!.publicUrl}/app**`);
  await page.getByTestId('signed-in-shop').waitFor();
  expect(await page.getByTestId('token-gate').count()).toBe(0);
  const installed = await stack.api('GET', `/v1/connections`);
  expect(installed.body.items.map((c: { id: string }) => c.id)).not.toContain(conn(shopA)); // installed, not yet connected

  // The connect form of an installed shop: the Tiki side only.
  const form = page.locator('[data-testid=connect-form] form[data-mode=merchant]');
  await form.waitFor();
  expect(await page.getByTestId('connect-haravanToken').count()).toBe(0);
  expect(await page.getByTestId('connect-haravanBaseUrl').count()).toBe(0);
  expect(await page.getByTestId('connect-tikiBaseUrl').count()).toBe(0);
  await screenshot(page, 'install-02-connect-tiki');
  await page.getByTestId('connect-tikiClientId').fill(shopA.tiki.clientId);
  await page.getByTestId('connect-tikiClientSecret').fill(shopA.tiki.clientSecret);
  await page.getByTestId('connect-submit').click();
  await page.locator(`[data-testid=connection][data-connection-id=${conn(shopA)}][data-state=connected]`).waitFor({ timeout: 60_000 });
  expect(await page.getByTestId('new-connection').count()).toBe(0); // one shop, no picker of others

  await page.getByTestId('tab-link').click();
  await page.getByTestId('link-run').click();
  await page.locator('[data-testid=link-run-status][data-dry-run=false][data-state=completed]').waitFor({ timeout: 90_000 });
  expect(Number(await page.getByTestId('run-linked').innerText())).toBeGreaterThan(0);

  const links = (await stack.api('GET', `/v1/connections/${conn(shopA)}/links?limit=250`)).body.items as { barcode: string }[];
  let code: string | undefined;
  for (const l of links) {
    const sku = await get(`${stack.tiki.url}/_sandbox/sellers/${shopA.tiki.sellerId}/skus/${encodeURIComponent(l.barcode)}`);
    if (sku.totals.sellable < 1) continue;
    code = String((await post(`${stack.tiki.url}/_sandbox/sellers/${shopA.tiki.sellerId}/orders`, { items: [{ original_sku: l.barcode, qty: 1 }], customer: { full_name: 'Trần Thị Bình', phone: '0912 345 678' } })).code);
    break;
  }
  expect(code).toBeDefined();
  await page.getByTestId('tab-orders').click();
  await page.getByTestId(`order-${code}`).waitFor({ timeout: 90_000 });
  await screenshot(page, 'install-03-order');
  // The order really is in Haravan, created with the installation's token.
  const order = await eventually(async () => (await stack.api('GET', `/v1/connections/${conn(shopA)}/orders/${code}`)).body.haravanOrderId, 60_000);
  expect(order).toBeTruthy();
});

test('denying the app, and a staff member trying to install, end on a clear message', async () => {
  const page = await newPage();
  await page.goto(installUrl(shopB));
  await decide(page, 'admin', 'deny');
  await page.locator('[data-testid=install-error][data-code=INSTALL_DENIED]').waitFor();
  expect(await page.locator('[data-testid=install-error] p[lang=vi]').innerText()).toBe(MESSAGES.INSTALL_DENIED.vi);
  expect(await page.locator('[data-testid=install-error] p[lang=en]').innerText()).toBe(MESSAGES.INSTALL_DENIED.en);
  await screenshot(page, 'install-04-denied');

  await page.getByTestId('install-again').click();
  await decide(page, 'staff', 'grant');
  await page.locator('[data-testid=install-error][data-code=INSTALL_NOT_ADMIN]').waitFor();
  expect(await page.locator('[data-testid=install-error] p[lang=vi]').innerText()).toBe(MESSAGES.INSTALL_NOT_ADMIN.vi);
  await screenshot(page, 'install-05-not-admin');
  // Neither left a session behind.
  expect((await fromPage(page, 'GET', '/v1/session')).status).toBe(401);
});

test("a second shop's session sees only itself: the first shop's data → 404, and no CSRF token → 403", async () => {
  const page = await newPage();
  await install(page, shopB);
  // Its dashboard lists no connection of the first shop (the picker is not shown until it connects; the API says so).
  const list = await fromPage(page, 'GET', '/v1/connections');
  expect(list.status).toBe(200);
  expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(conn(shopA));

  const missing = await fromPage(page, 'GET', '/v1/connections/conn-1');
  expect(missing.status).toBe(404);
  const codeA = (await stack.api('GET', `/v1/connections/${conn(shopA)}/orders`)).body.items[0]?.tikiCode as string;
  expect(codeA).toBeTruthy();
  for (const p of [`/v1/connections/${conn(shopA)}`, `/v1/connections/${conn(shopA)}/orders`, `/v1/connections/${conn(shopA)}/orders/${codeA}`, `/v1/connections/${conn(shopA)}/links`, `/v1/connections/${conn(shopA)}/sync-errors`]) {
    const r = await fromPage(page, 'GET', p);
    expect({ p, status: r.status, error: r.body?.error }).toEqual({ p, status: 404, error: { ...missing.body.error, message: missing.body.error.message.replace('conn-1', conn(shopA)) } });
  }
  // Changing the first shop with a valid CSRF token is still a 404, and changes nothing.
  const before = (await stack.api('GET', `/v1/connections/${conn(shopA)}`)).body.config;
  expect((await fromPage(page, 'PATCH', `/v1/connections/${conn(shopA)}/config`, { csrf: true, body: { safetyStock: 9 } })).status).toBe(404);
  expect((await stack.api('GET', `/v1/connections/${conn(shopA)}`)).body.config).toEqual(before);

  // Its own shop: without the CSRF token a change is refused before anything happens; with it, it goes through.
  const noCsrf = await fromPage(page, 'POST', '/v1/connections', { body: { shopId: shopB.shopId, tiki: { clientId: shopB.tiki.clientId, clientSecret: shopB.tiki.clientSecret } } });
  expect({ status: noCsrf.status, code: noCsrf.body?.error?.code }).toEqual({ status: 403, code: 'CSRF_FAILED' });
  expect((await stack.api('GET', '/v1/connections')).body.items.map((c: { id: string }) => c.id)).not.toContain(conn(shopB));
  const withCsrf = await fromPage(page, 'POST', '/v1/connections', { csrf: true, body: { shopId: shopB.shopId, tiki: { clientId: shopB.tiki.clientId, clientSecret: shopB.tiki.clientSecret } } });
  expect({ status: withCsrf.status, state: withCsrf.body?.state }).toEqual({ status: 201, state: 'connected' });
  await page.reload();
  await page.locator(`[data-testid=connection][data-connection-id=${conn(shopB)}]`).waitFor({ timeout: 60_000 });
  const options = await page.locator('[data-testid=connection-select] option').allInnerTexts();
  expect(options.every((o) => o.startsWith(String(shopB.shopId)))).toBe(true);
  await screenshot(page, 'install-06-second-shop');
});
