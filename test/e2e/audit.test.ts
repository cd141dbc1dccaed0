/**
 * The audit trail per SKU and per order ("Vì sao Tiki hiển thị số này?", issue 19 item 3) from the outside: a shop
 * is linked, its Haravan stock changed through the sandbox, and once Tiki holds the new number the link's history
 * (`GET /v1/connections/:id/links/:variantId/history`) says what was read, which §4 rule row applied and what was
 * written; an imported Tiki order's history has its seen and imported steps in time order; another connection's
 * order or variant is a 404; paging (`page`/`limit`, `offset`) cuts the same list.
 */
import { eventually, startStack, TestStack } from '../helpers/stack';
import { get, post } from '../helpers/seed';

jest.setTimeout(600_000);

let stack: TestStack;

interface Shop {
  shopId: number;
  sellerId: number;
  connectionId: string;
  barcode: string;
  location: number;
  warehouse: number;
  variantId: number;
}

let seq = 0;
/** One variant tracked, no oversell, 10 on hand in its one location (all locations: §4 row 3), linked to one Tiki SKU holding 50. */
async function shop(): Promise<Shop> {
  seq++;
  const shopId = 410_000_000_000 + (Date.now() % 1e5) * 10 + seq;
  const slot = shopId % 100_000;
  const s = { shopId, sellerId: 610_000 + slot, barcode: `8932000${String(slot).padStart(5, '0')}`, location: 830_000 + slot, warehouse: 920_000 + slot };
  const token = `hrv-audit-${shopId}`;
  await post(`${stack.haravan.url}/_sandbox/shops`, {
    shop: { id: shopId, name: `Audit ${shopId}` },
    accessToken: token,
    locations: [{ id: s.location, name: 'Kho 1', is_primary: true }],
    products: [{ title: 'Bình gốm', variants: [{ barcode: s.barcode, price: 150_000, inventory_management: 'haravan', inventory_policy: 'deny', inventory: [{ location_id: s.location, qty_onhand: 10 }] }] }],
  });
  await post(`${stack.tiki.url}/_sandbox/sellers`, {
    seller: { id: s.sellerId, name: `Seller ${s.sellerId}`, operation_models: ['dropship'] },
    clientId: `tiki-audit-${shopId}`,
    clientSecret: `tiki-secret-${shopId}`,
    warehouses: [{ id: s.warehouse, name: 'Kho HCM', is_primary: true }],
    products: [{ name: 'Bình gốm', original_sku: s.barcode, price: 149_000, market_price: 200_000, stocks: [{ warehouse_id: s.warehouse, quantity_available: 50 }] }],
  });
  const res = await stack.api('POST', '/v1/connections', {
    shopId,
    haravan: { accessToken: token, baseUrl: stack.haravan.url },
    tiki: { clientId: `tiki-audit-${shopId}`, clientSecret: `tiki-secret-${shopId}`, baseUrl: stack.tiki.url },
    config: { pollIntervalSeconds: 1, orderPollIntervalSeconds: 1, reconcileIntervalSeconds: 3600, syncPrice: false },
  });
  expect(res.status).toBe(201);
  const connectionId = res.body.id as string;
  const run = await stack.api('POST', `/v1/connections/${connectionId}/link-runs`, { all: true });
  expect(run.status).toBe(202);
  await eventually(async () => (await stack.api('GET', `/v1/connections/${connectionId}/link-runs/${run.body.runId}`)).body.state === 'completed', 120_000);
  const links = await stack.api('GET', `/v1/connections/${connectionId}/links`);
  expect(links.body.items).toHaveLength(1);
  return { ...s, connectionId, variantId: links.body.items[0].haravanVariantId };
}

async function tikiAvailable(s: Shop): Promise<number | undefined> {
  const { skus } = await get(`${stack.tiki.url}/_sandbox/sellers/${s.sellerId}/skus`);
  const sku = (skus as { original_sku: string; stocks: { warehouse_id: number; quantity_available: number }[] }[]).find((x) => x.original_sku === s.barcode);
  return sku?.stocks.find((w) => w.warehouse_id === s.warehouse)?.quantity_available;
}
const untilTiki = (s: Shop, qty: number) => eventually(async () => (await tikiAvailable(s)) === qty, 90_000, 250);
const history = (s: Shop, path: string, query = '') => stack.api('GET', `/v1/connections/${s.connectionId}/${path}/history${query}`);

