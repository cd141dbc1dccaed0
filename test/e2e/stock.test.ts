/**
 * Stock and price push (domain/stock.ts), from the outside: the shop is seeded and changed only through the
 * sandboxes' control APIs, the service is driven only through its HTTP API, and what counts is what Tiki's side
 * stores per warehouse (`GET /_sandbox/sellers/:id/skus`).
 *
 * The seed hits every row of the quantity table of domain/stock.ts (expected values below are worked out by hand from the seed, not by
 * the service's own rule code): tracked + oversell with q > 0 and q ≤ 0, tracked + deny with q ≥ 0 and q < 0,
 * untracked, each again with chosen locations (on hand − committed); ratio and safety stock; a price above the
 * Tiki list price (never pushed while its quantity is); toggles; several target warehouses; a hand edit on Tiki
 * corrected by the next reconciliation. Every SKU also has stock in a second, untargeted warehouse and in an
 * inactive one: neither may ever change.
 */
import { eventually, startStack, TestStack } from '../helpers/stack';
import { get, post } from '../helpers/seed';

jest.setTimeout(600_000);

const SHOP = 200_000_777_001;
const SELLER = 777_001;
const TOKEN = 'hrv-token-stock-e2e';
const TIKI = { clientId: 'tiki-client-stock-e2e', clientSecret: 'tiki-secret-stock-e2e' };
const CONN = `conn-${SHOP}`;
const [L1, L2, L3] = [9101, 9102, 9103];
const [W1, W2, W3] = [7001, 7002, 7003];
const OVERSELL = 1_000_000;
const UNTRACKED = 1_000_000;

interface Spec {
  key: string;
  tracked: boolean;
  policy: 'deny' | 'continue';
  stock: { location_id: number; qty_onhand: number; qty_commited?: number }[];
  price: number;
  marketPrice: number;
}

// Σ available over all locations → "all"; Σ over L1+L2 → "chosen".
const SPECS: Spec[] = [
  // tracked, oversell: all 5 + (3−1) + 10 = 17 → 17; chosen 5 + 2 = 7 → 7
  { key: 'A', tracked: true, policy: 'continue', stock: [{ location_id: L1, qty_onhand: 5 }, { location_id: L2, qty_onhand: 3, qty_commited: 1 }, { location_id: L3, qty_onhand: 10 }], price: 120_000, marketPrice: 200_000 },
  // tracked, oversell: all 1 − 2 = −1 ≤ 0 → oversellQuantity; chosen the same
  { key: 'B', tracked: true, policy: 'continue', stock: [{ location_id: L1, qty_onhand: 1, qty_commited: 2 }], price: 90_000, marketPrice: 100_000 },
  // tracked, deny: all 4 + 0 + 2 = 6 → 6; chosen 4 → 4
  { key: 'C', tracked: true, policy: 'deny', stock: [{ location_id: L1, qty_onhand: 4 }, { location_id: L2, qty_onhand: 0 }, { location_id: L3, qty_onhand: 2 }], price: 75_000, marketPrice: 80_000 },
  // tracked, deny: all 1 − 3 = −2 < 0 → 0
  { key: 'D', tracked: true, policy: 'deny', stock: [{ location_id: L1, qty_onhand: 1, qty_commited: 3 }], price: 50_000, marketPrice: 60_000 },
  // untracked → untrackedQuantity
  { key: 'E', tracked: false, policy: 'deny', stock: [], price: 30_000, marketPrice: 40_000 },
  // tracked, oversell: all 8 → 8; chosen 0 → oversellQuantity
  { key: 'G', tracked: true, policy: 'continue', stock: [{ location_id: L3, qty_onhand: 8 }], price: 66_000, marketPrice: 70_000 },
  // tracked, deny: all (1 − 4) + 20 = 17 → 17; chosen 1 − 4 = −3 → 0
  { key: 'H', tracked: true, policy: 'deny', stock: [{ location_id: L1, qty_onhand: 1, qty_commited: 4 }, { location_id: L3, qty_onhand: 20 }], price: 44_000, marketPrice: 50_000 },
  // price above the Tiki list price: quantity 3 pushed, price never
  { key: 'P', tracked: true, policy: 'deny', stock: [{ location_id: L1, qty_onhand: 3 }], price: 500_000, marketPrice: 400_000 },
];
const TIKI_START_PRICE = (s: Spec) => Math.round(s.marketPrice * 0.85);
const barcode = (key: string) => `893000777${key.charCodeAt(0)}`;
const productId = (i: number) => 880_000_000 + i;
const variantId = (i: number) => 990_000_000 + i;
const tikiProductId = (i: number) => 55_000_000 + i;
const idx = (key: string) => SPECS.findIndex((s) => s.key === key);

let stack: TestStack;

