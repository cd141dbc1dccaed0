/**
 * The history drawer of the dashboard (web/components/audit-drawer.ts) in headless Chromium against the real stack:
 * a linked variant's "Lịch sử" button opens the drawer with its entries (summary in Vietnamese, English after the
 * language switch, details expandable), and an imported order's button shows its seen and imported steps.
 */
import type { Page } from 'playwright-core';
import { openBrowserPage, screenshot, type BrowserPage } from '../helpers/browser';
import { eventually, startStack, TestStack } from '../helpers/stack';
import { connectBody, get, post, seedDemoShop, SeededShop } from '../helpers/seed';

declare const sessionStorage: any;

jest.setTimeout(300_000);

let stack: TestStack;
let shop: SeededShop;
let browser: BrowserPage;
let page: Page;
let connId: string;

beforeAll(async () => {
  stack = await startStack();
  shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 6 });
  const c = await stack.api('POST', '/v1/connections', connectBody(shop, stack.haravan.url, stack.tiki.url, { pollIntervalSeconds: 1, orderPollIntervalSeconds: 1 }));
  expect(c.status).toBe(201);
  connId = c.body.id;
  const run = await stack.api('POST', `/v1/connections/${connId}/link-runs`, { all: true });
  await eventually(async () => (await stack.api('GET', `/v1/connections/${connId}/link-runs/${run.body.runId}`)).body.state === 'completed', 120_000);
  browser = await openBrowserPage('audit', { width: 1280, height: 900 });
  page = browser.page;
  await page.addInitScript((t: string) => sessionStorage.setItem('haravan-tiki.token', t), stack.token);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

test('a linked variant’s History button opens the drawer: summary in the chosen language, details on demand', async () => {
  const links = (await stack.api('GET', `/v1/connections/${connId}/links?limit=250`)).body.items as { haravanVariantId: number }[];
  expect(links.length).toBeGreaterThan(0);
  // A variant whose first push (or "already holds") is recorded.
  const variantId = await eventually(async () => {
    for (const l of links) if ((await stack.api('GET', `/v1/connections/${connId}/links/${l.haravanVariantId}/history`)).body.total > 0) return l.haravanVariantId;
    return undefined;
  }, 60_000, 500);
  const want = (await stack.api('GET', `/v1/connections/${connId}/links/${variantId}/history`)).body;
  await page.goto(`${stack.apiUrl}/app#${encodeURIComponent(connId)}`);
  await page.getByTestId('tab-link').click();
  await page.getByTestId(`link-${variantId}`).getByTestId('history-button').click();
  const drawer = page.getByTestId('audit-drawer');
  await drawer.waitFor();
  expect(await drawer.getAttribute('data-subject')).toBe(`variant:${variantId}`);
  await page.locator(`[data-testid=audit-drawer][data-total="${want.total}"]`).waitFor();
  const entries = drawer.getByTestId('audit-entry');
  expect(await entries.count()).toBe(want.items.length);
  expect(await entries.first().getAttribute('data-kind')).toBe(want.items[0].kind);
  expect(await entries.first().getByTestId('audit-summary').innerText()).toBe(want.items[0].summaryVi);
  expect(await entries.first().getByTestId('audit-details').count()).toBe(0);
  await entries.first().getByTestId('audit-details-toggle').click();
  expect(await entries.first().getByTestId('audit-details').innerText()).toContain('"explanation"');
  await screenshot(page, 'audit-drawer-link');
  await drawer.getByTestId('audit-close').click();
  await drawer.waitFor({ state: 'detached' });
  // English: the same entry in English.
  await page.getByTestId('lang-switch').click();
  await page.getByTestId(`link-${variantId}`).getByTestId('history-button').click();
  await page.getByTestId('audit-drawer').getByTestId('audit-entry').first().waitFor();
  expect(await page.getByTestId('audit-entry').first().getByTestId('audit-summary').innerText()).toBe(want.items[0].summary);
  await page.keyboard.press('Escape');
  await page.getByTestId('audit-drawer').waitFor({ state: 'detached' });
});

test('an imported order’s History button lists its seen and imported steps', async () => {
  const links = (await stack.api('GET', `/v1/connections/${connId}/links?limit=250`)).body.items as { barcode: string }[];
  let code = '';
  for (const l of links) {
    const sku = await get(`${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/skus/${encodeURIComponent(l.barcode)}`);
    if (sku.totals.sellable >= 1) {
      code = String((await post(`${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/orders`, { items: [{ original_sku: l.barcode, qty: 1 }], customer: { full_name: 'Nguyễn Văn An', phone: '0901234567' } })).code);
      break;
    }
  }
  expect(code).not.toBe('');
  await eventually(async () => (await stack.api('GET', `/v1/connections/${connId}/orders/${code}`)).body?.haravanOrderId, 120_000);
  await eventually(async () => (await stack.api('GET', `/v1/connections/${connId}/orders/${code}/history`)).body.items.some((e: any) => e.kind === 'order-imported'), 30_000);
  await page.getByTestId('tab-orders').click();
  await page.getByTestId(`order-${code}`).getByTestId('history-button').click();
  const drawer = page.getByTestId('audit-drawer');
  await drawer.locator('[data-testid=audit-entry][data-kind=order-imported]').waitFor();
  const kinds = await drawer.getByTestId('audit-entry').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
  // Newest first: imported above seen.
  expect(kinds.indexOf('order-imported')).toBeLessThan(kinds.indexOf('order-seen'));
  expect(kinds.indexOf('order-seen')).toBeGreaterThan(-1);
  await screenshot(page, 'audit-drawer-order');
  expect(await drawer.locator('[data-testid=audit-entry][data-kind=order-imported]').getByTestId('audit-summary').innerText()).toMatch(/^Imported into Haravan \(order \d+\)$/);
});
