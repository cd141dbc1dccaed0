/**
 * Region-aware stock from the outside (product.md §8 `warehouseMap`, domain/warehouse-map.ts): a shop with stock in
 * Hồ Chí Minh and Hà Nội, a Tiki seller with a warehouse in each. Without a mapping the whole quantity goes to the
 * primary warehouse (today's behaviour); mappings naming a location or warehouse that does not exist, or one location
 * twice, are refused and change nothing; with a mapping each warehouse sells its own region's stock, a change in one
 * region moves only that warehouse, and each warehouse adds back its own Tiki reservations (orders are recorded at
 * their region's Haravan location). What counts is what the Tiki sandbox holds per warehouse.
 */
import { eventually, startStack, TestStack } from '../helpers/stack';
import { get, post } from '../helpers/seed';

jest.setTimeout(600_000);

let stack: TestStack;

const shopId = 500_000_000_000 + (Date.now() % 1e6);
const slot = shopId % 100_000;
const sellerId = 700_000 + slot;
const barcode = `8932000${String(slot).padStart(5, '0')}`;
const HCM = 930_000 + slot * 2; // Tiki warehouses
const HN = 930_001 + slot * 2;
const Q1 = 840_000 + slot * 2; // Haravan locations
const HK = 840_001 + slot * 2;
let connectionId: string;
let variantId: number;

interface Row {
  warehouse_id: number;
  quantity_available: number;
  quantity_reserved: number;
  quantity_sellable: number;
}

async function rows(): Promise<Map<number, Row>> {
  const { skus } = await get(`${stack.tiki.url}/_sandbox/sellers/${sellerId}/skus`);
  const sku = (skus as { original_sku: string; stocks: Row[] }[]).find((x) => x.original_sku === barcode)!;
  return new Map(sku.stocks.map((s) => [s.warehouse_id, s]));
}

type Want = Partial<Record<number, Partial<Omit<Row, 'warehouse_id'>>>>;
const holds = (r: Map<number, Row>, want: Want) => Object.entries(want).every(([w, fields]) => Object.entries(fields!).every(([k, v]) => (r.get(Number(w)) as never)?.[k] === v));

/** Wait until Tiki's warehouses hold these values, and keep them for two more poll rounds. */
async function expectTiki(want: Want, timeoutMs = 60_000): Promise<void> {
  let last: Map<number, Row> | undefined;
  try {
    await eventually(async () => holds((last = await rows()), want), timeoutMs, 250);
    await new Promise((r) => setTimeout(r, 2_500));
    last = await rows();
    if (!holds(last, want)) throw new Error('changed again');
  } catch (err) {
    throw new Error(`Tiki did not hold ${JSON.stringify(want)}; it holds ${JSON.stringify([...(last?.values() ?? [])])} (${String(err)})`);
  }
}

const patchConfig = (body: object) => stack.api('PATCH', `/v1/connections/${connectionId}/config`, body);
const setHaravan = (locationId: number, qtyOnhand: number) => post(`${stack.haravan.url}/_sandbox/shops/${shopId}/inventory`, { variantId, locationId, qtyOnhand });
const placeOrder = async (qty: number, warehouseId: number) =>
  (
    await post(`${stack.tiki.url}/_sandbox/sellers/${sellerId}/orders`, {
      fulfillment_type: 'dropship',
      items: [{ original_sku: barcode, qty, warehouse_id: warehouseId }],
      customer: { full_name: 'Trần Thị Mai', phone: '0987654321' },
    })
  ).code as string;
const orderIs = (code: string, pred: (o: any) => boolean) =>
  eventually(async () => {
    const r = await stack.api('GET', `/v1/connections/${connectionId}/orders/${code}`);
    return r.status === 200 && pred(r.body) && r.body;
  }, 120_000);

