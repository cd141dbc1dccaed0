/**
 * The overview charts (issue 19 item 4) from the outside: a shop seeded in the sandboxes, connected and linked over
 * HTTP; a Haravan stock change reaches Tiki, Tiki refuses one write, a Tiki order is imported, a completeness check
 * runs; then `GET /v1/connections/:id/charts` must count exactly those in the buckets of the moments they happened.
 * Bucket boundaries are worked out here from the clock (UTC hours, Vietnam days = UTC+7), not by the service's code.
 */
import { openBrowserPage, screenshot } from '../helpers/browser';
import { eventually, startStack, TestStack } from '../helpers/stack';
import { get, post } from '../helpers/seed';

jest.setTimeout(600_000);

const SHOP = 200_000_919_001;
const SELLER = 919_001;
const TOKEN = 'hrv-token-charts-e2e';
const TIKI = { clientId: 'tiki-client-charts-e2e', clientSecret: 'tiki-secret-charts-e2e' };
const CONN = `conn-${SHOP}`;
const LOCATION = 9191;
const WAREHOUSE = 7191;
const KEYS = ['A', 'B'] as const;
const barcode = (k: string) => `893000919${k.charCodeAt(0)}`;
const variantId = (i: number) => 991_900_000 + i;
const HOUR_S = 3_600;
const DAY_S = 86_400;
const VN_OFFSET_S = 7 * HOUR_S;

let stack: TestStack;
// Callbacks of page.evaluate run in the page (the project's lib has no DOM types).
declare const document: any;
declare const getComputedStyle: any;

interface Series {
  hours: number;
  stockLatency: { t: number[]; p50: (number | null)[]; p95: (number | null)[]; samples: number[] };
  orderLatency: { t: number[]; p50: (number | null)[]; p95: (number | null)[]; samples: number[] };
  ordersPerDay: { t: number[]; imported: number[]; verdict: (string | null)[] };
  writesPerHour: { t: number[]; writes: number[]; rejected: number[] };
}

