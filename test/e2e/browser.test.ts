/**
 * The merchant dashboard (/app) in real headless Chromium against the real stack (Temporal dev server, worker,
 * API, sandboxes with a seeded demo shop): sign in with the token, connect (a wrong Tiki secret first), preview
 * and run product linking, read and filter sync errors in both languages, change settings (an invalid value
 * shows the API's field-level issue and changes nothing), act on Tiki orders placed through the sandbox
 * (print label opens the label, ready to ship, cancel with confirmation; the selection bar confirms many orders in
 * one job and prints their labels as one PDF) and disconnect with confirmation.
 * Screenshots go to test-output/screenshots/.
 */
import fs from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { PDFDocument } from 'pdf-lib';
import { MESSAGES } from '../../domain/messages';
import { openBrowserPage, screenshot, type BrowserPage } from '../helpers/browser';
import { startStack, TestStack } from '../helpers/stack';
import { get, post, seedDemoShop, SeededShop } from '../helpers/seed';

// Callbacks of page.evaluate / waitForFunction run in the page (the project's lib has no DOM types).
declare const document: any;
declare const sessionStorage: any;

jest.setTimeout(240_000);

let stack: TestStack;
let shop: SeededShop;
let browser: BrowserPage;
let context: BrowserContext;
let page: Page;
const connId = () => `conn-${shop.shopId}`;

const shot = (name: string) => screenshot(page, name);

beforeAll(async () => {
  stack = await startStack();
  shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 20 });
  browser = await openBrowserPage('dash', { width: 1280, height: 900 });
  ({ context, page } = browser);
});

afterAll(async () => {
  // Stop the page's polling before the stack goes away (no request may reach a closed Temporal client).
  await browser?.close();
  await stack?.stop();
});

test('asks for the token, refuses a wrong one, keeps the right one for the session', async () => {
  await page.goto(`${stack.apiUrl}/app`);
  await page.getByTestId('token-gate').waitFor();
  expect(await page.getAttribute('html', 'lang')).toBe('vi');
  await page.getByTestId('token-input').fill('wrong-token');
  await page.getByTestId('token-submit').click();
  await page.locator('[data-testid=token-error][data-code=UNAUTHORIZED]').waitFor();
  expect(await page.getByTestId('token-error').innerText()).toContain(MESSAGES.UNAUTHORIZED.vi);
  await shot('01-token');
  await page.getByTestId('token-input').fill(stack.token);
  await page.getByTestId('token-submit').click();
  await page.getByTestId('connect-form').waitFor();
  expect(await page.evaluate(() => Object.values(sessionStorage))).toContain(stack.token);
  // A reload keeps the session: the form comes back without asking again.
  await page.reload();
  await page.getByTestId('connect-form').waitFor();
});

test('connect: a wrong Tiki secret shows TIKI_AUTH_FAILED; the right credentials connect', async () => {
  const fill = async (secret: string) => {
    await page.getByTestId('connect-shopId').fill(String(shop.shopId));
    await page.getByTestId('connect-haravanToken').fill(shop.accessToken);
    await page.getByTestId('connect-haravanBaseUrl').fill(stack.haravan.url);
    await page.getByTestId('connect-tikiClientId').fill(shop.tiki.clientId);
    await page.getByTestId('connect-tikiClientSecret').fill(secret);
    await page.getByTestId('connect-tikiBaseUrl').fill(stack.tiki.url);
    await page.getByTestId('connect-submit').click();
  };
  // Field-level issues of the API: a shop id that is not a number.
  await page.getByTestId('connect-shopId').fill('abc');
  await page.getByTestId('connect-submit').click();
  await page.locator('[data-testid=connect-error][data-code=VALIDATION_FAILED]').waitFor();
  await page.getByTestId('issue-shopId').waitFor();
  await shot('02-connect-validation');

  await fill('not-the-secret');
  await page.locator('[data-testid=connect-error][data-code=TIKI_AUTH_FAILED]').waitFor();
  expect(await page.getByTestId('connect-error').innerText()).toContain(MESSAGES.TIKI_AUTH_FAILED.vi);
  await shot('03-connect-rejected');
  // The failed attempt left a `failed` record; the form is still there for a second try.
  await fill(shop.tiki.clientSecret);
  await page.locator('[data-testid=connection] [data-testid=state][data-state=connected]').first().waitFor();
  await page.getByTestId('healthy').waitFor();
  const api = await stack.api('GET', `/v1/connections/${connId()}`);
  expect(api.body.state).toBe('connected');
  await shot('04-connected-overview');
});