beforeAll(async () => {
  stack = await startStack();
  const token = `hrv-regions-${shopId}`;
  await post(`${stack.haravan.url}/_sandbox/shops`, {
    shop: { id: shopId, name: `Regions ${shopId}` },
    accessToken: token,
    locations: [
      { id: Q1, name: 'Quận 1 (HCM)', is_primary: true },
      { id: HK, name: 'Hoàn Kiếm (HN)' },
    ],
    products: [{ title: 'Bình giữ nhiệt', variants: [{ barcode, price: 250_000, inventory_management: 'haravan', inventory_policy: 'deny', inventory: [{ location_id: Q1, qty_onhand: 6 }, { location_id: HK, qty_onhand: 4 }] }] }],
  });
  await post(`${stack.tiki.url}/_sandbox/sellers`, {
    seller: { id: sellerId, name: `Seller ${sellerId}`, operation_models: ['dropship'] },
    clientId: `tiki-regions-${shopId}`,
    clientSecret: `tiki-secret-${shopId}`,
    warehouses: [
      { id: HCM, name: 'Kho HCM', is_primary: true },
      { id: HN, name: 'Kho HN' },
    ],
    products: [{ name: 'Bình giữ nhiệt', original_sku: barcode, price: 249_000, market_price: 300_000, stocks: [{ warehouse_id: HCM, quantity_available: 50 }] }],
  });
  const res = await stack.api('POST', '/v1/connections', {
    shopId,
    haravan: { accessToken: token, baseUrl: stack.haravan.url },
    tiki: { clientId: `tiki-regions-${shopId}`, clientSecret: `tiki-secret-${shopId}`, baseUrl: stack.tiki.url },
    config: { pollIntervalSeconds: 1, orderPollIntervalSeconds: 1, reconcileIntervalSeconds: 3600, processOrdersInHaravan: false, restockOnCancel: true },
  });
  expect(res.status).toBe(201);
  connectionId = res.body.id;
  const run = await stack.api('POST', `/v1/connections/${connectionId}/link-runs`, { all: true });
  expect(run.status).toBe(202);
  await eventually(async () => (await stack.api('GET', `/v1/connections/${connectionId}/link-runs/${run.body.runId}`)).body.state === 'completed', 120_000);
  variantId = (await stack.api('GET', `/v1/connections/${connectionId}/links`)).body.items[0].haravanVariantId;
});
afterAll(async () => {
  await stack?.stop();
});

test('without a mapping: the whole quantity in the primary warehouse, as before', async () => {
  await expectTiki({ [HCM]: { quantity_available: 10, quantity_sellable: 10 } });
  expect((await rows()).has(HN)).toBe(false);
});

test('invalid mappings are refused with their codes and change nothing', async () => {
  const twice = await patchConfig({ warehouseMap: [{ tikiWarehouseId: HCM, inventoryLocationIds: [Q1] }, { tikiWarehouseId: HN, inventoryLocationIds: [Q1] }] });
  expect(twice.status).toBe(400);
  expect(twice.body.error.code).toBe('VALIDATION_FAILED');
  expect(twice.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['warehouseMap.1.inventoryLocationIds.0']);

  const noLocation = await patchConfig({ warehouseMap: [{ tikiWarehouseId: HCM, inventoryLocationIds: [Q1] }, { tikiWarehouseId: HN, inventoryLocationIds: [HK + 1000] }] });
  expect(noLocation.status).toBe(422);
  expect(noLocation.body.error).toMatchObject({ code: 'WAREHOUSE_MAP_INVALID', messageVi: expect.stringContaining('kho Tiki') });
  expect(noLocation.body.error.issues).toEqual([
    { path: 'warehouseMap.1.inventoryLocationIds.0', code: 'WAREHOUSE_MAP_UNKNOWN_LOCATION', message: `The Haravan shop has no such location (${HK + 1000})`, messageVi: `Cửa hàng Haravan không có chi nhánh này (${HK + 1000})` },
  ]);

  const noWarehouse = await patchConfig({ warehouseMap: [{ tikiWarehouseId: HN + 1000, inventoryLocationIds: [HK] }] });
  expect(noWarehouse.status).toBe(422);
  expect(noWarehouse.body.error.issues.map((i: { code: string; path: string }) => [i.path, i.code])).toEqual([['warehouseMap.0.tikiWarehouseId', 'WAREHOUSE_MAP_UNKNOWN_WAREHOUSE']]);

  // At connect time the mapping cannot be checked yet: it is set once connected.
  const atConnect = await stack.api('POST', '/v1/connections', {
    shopId: shopId + 1,
    haravan: { accessToken: 'x-token', baseUrl: stack.haravan.url },
    tiki: { clientId: 'x', clientSecret: 'y', baseUrl: stack.tiki.url },
    config: { warehouseMap: [{ tikiWarehouseId: HCM, inventoryLocationIds: [Q1] }] },
  });
  expect(atConnect.status).toBe(400);

  const conn = await stack.api('GET', `/v1/connections/${connectionId}`);
  expect(conn.body.config.warehouseMap ?? []).toEqual([]);
  await expectTiki({ [HCM]: { quantity_available: 10 } });
  expect((await rows()).has(HN)).toBe(false);
});

