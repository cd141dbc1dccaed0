import { ConnectorError } from '../../../connectors/errors';
import { HaravanClient } from '../../../connectors/haravan/client';
import { RunningHaravanSandbox } from '../../../sandbox/haravan/app';
import errorBodies from '../../fixtures/haravan/error-bodies.json';
import {
  PRIMARY_LOCATION,
  SECOND_LOCATION,
  SeededShop,
  clientFor,
  control,
  product,
  products,
  seedShop,
  useSandbox,
} from '../../fixtures/haravan/sandbox-helpers';

let sb: RunningHaravanSandbox;
useSandbox((s) => (sb = s));

async function rejection(p: Promise<unknown>): Promise<ConnectorError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectorError);
    return err as ConnectorError;
  }
  throw new Error('expected a rejection');
}

function callCount(method: string, path: string): number {
  return sb.sandbox.faults.callLog().counts[`${method} ${path}`] ?? 0;
}

describe('shop, locations and auth', () => {
  let shop: SeededShop;
  let client: HaravanClient;

  beforeAll(async () => {
    shop = await seedShop(sb.url);
    client = clientFor(sb.url, shop.token);
  });

  it('reads the shop and its locations', async () => {
    const s = await client.getShop();
    expect(s.id).toBe(shop.shopId);
    expect(s.currency).toBe('VND');
    const locations = await client.listLocations();
    expect(locations.map((l) => [l.id, l.is_primary])).toEqual([
      [PRIMARY_LOCATION, true],
      [SECOND_LOCATION, false],
    ]);
  });

  it('maps 401 to a non-retryable AUTH_FAILED', async () => {
    const err = await rejection(clientFor(sb.url, 'wrong-token-123').getShop());
    expect(err).toMatchObject({ system: 'haravan', code: 'AUTH_FAILED', status: 401, retryable: false, route: 'GET /com/shop.json' });
    expect(err.message).toContain('Invalid API key or access token');
    expect(err.fullCode).toBe('HARAVAN_AUTH_FAILED');
  });

  it('maps 403 (missing scope) to FORBIDDEN', async () => {
    const limited = await seedShop(sb.url, { scopes: ['com.read_products', 'com.read_orders'], products: [product('Scoped')] });
    const c = clientFor(sb.url, limited.token);
    await expect(c.listProducts()).resolves.toHaveLength(1);
    const err = await rejection(c.createOrder({ line_items: [{ variant_id: limited.variantIds[0], quantity: 1 }] }));
    expect(err).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    expect(err.message).toContain('com.write_orders');
  });

  it('maps 404 to NOT_FOUND for products, orders and customers', async () => {
    for (const call of [client.getProduct(1), client.getOrder(1), client.getCustomer(1)]) {
      expect(await rejection(call)).toMatchObject({ code: 'NOT_FOUND', status: 404, retryable: false });
    }
  });

  it.each(errorBodies.cases)('accepts the error body shape of a $status answer', async ({ status, body, text, code }) => {
    sb.sandbox.faults.add({ path: '/com/shop.json', status, body, times: 1 });
    const err = await rejection(client.getShop());
    expect(err.code).toBe(code);
    expect(err.status).toBe(status);
    expect(err.message).toContain(text);
    expect(err.details).toEqual(body);
  });

  it('maps 5xx to a retryable SERVER_ERROR', async () => {
    sb.sandbox.faults.add({ path: '/com/locations.json', status: 503, times: 1 });
    const err = await rejection(client.listLocations());
    expect(err).toMatchObject({ code: 'SERVER_ERROR', status: 503, retryable: true });
  });

  it('reports a body that does not match the schema as BAD_RESPONSE', async () => {
    sb.sandbox.faults.add({ path: '/com/shop.json', status: 200, body: { shop: { name: 'no id' } }, times: 1 });
    const err = await rejection(client.getShop());
    expect(err).toMatchObject({ code: 'BAD_RESPONSE', retryable: false });
    expect(err.message).toContain('shop.id');
  });

  it('turns a refused connection into a retryable NETWORK error', async () => {
    const err = await rejection(clientFor('http://127.0.0.1:9', 'x-token-123').getShop());
    expect(err).toMatchObject({ code: 'NETWORK', retryable: true });
  });
});