test('link: a dry run previews and writes nothing, then a real run links and the counts follow', async () => {
  await page.getByTestId('tab-link').click();
  await page.getByTestId('link-dry-run').click();
  await page.locator('[data-testid=link-run-status][data-dry-run=true][data-state=completed]').waitFor();
  await page.getByTestId('dry-run-preview').waitFor();
  const previewRows = await page.locator('[data-testid=dry-run-preview] tbody tr').count();
  expect(previewRows).toBeGreaterThan(0);
  expect(await page.getByTestId('progress').getAttribute('aria-valuenow')).toBe(await page.getByTestId('progress').getAttribute('aria-valuemax'));
  expect((await stack.api('GET', `/v1/connections/${connId()}`)).body.counts.linkedVariants).toBe(0);
  await shot('05-link-dry-run');

  await page.getByTestId('link-run').click();
  await page.locator('[data-testid=link-run-status][data-dry-run=false][data-state=completed]').waitFor();
  const conn = (await stack.api('GET', `/v1/connections/${connId()}`)).body;
  expect(conn.counts.linkedVariants).toBeGreaterThan(0);
  expect(Number(await page.getByTestId('run-linked').innerText())).toBe(conn.counts.linkedVariants);
  await shot('06-link-run');
  await page.getByTestId('tab-overview').click();
  await page.waitForFunction((n) => document.querySelector('[data-testid=count-linkedVariants]')?.textContent?.replace(/\D/g, '') === String(n), conn.counts.linkedVariants);
});

test('sync errors: listed with the Vietnamese message, filtered by code, English on the switch', async () => {
  await page.getByTestId('tab-errors').click();
  await page.getByTestId('errors-table').waitFor();
  const all = (await stack.api('GET', `/v1/connections/${connId()}/sync-errors?limit=250`)).body;
  expect(all.total).toBeGreaterThan(0);
  const codes = [...new Set(all.items.map((e: { code: string }) => e.code))] as string[];
  expect(codes).toContain('MISSING_BARCODE');

  await page.getByTestId('error-code-filter').selectOption('MISSING_BARCODE');
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid=errors-table] tbody tr')];
    return rows.length > 0 && rows.every((r) => r.getAttribute('data-code') === 'MISSING_BARCODE');
  });
  const expected = all.items.filter((e: { code: string }) => e.code === 'MISSING_BARCODE').length;
  expect(await page.locator('[data-testid=errors-table] tbody tr').count()).toBe(Math.min(expected, 25));
  expect(await page.getByTestId('errors-table').innerText()).toContain(MESSAGES.MISSING_BARCODE.vi);
  await shot('07-sync-errors-vi');

  await page.getByTestId('lang-switch').click();
  await page.waitForFunction((en) => document.querySelector('[data-testid=errors-table]')?.textContent?.includes(en), MESSAGES.MISSING_BARCODE.en);
  // The switch re-renders first and sets <html lang> after: wait for it, as for the switch back below.
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  expect(await page.getAttribute('html', 'lang')).toBe('en');
  await shot('08-sync-errors-en');
  await page.getByTestId('lang-switch').click();
  await page.waitForFunction(() => document.documentElement.lang === 'vi');
});

