/**
 * Tiki's open orders counted once (domain/reservations.ts), from the outside. Tiki sells available − reserved; an
 * imported Tiki order's units are both committed on Haravan and reserved on Tiki, so the pushed `available` adds
 * them back. Haravan 10, a 3-unit Tiki order imported → Tiki sellable 7 (not 4); after it ships → still 7; a
 * cancelled one → 10. Each with one target warehouse, with several, and with chosen Haravan locations. What counts
 * is what the Tiki sandbox sells (`totals.sellable` of `GET /_sandbox/sellers/:id/skus`), before and after a full
 * pass (push now) that reads Tiki's reservations back.
 */
import { eventually, startStack, TestStack } from '../helpers/stack';
import { get, post } from '../helpers/seed';
import { pollingReport } from '../helpers/polling-report';
import { orderWorkflowId } from '../../workflows/ids';

jest.setTimeout(600_000);

let stack: TestStack;
const logs: string[] = [];

interface Shop {
  shopId: number;
  sellerId: number;
  connectionId: string;
  barcode: string;
  warehouses: [number, number];
  locations: [number, number];
}

interface TikiSku {
  original_sku: string;
  stocks: { warehouse_id: number; quantity_available: number; quantity_reserved: number; quantity_sellable: number }[];
  totals: { available: number; reserved: number; sellable: number };
}

let seq = 0;
/** One linked variant: Haravan 10 free in the source locations; a Tiki seller with two warehouses. */
async function shop(config: (s: Omit<Shop, 'connectionId'>) => object, haravanStock: (l: [number, number]) => { location_id: number; qty_onhand: number }[]): Promise<Shop> {
  seq++;
  const shopId = 400_000_000_000 + (Date.now() % 1e5) * 10 + seq;
  const slot = shopId % 100_000;
  const s = {
    shopId,
    sellerId: 600_000 + slot,
    barcode: `8931000${String(slot).padStart(5, '0')}`,
    warehouses: [910_000 + slot * 2, 910_001 + slot * 2] as [number, number],
    locations: [820_000 + slot * 2, 820_001 + slot * 2] as [number, number],
  };
  const token = `hrv-reserve-${shopId}`;
  await post(`${stack.haravan.url}/_sandbox/shops`, {
    shop: { id: shopId, name: `Reserve ${shopId}` },
    accessToken: token,
    locations: [
      { id: s.locations[0], name: 'Kho 1', is_primary: true },
      { id: s.locations[1], name: 'Kho 2' },
    ],
    products: [{ title: 'Ấm trà', variants: [{ barcode: s.barcode, price: 150_000, inventory_management: 'haravan', inventory_policy: 'deny', inventory: haravanStock(s.locations) }] }],
  });
  await post(`${stack.tiki.url}/_sandbox/sellers`, {
    seller: { id: s.sellerId, name: `Seller ${s.sellerId}`, operation_models: ['dropship'] },
    clientId: `tiki-reserve-${shopId}`,
    clientSecret: `tiki-secret-${shopId}`,
    warehouses: [
      { id: s.warehouses[0], name: 'Kho HCM', is_primary: true },
      { id: s.warehouses[1], name: 'Kho HN' },
    ],
    products: [{ name: 'Ấm trà', original_sku: s.barcode, price: 149_000, market_price: 200_000, stocks: [{ warehouse_id: s.warehouses[0], quantity_available: 50 }] }],
  });
  const res = await stack.api('POST', '/v1/connections', {
    shopId,
    haravan: { accessToken: token, baseUrl: stack.haravan.url },
    tiki: { clientId: `tiki-reserve-${shopId}`, clientSecret: `tiki-secret-${shopId}`, baseUrl: stack.tiki.url },
    // Orders worked on Tiki (shipping and cancellations mirrored into Haravan, restocked); reconciliation far away.
    config: { pollIntervalSeconds: 1, orderPollIntervalSeconds: 1, reconcileIntervalSeconds: 3600, processOrdersInHaravan: false, restockOnCancel: true, ...config(s) },
  });
  expect(res.status).toBe(201);
  const connectionId = res.body.id as string;
  const run = await stack.api('POST', `/v1/connections/${connectionId}/link-runs`, { all: true });
  expect(run.status).toBe(202);
  await eventually(async () => (await stack.api('GET', `/v1/connections/${connectionId}/link-runs/${run.body.runId}`)).body.state === 'completed', 120_000);
  return { ...s, connectionId };
}

async function tikiSku(s: Shop): Promise<TikiSku> {
  const { skus } = await get(`${stack.tiki.url}/_sandbox/sellers/${s.sellerId}/skus`);
  return (skus as TikiSku[]).find((x) => x.original_sku === s.barcode)!;
}