let a: Shop;
let b: Shop;

beforeAll(async () => {
  stack = await startStack();
  a = await shop();
  b = await shop();
}, 300_000);
afterAll(() => stack?.stop());

test('a link’s history says what was read from Haravan, the §4 rule row and what was written to Tiki', async () => {
  await untilTiki(a, 10);
  await post(`${stack.haravan.url}/_sandbox/shops/${a.shopId}/inventory`, { variantId: a.variantId, locationId: a.location, qtyOnhand: 7 });
  await untilTiki(a, 7);
  // The entry is written right after Tiki confirmed the write.
  const res = await eventually(async () => {
    const r = await history(a, `links/${a.variantId}`);
    return r.status === 200 && r.body.items.some((e: any) => e.kind === 'stock-pushed' && e.details.written?.quantity === 7) && r;
  }, 30_000);
  expect(res.body.total).toBeGreaterThanOrEqual(2);
  const newest = res.body.items.find((e: any) => e.kind === 'stock-pushed' && e.details.written?.quantity === 7);
  expect(Object.keys(newest).sort()).toEqual(['at', 'details', 'kind', 'subject', 'summary', 'summaryVi']);
  // What was read: the variant total (all locations: the per-location rows are not needed), as Haravan holds it now.
  expect(newest.details.haravan).toMatchObject({ tracked: true, policy: 'deny', inventoryQuantity: 7 });
  expect(Number.isNaN(Date.parse(newest.details.haravan.readAt))).toBe(false);
  // Which rule applied: product.md §4 row 3 (tracked, no oversell, all locations, q ≥ 0 → q).
  expect(newest.details.explanation.quantity).toMatchObject({ rule: 'deny-all', row: 3, source: 'all', q: 7, quantity: 7 });
  // What was written, where, and when Tiki confirmed it.
  expect(newest.details.written).toMatchObject({ quantity: 7, warehouses: [[a.warehouse, 7]] });
  expect(Date.parse(newest.details.confirmedAt)).toBeGreaterThanOrEqual(Date.parse(newest.details.haravan.readAt));
  expect(newest.summary).toMatch(/^Written to Tiki: quantity 7 — row 3 \(no oversell, all locations, q ≥ 0 → q\), q = 7/);
  expect(newest.summaryVi).toMatch(/^Đã ghi lên Tiki: số lượng 7 — dòng 3 \(không cho bán khi hết hàng, Kho tổng, q ≥ 0 → q\), q = 7/);
  // Newest first: the earlier push of 10 comes after it.
  const i7 = res.body.items.indexOf(newest);
  const i10 = res.body.items.findIndex((e: any) => e.kind === 'stock-pushed' && e.details.written?.quantity === 10);
  expect(i10).toBeGreaterThan(i7);
  expect(Date.parse(res.body.items[i10].at)).toBeLessThanOrEqual(Date.parse(newest.at));
});

test('paging: page/limit and offset cut the same newest-first list; bad paging is a 400', async () => {
  const all = await history(a, `links/${a.variantId}`, '?limit=250');
  expect(all.status).toBe(200);
  const n = all.body.total as number;
  expect(n).toBeGreaterThanOrEqual(2);
  expect(all.body.items).toHaveLength(n);
  const first = await history(a, `links/${a.variantId}`, '?limit=1');
  const second = await history(a, `links/${a.variantId}`, '?limit=1&page=2');
  const byOffset = await history(a, `links/${a.variantId}`, '?limit=1&offset=1');
  expect([first.body.total, second.body.total, byOffset.body.total]).toEqual([n, n, n]);
  expect(first.body.items).toEqual([all.body.items[0]]);
  expect(second.body.items).toEqual([all.body.items[1]]);
  expect(byOffset.body.items).toEqual([all.body.items[1]]);
  expect((await history(a, `links/${a.variantId}`, `?offset=${n}`)).body).toMatchObject({ items: [], total: n });
  for (const q of ['?limit=0', '?limit=251', '?page=0', '?offset=-1', '?limit=abc', '?cursor=1']) {
    const r = await history(a, `links/${a.variantId}`, q);
    expect({ q, status: r.status, code: r.body.error?.code }).toEqual({ q, status: 400, code: 'VALIDATION_FAILED' });
  }
});