describe('products', () => {
  it('pages exactly 50 products: one full page, then an empty page ends the walk', async () => {
    const shop = await seedShop(sb.url, { products: products(50) });
    const client = clientFor(sb.url, shop.token);
    sb.sandbox.faults.clearCalls();
    const pages: number[] = [];
    const ids: number[] = [];
    for await (const page of client.listAllProducts()) {
      pages.push(page.length);
      ids.push(...page.map((p) => p.id));
    }
    expect(pages).toEqual([50]);
    expect(new Set(ids).size).toBe(50);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(callCount('GET', '/com/products.json')).toBe(2);
  });

  it('pages 51 products as 50 + 1 and stops on the short page', async () => {
    const shop = await seedShop(sb.url, { products: products(51) });
    const client = clientFor(sb.url, shop.token);
    sb.sandbox.faults.clearCalls();
    const pages: number[] = [];
    for await (const page of client.listAllProducts()) pages.push(page.length);
    expect(pages).toEqual([50, 1]);
    expect(callCount('GET', '/com/products.json')).toBe(2);
    await expect(client.countProducts()).resolves.toBe(51);
  });

  it('yields nothing for an empty shop after one call', async () => {
    const shop = await seedShop(sb.url);
    const client = clientFor(sb.url, shop.token);
    sb.sandbox.faults.clearCalls();
    const pages: unknown[] = [];
    for await (const page of client.listAllProducts()) pages.push(page);
    expect(pages).toEqual([]);
    expect(callCount('GET', '/com/products.json')).toBe(1);
  });

  it('treats empty id lists as "nothing" without calling the API', async () => {
    const shop = await seedShop(sb.url, { products: products(2) });
    const client = clientFor(sb.url, shop.token);
    sb.sandbox.faults.clearCalls();
    await expect(client.listProducts({ ids: [] })).resolves.toEqual([]);
    await expect(client.listInventoryLocations({ variantIds: [] })).resolves.toEqual([]);
    await expect(client.listAllInventoryLocations({ locationIds: [] })).resolves.toEqual([]);
    await expect(client.listOrders({ ids: [] })).resolves.toEqual([]);
    const pages: unknown[] = [];
    for await (const page of client.listAllProducts({ ids: [] })) pages.push(page);
    expect(pages).toEqual([]);
    expect(sb.sandbox.faults.callLog().total).toBe(0);
  });

  it('gets 50 products even when asked for 250', async () => {
    const shop = await seedShop(sb.url, { products: products(60) });
    await expect(clientFor(sb.url, shop.token).listProducts({ limit: 250 })).resolves.toHaveLength(50);
  });

  it('learns the page size from page 1 when the server pages smaller than asked', async () => {
    const shop = await seedShop(sb.url, { products: products(45) });
    const client = clientFor(sb.url, shop.token);
    // Pretend the server caps pages at 20: page 1 (20) sets the size, page 3 (5) is short.
    const all = await client.listProducts({ limit: 50 });
    const pageOf = (n: number) => ({ products: all.slice((n - 1) * 20, n * 20) });
    for (const n of [1, 2, 3]) sb.sandbox.faults.add({ method: 'GET', path: '/com/products.json', status: 200, body: pageOf(n), times: 1 });
    const sizes: number[] = [];
    for await (const page of client.listAllProducts()) sizes.push(page.length);
    expect(sizes).toEqual([20, 20, 5]);
  });

  it('sends ids in chunks of at most 50', async () => {
    const shop = await seedShop(sb.url, { products: products(120) });
    const client = clientFor(sb.url, shop.token);
    const seen: number[] = [];
    for await (const page of client.listAllProducts({ ids: shop.productIds })) seen.push(...page.map((p) => p.id));
    expect(seen.sort()).toEqual([...shop.productIds].sort());
    await expect(client.listProducts({ ids: shop.productIds.slice(0, 3), fields: ['id', 'title'] })).resolves.toEqual(
      expect.arrayContaining([expect.objectContaining({ id: shop.productIds[0], variants: [] })]),
    );
  });

  it('reads one product with live per-variant stock and filters by updated_at_min', async () => {
    const shop = await seedShop(sb.url, {
      products: [product('Áo', [{ stock: [{ location_id: PRIMARY_LOCATION, qty_onhand: 7 }] }]), product('Quần')],
    });
    const client = clientFor(sb.url, shop.token);
    const p = await client.getProduct(shop.productIds[0]);
    expect(p.variants[0]).toMatchObject({
      inventory_management: 'haravan',
      inventory_quantity: 7,
      inventory_advance: { qty_onhand: 7, qty_commited: 0, qty_available: 7 },
    });
    const since = new Date(Date.now() + 5);
    await new Promise((r) => setTimeout(r, 10));
    await control(sb.url, 'PUT', `/shops/${shop.shopId}/products/${shop.productIds[1]}`, {
      variants: [{ id: shop.variantIds[1], price: 150_000 }],
    });
    const changed: number[] = [];
    for await (const page of client.listAllProducts({ updatedAtMin: since })) changed.push(...page.map((x) => x.id));
    expect(changed).toEqual([shop.productIds[1]]);
  });
});