/** Wait until Tiki holds these totals (and keeps them for two more poll rounds). */
async function expectTiki(s: Shop, want: Partial<TikiSku['totals']>, timeoutMs = 60_000): Promise<TikiSku> {
  let last: TikiSku | undefined;
  const matches = (t: TikiSku) => Object.entries(want).every(([k, v]) => t.totals[k as keyof TikiSku['totals']] === v);
  try {
    await eventually(async () => matches((last = await tikiSku(s))), timeoutMs, 250);
    await new Promise((r) => setTimeout(r, 2_500));
    last = await tikiSku(s);
    if (!matches(last)) throw new Error('changed again');
    return last;
  } catch (err) {
    throw new Error(`Tiki did not hold ${JSON.stringify(want)}; it holds ${JSON.stringify(last?.stocks)} (${String(err)})`);
  }
}

const placeOrder = async (s: Shop, qty: number) =>
  (await post(`${stack.tiki.url}/_sandbox/sellers/${s.sellerId}/orders`, { fulfillment_type: 'dropship', items: [{ original_sku: s.barcode, qty }], customer: { full_name: 'Lê Văn Chín', phone: '0912345678' } })).code as string;
const moveOnTiki = (s: Shop, code: string, status: string) => post(`${stack.tiki.url}/_sandbox/sellers/${s.sellerId}/orders/${code}/status`, { status });
async function orderIs(s: Shop, code: string, pred: (o: any) => boolean) {
  let last: { status: number; body: any } | undefined;
  try {
    return await eventually(async () => {
      const r = (last = await stack.api('GET', `/v1/connections/${s.connectionId}/orders/${code}`));
      return r.status === 200 && pred(r.body) && r.body;
    }, 120_000);
  } catch (err) {
    const report = await pollingReport(stack, s.connectionId, s.shopId, logs, [orderWorkflowId(s.shopId, code)]);
    throw new Error(`order ${code}: ${String(err)}; last answer ${last?.status} ${JSON.stringify(last?.body)}\n${report}`);
  }
}
const pushNow = async (s: Shop) => expect((await stack.api('POST', `/v1/connections/${s.connectionId}/stock-pushes`, {})).status).toBeLessThan(300);

/** The walk: import → 7 sellable; cancel on Tiki → 10; import again → 7; ship → 7 (Tiki took the units). */
async function walk(s: Shop) {
  await expectTiki(s, { available: 10, reserved: 0, sellable: 10 });

  const first = await placeOrder(s, 3);
  await orderIs(s, first, (o) => !!o.haravanOrderId);
  await expectTiki(s, { available: 10, reserved: 3, sellable: 7 });
  await pushNow(s); // a full pass reads Tiki's reservations back: the same
  await expectTiki(s, { available: 10, reserved: 3, sellable: 7 });

  await moveOnTiki(s, first, 'canceled');
  await orderIs(s, first, (o) => o.status === 'cancelled');
  await expectTiki(s, { available: 10, reserved: 0, sellable: 10 });

  const second = await placeOrder(s, 3);
  await orderIs(s, second, (o) => !!o.haravanOrderId);
  await expectTiki(s, { available: 10, reserved: 3, sellable: 7 });

  await moveOnTiki(s, second, 'shipping');
  await orderIs(s, second, (o) => o.tikiStatus === 'shipping');
  await expectTiki(s, { available: 7, reserved: 0, sellable: 7 });
  await pushNow(s);
  await expectTiki(s, { available: 7, reserved: 0, sellable: 7 });
}

beforeAll(async () => {
  stack = await startStack({ logSink: logs });
});
afterAll(async () => {
  await stack?.stop();
});

test('one target warehouse, all Haravan locations: Tiki sells what is really free', async () => {
  const s = await shop(() => ({}), ([l1, l2]) => [{ location_id: l1, qty_onhand: 6 }, { location_id: l2, qty_onhand: 4 }]);
  await walk(s);
});

test('several target warehouses: the add-back goes where Tiki reserved the units, the others hold 0', async () => {
  const s = await shop((x) => ({ tikiWarehouseIds: x.warehouses }), ([l1]) => [{ location_id: l1, qty_onhand: 10 }]);
  await walk(s);
  const sku = await tikiSku(s);
  expect(sku.stocks.find((w) => w.warehouse_id === s.warehouses[1])).toMatchObject({ quantity_available: 0, quantity_reserved: 0 });
});

test('chosen Haravan locations: the order is committed at the chosen location and counted once', async () => {
  const s = await shop((x) => ({ inventoryLocationIds: [x.locations[1]], orderLocationId: x.locations[1] }), ([l1, l2]) => [{ location_id: l1, qty_onhand: 25 }, { location_id: l2, qty_onhand: 10 }]);
  await walk(s);
});
