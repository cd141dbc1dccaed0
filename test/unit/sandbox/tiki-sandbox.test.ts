import { TikiClient } from '../../../connectors/tiki/client';
import { createTikiSandbox } from '../../../sandbox/tiki/app';
import { paginate } from '../../../sandbox/tiki/paging';
import { pathTo } from '../../../sandbox/tiki/services/order-rules';
import { Harness, rejection, sellerSeed, startHarness, WH_MAIN } from '../../fixtures/tiki/harness';

describe('Tiki sandbox — HTTP contract', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const raw = async (method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) => {
    const res = await fetch(`${h.url}${path}`, { method, headers: init.headers, body: init.body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    raw('POST', '/sc/oauth2/token', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    });

  it('seeds sellers through the control API with generated ids and credentials', async () => {
    const res = await h.control('POST', '/sellers', {
      seller: { id: 501, name: 'Seeded' },
      warehouses: [{ id: 50101, name: 'Kho A' }],
      products: [
        {
          name: 'X',
          original_sku: 'X-1',
          price: 1000,
          market_price: 2000,
          stocks: [{ warehouse_id: 50101, quantity_available: 5 }],
        },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.seller.sid).toMatch(/^[0-9A-F]{40}$/);
    expect(res.body.productIds).toHaveLength(1);
    expect(res.body.credentials).toEqual({
      clientId: expect.any(String),
      clientSecret: expect.any(String),
      apiKey: expect.any(String),
    });
    const skus = (await h.control('GET', '/sellers/501/skus')).body.skus;
    expect(skus[0].sku).toMatch(/^\d{13}$/);
    expect(skus[0].stocks).toEqual([
      { warehouse_id: 50101, quantity_available: 5, quantity_reserved: 0, quantity_sellable: 5 },
    ]);
    const bad = await h.control('POST', '/sellers', { seller: { id: 'x' }, warehouses: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.details.length).toBeGreaterThan(0);
    const foreignWarehouse = await h.control('POST', '/sellers', {
      seller: { id: 502, name: 'B' },
      warehouses: [{ id: 50101, name: 'stolen' }],
    });
    expect(foreignWarehouse.status).toBe(409);
    const badStock = await h.control('POST', '/sellers', {
      seller: { id: 503, name: 'C' },
      warehouses: [{ id: 50301, name: 'K' }],
      products: [{ name: 'Y', price: 1, stocks: [{ warehouse_id: 1, quantity_available: 1 }] }],
    });
    expect(badStock.status).toBe(400);
    expect((await h.control('GET', '/sellers/503')).status).toBe(404);
  });

  it('token endpoint: Hydra-style errors and <a>.<b> tokens', async () => {
    const ok = await form({ grant_type: 'client_credentials', client_id: h.clientId, client_secret: h.clientSecret });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ expires_in: 3600, token_type: 'bearer' });
    expect(ok.body.access_token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const basic = Buffer.from(`${h.clientId}:${h.clientSecret}`).toString('base64');
    expect((await form({ grant_type: 'client_credentials' }, { Authorization: `Basic ${basic}` })).status).toBe(200);
    const missingGrant = await form({ client_id: h.clientId, client_secret: h.clientSecret });
    expect(missingGrant).toMatchObject({ status: 400, body: { error: 'invalid_request', status_code: 400 } });
    const wrongGrant = await form({ grant_type: 'password', client_id: h.clientId, client_secret: h.clientSecret });
    expect(wrongGrant.body.error).toBe('unsupported_grant_type');
    const noAuth = await form({ grant_type: 'client_credentials' });
    expect(noAuth).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(Object.keys(noAuth.body).sort()).toEqual([
      'error',
      'error_debug',
      'error_description',
      'error_hint',
      'status_code',
    ]);
    const json = await raw('POST', '/sc/oauth2/token', { headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(json.body.error).toBe('invalid_request');
  });

  it('API auth answers: 401 errors list, 403 Permission denied, paused 200, inactive seller 403', async () => {
    expect(await raw('GET', '/integration/v2/sellers/me')).toMatchObject({
      status: 401,
      body: { errors: [expect.any(String)] },
    });
    expect(await raw('GET', '/integration/v2/sellers/me', { headers: { Authorization: 'Bearer a.b' } })).toMatchObject({
      status: 401,
    });
    expect(await raw('GET', '/integration/v2/sellers/me', { headers: { 'tiki-api': 'wrong' } })).toEqual(
      expect.objectContaining({ status: 403, body: { msg: 'Permission denied' } }),
    );
    await h.control('POST', `/sellers/${h.sellerId}/pause`);
    const paused = await raw('GET', '/integration/v2.1/products', { headers: { 'tiki-api': h.apiKey } });
    expect(paused).toMatchObject({
      status: 200,
      body: { msg: 'Kết nối đang tạm ngưng bởi seller', integration_status: 'paused' },
    });
    await h.control('POST', `/sellers/${h.sellerId}/resume`);
    h.running.sandbox.state.seedSeller({
      ...sellerSeed(504),
      seller: { id: 504, name: 'Closed', active: 0 },
      apiKey: 'closed-key',
    });
    expect((await raw('GET', '/integration/v2/sellers/me', { headers: { 'tiki-api': 'closed-key' } })).status).toBe(
      403,
    );
    expect((await raw('GET', '/integration/v9/nothing', { headers: { 'tiki-api': h.apiKey } })).status).toBe(404);
  });

  it('per-seller 429 carries Retry-After and Tiki’s message', async () => {
    await h.control('PUT', '/settings', { rateLimitPerSecond: 2 });
    try {
      const headers = { 'tiki-api': h.running.sandbox.state.seedSeller(sellerSeed(506)).credentials.apiKey };
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await raw('GET', '/integration/v2/sellers/me', { headers }));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
      expect(answers[2].headers.get('retry-after')).toBe('1');
      expect(answers[2].body.errors[0]).toBe('Current rate limit is 2 request / per second / per seller');
    } finally {
      await h.control('PUT', '/settings', { rateLimitPerSecond: 200 });
    }
  });

  it('products without permission to update → 403; Seller Center edits emit events', async () => {
    const seeded = h.running.sandbox.state.seedSeller({
      ...sellerSeed(505),
      seller: { id: 505, name: 'RO', can_update_product: 0 },
    });
    const ro = new TikiClient({ baseUrl: h.url, auth: { apiKey: seeded.credentials.apiKey } });
    expect((await rejection(ro.updateSku({ productId: seeded.productIds[0], price: 100_000 }))).code).toBe('FORBIDDEN');

    const client = h.oauthClient();
    const queue = await client.createQueue('drift');
    for (const t of ['PRODUCT_PRICE_UPDATED', 'PRODUCT_MARKET_PRICE_UPDATED', 'PRODUCT_INVENTORY_UPDATED'])
      await client.subscribe(queue.code, t);
    const edit = await h.control('PUT', `/sellers/${h.sellerId}/products/${h.productIds[0]}`, {
      price: 90_000,
      market_price: 140_000,
      stocks: [{ warehouse_id: h.sellerId * 10 + WH_MAIN, quantity_available: 2 }],
    });
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ price: 90_000, market_price: 140_000 });
    const { events } = await client.pullEvents(queue.code, null);
    expect(events.map((e) => e.type)).toEqual([
      'PRODUCT_MARKET_PRICE_UPDATED',
      'PRODUCT_PRICE_UPDATED',
      'PRODUCT_INVENTORY_UPDATED',
    ]);
    expect(events[1].payload).toMatchObject({
      product_id: String(h.productIds[0]),
      price_from: '100000',
      price_to: '90000',
    });
    expect(events[2].payload).toMatchObject({ quantity_available_from: 10, quantity_available_to: 2 });
  });

  it('updateSkus status 2 disables; the v2 listing serves id and string active', async () => {
    const client = h.keyClient();
    await client.updateSkus([{ productId: h.productIds[1], active: false }]);
    const v2 = await raw('GET', '/integration/v2/products?include=inventory', { headers: { 'tiki-api': h.apiKey } });
    const quan = v2.body.data.find((p: any) => p.id === h.productIds[1]);
    expect(quan).toMatchObject({ active: '0', original_sku: 'QUAN-1' });
    expect(quan.product_id).toBeUndefined();
    await client.updateSkus([{ productId: h.productIds[1], active: true }]);
  });

  it('placing an order needs sellable stock and an active product', async () => {
    const empty = await h.control('POST', `/sellers/${h.sellerId}/orders`, {
      items: [{ product_id: h.productIds[2], qty: 1 }],
    });
    expect(empty.status).toBe(409);
    const ghost = await h.control('POST', `/sellers/${h.sellerId}/orders`, {
      items: [{ original_sku: 'NONE', qty: 1 }],
    });
    expect(ghost.status).toBe(404);
    const invalid = await h.control('POST', `/sellers/${h.sellerId}/orders`, { items: [{ qty: 1 }] });
    expect(invalid.status).toBe(400);
  });

  it('order state machine through the control API, with events and stock effects', async () => {
    const client = h.oauthClient();
    const queue = await client.createQueue('states');
    await client.subscribe(queue.code, 'ORDER_CREATED_SUCCESSFULLY');
    await client.subscribe(queue.code, 'ORDER_STATUS_UPDATED');
    const sku = async () => (await h.control('GET', `/sellers/${h.sellerId}/skus/AO-1`)).body.stocks[0];
    const start = await sku();

    const placed = await h.control('POST', `/sellers/${h.sellerId}/orders`, {
      items: [{ original_sku: 'AO-1', qty: 1 }],
      status: 'processing',
      customer: { full_name: 'Lê C', phone: '0912345678' },
    });
    const code = placed.body.code;
    expect(placed.body.customer.phone).toBe('0912345678'); // control view is unmasked
    expect((await sku()).quantity_reserved).toBe(start.quantity_reserved + 1);
    expect((await client.pullEvents(queue.code, null)).events).toEqual([]);

    const move = (status: string, extra = {}) =>
      h.control('POST', `/sellers/${h.sellerId}/orders/${code}/status`, { status, ...extra });
    expect((await move('queueing')).body.status).toBe('queueing');
    const shipped = await move('shipping');
    expect(shipped.body.status_histories.map((s: any) => s.status)).toEqual([
      'processing',
      'queueing',
      'picking',
      'shipping',
    ]);
    expect(shipped.body.items[0].confirmation.status).toBe('ready_to_pick'); // auto-confirmed as in Seller Center
    const afterShip = await sku();
    expect(afterShip.quantity_available).toBe(start.quantity_available - 1);
    expect(afterShip.quantity_reserved).toBe(start.quantity_reserved);
    await move('complete');
    expect((await move('canceled')).status).toBe(409); // not after delivery
    expect((await move('returned')).body.status).toBe('returned');
    expect((await move('queueing')).status).toBe(409);

    const pulled = await client.pullEvents(queue.code, null);
    expect(pulled.events.map((e) => `${e.type}:${e.payload.status}`)).toEqual([
      'ORDER_CREATED_SUCCESSFULLY:queueing',
      'ORDER_STATUS_UPDATED:queueing',
      'ORDER_STATUS_UPDATED:picking',
      'ORDER_STATUS_UPDATED:shipping',
      'ORDER_STATUS_UPDATED:successful_delivery',
      'ORDER_STATUS_UPDATED:complete',
      'ORDER_STATUS_UPDATED:returned',
    ]);

    const second = (
      await h.control('POST', `/sellers/${h.sellerId}/orders`, { items: [{ original_sku: 'AO-1', qty: 2 }] })
    ).body.code;
    const canceled = await h.control('POST', `/sellers/${h.sellerId}/orders/${second}/status`, {
      status: 'canceled',
      cancel_info: { reason_code: '201', reason_text: 'Không còn nhu cầu' },
    });
    expect(canceled.body.cancel_info).toMatchObject({ reason_code: '201', reason_text: 'Không còn nhu cầu' });
    expect((await sku()).quantity_reserved).toBe(start.quantity_reserved);
  });

  it('snapshot / restore / reset', async () => {
    const snap = await h.control('POST', '/snapshot');
    expect(snap.status).toBe(201);
    await h.control('PUT', `/sellers/${h.sellerId}/products/${h.productIds[0]}`, { price: 77_000 });
    expect((await h.control('GET', `/sellers/${h.sellerId}/skus/AO-1`)).body.price).toBe(77_000);
    expect((await h.control('POST', '/restore', { id: snap.body.id })).status).toBe(200);
    expect((await h.control('GET', `/sellers/${h.sellerId}/skus/AO-1`)).body.price).not.toBe(77_000);
    expect((await h.control('POST', '/restore', { id: 'nope' })).status).toBe(404);
    // Tokens issued before a reset die with it; the client re-grants after the reseed.
    const client = h.oauthClient();
    await client.getSeller();
    expect((await h.control('POST', '/reset')).status).toBe(200);
    expect((await h.control('GET', '/sellers')).body.sellers).toEqual([]);
    h.running.sandbox.state.seedSeller({
      ...sellerSeed(h.sellerId),
      clientId: h.clientId,
      clientSecret: h.clientSecret,
      apiKey: h.apiKey,
    });
    expect((await client.getSeller()).id).toBe(h.sellerId);
  });
});

describe('Tiki sandbox — scale and pure parts', () => {
  it('holds 1,000 sellers with isolated data and tokens', async () => {
    const { state } = createTikiSandbox({ seed: 3 });
    const started = Date.now();
    for (let i = 1; i <= 1000; i++) state.seedSeller(sellerSeed(10_000 + i));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(state.world.sellers.size).toBe(1000);
    const sids = new Set([...state.world.sellers.values()].map((s) => s.sid));
    expect(sids.size).toBe(1000);
    const s1 = state.world.sellers.get(10_001)!;
    const token = state.auth.issueToken('client_credentials', {
      method: 'client_secret_post',
      clientId: s1.clientId,
      clientSecret: s1.clientSecret,
    });
    expect(state.auth.resolveBearer(token.access_token).seller.id).toBe(10_001);
    expect(state.skus(10_500)).toHaveLength(3);
  });

  it('paginate: last_page 0 when empty, exact pages, short pages without loss', () => {
    expect(paginate([], { page: 1, limit: 20 }).paging).toEqual({
      total: 0,
      current_page: 1,
      from: 0,
      to: 0,
      per_page: 20,
      last_page: 0,
    });
    const rows = Array.from({ length: 10 }, (_, i) => i);
    expect(paginate(rows, { page: 1, limit: 10 }).paging).toMatchObject({ last_page: 1, from: 1, to: 10 });
    expect(paginate(rows, { page: 2, limit: 10 }).data).toEqual([]);
    const short = [1, 2, 3, 4, 5].map((page) => paginate(rows, { page, limit: 4, shortPages: true }));
    expect(short.map((p) => p.data.length)).toEqual([2, 4, 2, 2, 0]);
    expect(short[0].paging.last_page).toBe(4);
    expect(short.flatMap((p) => p.data)).toEqual(rows);
  });

  it('pathTo walks the shortest legal path', () => {
    expect(pathTo('processing', 'complete')).toEqual([
      'queueing',
      'picking',
      'shipping',
      'successful_delivery',
      'complete',
    ]);
    expect(pathTo('queueing', 'successful_delivery', 'seller_delivery')).toEqual(['shipping', 'successful_delivery']);
    expect(pathTo('queueing', 'queueing')).toEqual([]);
    expect(pathTo('canceled', 'queueing')).toBeUndefined();
    expect(pathTo('shipping', 'returned')).toEqual(['successful_delivery', 'returned']);
  });
});
