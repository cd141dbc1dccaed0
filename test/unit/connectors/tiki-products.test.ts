import { mergeWarehouseQuantities, TikiClient, toTikiDateTime } from '../../../connectors/tiki/client';
import { Harness, rejection, startHarness, WH_MAIN, WH_SECOND } from '../../fixtures/tiki/harness';

describe('TikiClient — seller, warehouses, products', () => {
  let h: Harness;
  let client: TikiClient;
  let whMain: number;
  let whSecond: number;
  let aoId: number;
  beforeAll(async () => {
    h = await startHarness();
    client = h.oauthClient();
    whMain = h.sellerId * 10 + WH_MAIN;
    whSecond = h.sellerId * 10 + WH_SECOND;
    aoId = h.productIds[0];
  });
  afterAll(() => h.close());
  beforeEach(() => h.running.sandbox.faults.clear());

  const sku = async (code: string) => (await h.control('GET', `/sellers/${h.sellerId}/skus/${code}`)).body;

  it('getSeller returns the seeded seller with a 40-hex sid', async () => {
    const seller = await client.getSeller();
    expect(seller).toMatchObject({ id: h.sellerId, name: `Shop ${h.sellerId}`, active: 1, can_update_product: 1 });
    expect(seller.sid).toMatch(/^[0-9A-F]{40}$/);
    expect(seller.live_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('listWarehouses sends status=1&type=1, walks pages and normalises the flat address', async () => {
    const warehouses = await client.listWarehouses();
    expect(warehouses.map((w) => w.id)).toEqual([whMain, whSecond]);
    expect(warehouses[0].is_primary).toBe(true);
    expect(warehouses[0].address.region?.name).toBe('Hồ Chí Minh');
    const seller = h.running.sandbox.state.catalog.seller(h.sellerId);
    seller.warehouses.push(
      { ...seller.warehouses[1], id: 99_999, status: 0 },
      { ...seller.warehouses[1], id: 99_998, type: 0 },
    );
    try {
      expect((await client.listWarehouses()).map((w) => w.id)).toEqual([whMain, whSecond]);
    } finally {
      seller.warehouses.splice(2);
    }
  });

  it('getSellerInventories maps Tiki warehouse codes to seller inventories', async () => {
    const inv = await client.getSellerInventories(['sgn', 'hn4']);
    expect(inv.mappings).toEqual([
      { tiki_warehouse_code: 'sgn', seller_inventory_ids: [whMain, whSecond] },
      { tiki_warehouse_code: 'hn4', seller_inventory_ids: [] },
    ]);
    expect(inv.seller_inventories[0]).toMatchObject({ id: whMain, type: 'requisition' });
    expect((await rejection(client.getSellerInventories([]))).code).toBe('VALIDATION');
  });

  it('listProducts reads v2.1 products with per-warehouse stock', async () => {
    const page = await client.listProducts({ limit: 2 });
    expect(page.paging).toMatchObject({ total: 3, current_page: 1, per_page: 2, last_page: 2 });
    expect(page.items.map((p) => p.original_sku)).toEqual(['AO-1', 'QUAN-1']);
    expect(page.items[0].inventory?.warehouse_stocks).toEqual([
      { warehouse_id: whMain, quantity: 10, quantity_available: 10, quantity_reserved: 0, quantity_sellable: 10 },
      { warehouse_id: whSecond, quantity: 4, quantity_available: 4, quantity_reserved: 0, quantity_sellable: 4 },
    ]);
    expect((await client.listProducts({ active: false })).items).toHaveLength(0);
    expect((await rejection(client.listProducts({ limit: 51 }))).code).toBe('VALIDATION');
  });

  it('pagination: exactly one full page, last_page 0 when empty, short pages', async () => {
    const full = [];
    for await (const page of client.listAllProducts({})) full.push(page);
    expect(full).toHaveLength(1);
    expect(full[0].items).toHaveLength(3);

    const future = new Date(Date.now() + 3_600_000);
    const empty = await client.listProducts({ updatedFrom: future });
    expect(empty.items).toEqual([]);
    expect(empty.paging.last_page).toBe(0);
    const pages = [];
    for await (const page of client.listAllProducts({ updatedFrom: future })) pages.push(page);
    expect(pages).toEqual([]);

    // 3 existing + 9 more = 12 products; 4 per page with odd pages short (2 rows): 2+4+2+4 → 4 pages.
    const extra = Array.from({ length: 9 }, (_, i) => ({ name: `P${i}`, original_sku: `P-${i}`, price: 1000 }));
    h.running.sandbox.state.addProducts(h.sellerId, extra);
    await h.control('PUT', '/settings', { shortPages: true });
    try {
      const sizes: number[] = [];
      const ids = new Set<number>();
      const walker = new TikiClient({ baseUrl: h.url, auth: { apiKey: h.apiKey }, maxRequestsPerSecond: 1000 });
      for await (const page of walker.listAllProducts()) {
        sizes.push(page.items.length);
        page.items.forEach((p) => ids.add(p.product_id));
      }
      expect(ids.size).toBe(12);
      expect(sizes).toEqual([12]); // limit 50 → the 25-row short first page holds everything
      const small: number[] = [];
      for (let p = 1; ; p++) {
        const page = await walker.listProducts({ page: p, limit: 4 });
        small.push(page.items.length);
        if (p >= page.paging.last_page) break;
      }
      expect(small).toEqual([2, 4, 2, 4]);
    } finally {
      await h.control('PUT', '/settings', { shortPages: false });
    }
  });

  it('filters by updated_from_date in Tiki local time', async () => {
    for (const p of h.running.sandbox.state.world.products.values()) p.updatedAt -= 3_600_000;
    const before = new Date(Date.now() - 1000);
    await client.updateSku({ productId: aoId, price: 101_000 });
    const page = await client.listProducts({ updatedFrom: before });
    expect(page.items.map((p) => p.product_id)).toEqual([aoId]);
    expect(h.running.sandbox.faults.callLog().calls.at(-1)?.path).toBe('/integration/v2.1/products');
    const url = new URL(`http://x/?updated_from_date=${encodeURIComponent(toTikiDateTime(before))}`);
    expect(url.searchParams.get('updated_from_date')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('getProduct and findByOriginalSku', async () => {
    const p = await client.getProduct(aoId);
    expect(p).toMatchObject({ product_id: aoId, original_sku: 'AO-1', active: 1 });
    expect(p.inventory?.warehouse_stocks).toHaveLength(2);
    const found = await client.findByOriginalSku('AO-1');
    expect(found).toHaveLength(1);
    expect(found[0].product_id).toBe(aoId); // v2 shape: `id`
    expect(found[0].inventory?.warehouse_stocks).toHaveLength(2);
    expect(await client.findByOriginalSku('NOPE')).toEqual([]);
    const err = await rejection(client.getProduct(1));
    expect(err).toMatchObject({ code: 'NOT_FOUND', status: 404, route: 'GET /integration/v2.1/products/:productId' });
  });

  it('updateSku sets price, active and only the listed warehouses', async () => {
    await expect(
      client.updateSku({
        originalSku: 'AO-1',
        price: 120_000,
        warehouseQuantities: [{ warehouseId: whMain, qtyAvailable: 25 }],
      }),
    ).resolves.toEqual({
      state: 'approved',
    });
    const after = await sku('AO-1');
    expect(after.price).toBe(120_000);
    expect(after.stocks).toEqual([
      { warehouse_id: whMain, quantity_available: 25, quantity_reserved: 0, quantity_sellable: 25 },
      { warehouse_id: whSecond, quantity_available: 4, quantity_reserved: 0, quantity_sellable: 4 },
    ]);
    await client.updateSku({ productId: aoId, active: false });
    expect((await sku('AO-1')).active).toBe(0);
    await client.updateSku({ productId: aoId, active: true });
  });

  it('updateSku errors are VALIDATION / NOT_FOUND with Tiki’s text', async () => {
    const unknownWh = await rejection(
      client.updateSku({ productId: aoId, warehouseQuantities: [{ warehouseId: 15936811, qtyAvailable: 1 }] }),
    );
    expect(unknownWh).toMatchObject({ code: 'VALIDATION', status: 400, retryable: false });
    expect(unknownWh.message).toContain("update error [Warehouse '[15936811]' are not found]");
    expect(unknownWh.details).toMatchObject({ meta: { source: 'meepo' } });

    const tooHigh = await rejection(client.updateSku({ productId: aoId, price: 150_001 }));
    expect(tooHigh).toMatchObject({ code: 'VALIDATION', status: 422 });
    expect(tooHigh.message).toContain('greater than listing price');
    const tooLow = await rejection(client.updateSku({ productId: aoId, price: 14_999 }));
    expect(tooLow.message).toContain('less than ten percent listing price');
    await expect(client.updateSku({ productId: aoId, price: 15_000 })).resolves.toEqual({ state: 'approved' });
    // market_price 0: only price > 0 applies.
    await expect(client.updateSku({ originalSku: 'QUAN-1', price: 999_999 })).resolves.toEqual({ state: 'approved' });

    expect((await rejection(client.updateSku({ originalSku: 'GHOST', price: 1000 }))).code).toBe('NOT_FOUND');
    expect((await rejection(client.updateSku({ productId: aoId, price: 0 }))).code).toBe('VALIDATION');
    expect((await rejection(client.updateSku({ productId: aoId }))).message).toMatch(/nothing to update/);
    expect((await sku('AO-1')).price).toBe(15_000);
  });

  it('a 200 carrying a non-empty errors list is VALIDATION', async () => {
    h.running.sandbox.faults.add({
      path: '/integration/v2/products/updateSku',
      status: 200,
      body: { errors: ['product is locked'] },
      times: 1,
    });
    const err = await rejection(client.updateSku({ productId: aoId, price: 100_000 }));
    expect(err).toMatchObject({ code: 'VALIDATION', status: 200 });
    expect(err.message).toContain('product is locked');
  });

  it('updateSkus zeroes warehouses missing from the list (sandbox) and the client refuses such items', async () => {
    await client.updateSku({
      productId: aoId,
      warehouseQuantities: [
        { warehouseId: whMain, qtyAvailable: 8 },
        { warehouseId: whSecond, qtyAvailable: 6 },
      ],
    });
    // The client refuses what would provably zero warehouses.
    const empty = await rejection(client.updateSkus([{ productId: aoId, warehouseQuantities: [] }]));
    expect(empty.code).toBe('VALIDATION');
    expect(empty.status).toBeUndefined();
    const missing = await rejection(
      client.updateSkus([
        {
          productId: aoId,
          warehouseQuantities: [{ warehouseId: whMain, qtyAvailable: 9 }],
          currentWarehouseIds: [whMain, whSecond],
        },
      ]),
    );
    expect(missing.message).toContain(`warehouses ${whSecond} are missing`);
    expect((await sku('AO-1')).totals.available).toBe(14);

    // Tiki's documented behaviour: a warehouse left out is set to 0.
    await client.updateSkus([{ productId: aoId, warehouseQuantities: [{ warehouseId: whMain, qtyAvailable: 9 }] }]);
    expect((await sku('AO-1')).stocks.map((s: any) => [s.warehouse_id, s.quantity_available])).toEqual([
      [whMain, 9],
      [whSecond, 0],
    ]);

    // With mergeWarehouseQuantities the other warehouse keeps its value.
    await client.updateSku({ productId: aoId, warehouseQuantities: [{ warehouseId: whSecond, qtyAvailable: 6 }] });
    const current = (await client.getProduct(aoId)).inventory?.warehouse_stocks ?? [];
    const merged = mergeWarehouseQuantities(current, [{ warehouseId: whMain, qtyAvailable: 3 }]);
    await client.updateSkus([
      {
        productId: aoId,
        price: 110_000,
        active: true,
        warehouseQuantities: merged,
        currentWarehouseIds: current.map((s) => s.warehouse_id),
      },
      { originalSku: 'QUAN-1', price: 190_000 },
    ]);
    expect((await sku('AO-1')).stocks.map((s: any) => [s.warehouse_id, s.quantity_available])).toEqual([
      [whMain, 3],
      [whSecond, 6],
    ]);
    expect((await sku('AO-1')).price).toBe(110_000);
    expect((await sku('QUAN-1')).price).toBe(190_000);
  });

  it('updateSkus is all-or-nothing and caps the batch size', async () => {
    const err = await rejection(
      client.updateSkus([
        { productId: aoId, price: 111_000 },
        { productId: aoId, price: 1 },
      ]),
    );
    expect(err).toMatchObject({ code: 'VALIDATION', status: 422 });
    expect(err.message).toContain('data[1]');
    expect((await sku('AO-1')).price).toBe(110_000);
    const tooMany = Array.from({ length: 51 }, () => ({ productId: aoId, price: 100_000 }));
    expect((await rejection(client.updateSkus(tooMany))).message).toMatch(/at most 50/);
  });

  it('timeout after commit on updateSku: the client times out but the write happened', async () => {
    h.running.sandbox.faults.add({
      path: '/integration/v2/products/updateSku',
      method: 'PUT',
      timeoutAfterCommit: true,
      mode: 'hang',
      times: 1,
    });
    const slow = h.oauthClient({ timeoutMs: 300 });
    const err = await rejection(
      slow.updateSku({ productId: aoId, warehouseQuantities: [{ warehouseId: whMain, qtyAvailable: 42 }] }),
    );
    expect(err).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect((await sku('AO-1')).stocks[0].quantity_available).toBe(42);
    // Absolute values: replaying the write is harmless.
    await slow.updateSku({ productId: aoId, warehouseQuantities: [{ warehouseId: whMain, qtyAvailable: 42 }] });
    expect((await sku('AO-1')).stocks[0].quantity_available).toBe(42);
  });

  it('a dropped connection after commit is NETWORK (retryable)', async () => {
    h.running.sandbox.faults.add({
      path: '/integration/v2/products/updateSku',
      timeoutAfterCommit: true,
      mode: 'drop',
      times: 1,
    });
    const err = await rejection(
      client.updateSku({ productId: aoId, warehouseQuantities: [{ warehouseId: whMain, qtyAvailable: 43 }] }),
    );
    expect(err).toMatchObject({ code: 'NETWORK', retryable: true });
    expect((await sku('AO-1')).stocks[0].quantity_available).toBe(43);
  });

  it('5xx is SERVER_ERROR (retryable), a garbage body is BAD_RESPONSE', async () => {
    h.running.sandbox.faults.add({ path: '/integration/v2/sellers/me', status: 503, times: 1 });
    expect(await rejection(client.getSeller())).toMatchObject({ code: 'SERVER_ERROR', status: 503, retryable: true });
    h.running.sandbox.faults.add({
      path: '/integration/v2/sellers/me',
      status: 200,
      body: { hello: 'world' },
      times: 1,
    });
    expect(await rejection(client.getSeller())).toMatchObject({ code: 'BAD_RESPONSE', retryable: false });
  });
});