async function api(method: string, path: string, body?: unknown) {
  const res = await stack.api(method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

interface TikiSku {
  product_id: number;
  original_sku: string;
  price: number;
  stocks: { warehouse_id: number; quantity_available: number }[];
}

async function tikiSkus(): Promise<Map<string, TikiSku>> {
  const { skus } = await get(`${stack.tiki.url}/_sandbox/sellers/${SELLER}/skus`);
  return new Map((skus as TikiSku[]).map((s) => [s.original_sku, s]));
}

const qty = (s: TikiSku | undefined, w: number) => s?.stocks.find((x) => x.warehouse_id === w)?.quantity_available;

/** Wait until Tiki holds exactly these W1 quantities (and prices, when given), then return the SKUs. */
async function expectTiki(expected: Record<string, { q?: number; price?: number }>, timeoutMs = 60_000): Promise<Map<string, TikiSku>> {
  let last = new Map<string, TikiSku>();
  try {
    return await eventually(
      async () => {
        last = await tikiSkus();
        for (const [key, want] of Object.entries(expected)) {
          const s = last.get(barcode(key));
          if (want.q !== undefined && qty(s, W1) !== want.q) return false;
          if (want.price !== undefined && s?.price !== want.price) return false;
        }
        return last;
      },
      timeoutMs,
      250,
    );
  } catch (err) {
    const got = Object.fromEntries(Object.keys(expected).map((k) => [k, { q: qty(last.get(barcode(k)), W1), price: last.get(barcode(k))?.price }]));
    throw new Error(`Tiki did not reach ${JSON.stringify(expected)}; it holds ${JSON.stringify(got)} (${String(err)})`);
  }
}

/** The warehouses we do not target keep their values: W2 = 9 (while untargeted) and the inactive W3 = 4. */
function expectOthersUntouched(skus: Map<string, TikiSku>, opts: { w2?: number } = {}) {
  for (const s of SPECS) {
    const sku = skus.get(barcode(s.key));
    expect({ key: s.key, w2: qty(sku, W2), w3: qty(sku, W3) }).toEqual({ key: s.key, w2: opts.w2 ?? 9, w3: 4 });
  }
}

async function setHaravanStock(key: string, locationId: number, qtyOnhand: number) {
  await post(`${stack.haravan.url}/_sandbox/shops/${SHOP}/inventory`, { variantId: variantId(idx(key)), locationId, qtyOnhand });
}

async function setHaravanPrice(key: string, price: number) {
  const res = await fetch(`${stack.haravan.url}/_sandbox/shops/${SHOP}/products/${productId(idx(key))}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ variants: [{ id: variantId(idx(key)), price }] }),
  });
  expect(res.status).toBe(200);
}

async function tikiSkuWriteCalls(): Promise<number> {
  const log = await get(`${stack.tiki.url}/_sandbox/calls`);
  return Object.entries(log.counts as Record<string, number>)
    .filter(([k]) => /^PUT .*\/products\/updateSkus?$/.test(k))
    .reduce((n, [, v]) => n + v, 0);
}

async function clearTikiCalls() {
  await fetch(`${stack.tiki.url}/_sandbox/calls`, { method: 'DELETE' });
}

async function patchConfig(patch: object) {
  const c = await api('PATCH', `/v1/connections/${CONN}/config`, patch);
  expect(c.config).toMatchObject(patch);
}

beforeAll(async () => {
  stack = await startStack();
  await post(`${stack.haravan.url}/_sandbox/shops`, {
    shop: { id: SHOP, name: 'Stock e2e shop' },
    accessToken: TOKEN,
    locations: [
      { id: L1, name: 'Kho 1', is_primary: true },
      { id: L2, name: 'Kho 2' },
      { id: L3, name: 'Kho 3' },
    ],
    products: SPECS.map((s, i) => ({
      id: productId(i),
      title: `Sản phẩm ${s.key}`,
      variants: [
        {
          id: variantId(i),
          barcode: barcode(s.key),
          price: s.price,
          inventory_management: s.tracked ? 'haravan' : null,
          inventory_policy: s.policy,
          inventory: s.stock,
        },
      ],
    })),
  });
  await post(`${stack.tiki.url}/_sandbox/sellers`, {
    seller: { id: SELLER, name: 'Stock e2e seller' },
    ...TIKI,
    warehouses: [
      { id: W1, name: 'Kho chính', is_primary: true },
      { id: W2, name: 'Kho phụ' },
      { id: W3, name: 'Kho ngừng hoạt động', status: 0 },
    ],
    products: SPECS.map((s, i) => ({
      product_id: tikiProductId(i),
      name: `Tiki ${s.key}`,
      original_sku: barcode(s.key),
      price: TIKI_START_PRICE(s),
      market_price: s.marketPrice,
      stocks: [
        { warehouse_id: W1, quantity_available: 55 },
        { warehouse_id: W2, quantity_available: 9 },
        { warehouse_id: W3, quantity_available: 4 },
      ],
    })),
  });
  const created = await api('POST', '/v1/connections', {
    shopId: SHOP,
    haravan: { accessToken: TOKEN, baseUrl: stack.haravan.url },
    tiki: { ...TIKI, baseUrl: stack.tiki.url },
    // Reconciliation far away: every change below must arrive through the incremental path.
    config: { pollIntervalSeconds: 1, reconcileIntervalSeconds: 3600 },
  });
  expect(created.state).toBe('connected');
  expect(created.tikiSeller.warehouseIds).toEqual([W1, W2]);
  const run = await api('POST', `/v1/connections/${CONN}/link-runs`, { all: true });
  await eventually(async () => (await api('GET', `/v1/connections/${CONN}/link-runs/${run.runId}`)).state === 'completed', 120_000);
});

afterAll(async () => {
  await stack?.stop();
});

test('a link run pushes every row of the quantity table of domain/stock.ts to the configured warehouse only; a price above list price is not pushed', async () => {
  const skus = await expectTiki({
    A: { q: 17, price: 120_000 },
    B: { q: OVERSELL, price: 90_000 },
    C: { q: 6, price: 75_000 },
    D: { q: 0, price: 50_000 },
    E: { q: UNTRACKED, price: 30_000 },
    G: { q: 8, price: 66_000 },
    H: { q: 17, price: 44_000 },
    P: { q: 3 },
  });
  expect(skus.get(barcode('P'))?.price).toBe(TIKI_START_PRICE(SPECS[idx('P')]));
  expectOthersUntouched(skus);

  const links = await api('GET', `/v1/connections/${CONN}/links?limit=50`);
  expect(links.total).toBe(SPECS.length);
  await eventually(async () => {
    const l = await api('GET', `/v1/connections/${CONN}/links?limit=50`);
    return l.items.every((x: { converged?: boolean }) => x.converged === true);
  });
  const a = (await api('GET', `/v1/connections/${CONN}/links?limit=50`)).items.find((x: { barcode: string }) => x.barcode === barcode('A'));
  expect(a).toMatchObject({ lastPushedQuantity: 17, lastPushedPrice: 120_000, converged: true });
  const conn = await api('GET', `/v1/connections/${CONN}`);
  expect(conn.lastStockPush.pushed).toBeGreaterThan(0);
});

test('a Haravan inventory change propagates through the delta poll; the API reports the measured latency', async () => {
  await setHaravanStock('A', L1, 2); // 2 + 2 + 10
  await setHaravanStock('D', L1, 10); // 10 − 3
  await setHaravanStock('P', L1, 1);
  const skus = await expectTiki({ A: { q: 14 }, D: { q: 7 }, P: { q: 1 } });
  expect(skus.get(barcode('P'))?.price).toBe(TIKI_START_PRICE(SPECS[idx('P')]));
  expectOthersUntouched(skus);
  const conn = await eventually(async () => {
    const c = await api('GET', `/v1/connections/${CONN}`);
    return c.latency?.samples > 0 ? c : null;
  });
  expect(conn.latency.stockP50Ms).toBeGreaterThanOrEqual(0);
  expect(conn.latency.stockFromChangeP50Ms).toBeGreaterThanOrEqual(conn.latency.stockP50Ms);
});

test('a burst of changes to one SKU is coalesced into one write of the latest value', async () => {
  await clearTikiCalls();
  // Ten stock edits on C in a row (on hand 4 … 13 at L1); only the last value matters: 13 + 0 + 2.
  for (let k = 0; k < 10; k++) await setHaravanStock('C', L1, 4 + k);
  await expectTiki({ C: { q: 15 } });
  // One write, or two when the burst straddled a poll; never one per edit.
  const writes = await tikiSkuWriteCalls();
  expect(writes).toBeGreaterThanOrEqual(1);
  expect(writes).toBeLessThanOrEqual(2);
});

test('quantity sync off: no quantity writes, prices still flow; back on: quantities pushed at once', async () => {
  await patchConfig({ syncQuantity: false });
  await setHaravanStock('A', L1, 0); // would be 12
  await setHaravanPrice('A', 130_000);
  let skus = await expectTiki({ A: { price: 130_000 } });
  expect(qty(skus.get(barcode('A')), W1)).toBe(14);
  // Even a full pass (push now) leaves quantities alone.
  await api('POST', `/v1/connections/${CONN}/stock-pushes`, {});
  await setHaravanPrice('B', 95_000);
  skus = await expectTiki({ B: { price: 95_000 } });
  expect(qty(skus.get(barcode('A')), W1)).toBe(14);

  await patchConfig({ syncQuantity: true });
  skus = await expectTiki({ A: { q: 12, price: 130_000 } });
  expectOthersUntouched(skus);
});

test('price sync off: prices are never sent while quantities are', async () => {
  await patchConfig({ syncPrice: false });
  await setHaravanPrice('G', 69_000);
  await setHaravanStock('G', L3, 5);
  const skus = await expectTiki({ G: { q: 5 } });
  // The quantity came after the price change, so a price write would have gone with it or before it.
  expect(skus.get(barcode('G'))?.price).toBe(66_000);
  await patchConfig({ syncPrice: true });
  await expectTiki({ G: { q: 5, price: 69_000 } });
});

test('ratio and safety stock apply to real stock only, at once', async () => {
  // Now: A 12, B oversell, C 15, D 7, E untracked, G 5, H 17, P 1.
  await patchConfig({ stockRatioPercent: 50, safetyStock: 2 });
  await expectTiki({
    A: { q: 4 }, // floor(12 × 0.5) − 2
    B: { q: OVERSELL },
    C: { q: 5 }, // floor(15 × 0.5) − 2
    D: { q: 1 }, // floor(7 × 0.5) − 2
    E: { q: UNTRACKED },
    G: { q: 0 }, // floor(5 × 0.5) − 2
    H: { q: 6 }, // floor(17 × 0.5) − 2
    P: { q: 0 }, // floor(1 × 0.5) − 2 → floored at 0
  });
  await patchConfig({ stockRatioPercent: 100, safetyStock: 0 });
  await expectTiki({ A: { q: 12 }, C: { q: 15 }, D: { q: 7 }, G: { q: 5 }, H: { q: 17 }, P: { q: 1 } });
});

test('chosen locations: Σ (on hand − committed) over them, oversell and deny rows', async () => {
  await patchConfig({ inventoryLocationIds: [L1, L2] });
  const skus = await expectTiki({
    A: { q: 2 }, // L1 0 + L2 (3 − 1)
    B: { q: OVERSELL }, // 1 − 2 ≤ 0, oversell
    C: { q: 13 }, // L1 13 + L2 0
    D: { q: 7 }, // 10 − 3
    E: { q: UNTRACKED },
    G: { q: OVERSELL }, // only L3 has stock: 0 at the chosen ones, oversell
    H: { q: 0 }, // 1 − 4 < 0, deny
    P: { q: 1 },
  });
  expectOthersUntouched(skus);
  // A change at an unchosen location changes nothing; one at a chosen location does.
  await setHaravanStock('C', L3, 50);
  await setHaravanStock('A', L2, 6); // (6 − 1)
  await expectTiki({ A: { q: 5 }, C: { q: 13 } });
  await patchConfig({ inventoryLocationIds: [] });
  await expectTiki({ A: { q: 15 }, C: { q: 63 }, G: { q: 5 }, H: { q: 17 } });
});

test('several target warehouses: the quantity goes to the first, the other targets to 0, an inactive warehouse keeps its stock', async () => {
  await patchConfig({ tikiWarehouseIds: [W1, W2] });
  const skus = await eventually(async () => {
    const s = await tikiSkus();
    return SPECS.every((x) => qty(s.get(barcode(x.key)), W2) === 0) ? s : null;
  }, 60_000);
  expect(qty(skus.get(barcode('A')), W1)).toBe(15);
  expectOthersUntouched(skus, { w2: 0 });
  // And a later single change keeps it that way.
  await setHaravanStock('D', L1, 4); // 4 − 3
  const after = await expectTiki({ D: { q: 1 } });
  expectOthersUntouched(after, { w2: 0 });
});

test('drift: a hand edit on Tiki is corrected by the next reconciliation, and links are verified', async () => {
  const skus = await tikiSkus();
  const c = skus.get(barcode('C'))!;
  const editedAt = Date.now();
  const res = await fetch(`${stack.tiki.url}/_sandbox/sellers/${SELLER}/products/${c.product_id}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ price: 70_000, stocks: [{ warehouse_id: W1, quantity_available: 999 }] }),
  });
  expect(res.status).toBe(200);
  expect(qty((await tikiSkus()).get(barcode('C')), W1)).toBe(999);
  await patchConfig({ reconcileIntervalSeconds: 5 });
  await expectTiki({ C: { q: 63, price: 75_000 } }, 90_000);
  const conn = await api('GET', `/v1/connections/${CONN}`);
  expect(Date.parse(conn.reconcile.lastAt)).toBeGreaterThan(editedAt);
  const links = await eventually(async () => {
    const l = await api('GET', `/v1/connections/${CONN}/links?limit=50`);
    return l.items.every((x: { converged?: boolean; lastVerifiedAt?: string }) => x.converged && x.lastVerifiedAt && Date.parse(x.lastVerifiedAt) > editedAt) ? l : null;
  }, 60_000);
  expect(links.items.length).toBe(SPECS.length);
});