test('settings: an invalid ratio shows the API issue and changes nothing; valid changes are saved', async () => {
  await page.getByTestId('tab-config').click();
  await page.getByTestId('config-form').waitFor();
  await page.getByTestId('cfg-stockRatioPercent').fill('150');
  await page.getByTestId('cfg-save').click();
  await page.locator('[data-testid=config-error][data-code=VALIDATION_FAILED]').waitFor();
  await page.getByTestId('issue-stockRatioPercent').waitFor();
  expect((await stack.api('GET', `/v1/connections/${connId()}`)).body.config.stockRatioPercent).toBe(100);
  await shot('09-config-invalid');

  const locationId = shop.haravanSeed.locations[1].id as number;
  await page.getByTestId('cfg-stockRatioPercent').fill('80');
  await page.getByTestId('cfg-safetyStock').fill('2');
  await page.getByTestId('cfg-syncPrice').uncheck();
  await page.getByTestId('cfg-chosen-locations').check();
  await page.getByTestId(`cfg-location-${locationId}`).check();
  await page.getByTestId('cfg-save').click();
  await page.getByTestId('toast').waitFor();
  const config = (await stack.api('GET', `/v1/connections/${connId()}`)).body.config;
  expect(config).toMatchObject({ stockRatioPercent: 80, safetyStock: 2, syncPrice: false, inventoryLocationIds: [locationId] });
  await shot('10-config-saved');
});

/** A Tiki order for a linked SKU with sellable stock, placed as a customer would (sandbox control API). */
async function placeTikiOrder(): Promise<string> {
  const links = (await stack.api('GET', `/v1/connections/${connId()}/links?limit=250`)).body.items as { barcode: string }[];
  for (const l of links) {
    const sku = await get(`${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/skus/${encodeURIComponent(l.barcode)}`);
    if (sku.totals.sellable >= 1) {
      const order = await post(`${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/orders`, {
        items: [{ original_sku: l.barcode, qty: 1 }],
        customer: { full_name: 'Nguyễn Văn An', phone: '+84 90-123-4567' },
      });
      return String(order.code);
    }
  }
  throw new Error('no linked SKU with sellable stock');
}