test('an imported order’s history has its steps in time order; another connection’s order or variant is a 404', async () => {
  const code = (
    await post(`${stack.tiki.url}/_sandbox/sellers/${a.sellerId}/orders`, { fulfillment_type: 'dropship', items: [{ original_sku: a.barcode, qty: 1 }], customer: { full_name: 'Trần Thị Mai', phone: '0912345679' } })
  ).code as string;
  const order = await eventually(async () => {
    const r = await stack.api('GET', `/v1/connections/${a.connectionId}/orders/${code}`);
    return r.status === 200 && r.body.haravanOrderId && r.body;
  }, 120_000);
  const res = await eventually(async () => {
    const r = await history(a, `orders/${code}`);
    return r.status === 200 && r.body.items.some((e: any) => e.kind === 'order-imported') && r;
  }, 30_000);
  const oldestFirst = [...res.body.items].reverse();
  const kinds = oldestFirst.map((e: any) => e.kind);
  expect(kinds.indexOf('order-seen')).toBeGreaterThanOrEqual(0);
  expect(kinds.indexOf('order-seen')).toBeLessThan(kinds.indexOf('order-imported'));
  const times = oldestFirst.map((e: any) => Date.parse(e.at));
  expect(times).toEqual([...times].sort((x, y) => x - y));
  const imported = oldestFirst.find((e: any) => e.kind === 'order-imported');
  expect(imported.details).toMatchObject({ tikiCode: code, haravanOrderId: order.haravanOrderId });
  expect(imported.summary).toBe(`Imported into Haravan (order ${order.haravanOrderId})`);
  expect(imported.summaryVi).toBe(`Đã nhập vào Haravan (đơn ${order.haravanOrderId})`);
  expect(oldestFirst.find((e: any) => e.kind === 'order-seen').summary).toMatch(/^The service saw the order on Tiki \(status /);

  // Scoped to the connection: shop B's connection knows neither A's order nor A's variant.
  const other = await history(b, `orders/${code}`);
  expect([other.status, other.body.error?.code]).toEqual([404, 'ORDER_NOT_FOUND']);
  const otherLink = await history(b, `links/${a.variantId}`);
  expect([otherLink.status, otherLink.body.error?.code]).toEqual([404, 'LINK_NOT_FOUND']);
  // B's own variant has a history of its own.
  expect((await history(b, `links/${b.variantId}`)).status).toBe(200);
  const noConn = await stack.api('GET', `/v1/connections/conn-999999999/orders/${code}/history`);
  expect([noConn.status, noConn.body.error?.code]).toEqual([404, 'NOT_FOUND']);
  const noOrder = await history(a, 'orders/NO-SUCH-ORDER-1');
  expect([noOrder.status, noOrder.body.error?.code]).toEqual([404, 'ORDER_NOT_FOUND']);
});

test('/openapi.json lists both history routes and the AuditEntry shape', async () => {
  const doc: any = await (await fetch(`${stack.apiUrl}/openapi.json`)).json();
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/connections/{id}/links/{variantId}/history', '/v1/connections/{id}/orders/{tikiCode}/history']));
  expect(doc.paths['/v1/connections/{id}/links/{variantId}/history'].get.responses).toHaveProperty('404');
  expect(doc.components.schemas.AuditEntry.properties).toEqual(expect.objectContaining({ at: expect.anything(), kind: expect.anything(), summary: expect.anything(), details: expect.anything() }));
});

test('the worker started the audit prune of its task queue (AUDIT_RETENTION_DAYS, hourly)', async () => {
  const d = await stack.client.workflow.getHandle(`audit-prune-${stack.taskQueue}`).describe();
  expect([d.type, d.status.name]).toEqual(['auditPruneWorkflow', 'RUNNING']);
});
