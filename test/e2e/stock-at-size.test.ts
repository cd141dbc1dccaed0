/**
 * Stock push at size, from the outside (domain/stock.ts): a generated catalogue of a few
 * hundred linked variants, with hand edits on Tiki, Haravan changes through the sandbox's control API, the
 * connection's own reconciliation started through the API. What counts is what Tiki's side stores and what the
 * sandbox's call log saw.
 *
 * - A verified pass records what Tiki already held, so a later change costs exactly one write.
 * - The reconciliation is streamed (each Haravan answer is planned as it arrives, drifted SKUs written in full
 *   batches), and must still write every drifted SKU back exactly once in ceil(drifted / 50) batch calls with no
 *   single writes, verify every link and keep untouched warehouses — also when a batch fails mid-pass and the
 *   activity retries, and on the non-streamed path (chosen locations).
 * - Under a short Tiki budget, queued writes go decreases, then increases, then price.
 * - An idle poll does not handle its newest change again on every round (the activity itself, with a counting store).
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { ClientFactory } from '../../activities/context';
import { createStockActivities } from '../../activities/stock';
import { generateCatalogue } from '../../sandbox/demo-data';
import type { Store } from '../../store/store';
import { eventually, startStack, TestStack } from '../helpers/stack';
import { get, post } from '../helpers/seed';

jest.setTimeout(600_000);

const SHOP = 200_000_778_001;
const SELLER = 778_001;
const CONN = `conn-${SHOP}`;
const LOCATION = 4_200_000_001;
const WAREHOUSE = 4_200_001;
const OTHER_WAREHOUSE = 4_200_002;
const TIKI = { clientId: 'tiki-client-reconcile-e2e', clientSecret: 'tiki-secret-reconcile-e2e' };

interface TikiSku {
  product_id: number;
  original_sku: string;
  price: number;
  stocks: { warehouse_id: number; quantity_available: number }[];
}

let stack: TestStack;
let linked: { barcode: string; haravanVariantId: number; lastPushedPrice?: number; lastPushedQuantity?: number }[] = [];
/** Haravan's price per variant (seed): a Tiki price is only the service's to restore when it is this one. */
const haravanPrice = new Map<number, number>();
/** Barcodes of SKUs seeded on Tiki with their Haravan price already in place. */
const pricedAlready = new Set<string>();
/** Haravan seed per variant: its product, whether a stock rule on hand − committed applies, and those figures. */
const seedOf = new Map<number, { productId: number; deny: boolean; onHand: number; committed: number }>();