test('two locations → two warehouses: each region sells its own stock, a change in one moves only its warehouse', async () => {
  const map = [
    { tikiWarehouseId: HCM, inventoryLocationIds: [Q1] },
    { tikiWarehouseId: HN, inventoryLocationIds: [HK] },
  ];
  const res = await patchConfig({ warehouseMap: map });
  expect(res.status).toBe(200);
  expect(res.body.config.warehouseMap).toEqual(map);
  await expectTiki({ [HCM]: { quantity_available: 6 }, [HN]: { quantity_available: 4 } });

  await setHaravan(HK, 1); // Hà Nội sells three
  await expectTiki({ [HCM]: { quantity_available: 6 }, [HN]: { quantity_available: 1 } });
  const link = (await stack.api('GET', `/v1/connections/${connectionId}/links`)).body.items[0];
  expect(link.lastPushedQuantity).toBe(7);
});

test('each warehouse adds back its own reservations; orders are committed in their region', async () => {
  const south = await placeOrder(2, HCM);
  const north = await placeOrder(1, HN);
  await orderIs(south, (o) => !!o.haravanOrderId);
  await orderIs(north, (o) => !!o.haravanOrderId);
  // Haravan: Quận 1 6 − 2 = 4 free, Hoàn Kiếm 1 − 1 = 0 free; Tiki reserves 2 in HCM and 1 in HN.
  const want = {
    [HCM]: { quantity_available: 6, quantity_reserved: 2, quantity_sellable: 4 },
    [HN]: { quantity_available: 1, quantity_reserved: 1, quantity_sellable: 0 },
  };
  await expectTiki(want);
  // A full pass reads Tiki's rows and reservations back: the same.
  expect((await stack.api('POST', `/v1/connections/${connectionId}/stock-pushes`, {})).status).toBeLessThan(300);
  await expectTiki(want);

  // Cancelled on Tiki: Hà Nội is restocked and its reservation released; Hồ Chí Minh does not move.
  await post(`${stack.tiki.url}/_sandbox/sellers/${sellerId}/orders/${north}/status`, { status: 'canceled' });
  await orderIs(north, (o) => o.status === 'cancelled');
  await expectTiki({ [HCM]: want[HCM], [HN]: { quantity_available: 1, quantity_reserved: 0, quantity_sellable: 1 } });
});

test('clearing the mapping goes back to one quantity in the primary warehouse', async () => {
  expect((await patchConfig({ warehouseMap: [] })).status).toBe(200);
  // Haravan 4 + 1 free, plus the 2 units Tiki still reserves in HCM for the imported order.
  await expectTiki({ [HCM]: { quantity_available: 7, quantity_reserved: 2, quantity_sellable: 5 } });
});
