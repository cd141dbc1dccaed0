import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { RunningHaravanSandbox } from '../../../sandbox/haravan/app';
import {
  PRIMARY_LOCATION,
  SECOND_LOCATION,
  SeededShop,
  control,
  product,
  products,
  seedShop,
  startSandbox,
  useSandbox,
} from '../../fixtures/haravan/sandbox-helpers';

let sb: RunningHaravanSandbox;
useSandbox((s) => (sb = s));

interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
}

async function api(token: string | undefined, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
  const res = await fetch(`${sb.url}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function rows(shop: SeededShop, variantId: number): Promise<Record<number, any>> {
  const res = await api(shop.token, 'GET', `/com/inventory_locations.json?variant_ids=${variantId}`);
  return Object.fromEntries(res.body.inventory_locations.map((r: any) => [r.loc_id, r]));
}

describe('auth and protocol', () => {
  let shop: SeededShop;

  beforeAll(async () => {
    shop = await seedShop(sb.url);
  });

  it('answers 401 with {"errors": ...} and WWW-Authenticate: Bearer', async () => {
    const res = await api(undefined, 'GET', '/com/shop.json');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(typeof res.body.errors).toBe('string');
  });

  it('rejects the legacy X-Haravan-Access-Token header', async () => {
    const res = await api(undefined, 'GET', '/com/shop.json', undefined, { 'X-Haravan-Access-Token': shop.token });
    expect(res.status).toBe(401);
  });

  it('sends X-Haravan-Api-Call-Limit on every authenticated answer, 404s included', async () => {
    const fresh = await seedShop(sb.url);
    const first = await api(fresh.token, 'GET', '/com/shop.json');
    const second = await api(fresh.token, 'GET', '/com/products/1.json');
    expect(first.headers.get('x-haravan-api-call-limit')).toBe('1/80');
    expect(second.status).toBe(404);
    expect(second.body).toEqual({ errors: 'Not Found' });
    expect(second.headers.get('x-haravan-api-call-limit')).toMatch(/^[12]\/80$/);
  });

  it('answers 429 with Retry-After when a shop bucket overflows, other shops unaffected', async () => {
    const tiny = await seedShop(sb.url, { rateLimit: { bucketSize: 3, leakPerSecond: 1 } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await api(tiny.token, 'GET', '/com/shop.json'));
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(statuses[3].headers.get('x-haravan-api-call-limit')).toBe('3/3');
    expect(statuses[3].headers.get('retry-after')).toMatch(/^\d+\.\d$/);
    expect((await api(shop.token, 'GET', '/com/shop.json')).status).toBe(200);
  });

  it('requires JSON bodies (400 otherwise) and reports malformed JSON as 400', async () => {
    const wrongType = await api(shop.token, 'POST', '/com/orders.json', 'order=1', { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(wrongType.status).toBe(400);
    const malformed = await api(shop.token, 'POST', '/com/orders.json', '{"order":', { 'Content-Type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toBeDefined();
  });

  it('enforces scopes: read scopes allow GET only', async () => {
    const limited = await seedShop(sb.url, { scopes: ['com.read_orders', 'com.read_inventories'] });
    expect((await api(limited.token, 'GET', '/com/orders.json')).status).toBe(200);
    expect((await api(limited.token, 'GET', '/com/locations.json')).status).toBe(200);
    expect((await api(limited.token, 'GET', '/com/products.json')).status).toBe(403);
    expect((await api(limited.token, 'GET', '/com/shop.json')).status).toBe(403);
    const write = await api(limited.token, 'POST', '/com/orders.json', { order: {} });
    expect(write.status).toBe(403);
    expect(write.body.errors).toContain('com.write_orders');
  });

  it('answers 404 for unknown /com routes and ids that are not numbers', async () => {
    expect((await api(shop.token, 'GET', '/com/unknown.json')).status).toBe(404);
    expect((await api(shop.token, 'GET', '/com/orders/abc.json')).status).toBe(404);
  });
});

describe('products', () => {
  it('caps pages at 50, orders by id descending, ignores a blank sku= filter and matches sku exactly', async () => {
    const shop = await seedShop(sb.url, { products: products(55) });
    const page1 = await api(shop.token, 'GET', '/com/products.json?limit=250');
    expect(page1.body.products).toHaveLength(50);
    const ids = page1.body.products.map((p: any) => p.id);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => b - a));
    expect((await api(shop.token, 'GET', '/com/products.json?page=2')).body.products).toHaveLength(5);
    expect((await api(shop.token, 'GET', '/com/products.json?sku=')).body.products).toHaveLength(50);
    expect((await api(shop.token, 'GET', '/com/products.json?sku=P7-1')).body.products.map((p: any) => p.title)).toEqual(['P7']);
    expect((await api(shop.token, 'GET', '/com/products.json?sku=P7')).body.products).toEqual([]);
    const projected = await api(shop.token, 'GET', '/com/products.json?limit=1&fields=id,title');
    expect(Object.keys(projected.body.products[0]).sort()).toEqual(['id', 'title']);
    expect((await api(shop.token, 'GET', '/com/products/count.json')).body).toEqual({ count: 55 });
  });

  it('exposes variant inventory_quantity as Σ available and inventory_advance only for tracked variants', async () => {
    const shop = await seedShop(sb.url, {
      products: [
        product('Stocked', [
          {
            stock: [
              { location_id: PRIMARY_LOCATION, qty_onhand: 5, qty_commited: 1 },
              { location_id: SECOND_LOCATION, qty_onhand: 3 },
            ],
          },
          { tracked: false, policy: 'continue' },
        ]),
      ],
    });
    const { body } = await api(shop.token, 'GET', `/com/products/${shop.productIds[0]}.json`);
    expect(body.product.variants[0]).toMatchObject({
      inventory_quantity: 7,
      inventory_advance: { qty_onhand: 8, qty_commited: 1, qty_incoming: 0, qty_available: 7 },
    });
    expect(body.product.variants[1]).toMatchObject({ inventory_management: null, inventory_policy: 'continue', inventory_advance: null });
  });

  it('honours seeded ids and refuses ids already used by any shop', async () => {
    const shop = await seedShop(sb.url, { products: [{ ...product('Fixed'), id: 1033237559 }] });
    expect(shop.productIds).toEqual([1033237559]);
    const again = await control(sb.url, 'POST', '/shops', {
      shop: { id: 1, name: 'Other' },
      accessToken: 'another-token-1',
      locations: [{ id: 1, name: 'L' }],
      products: [{ ...product('Clash'), id: 1033237559 }],
    });
    expect(again.status).toBe(422);
  });
});

describe('inventory model', () => {
  let shop: SeededShop;
  let variantId: number;

  beforeEach(async () => {
    shop = await seedShop(sb.url, {
      products: [product('Model', [{ stock: [{ location_id: PRIMARY_LOCATION, qty_onhand: 10 }, { location_id: SECOND_LOCATION, qty_onhand: 4 }] }])],
    });
    variantId = shop.variantIds[0];
  });

  const order = (quantity: number, extra: Record<string, unknown> = {}) =>
    api(shop.token, 'POST', '/com/orders.json', { order: { line_items: [{ variant_id: variantId, quantity }], ...extra } });

  it('commits at the order location (primary by default) and lets available go negative', async () => {
    expect((await order(12)).status).toBe(201);
    const r = await rows(shop, variantId);
    expect(r[PRIMARY_LOCATION]).toMatchObject({ qty_onhand: 10, qty_commited: 12, qty_available: -2 });
    expect(r[SECOND_LOCATION]).toMatchObject({ qty_onhand: 4, qty_commited: 0 });
    const created = await order(1, { location_id: SECOND_LOCATION });
    expect(created.body.order).toMatchObject({ location_id: SECOND_LOCATION, location_name: 'Kho Hà Nội' });
    expect((await rows(shop, variantId))[SECOND_LOCATION]).toMatchObject({ qty_commited: 1, qty_available: 3 });
    const product = await api(shop.token, 'GET', `/com/products/${shop.productIds[0]}.json`);
    expect(product.body.product.variants[0].inventory_quantity).toBe(1);
  });

  it('fulfilment deducts on-hand at its location and releases the commitment at the order location', async () => {
    const created = (await order(3)).body.order;
    const lineId = created.line_items[0].id;
    const partial = await api(shop.token, 'POST', `/com/orders/${created.id}/fulfillments.json`, {
      fulfillment: { location_id: SECOND_LOCATION, line_items: [{ id: lineId, quantity: 2 }] },
    });
    expect(partial.status).toBe(201);
    let r = await rows(shop, variantId);
    expect(r[PRIMARY_LOCATION]).toMatchObject({ qty_onhand: 10, qty_commited: 1 });
    expect(r[SECOND_LOCATION]).toMatchObject({ qty_onhand: 2, qty_commited: 0 });
    const mid = (await api(shop.token, 'GET', `/com/orders/${created.id}.json`)).body.order;
    expect(mid).toMatchObject({ fulfillment_status: 'partial' });
    expect(mid.line_items[0]).toMatchObject({ fulfillable_quantity: 1, fulfillment_status: 'partial' });
    const rest = await api(shop.token, 'POST', `/com/orders/${created.id}/fulfillments.json`, { fulfillment: {} });
    expect(rest.body.fulfillment.line_items[0].quantity).toBe(1);
    r = await rows(shop, variantId);
    expect(r[PRIMARY_LOCATION]).toMatchObject({ qty_onhand: 9, qty_commited: 0 });
    const over = await api(shop.token, 'POST', `/com/orders/${created.id}/fulfillments.json`, { fulfillment: {} });
    expect(over.status).toBe(422);
  });

  it('cancel releases the commitment; restock returns fulfilled quantities', async () => {
    const plain = (await order(2)).body.order;
    await api(shop.token, 'POST', `/com/orders/${plain.id}/cancel.json`, {});
    expect((await rows(shop, variantId))[PRIMARY_LOCATION]).toMatchObject({ qty_onhand: 10, qty_commited: 0 });

    const shipped = (await order(4)).body.order;
    await api(shop.token, 'POST', `/com/orders/${shipped.id}/fulfillments.json`, {
      fulfillment: { line_items: [{ id: shipped.line_items[0].id, quantity: 3 }] },
    });
    expect((await rows(shop, variantId))[PRIMARY_LOCATION]).toMatchObject({ qty_onhand: 7, qty_commited: 1 });
    const cancelled = await api(shop.token, 'POST', `/com/orders/${shipped.id}/cancel.json`, { restock: true, reason: 'inventory' });
    expect(cancelled.body.order).toMatchObject({ cancelled_status: 'cancelled', cancel_reason: 'inventory', fulfillment_status: 'restocked' });
    expect(cancelled.body.order.line_items[0].fulfillment_status).toBe('restock');
    expect((await rows(shop, variantId))[PRIMARY_LOCATION]).toMatchObject({ qty_onhand: 10, qty_commited: 0 });
  });

  it('cancel without a reason defaults to customer, with only an amount to other + partially_refunded', async () => {
    const a = (await order(1)).body.order;
    expect((await api(shop.token, 'POST', `/com/orders/${a.id}/cancel.json`, {})).body.order.cancel_reason).toBe('customer');
    const b = (await order(1)).body.order;
    const res = await api(shop.token, 'POST', `/com/orders/${b.id}/cancel.json`, { amount: '50000' });
    expect(res.body.order).toMatchObject({ cancel_reason: 'other', financial_status: 'partially_refunded' });
    expect(res.body.order.refunds).toHaveLength(1);
  });

  it('bumps row, variant and product updated_at on every stock change (delta polling)', async () => {
    const before = (await api(shop.token, 'GET', `/com/products/${shop.productIds[0]}.json`)).body.product;
    await new Promise((r) => setTimeout(r, 5));
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    expect((await api(shop.token, 'GET', `/com/inventory_locations.json?updated_at_min=${since}`)).body.inventory_locations).toEqual([]);
    await control(sb.url, 'POST', `/shops/${shop.shopId}/inventory`, { variantId, locationId: SECOND_LOCATION, delta: -1 });
    const changed = (await api(shop.token, 'GET', `/com/inventory_locations.json?updated_at_min=${since}`)).body.inventory_locations;
    expect(changed).toEqual([expect.objectContaining({ loc_id: SECOND_LOCATION, qty_onhand: 3 })]);
    const after = (await api(shop.token, 'GET', `/com/products/${shop.productIds[0]}.json`)).body.product;
    expect(after.updated_at > before.updated_at).toBe(true);
    expect(after.variants[0].updated_at > before.variants[0].updated_at).toBe(true);
    const polled = await api(shop.token, 'GET', `/com/products.json?updated_at_min=${since}`);
    expect(polled.body.products.map((p: any) => p.id)).toEqual([shop.productIds[0]]);
    await control(sb.url, 'POST', `/shops/${shop.shopId}/inventory`, { variantId, locationId: SECOND_LOCATION, qtyOnhand: 20 });
    expect((await rows(shop, variantId))[SECOND_LOCATION].qty_onhand).toBe(20);
  });

  it('refuses out-of-stock deny variants only when the switch is on', async () => {
    const strict = await startSandbox({ rejectOutOfStock: true });
    try {
      const s = await seedShop(strict.url, {
        products: [product('Strict', [{ stock: [{ location_id: PRIMARY_LOCATION, qty_onhand: 1 }] }, { policy: 'continue' }])],
      });
      const post = (variant: number, quantity: number) =>
        fetch(`${strict.url}/com/orders.json`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ order: { line_items: [{ variant_id: variant, quantity }] } }),
        });
      expect((await post(s.variantIds[0], 2)).status).toBe(422);
      expect((await post(s.variantIds[0], 1)).status).toBe(201);
      expect((await post(s.variantIds[1], 5)).status).toBe(201);
    } finally {
      await strict.close();
    }
  });
});

describe('inventory_locations list', () => {
  it('refuses more than 50 ids per list parameter, clamps limit to 250 and pages by since_id', async () => {
    const shop = await seedShop(sb.url, {
      products: Array.from({ length: 3 }, (_, i) =>
        product(`L${i}`, Array.from({ length: 100 }, () => ({ stock: [{ location_id: PRIMARY_LOCATION, qty_onhand: 1 }] }))),
      ),
    });
    const ids = Array.from({ length: 51 }, (_, i) => i + 1).join(',');
    const tooMany = await api(shop.token, 'GET', `/com/inventory_locations.json?location_ids=${ids}`);
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.errors).toContain('location_ids');
    const first = (await api(shop.token, 'GET', '/com/inventory_locations.json?limit=1000')).body.inventory_locations;
    expect(first).toHaveLength(250);
    const lastId = first[first.length - 1].id;
    const rest = (await api(shop.token, 'GET', `/com/inventory_locations.json?since_id=${lastId}`)).body.inventory_locations;
    expect(rest).toHaveLength(50);
    expect(rest.every((r: any) => r.id > lastId)).toBe(true);
    const desc = (await api(shop.token, 'GET', '/com/inventory_locations.json?limit=3&order=id&direction=desc')).body.inventory_locations;
    expect(desc[0].id).toBeGreaterThan(desc[1].id);
  });
});

describe('adjustorset', () => {
  let shop: SeededShop;
  beforeEach(async () => {
    shop = await seedShop(sb.url, { products: [product('Adj', [{}, {}, {}])] });
  });
  const post = (inventory: unknown) => api(shop.token, 'POST', '/com/inventories/adjustorset.json', { inventory });
  const line = (i: number, quantity: number) => ({ product_id: shop.productIds[0], product_variant_id: shop.variantIds[i], quantity });

  it('answers 201 when something changed and 200 when nothing did', async () => {
    const set = await post({ location_id: PRIMARY_LOCATION, type: 'set', line_items: [line(0, 4)] });
    expect(set.status).toBe(201);
    expect(set.body.variants[0]).toMatchObject({ id: shop.variantIds[0], inventory_quantity: 4 });
    expect((await post({ location_id: PRIMARY_LOCATION, type: 'set', line_items: [line(0, 4)] })).status).toBe(200);
    expect((await post({ location_id: PRIMARY_LOCATION, line_items: [line(0, 2)] })).status).toBe(201);
    expect((await rows(shop, shop.variantIds[0]))[PRIMARY_LOCATION].qty_onhand).toBe(6);
  });

  it('stops at the first invalid line with the documented Vietnamese 422 (earlier lines stay applied)', async () => {
    const res = await post({
      location_id: PRIMARY_LOCATION,
      type: 'adjust',
      line_items: [line(0, 5), { product_id: shop.productIds[0], product_variant_id: 1, quantity: 1 }, line(2, 5)],
    });
    expect(res).toMatchObject({ status: 422, body: { errors: 'Biến thể không hợp lệ' } });
    expect((await rows(shop, shop.variantIds[0]))[PRIMARY_LOCATION].qty_onhand).toBe(5);
    expect((await rows(shop, shop.variantIds[2]))[PRIMARY_LOCATION]).toBeUndefined();
  });

  it.each([
    [{ location_id: 1, type: 'set', line_items: [] }, 'Kho điều chỉnh không hợp lệ'],
    [{ location_id: PRIMARY_LOCATION, type: 'adjust', line_items: [{ product_id: 1, product_variant_id: 1, quantity: 1 }] }, 'Sản phẩm không hợp lệ'],
    [{ location_id: PRIMARY_LOCATION, type: 'move', line_items: [] }, 'Dữ liệu không hợp lệ'],
  ])('answers 422 for invalid input %#', async (inventory, message) => {
    expect(await post(inventory)).toMatchObject({ status: 422, body: { errors: message } });
  });

  it('refuses adjust by 0 and fractional quantities', async () => {
    expect((await post({ location_id: PRIMARY_LOCATION, type: 'adjust', line_items: [line(0, 0)] })).body.errors).toBe(
      'Số lượng sản phẩm không hợp lệ',
    );
    expect((await post({ location_id: PRIMARY_LOCATION, type: 'set', line_items: [line(0, 1.5)] })).body.errors).toBe('Dữ liệu không hợp lệ');
  });
});

describe('orders', () => {
  let shop: SeededShop;
  beforeAll(async () => {
    shop = await seedShop(sb.url, { products: [product('Ord', [{ price: 110_000 }, { price: 50_000, tracked: false }])] });
  });
  const create = (order: Record<string, unknown>) => api(shop.token, 'POST', '/com/orders.json', { order });

  it('computes totals, names, defaults and echoes source fields', async () => {
    const res = await create({
      line_items: [
        { variant_id: shop.variantIds[0], quantity: 2 },
        { variant_id: shop.variantIds[1], quantity: 1, price: '40000' },
        { title: 'Quà tặng', price: 0, quantity: 1, sku: 'GIFT' },
      ],
      shipping_lines: [{ title: 'Tiki', price: 15_000 }],
      discount_codes: [{ code: 'TIKI10', amount: 10_000 }],
      source: 'tiki',
      source_name: 'tiki',
      is_cod_gateway: true,
      is_confirm: true,
      tags: 'tiki:1, Tiki',
    });
    expect(res.status).toBe(201);
    const order = res.body.order;
    expect(order).toMatchObject({
      subtotal_price: 260_000,
      total_line_items_price: 260_000,
      total_discounts: 10_000,
      total_price: 265_000,
      confirmed_status: 'confirmed',
      order_processing_status: 'confirmed',
      gateway_code: 'COD',
      source: 'tiki',
      source_name: 'tiki',
      tags: 'tiki:1, Tiki',
      currency: 'VND',
    });
    expect(order.order_number).toBe(order.name);
    expect(order.line_items[2]).toMatchObject({ variant_id: null, product_id: null, title: 'Quà tặng', sku: 'GIFT' });
    expect(order.transactions).toEqual([expect.objectContaining({ kind: 'pending', amount: 265_000 })]);
  });

  it('numbers orders per shop and lists open orders by default', async () => {
    const a = (await create({ line_items: [{ variant_id: shop.variantIds[1], quantity: 1 }] })).body.order;
    const b = (await create({ line_items: [{ variant_id: shop.variantIds[1], quantity: 1 }] })).body.order;
    expect(Number(b.name.slice(1))).toBe(Number(a.name.slice(1)) + 1);
    await api(shop.token, 'POST', `/com/orders/${a.id}/cancel.json`, {});
    const open = (await api(shop.token, 'GET', '/com/orders.json')).body.orders.map((o: any) => o.id);
    const any = (await api(shop.token, 'GET', '/com/orders.json?status=any')).body.orders.map((o: any) => o.id);
    const cancelled = (await api(shop.token, 'GET', '/com/orders.json?status=cancelled')).body.orders.map((o: any) => o.id);
    expect(open).not.toContain(a.id);
    expect(any).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(cancelled).toEqual([a.id]);
    expect((await api(shop.token, 'GET', '/com/orders/count.json?status=any')).body.count).toBe(any.length);
  });

  it('clamps the order page size at 50', async () => {
    const busy = await seedShop(sb.url, { products: [product('Busy', [{ tracked: false }])] });
    const line = [{ variant_id: busy.variantIds[0], quantity: 1 }];
    for (let i = 0; i < 52; i++) await api(busy.token, 'POST', '/com/orders.json', { order: { line_items: line } });
    expect((await api(busy.token, 'GET', '/com/orders.json?limit=200')).body.orders).toHaveLength(50);
    expect((await api(busy.token, 'GET', '/com/orders.json?page=2')).body.orders).toHaveLength(2);
  });

  it('validates input with 422 {"errors": ...}', async () => {
    const cases: Record<string, unknown>[] = [
      {},
      { line_items: [] },
      { line_items: [{ variant_id: shop.variantIds[0], quantity: 0 }] },
      { line_items: [{ variant_id: shop.variantIds[0], quantity: 1 }], customer: { id: 1 } },
      { line_items: [{ variant_id: shop.variantIds[0], quantity: 1 }], location_id: 1 },
      { line_items: [{ variant_id: shop.variantIds[0], quantity: 1 }], tags: 'x'.repeat(41) },
      { line_items: [{ title: 'custom', quantity: 1 }] },
    ];
    for (const order of cases) {
      const res = await create(order);
      expect(res.status).toBe(422);
      expect(typeof res.body.errors).toBe('string');
    }
  });

  it('updates only note, tags and note_attributes; line items cannot change', async () => {
    const o = (await create({ line_items: [{ variant_id: shop.variantIds[1], quantity: 1 }] })).body.order;
    const ok = await api(shop.token, 'PUT', `/com/orders/${o.id}.json`, { order: { id: o.id, tags: 'a,b', note_attributes: [{ name: 'k', value: 'v' }] } });
    expect(ok.body.order).toMatchObject({ tags: 'a, b', note_attributes: [{ name: 'k', value: 'v' }] });
    const bad = await api(shop.token, 'PUT', `/com/orders/${o.id}.json`, { order: { line_items: [] } });
    expect(bad.status).toBe(422);
  });

  it('captures payments into financial_status', async () => {
    const o = (await create({ line_items: [{ variant_id: shop.variantIds[1], quantity: 2 }] })).body.order;
    const partial = await api(shop.token, 'POST', `/com/orders/${o.id}/transactions.json`, { transaction: { amount: 40_000, kind: 'Capture' } });
    expect(partial.status).toBe(201);
    expect(partial.body.transaction).toMatchObject({ kind: 'capture', status: 'success', parent_id: o.transactions[0].id });
    expect((await api(shop.token, 'GET', `/com/orders/${o.id}.json`)).body.order.financial_status).toBe('partially_paid');
    await api(shop.token, 'POST', `/com/orders/${o.id}/transactions.json`, { transaction: { amount: '60000', kind: 'capture' } });
    const paid = await api(shop.token, 'GET', `/com/orders/${o.id}/transactions.json`);
    expect(paid.body.transactions).toHaveLength(3);
    expect((await api(shop.token, 'GET', `/com/orders/${o.id}.json`)).body.order.financial_status).toBe('paid');
    expect((await api(shop.token, 'POST', `/com/orders/${o.id}/transactions.json`, { transaction: { amount: 1, kind: 'gift' } })).status).toBe(422);
  });
});

describe('customers', () => {
  it('keeps email and phone unique per shop (phone formats normalised) but not across shops', async () => {
    const a = await seedShop(sb.url);
    const b = await seedShop(sb.url);
    const make = (shop: SeededShop, customer: Record<string, unknown>) => api(shop.token, 'POST', '/com/customers.json', { customer });
    expect((await make(a, { email: 'x@example.vn', phone: '0901234567' })).status).toBe(201);
    expect((await make(a, { email: 'X@example.vn' })).status).toBe(422);
    expect((await make(a, { email: 'y@example.vn', phone: '+84 901 234 567' })).status).toBe(422);
    expect((await make(b, { email: 'x@example.vn', phone: '0901234567' })).status).toBe(201);
    expect((await make(a, { email: 'not-an-email' })).status).toBe(422);
  });

  it('seeds customers and finds them by substring', async () => {
    const shop = await seedShop(sb.url, { customers: [{ first_name: 'Thu', last_name: 'Trần', email: 'thu@example.vn', phone: '0912000111' }] });
    const found = await api(shop.token, 'GET', `/com/customers/search.json?query=${encodeURIComponent('Trần')}`);
    expect(found.body.customers).toEqual([expect.objectContaining({ email: 'thu@example.vn' })]);
    expect((await api(shop.token, 'GET', '/com/customers/search.json?query=000111')).body.customers).toHaveLength(1);
  });
});

describe('control API', () => {
  it('validates seeds and refuses a token owned by another shop', async () => {
    expect((await control(sb.url, 'POST', '/shops', { shop: { id: 1 } })).status).toBe(400);
    const shop = await seedShop(sb.url);
    const clash = await control(sb.url, 'POST', '/shops', {
      shop: { id: 77, name: 'Clash' },
      accessToken: shop.token,
      locations: [{ id: 1, name: 'L' }],
    });
    expect(clash.status).toBe(409);
  });

  it('edits a product as the merchant would (price, barcode, policy, tracking)', async () => {
    const shop = await seedShop(sb.url, { products: [product('Edit')] });
    const res = await control(sb.url, 'PUT', `/shops/${shop.shopId}/products/${shop.productIds[0]}`, {
      title: 'Edited',
      variants: [{ id: shop.variantIds[0], price: 99_000, barcode: '', inventory_policy: 'continue', inventory_management: null }],
    });
    expect(res.status).toBe(200);
    expect(res.body.product).toMatchObject({ title: 'Edited' });
    expect(res.body.product.variants[0]).toMatchObject({ price: 99_000, barcode: null, inventory_policy: 'continue', inventory_management: null });
    expect((await control(sb.url, 'PUT', `/shops/${shop.shopId}/products/${shop.productIds[0]}`, { variants: [{ id: 5 }] })).status).toBe(422);
    expect((await control(sb.url, 'PUT', `/shops/${shop.shopId}/products/5`, { title: 'x' })).status).toBe(404);
  });

  it('lists every order of a shop, cancelled ones included', async () => {
    const shop = await seedShop(sb.url, { products: [product('All', [{ tracked: false }])] });
    const created = await api(shop.token, 'POST', '/com/orders.json', { order: { line_items: [{ variant_id: shop.variantIds[0], quantity: 1 }] } });
    await api(shop.token, 'POST', `/com/orders/${created.body.order.id}/cancel.json`, {});
    const { body } = await control(sb.url, 'GET', `/shops/${shop.shopId}/orders`);
    expect(body.orders).toHaveLength(1);
    expect(body.orders[0].line_items).toHaveLength(1);
  });

  it('snapshots and restores the whole state', async () => {
    const shop = await seedShop(sb.url, { products: [product('Snap', [{ stock: [{ location_id: PRIMARY_LOCATION, qty_onhand: 2 }] }])] });
    const snapshot = (await control(sb.url, 'POST', '/snapshot')).body;
    await control(sb.url, 'POST', `/shops/${shop.shopId}/inventory`, { variantId: shop.variantIds[0], locationId: PRIMARY_LOCATION, qtyOnhand: 50 });
    expect((await rows(shop, shop.variantIds[0]))[PRIMARY_LOCATION].qty_onhand).toBe(50);
    expect((await control(sb.url, 'POST', '/restore', snapshot)).status).toBe(200);
    expect((await rows(shop, shop.variantIds[0]))[PRIMARY_LOCATION].qty_onhand).toBe(2);
    expect((await control(sb.url, 'POST', '/restore', { nope: true })).status).toBe(400);
  });

  it('persists to a snapshot file and reloads it in a new sandbox', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'haravan-sandbox-'));
    const file = join(dir, 'state.json');
    try {
      const first = await startSandbox({ snapshotFile: file });
      const shop = await seedShop(first.url, { products: [product('Persist')] });
      await first.close();
      expect(JSON.parse(readFileSync(file, 'utf8')).shops).toHaveLength(1);
      const second = await startSandbox({ snapshotFile: file });
      try {
        const res = await fetch(`${second.url}/com/products/${shop.productIds[0]}.json`, { headers: { Authorization: `Bearer ${shop.token}` } });
        expect(res.status).toBe(200);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('applies faults per route and resets everything', async () => {
    const iso = await startSandbox();
    try {
      const shop = await seedShop(iso.url);
      const call = () => fetch(`${iso.url}/com/shop.json`, { headers: { Authorization: `Bearer ${shop.token}` } });
      await control(iso.url, 'POST', '/faults', { method: 'GET', path: '/com/shop.json', status: 502, times: 1 });
      expect((await call()).status).toBe(502);
      expect((await call()).status).toBe(200);
      await control(iso.url, 'POST', '/faults', { path: '/com/*', latencyMs: 150, times: 1 });
      const started = Date.now();
      await call();
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect((await control(iso.url, 'GET', '/calls')).body.counts['GET /com/shop.json']).toBe(3);
      expect((await control(iso.url, 'POST', '/reset')).status).toBe(200);
      expect((await call()).status).toBe(401);
      expect((await control(iso.url, 'GET', '/shops')).body.shops).toEqual([]);
    } finally {
      await iso.close();
    }
  });
});