async function charts(query = ''): Promise<Series> {
  const res = await stack.api('GET', `/v1/connections/${CONN}/charts${query}`);
  expect(res.status).toBe(200);
  return res.body as Series;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
/** The index of the bucket of width `width` (s) holding the instant `atMs`, or -1. */
const bucketOf = (t: number[], width: number, atMs: number) => t.findIndex((start) => start <= atMs / 1000 && atMs / 1000 < start + width);
const tikiQty = async (k: string) => {
  const { skus } = await get(`${stack.tiki.url}/_sandbox/sellers/${SELLER}/skus`);
  return (skus as { original_sku: string; stocks: { warehouse_id: number; quantity_available: number }[] }[]).find((s) => s.original_sku === barcode(k))?.stocks.find((s) => s.warehouse_id === WAREHOUSE)?.quantity_available;
};
const setHaravanStock = (i: number, qtyOnhand: number) => post(`${stack.haravan.url}/_sandbox/shops/${SHOP}/inventory`, { variantId: variantId(i), locationId: LOCATION, qtyOnhand });

beforeAll(async () => {
  stack = await startStack();
  await post(`${stack.haravan.url}/_sandbox/shops`, {
    shop: { id: SHOP, name: 'Charts e2e shop' },
    accessToken: TOKEN,
    locations: [{ id: LOCATION, name: 'Kho 1', is_primary: true }],
    products: KEYS.map((k, i) => ({
      id: 881_900_000 + i,
      title: `Sản phẩm ${k}`,
      variants: [{ id: variantId(i), barcode: barcode(k), price: 100_000, inventory_management: 'haravan', inventory_policy: 'deny', inventory: [{ location_id: LOCATION, qty_onhand: 20 }] }],
    })),
  });
  await post(`${stack.tiki.url}/_sandbox/sellers`, {
    seller: { id: SELLER, name: 'Charts e2e seller', operation_models: ['dropship', 'seller_delivery'] },
    ...TIKI,
    warehouses: [{ id: WAREHOUSE, name: 'Kho chính', is_primary: true }],
    products: KEYS.map((k, i) => ({ product_id: 56_191_000 + i, name: `Tiki ${k}`, original_sku: barcode(k), price: 100_000, market_price: 150_000, stocks: [{ warehouse_id: WAREHOUSE, quantity_available: 55 }] })),
  });
  const created = await stack.api('POST', '/v1/connections', {
    shopId: SHOP,
    haravan: { accessToken: TOKEN, baseUrl: stack.haravan.url },
    tiki: { ...TIKI, baseUrl: stack.tiki.url },
    config: { pollIntervalSeconds: 1, reconcileIntervalSeconds: 3600, orderPollIntervalSeconds: 1, orderCompletenessIntervalSeconds: 60 },
  });
  expect(created.status).toBe(201);
  const run = await stack.api('POST', `/v1/connections/${CONN}/link-runs`, { all: true });
  expect(run.status).toBe(202);
  await eventually(async () => (await stack.api('GET', `/v1/connections/${CONN}/link-runs/${run.body.runId}`)).body.state === 'completed', 120_000);
  // The link run's first push is in Tiki before the measured changes start.
  await eventually(async () => (await tikiQty('A')) === 20 && (await tikiQty('B')) === 20, 60_000);
});

afterAll(async () => {
  await stack?.stop();
});

test('the route: shape and bucket counts of the window, hours validated, 404 for an unknown connection', async () => {
  const c = await charts();
  expect(c.hours).toBe(24);
  expect(c.writesPerHour.t).toHaveLength(24);
  expect(c.stockLatency.t).toHaveLength(48);
  expect(c.ordersPerDay.t).toHaveLength(14);
  const now = Date.now() / 1000;
  expect(c.writesPerHour.t.at(-1)).toBe(Math.floor(now / HOUR_S) * HOUR_S);
  expect(c.ordersPerDay.t.at(-1)).toBe(Math.floor((now + VN_OFFSET_S) / DAY_S) * DAY_S - VN_OFFSET_S);
  // The link run's push: SKUs written, no stock latency yet (no change was found by the poll).
  expect(sum(c.writesPerHour.writes)).toBeGreaterThanOrEqual(KEYS.length);
  expect(sum(c.stockLatency.samples)).toBe(0);

  expect((await charts('?hours=48')).writesPerHour.t).toHaveLength(48);
  for (const bad of ['?hours=0', '?hours=1000', '?hours=abc', '?other=1']) {
    const res = await stack.api('GET', `/v1/connections/${CONN}/charts${bad}`);
    expect({ bad, status: res.status, code: res.body.error?.code }).toEqual({ bad, status: 400, code: 'VALIDATION_FAILED' });
  }
  const unknown = await stack.api('GET', '/v1/connections/conn-404404404/charts');
  expect(unknown.status).toBe(404);
  expect(unknown.body.error.code).toBe('NOT_FOUND');
  expect(unknown.body.error.messageVi).toEqual(expect.any(String));
  const openapi = await get(`${stack.apiUrl}/openapi.json`);
  expect(openapi.paths['/v1/connections/{id}/charts']?.get).toBeDefined();
});

test('a stock change that reaches Tiki and a write Tiki refuses are counted in the hour they happened, with the stock latency', async () => {
  const before = await charts();
  const startedAt = Date.now();
  await setHaravanStock(0, 13);
  await eventually(async () => (await tikiQty('A')) === 13, 60_000);
  const reachedAt = Date.now();

  // Tiki refuses the next single SKU write (an `errors` answer is a refusal of the values, never retried).
  await post(`${stack.tiki.url}/_sandbox/faults`, { method: 'PUT', path: '/integration/v2/products/updateSku', status: 200, body: { errors: ['chart test refusal'] }, times: 1 });
  await setHaravanStock(1, 7);
  const after = await eventually(async () => {
    const c = await charts();
    return sum(c.writesPerHour.rejected) >= 1 && c;
  }, 60_000);
  const refusedBy = Date.now();

  const w = after.writesPerHour;
  const hour = bucketOf(w.t, HOUR_S, reachedAt);
  expect(hour).toBeGreaterThanOrEqual(0);
  expect(w.writes[hour]).toBeGreaterThanOrEqual(1);
  expect(sum(w.writes)).toBeGreaterThanOrEqual(sum(before.writesPerHour.writes) + 1);
  expect(sum(w.rejected)).toBe(1);
  expect(w.rejected[bucketOf(w.t, HOUR_S, refusedBy)] + (w.rejected[bucketOf(w.t, HOUR_S, refusedBy) - 1] ?? 0)).toBe(1);

  // The change was found by the poll: one latency sample (or more), no longer than the test saw it take.
  const s = after.stockLatency;
  expect(sum(s.samples)).toBeGreaterThanOrEqual(1);
  const half = bucketOf(s.t, 1_800, reachedAt);
  expect(half).toBeGreaterThanOrEqual(0);
  expect(s.samples[half]).toBeGreaterThanOrEqual(1);
  expect(s.p50[half]).not.toBeNull();
  expect(s.p50[half]!).toBeLessThanOrEqual(reachedAt - startedAt + 1_000);
  expect(s.p95[half]!).toBeGreaterThanOrEqual(s.p50[half]!);
});

test('an imported Tiki order is one order on today (Vietnam day), with its intake latency; the completeness check gives today its verdict', async () => {
  const placedBefore = Date.now();
  const { code } = await post(`${stack.tiki.url}/_sandbox/sellers/${SELLER}/orders`, {
    fulfillment_type: 'seller_delivery',
    items: [{ original_sku: barcode('A'), qty: 1 }],
    customer: { full_name: 'Trần Thị Bình', phone: '0912000919' },
    shipping_address: { full_name: 'Trần Thị Bình', street: '45 Lê Lợi', ward: 'Phường Bến Thành', district: 'Quận 1', region: 'Hồ Chí Minh' },
  });
  await eventually(async () => {
    const r = await stack.api('GET', `/v1/connections/${CONN}/orders/${code}`);
    return r.status === 200 && !!r.body.haravanOrderId;
  }, 120_000);
  const importedBy = Date.now();

  const c = await charts();
  const today = Math.floor((importedBy / 1000 + VN_OFFSET_S) / DAY_S) * DAY_S - VN_OFFSET_S;
  expect(c.ordersPerDay.t.at(-1)).toBe(today);
  expect(c.ordersPerDay.imported.at(-1)).toBe(1);
  expect(sum(c.ordersPerDay.imported)).toBe(1);

  const o = c.orderLatency;
  expect(sum(o.samples)).toBe(1);
  const half = bucketOf(o.t, 1_800, importedBy);
  expect(o.samples[half] + (o.samples[half - 1] ?? 0)).toBe(1);
  const ms = o.p50[o.samples.findIndex((n) => n === 1)]!;
  // Tiki's created_at has whole seconds: up to a second earlier than the test's own clock before placing.
  expect(ms).toBeGreaterThanOrEqual(0);
  expect(ms).toBeLessThanOrEqual(importedBy - placedBefore + 1_000);

  // The periodic check (every 60 s here) finds nothing missing: today is complete.
  const checked = await eventually(async () => {
    const x = await charts();
    return x.ordersPerDay.verdict.at(-1) !== null && x;
  }, 180_000);
  expect(checked.ordersPerDay.verdict.at(-1)).toBe('complete');
  expect(checked.ordersPerDay.verdict.slice(0, -1).every((v) => v === null)).toBe(true);
});

test('the dashboard overview draws the four charts with uPlot, labelled in Vietnamese and, after the switch, in English', async () => {
  const browser = await openBrowserPage('charts', { width: 1280, height: 1400 });
  const errors: string[] = [];
  try {
    const page = browser.page;
    // Not ours: the page's loading placeholder has an inline style (api/routes/app.ts) the CSP blocks, and there is no favicon.
    const known = (text: string) => text.includes("'sha256-vm3xjoqmw9N3BkmjFtPBsNhp0dybgEJ3xUvuuB0lQ2I='") || text.startsWith('Failed to load resource');
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && !known(m.text()) && errors.push(m.text()));
    // Expected: no favicon, and the dashboard's "is a merchant signed in?" probe answering 401 to the operator.
    const expected = (r: { status(): number; url(): string }) => r.url().endsWith('/favicon.ico') || (r.status() === 401 && new URL(r.url()).pathname === '/v1/session');
    page.on('response', (r) => r.status() >= 400 && !expected(r) && errors.push(`${r.status()} ${r.url()}`));
    await page.goto(`${stack.apiUrl}/app#${CONN}`);
    await page.getByTestId('token-input').fill(stack.token);
    await page.getByTestId('token-submit').click();
    const ids = ['chart-stock-latency', 'chart-order-latency', 'chart-orders-per-day', 'chart-writes-per-hour'];
    // Every chart has data by now: each is a uPlot (its canvas and legend), none the empty state.
    for (const id of ids) await page.locator(`[data-testid=${id}][data-empty=false] .uplot canvas`).waitFor();
    const legend = () => page.evaluate(() => Array.from(document.querySelectorAll('.u-legend .u-label')).map((e: any) => e.textContent));
    expect(await legend()).toEqual(expect.arrayContaining(['Tiki đã nhận', 'Tiki từ chối', 'Đơn đã nhập', 'p50', 'p95']));
    expect(await page.getByTestId('verdicts').innerText()).toContain('Đủ đơn');
    // uPlot's stylesheet is bundled into the page's own CSS: its cursor layer lies over the canvas (static without it).
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.uplot .u-over')).position)).toBe('absolute');
    await screenshot(page, 'charts-vi');

    await page.getByTestId('lang-switch').click();
    await page.getByText('Confirmed by Tiki').first().waitFor();
    expect(await legend()).toEqual(expect.arrayContaining(['Confirmed by Tiki', 'Refused by Tiki', 'Orders imported']));
    expect(await page.getByTestId('verdicts').innerText()).toContain('Complete');
    for (const id of ids) expect(await page.locator(`[data-testid=${id}] .uplot`).count()).toBe(1);
    await screenshot(page, 'charts-en');
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
});