describe('inventory', () => {
  it('batches 120 variant ids into 3 calls', async () => {
    const catalogue = Array.from({ length: 12 }, (_, i) =>
      product(`Inv${i}`, Array.from({ length: 10 }, () => ({ stock: [{ location_id: PRIMARY_LOCATION, qty_onhand: 3 }] }))),
    );
    const shop = await seedShop(sb.url, { products: catalogue });
    expect(shop.variantIds).toHaveLength(120);
    const client = clientFor(sb.url, shop.token);
    sb.sandbox.faults.clearCalls();
    const rows = await client.listAllInventoryLocations({ variantIds: shop.variantIds });
    expect(rows).toHaveLength(120);
    expect(callCount('GET', '/com/inventory_locations.json')).toBe(3);
    expect(rows[0]).toMatchObject({ loc_id: PRIMARY_LOCATION, qty_onhand: 3, qty_commited: 0, qty_available: 3 });
  });

  it('follows since_id pages of 250 and batches location ids', async () => {
    const stock = [
      { location_id: PRIMARY_LOCATION, qty_onhand: 1 },
      { location_id: SECOND_LOCATION, qty_onhand: 2 },
    ];
    const catalogue = Array.from({ length: 15 }, (_, i) => product(`Kp${i}`, Array.from({ length: 10 }, () => ({ stock }))));
    const shop = await seedShop(sb.url, { products: catalogue });
    const client = clientFor(sb.url, shop.token);
    sb.sandbox.faults.clearCalls();
    const all = await client.listAllInventoryLocations();
    expect(all).toHaveLength(300);
    expect(new Set(all.map((r) => r.id)).size).toBe(300);
    expect(callCount('GET', '/com/inventory_locations.json')).toBe(2);

    const second = await client.listAllInventoryLocations({ locationIds: [SECOND_LOCATION] });
    expect(second).toHaveLength(150);
    expect(second.every((r) => r.loc_id === SECOND_LOCATION && r.qty_available === 2)).toBe(true);

    const firstTwo = await client.listInventoryLocations({ limit: 2 });
    const next = await client.listInventoryLocations({ limit: 2, sinceId: firstTwo[1].id });
    expect(next[0].id).toBeGreaterThan(firstTwo[1].id);
  });

  it('refuses more than 50 ids in one list call (VALIDATION)', async () => {
    const shop = await seedShop(sb.url);
    const ids = Array.from({ length: 51 }, (_, i) => 1000 + i);
    const err = await rejection(clientFor(sb.url, shop.token).listInventoryLocations({ variantIds: ids }));
    expect(err).toMatchObject({ code: 'VALIDATION', status: 422 });
    expect(err.message).toContain('variant_ids');
  });

  it('sets and adjusts stock; 200 (no change) is success; ≤ 100 lines per call', async () => {
    const catalogue = Array.from({ length: 12 }, (_, i) => product(`Adj${i}`, Array.from({ length: 10 }, () => ({}))));
    const shop = await seedShop(sb.url, { products: catalogue });
    const client = clientFor(sb.url, shop.token);
    const variantOf = await collectVariants(client);
    const one = variantOf[0];

    const set = await client.adjustOrSetInventory({
      locationId: PRIMARY_LOCATION,
      type: 'set',
      reason: 'newproduct',
      note: 'sync',
      lineItems: [{ productId: one.productId, variantId: one.variantId, quantity: 5 }],
    });
    expect(set).toMatchObject({ changed: true, calls: 1 });
    expect(set.variants[0]).toMatchObject({ id: one.variantId, inventory_quantity: 5 });

    const again = await client.adjustOrSetInventory({
      locationId: PRIMARY_LOCATION,
      type: 'set',
      lineItems: [{ productId: one.productId, variantId: one.variantId, quantity: 5 }],
    });
    expect(again).toEqual({ changed: false, calls: 1, variants: [] });

    await client.adjustOrSetInventory({
      locationId: PRIMARY_LOCATION,
      type: 'adjust',
      lineItems: [{ productId: one.productId, variantId: one.variantId, quantity: -2 }],
    });
    const [row] = await client.listInventoryLocations({ variantIds: [one.variantId], locationIds: [PRIMARY_LOCATION] });
    expect(row).toMatchObject({ qty_onhand: 3, qty_available: 3 });

    const bulk = await client.adjustOrSetInventory({
      locationId: SECOND_LOCATION,
      type: 'set',
      lineItems: variantOf.map((v) => ({ productId: v.productId, variantId: v.variantId, quantity: 9 })),
    });
    expect(bulk).toMatchObject({ changed: true, calls: 2 });
    const rows = await client.listAllInventoryLocations({ locationIds: [SECOND_LOCATION] });
    expect(rows.filter((r) => r.qty_onhand === 9)).toHaveLength(120);
  });

  it('keeps the Vietnamese 422 text of adjustorset', async () => {
    const shop = await seedShop(sb.url, { products: [product('Bad')] });
    const client = clientFor(sb.url, shop.token);
    const err = await rejection(
      client.adjustOrSetInventory({
        locationId: PRIMARY_LOCATION,
        type: 'adjust',
        lineItems: [{ productId: shop.productIds[0], variantId: 42, quantity: 1 }],
      }),
    );
    expect(err).toMatchObject({ code: 'VALIDATION', status: 422 });
    expect(err.message).toContain('Biến thể không hợp lệ');
  });
});