async function api(method: string, path: string, body?: unknown) {
  const res = await stack.api(method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function tikiSkus(): Promise<Map<string, TikiSku>> {
  const { skus } = await get(`${stack.tiki.url}/_sandbox/sellers/${SELLER}/skus`);
  return new Map((skus as TikiSku[]).map((s) => [s.original_sku, s]));
}

const qty = (s: TikiSku | undefined, w: number) => s?.stocks.find((x) => x.warehouse_id === w)?.quantity_available;

async function links(): Promise<
  {
    barcode: string;
    haravanVariantId: number;
    converged?: boolean;
    lastVerifiedAt?: string;
    lastPushedPrice?: number;
    lastPushedQuantity?: number;
  }[]
> {
  const out = [];
  for (let page = 1; ; page++) {
    const l = await api('GET', `/v1/connections/${CONN}/links?page=${page}&limit=250`);
    out.push(...l.items);
    if (l.items.length < 250) return out;
  }
}

/**
 * Hand edits on Tiki through the control API: every `step`-th linked SKU gets +7 stock, every other one also a
 * lower price — when the price on Tiki is the synced Haravan one (a price the rules block, e.g. above the Tiki
 * list price, is never sent, so a hand edit of it is the merchant's to keep).
 */
async function editOnTiki(step: number): Promise<Map<string, TikiSku>> {
  const before = await tikiSkus();
  let n = 0;
  for (let i = 0; i < linked.length; i += step, n++) {
    const sku = before.get(linked[i].barcode)!;
    const body: Record<string, unknown> = {
      stocks: [{ warehouse_id: WAREHOUSE, quantity_available: (qty(sku, WAREHOUSE) ?? 0) + 7 }],
    };
    if (n % 2 === 1 && sku.price === haravanPrice.get(linked[i].haravanVariantId)) body.price = sku.price - 1_000;
    const res = await fetch(`${stack.tiki.url}/_sandbox/sellers/${SELLER}/products/${sku.product_id}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
  }
  return before;
}

async function reconcileOnce(): Promise<{ drifted: number }> {
  const before = (await api('GET', `/v1/connections/${CONN}`)).reconcile?.lastAt;
  await api('PATCH', `/v1/connections/${CONN}/config`, { reconcileIntervalSeconds: 5 });
  const conn = await eventually(async () => {
    const c = await api('GET', `/v1/connections/${CONN}`);
    return c.reconcile?.lastAt && c.reconcile.lastAt !== before ? c : null;
  }, 120_000);
  await api('PATCH', `/v1/connections/${CONN}/config`, { reconcileIntervalSeconds: 86_400 });
  return { drifted: Number(conn.reconcile.drifted) };
}

async function tikiWrites(): Promise<{ single: number; batch: number; failed: number }> {
  const log = await get(`${stack.tiki.url}/_sandbox/calls`);
  const writes = (log.calls as { method: string; path: string; status: number; body?: string }[]).filter(
    (c) => c.method === 'PUT' && /\/products\/updateSkus?$/.test(c.path),
  );
  const ok = writes.filter((c) => c.status < 300);
  return {
    single: ok.filter((c) => c.path.endsWith('/updateSku')).length,
    batch: ok.filter((c) => c.path.endsWith('/updateSkus')).length,
    failed: writes.length - ok.length,
  };
}

/** Tiki holds `expected` again for every linked SKU (both warehouses), and every link is verified after `since`. */
async function expectRestored(expected: Map<string, TikiSku>, since: number) {
  const now = await tikiSkus();
  const wrong = linked
    .map((l) => ({ code: l.barcode, want: expected.get(l.barcode)!, got: now.get(l.barcode)! }))
    .filter(
      ({ want, got }) =>
        qty(got, WAREHOUSE) !== qty(want, WAREHOUSE) ||
        qty(got, OTHER_WAREHOUSE) !== qty(want, OTHER_WAREHOUSE) ||
        got.price !== want.price,
    )
    .map(({ code, want, got }) => ({
      code,
      want: [qty(want, WAREHOUSE), qty(want, OTHER_WAREHOUSE), want.price],
      got: [qty(got, WAREHOUSE), qty(got, OTHER_WAREHOUSE), got.price],
    }));
  expect(wrong.slice(0, 5)).toEqual([]);
  const l = await eventually(async () => {
    const all = await links();
    return all.every((x) => x.converged && x.lastVerifiedAt && Date.parse(x.lastVerifiedAt) >= since) ? all : null;
  }, 60_000);
  expect(l.length).toBe(linked.length);
}

beforeAll(async () => {
  stack = await startStack();
  const catalogue = generateCatalogue(400, 778, { locationIds: [LOCATION], warehouseIds: [WAREHOUSE] });
  for (const p of catalogue.haravanProducts) {
    for (const v of p.variants) {
      haravanPrice.set(Number(v.id), Number(v.price));
      const row = v.inventory?.find((r) => r.location_id === LOCATION);
      seedOf.set(Number(v.id), {
        productId: Number(p.id),
        deny: v.inventory_management === 'haravan' && v.inventory_policy === 'deny',
        onHand: row?.qty_onhand ?? 0,
        committed: row?.qty_commited ?? 0,
      });
    }
  }
  // A second, untargeted warehouse on every SKU: a batch write must carry it unchanged. And every third SKU
  // whose Haravan price Tiki would accept already has it on Tiki: the first push writes only its quantity.
  const priceByBarcode = new Map<string, number>();
  for (const p of catalogue.haravanProducts)
    for (const v of p.variants) if (v.barcode) priceByBarcode.set(v.barcode, Number(v.price));
  const tikiProducts = catalogue.tikiProducts.map((p, i) => {
    const price = p.original_sku ? priceByBarcode.get(p.original_sku) : undefined;
    const samePrice = i % 3 === 0 && price !== undefined && price <= p.market_price && price >= p.market_price * 0.1;
    if (samePrice) pricedAlready.add(p.original_sku!);
    return {
      ...p,
      ...(samePrice && { price }),
      stocks: [...(p.stocks ?? []), { warehouse_id: OTHER_WAREHOUSE, quantity_available: 11 }],
    };
  });
  await post(`${stack.haravan.url}/_sandbox/shops`, {
    shop: { id: SHOP, name: 'Reconcile e2e shop' },
    accessToken: 'hrv-token-reconcile-e2e',
    locations: [{ id: LOCATION, name: 'Kho tổng', is_primary: true }],
    products: catalogue.haravanProducts,
  });
  await post(`${stack.tiki.url}/_sandbox/sellers`, {
    seller: { id: SELLER, name: 'Reconcile e2e seller' },
    ...TIKI,
    warehouses: [
      { id: WAREHOUSE, name: 'Kho HCM', is_primary: true },
      { id: OTHER_WAREHOUSE, name: 'Kho HN' },
    ],
    products: tikiProducts,
  });
  await api('POST', '/v1/connections', {
    shopId: SHOP,
    haravan: { accessToken: 'hrv-token-reconcile-e2e', baseUrl: stack.haravan.url },
    tiki: { ...TIKI, baseUrl: stack.tiki.url },
    config: { reconcileIntervalSeconds: 86_400, tikiWarehouseIds: [WAREHOUSE] },
  });
  const run = await api('POST', `/v1/connections/${CONN}/link-runs`, { all: true });
  await eventually(async () => {
    const r = await api('GET', `/v1/connections/${CONN}/link-runs/${run.runId}`);
    if (r.state === 'failed') throw new Error(`link run failed: ${JSON.stringify(r.error)}`);
    return r.state === 'completed';
  }, 120_000);
  linked = await eventually(async () => {
    const all = await links();
    return all.length > 0 && all.every((l) => l.converged) ? all : null;
  }, 120_000);
  // Enough for several Haravan answers and several full batches.
  expect(linked.length).toBeGreaterThan(250);
});

afterAll(async () => {
  await stack?.stop();
});

test('a verified pass records the values Tiki already held: a later stock change costs one write, without the price', async () => {
  const skus = await tikiSkus();
  const all = await links();
  const already = all.filter((l) => pricedAlready.has(l.barcode));
  expect(already.length).toBeGreaterThan(10);
  // Recorded: the price found in place, as well as the quantity written.
  const unrecorded = already.filter(
    (l) =>
      l.lastPushedPrice !== skus.get(l.barcode)!.price || l.lastPushedQuantity !== qty(skus.get(l.barcode), WAREHOUSE),
  );
  expect(
    unrecorded.map((l) => ({ code: l.barcode, recorded: [l.lastPushedQuantity, l.lastPushedPrice] })).slice(0, 5),
  ).toEqual([]);

  // One such variant's on hand changes on Haravan: the poll writes its quantity once and no price.
  const v = already[0];
  const before = qty(skus.get(v.barcode), WAREHOUSE)!;
  await fetch(`${stack.tiki.url}/_sandbox/calls`, { method: 'DELETE' });
  await post(`${stack.haravan.url}/_sandbox/shops/${SHOP}/inventory`, {
    variantId: v.haravanVariantId,
    locationId: LOCATION,
    qtyOnhand: 500,
  });
  await eventually(async () => qty((await tikiSkus()).get(v.barcode), WAREHOUSE) !== before, 30_000);
  await new Promise((r) => setTimeout(r, 4_000)); // two poll rounds for stray writes
  const log = await get(`${stack.tiki.url}/_sandbox/calls`);
  const writes = (log.calls as { method: string; path: string; body?: string }[]).filter(
    (c) => c.method === 'PUT' && /\/products\/updateSkus?$/.test(c.path),
  );
  expect(writes.length).toBe(1);
  expect(writes[0].body).not.toContain('"price"');
});

/**
 * Hand-edit every `step`-th linked SKU on Tiki, run one reconciliation, and check it: the edits counted as drift,
 * written back in exactly ceil(drifted / 50) batch calls and no single ones, and Tiki as it was before the edits.
 */
async function driftAndReconcile(step: number, opts: { faults?: object[] } = {}) {
  const expected = await editOnTiki(step);
  const drifted = Math.ceil(linked.length / step);
  await fetch(`${stack.tiki.url}/_sandbox/calls`, { method: 'DELETE' });
  for (const f of opts.faults ?? []) await post(`${stack.tiki.url}/_sandbox/faults`, f);
  const startedAt = Date.now();
  const r = await reconcileOnce();
  // A retried pass counts what was still drifted when it ran.
  if (!opts.faults) expect(r.drifted).toBe(drifted);
  const w = await tikiWrites();
  expect({ single: w.single, batch: w.batch }).toEqual({ single: 0, batch: Math.ceil(drifted / 50) });
  await expectRestored(expected, startedAt);
  return w;
}

test('a streamed reconciliation writes every drifted SKU back once, in full batches of 50, and verifies every link', async () => {
  const w = await driftAndReconcile(2);
  expect(w.failed).toBe(0);
});

test('a batch write failing mid-pass: the retried pass writes only what still differs, and everything converges', async () => {
  // The second batch write fails: the first rule (a delay, the write goes through) takes the first call, the
  // second rule answers 500 to the next one. Whether the client's retry or the activity's retried pass writes it,
  // no SKU is written twice: still ceil(drifted / 50) successful batch calls in all.
  const path = '/integration/v2.1/products/updateSkus';
  const w = await driftAndReconcile(3, {
    faults: [
      { method: 'PUT', path, latencyMs: 1, times: 1 },
      { method: 'PUT', path, status: 500, times: 1 },
    ],
  });
  expect(w.failed).toBe(1);
});

test('chosen locations (not streamed: a variant is complete once the location rows are in): drift is corrected the same way', async () => {
  const changedAt = Date.now();
  await api('PATCH', `/v1/connections/${CONN}/config`, { inventoryLocationIds: [LOCATION] });
  // A config change is a full pass of its own; wait for it (it verifies every link) before editing Tiki.
  await eventually(
    async () => (await links()).every((x) => x.lastVerifiedAt && Date.parse(x.lastVerifiedAt) >= changedAt),
    60_000,
  );
  const w = await driftAndReconcile(5);
  expect(w.failed).toBe(0);
});

test('under a short Tiki budget, queued writes go decreases first, then increases, then price', async () => {
  const skus = await tikiSkus();
  const usedProducts = new Set<number>();
  const pick = (ok: (l: (typeof linked)[number], sku: TikiSku) => boolean) => {
    const l = linked.find((x) => {
      const seed = seedOf.get(x.haravanVariantId)!;
      const sku = skus.get(x.barcode)!;
      return !usedProducts.has(seed.productId) && ok(x, sku);
    })!;
    usedProducts.add(seedOf.get(l.haravanVariantId)!.productId);
    return l;
  };
  // Tracked deny variants whose Tiki quantity is their on hand − committed (> 5), and one whose price is synced.
  const stockRule = (l: (typeof linked)[number], sku: TikiSku) => {
    const seed = seedOf.get(l.haravanVariantId)!;
    return seed.deny && seed.onHand - seed.committed > 5 && qty(sku, WAREHOUSE) === seed.onHand - seed.committed;
  };
  const first = pick(stockRule);
  const dec = pick(stockRule);
  const inc = pick(stockRule);
  const priced = pick((l, sku) => sku.price === haravanPrice.get(l.haravanVariantId) && sku.price >= 100_000);
  const setOnHand = (l: (typeof linked)[number], delta: number) =>
    post(`${stack.haravan.url}/_sandbox/shops/${SHOP}/inventory`, {
      variantId: l.haravanVariantId,
      locationId: LOCATION,
      qtyOnhand: seedOf.get(l.haravanVariantId)!.onHand + delta,
    });

  await fetch(`${stack.tiki.url}/_sandbox/calls`, { method: 'DELETE' });
  // Tiki answers the first write 4 s late: the writes found meanwhile wait for the budget.
  await post(`${stack.tiki.url}/_sandbox/faults`, {
    method: 'PUT',
    path: '/integration/v2/products/updateSku',
    latencyMs: 4_000,
    times: 1,
  });
  await setOnHand(first, 5);
  await new Promise((r) => setTimeout(r, 2_200)); // the poll has found it (2 s rounds) and its write is held
  // Arrival order is the reverse of priority: a price change, an increase, a decrease.
  const res = await fetch(
    `${stack.haravan.url}/_sandbox/shops/${SHOP}/products/${seedOf.get(priced.haravanVariantId)!.productId}`,
    {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        variants: [{ id: priced.haravanVariantId, price: haravanPrice.get(priced.haravanVariantId)! - 1_000 }],
      }),
    },
  );
  expect(res.status).toBe(200);
  await setOnHand(inc, 5);
  await setOnHand(dec, -3);

  await eventually(async () => {
    const now = await tikiSkus();
    return (
      qty(now.get(dec.barcode), WAREHOUSE) === qty(skus.get(dec.barcode), WAREHOUSE)! - 3 &&
      qty(now.get(inc.barcode), WAREHOUSE) === qty(skus.get(inc.barcode), WAREHOUSE)! + 5 &&
      now.get(priced.barcode)!.price === haravanPrice.get(priced.haravanVariantId)! - 1_000
    );
  }, 30_000);
  const log = await get(`${stack.tiki.url}/_sandbox/calls`);
  const byProductId = new Map(
    [first, dec, inc, priced].map((l, i) => [
      skus.get(l.barcode)!.product_id,
      ['first', 'decrease', 'increase', 'price'][i],
    ]),
  );
  const writes = (log.calls as { method: string; path: string; body?: string; fault?: string }[]).filter(
    (c) => c.method === 'PUT' && /\/products\/updateSkus?$/.test(c.path),
  );
  expect(writes[0]?.fault).toBeDefined(); // the held write was the first one
  const order = writes.map((c) => byProductId.get(Number(/"product_id":"?(\d+)/.exec(c.body ?? '')?.[1])) ?? c.body);
  expect(order).toEqual(['first', 'decrease', 'increase', 'price']);
});

test('an idle poll reads its newest change again through the cursor overlap but does not handle it again', async () => {
  // The poll activity itself, next to the worker's own, with a store that counts the link reads a handled change costs.
  let linkReads = 0;
  const store = new Proxy(stack.store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === 'getLinks') return (...args: Parameters<Store['getLinks']>) => ((linkReads++, value.apply(target, args)));
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const acts = createStockActivities({ store, temporal: stack.client, logger: pino({ level: 'silent' }), taskQueue: stack.taskQueue, clients: new ClientFactory(stack.store) });
  const v = linked.find((l) => seedOf.get(l.haravanVariantId)?.deny)!;
  await post(`${stack.haravan.url}/_sandbox/shops/${SHOP}/inventory`, { variantId: v.haravanVariantId, locationId: LOCATION, qtyOnhand: seedOf.get(v.haravanVariantId)!.onHand + 11 });
  // Four or so rounds at the connection's 2 s interval; the cursor overlap returns the change in every one of them.
  await new MockActivityEnvironment().run(acts.pollHaravanChanges, CONN, { durationMs: 7_000, intervalMs: 2_000 });
  expect(linkReads).toBe(1);
});