test('orders: ready to ship, print label opens the label, cancel after confirmation', async () => {
  const first = await placeTikiOrder();
  const second = await placeTikiOrder();
  await page.getByTestId('tab-orders').click();
  await page.getByTestId(`order-${first}`).waitFor({ timeout: 60_000 });
  await page.getByTestId(`order-${second}`).waitFor({ timeout: 60_000 });
  await shot('11-orders');

  const row = page.getByTestId(`order-${first}`);
  await row.getByTestId('action-ready-to-ship').click();
  await page.locator(`[data-testid=order-${first}][data-status=ready_to_ship]`).waitFor({ timeout: 60_000 });
  expect((await stack.api('GET', `/v1/connections/${connId()}/orders/${first}`)).body.status).toBe('ready_to_ship');

  // "In đơn hàng" opens Tiki's label (here the sandbox's) in a new tab.
  const [popup] = await Promise.all([context.waitForEvent('page'), row.getByTestId('action-print-label').click()]);
  await popup.waitForURL(/\/_sandbox\/labels\//);
  expect(popup.url()).toContain(first);
  await popup.close();
  await page.getByTestId('toast').waitFor();
  expect((await stack.api('GET', `/v1/connections/${connId()}/orders/${first}`)).body.labelUrl).toBeTruthy();

  const other = page.getByTestId(`order-${second}`);
  await other.getByTestId('action-cancel').click();
  await page.getByTestId('cancel-dialog').waitFor();
  await page.getByTestId('cancel-reason').fill('Hết hàng');
  await shot('12-order-cancel-confirm');
  await page.getByTestId('modal-confirm').click();
  await page.locator(`[data-testid=order-${second}][data-status=cancelled]`).waitFor({ timeout: 60_000 });
  const tikiOrder = await get(`${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/orders/${second}`);
  expect(tikiOrder.status).toBe('canceled');
  await shot('13-orders-after-actions');
});

test('orders: the selection bar confirms the ticked orders in one job, then prints their labels as one PDF', async () => {
  const codes = [await placeTikiOrder(), await placeTikiOrder(), await placeTikiOrder()];
  await page.getByTestId('tab-orders').click();
  for (const code of codes) await page.getByTestId(`order-${code}`).waitFor({ timeout: 60_000 });
  await page.getByTestId('batch-select-awaiting').click();
  expect(await page.getByTestId('batch-selection').innerText()).toContain('Tất cả đơn chờ xác nhận');
  await page.getByTestId('batch-clear').click();
  for (const code of codes.slice(0, 2)) await page.getByTestId(`order-${code}`).getByTestId('order-select').check();
  expect(await page.getByTestId('batch-selection').innerText()).toContain('2');
  await shot('13a-orders-selection');

  await page.getByTestId('batch-confirm').click();
  await page.locator('[data-testid=batch-result][data-state=completed]').waitFor({ timeout: 90_000 });
  for (const code of codes.slice(0, 2)) await page.locator(`[data-testid=batch-item-${code}][data-outcome=done]`).waitFor();
  expect((await get(`${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/orders/${codes[2]}`)).items[0].confirmation.status).toBe('waiting');

  // Labels of all three: one PDF, fetched with the token and opened from the bar.
  for (const code of codes) await page.getByTestId(`order-${code}`).getByTestId('order-select').check();
  await page.getByTestId('batch-print-label').click();
  await page.locator('[data-testid=batch-result][data-state=completed]').waitFor({ timeout: 90_000 });
  for (const code of codes) await page.locator(`[data-testid=batch-item-${code}][data-outcome=done]`).waitFor();
  const pdf = page.getByTestId('batch-pdf');
  await pdf.waitFor();
  expect(await pdf.innerText()).toContain('3');
  // The PDF downloads from the bar: one page per label.
  const [download] = await Promise.all([page.waitForEvent('download'), pdf.click()]);
  const doc = await PDFDocument.load(fs.readFileSync((await download.path())!));
  expect(doc.getPageCount()).toBe(3);
  await shot('13b-orders-batch-labels');
});

test('health: revoked Tiki credentials show the attention reason; replaced credentials clear it', async () => {
  await page.getByTestId('tab-overview').click();
  await post(`${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/revoke`, {});
  await page.locator('[data-testid=attention]').waitFor({ timeout: 90_000 });
  const code = await page.getByTestId('attention').getAttribute('data-code');
  expect(code).toMatch(/^TIKI_/);
  expect(await page.getByTestId('attention').innerText()).toContain(MESSAGES.CONNECTION_ATTENTION_TIKI.vi);
  expect((await stack.api('GET', `/v1/connections/${connId()}`)).body.attention.code).toBe(code);
  // The connection picker follows the state too.
  await page.waitForFunction((label) => document.querySelector('[data-testid=connection-select]')?.selectedOptions[0]?.textContent?.includes(label), 'Cần xử lý');
  await shot('14-attention');

  await post(`${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/credentials`, { clientSecret: shop.tiki.clientSecret });
  const replaced = await stack.api('PATCH', `/v1/connections/${connId()}/credentials`, { tiki: { clientId: shop.tiki.clientId, clientSecret: shop.tiki.clientSecret, baseUrl: stack.tiki.url } });
  expect(replaced.status).toBe(200);
  await page.getByTestId('healthy').waitFor({ timeout: 30_000 });
});

test('disconnect asks for confirmation, then the connection goes disconnected', async () => {
  await page.getByTestId('tab-overview').click();
  await page.getByTestId('disconnect').click();
  await page.getByTestId('disconnect-dialog').waitFor();
  await shot('15-disconnect-confirm');
  await page.getByTestId('modal-confirm').click();
  await page.locator('[data-testid=connection][data-state=disconnected]').waitFor({ timeout: 90_000 });
  expect((await stack.api('GET', `/v1/connections/${connId()}`)).body.state).toBe('disconnected');
  await shot('16-disconnected');
});