async function collectVariants(client: HaravanClient): Promise<{ productId: number; variantId: number }[]> {
  const out: { productId: number; variantId: number }[] = [];
  for await (const page of client.listAllProducts()) {
    for (const p of page) for (const v of p.variants) out.push({ productId: p.id, variantId: v.id });
  }
  return out;
}

describe('orders', () => {
  let shop: SeededShop;
  let client: HaravanClient;

  beforeAll(async () => {
    shop = await seedShop(sb.url, {
      products: [product('Đầm', [{ price: 600_000, stock: [{ location_id: PRIMARY_LOCATION, qty_onhand: 10 }] }])],
    });
    client = clientFor(sb.url, shop.token);
  });

  const tikiOrder = (code: string, extra: Record<string, unknown> = {}) => ({
    line_items: [{ variant_id: shop.variantIds[0], quantity: 2, price: 550_000 }],
    email: `buyer-${code}@84.phone`,
    source: 'tiki',
    source_name: 'tiki',
    note_attributes: [{ name: 'tiki_order_code', value: code }],
    tags: `tiki:${code}, Tiki`,
    shipping_address: { first_name: 'Lan', last_name: 'Nguyễn', phone: '0901234567', province_code: 'HC', district_code: 'HC476' },
    ...extra,
  });

  it('creates, reads, lists, updates and walks an order through its lifecycle', async () => {
    const created = await client.createOrder(tikiOrder('100200300'));
    expect(created).toMatchObject({
      financial_status: 'pending',
      fulfillment_status: 'notfulfilled',
      confirmed_status: 'unconfirmed',
      closed_status: 'unclosed',
      cancelled_status: 'uncancelled',
      source: 'tiki',
      source_name: 'tiki',
      location_id: PRIMARY_LOCATION,
      location_name: 'Địa điểm mặc định',
      total_price: 1_100_000,
    });
    expect(created.name).toMatch(/^#1\d{5}$/);
    expect(created.customer?.email).toBe('buyer-100200300@84.phone');

    await expect(client.getOrder(created.id)).resolves.toMatchObject({ id: created.id, name: created.name });
    const listed = await client.listOrders({ status: 'any', createdAtMin: new Date(Date.now() - 60_000) });
    expect(listed.map((o) => o.id)).toContain(created.id);

    const updated = await client.updateOrder(created.id, {
      note: 'giao giờ hành chính',
      note_attributes: [
        { name: 'tiki_order_code', value: '100200300' },
        { name: 'tiki_status', value: 'confirmed' },
      ],
    });
    expect(updated.note).toBe('giao giờ hành chính');
    expect(updated.note_attributes).toHaveLength(2);

    await expect(client.confirmOrder(created.id)).resolves.toMatchObject({ confirmed_status: 'confirmed' });
    const fulfillment = await client.createFulfillment(created.id, { trackingNumber: 'TK123', trackingCompany: 'Tiki' });
    expect(fulfillment).toMatchObject({ order_id: created.id, status: 'success', tracking_number: 'TK123', location_id: PRIMARY_LOCATION });
    await expect(client.listFulfillments(created.id)).resolves.toHaveLength(1);

    const capture = await client.createTransaction(created.id, { amount: 1_100_000, kind: 'capture' });
    expect(capture).toMatchObject({ kind: 'capture', amount: 1_100_000, status: 'success' });
    await expect(client.getOrder(created.id)).resolves.toMatchObject({ financial_status: 'paid', fulfillment_status: 'fulfilled' });

    await expect(client.closeOrder(created.id)).resolves.toMatchObject({ closed_status: 'closed' });
    await expect(client.openOrder(created.id)).resolves.toMatchObject({ closed_status: 'unclosed', closed_at: null });
  });

  it('cancels with restock and returns stock', async () => {
    const before = await client.listInventoryLocations({ variantIds: shop.variantIds, locationIds: [PRIMARY_LOCATION] });
    const order = await client.createOrder(tikiOrder('555'));
    const during = await client.listInventoryLocations({ variantIds: shop.variantIds, locationIds: [PRIMARY_LOCATION] });
    expect(during[0].qty_commited).toBe(before[0].qty_commited + 2);
    const cancelled = await client.cancelOrder(order.id, { reason: 'customer', restock: true, note: 'Tiki cancelled' });
    expect(cancelled).toMatchObject({ cancelled_status: 'cancelled', cancel_reason: 'customer' });
    expect(cancelled.cancelled_at).toBeTruthy();
    const after = await client.listInventoryLocations({ variantIds: shop.variantIds, locationIds: [PRIMARY_LOCATION] });
    expect(after[0]).toMatchObject({ qty_onhand: before[0].qty_onhand, qty_commited: before[0].qty_commited });
    const err = await rejection(client.cancelOrder(order.id));
    expect(err).toMatchObject({ code: 'VALIDATION', status: 422 });
  });

  it('keeps the vendor text of a 422 on create', async () => {
    const err = await rejection(client.createOrder({ line_items: [{ variant_id: 999, quantity: 1 }] }));
    expect(err).toMatchObject({ code: 'VALIDATION', status: 422, retryable: false });
    expect(err.message).toContain('variant 999 does not exist');
  });

  it('finds an order by note attribute or by tag, and returns null otherwise', async () => {
    const since = new Date(Date.now() - 1000);
    const byAttr = await client.createOrder(tikiOrder('777', { tags: undefined }));
    const byTag = await client.createOrder(tikiOrder('888', { note_attributes: [] }));
    await expect(client.findOrderByReference({ tikiCode: '777', createdAtMin: since })).resolves.toMatchObject({ id: byAttr.id });
    await expect(client.findOrderByReference({ tikiCode: '888', createdAtMin: since })).resolves.toMatchObject({ id: byTag.id });
    await expect(client.findOrderByReference({ tikiCode: '999', createdAtMin: since })).resolves.toBeNull();
    await expect(client.findOrderByReference({ tikiCode: '777', createdAtMin: new Date(Date.now() + 60_000) })).resolves.toBeNull();
  });

  it('pages through more than 50 orders to find an older one (cancelled orders included)', async () => {
    const busy = await seedShop(sb.url, { products: [product('Bulk', [{ tracked: false }])] });
    const c = clientFor(sb.url, busy.token);
    const since = new Date(Date.now() - 1000);
    const target = await c.createOrder({ line_items: [{ variant_id: busy.variantIds[0], quantity: 1 }], tags: 'tiki:first' });
    await c.cancelOrder(target.id);
    for (let i = 0; i < 54; i++) await c.createOrder({ line_items: [{ variant_id: busy.variantIds[0], quantity: 1 }], tags: `tiki:n${i}` });
    sb.sandbox.faults.clearCalls();
    await expect(c.findOrderByReference({ tikiCode: 'first', createdAtMin: since })).resolves.toMatchObject({ id: target.id });
    expect(callCount('GET', '/com/orders.json')).toBe(2);
  });

  it('timeout after commit: the create fails for the client but the order exists and is found', async () => {
    const since = new Date(Date.now() - 1000);
    sb.sandbox.faults.add({ method: 'POST', path: '/com/orders.json', timeoutAfterCommit: true, mode: 'drop', times: 1 });
    const err = await rejection(client.createOrder(tikiOrder('424242')));
    expect(['NETWORK', 'TIMEOUT']).toContain(err.code);
    expect(err.retryable).toBe(true);
    const found = await client.findOrderByReference({ tikiCode: '424242', createdAtMin: since });
    expect(found).not.toBeNull();
    const { body } = await control(sb.url, 'GET', `/shops/${shop.shopId}/orders`);
    const copies = body.orders.filter((o: { tags: string | null }) => (o.tags ?? '').includes('tiki:424242'));
    expect(copies).toHaveLength(1);
    expect(copies[0].id).toBe(found?.id);
  });

  it('timeout after commit (hung response) surfaces as TIMEOUT', async () => {
    const since = new Date(Date.now() - 1000);
    sb.sandbox.faults.add({ method: 'POST', path: '/com/orders.json', timeoutAfterCommit: true, mode: 'hang', times: 1 });
    const impatient = clientFor(sb.url, shop.token, { timeoutMs: 300 });
    const err = await rejection(impatient.createOrder(tikiOrder('515151')));
    expect(err.code).toBe('TIMEOUT');
    await expect(client.findOrderByReference({ tikiCode: '515151', createdAtMin: since })).resolves.not.toBeNull();
  });
});

describe('customers', () => {
  it('creates, reads and searches customers; duplicates are VALIDATION errors', async () => {
    const shop = await seedShop(sb.url);
    const client = clientFor(sb.url, shop.token);
    const created = await client.createCustomer({ first_name: 'Lan', last_name: 'Nguyễn', email: '0901234567@84.phone', phone: '0901234567' });
    expect(created).toMatchObject({ first_name: 'Lan', email: '0901234567@84.phone', phone: '0901234567', orders_count: 0 });
    await expect(client.getCustomer(created.id)).resolves.toMatchObject({ id: created.id });
    for (const q of ['0901234567', '84.phone', 'lan', 'Nguyễn']) {
      await expect(client.searchCustomers(q)).resolves.toEqual([expect.objectContaining({ id: created.id })]);
    }
    await expect(client.searchCustomers('nobody')).resolves.toEqual([]);
    const dupEmail = await rejection(client.createCustomer({ email: '0901234567@84.PHONE' }));
    expect(dupEmail).toMatchObject({ code: 'VALIDATION', status: 422 });
    expect(dupEmail.message).toContain('already been taken');
    const dupPhone = await rejection(client.createCustomer({ email: 'other@example.vn', phone: '+84 90-123-4567' }));
    expect(dupPhone.message).toContain('Phone');
  });

  it('attaches orders to an existing customer by id or email, else to the shared guest', async () => {
    const shop = await seedShop(sb.url, { products: [product('C', [{ tracked: false }])] });
    const client = clientFor(sb.url, shop.token);
    const customer = await client.createCustomer({ first_name: 'Minh', email: 'minh@example.vn' });
    const line = [{ variant_id: shop.variantIds[0], quantity: 1 }];
    const byId = await client.createOrder({ line_items: line, customer: { id: customer.id } });
    const byEmail = await client.createOrder({ line_items: line, email: 'MINH@example.vn' });
    const guest = await client.createOrder({ line_items: line });
    expect(byId.customer?.id).toBe(customer.id);
    expect(byEmail.customer?.id).toBe(customer.id);
    expect(guest.customer?.email).toBe('guest@haravan.com');
    await expect(client.getCustomer(customer.id)).resolves.toMatchObject({ orders_count: 2, last_order_id: byEmail.id });
  });
});
