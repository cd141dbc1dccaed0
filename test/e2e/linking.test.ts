/**
 * Product linking end to end (domain/linking.ts), as an outside client sees it: the shop is seeded through the sandbox
 * control APIs with one case per rule, and everything else goes through the service's HTTP API — link runs, live
 * progress, /links and /sync-errors (exact codes), counts, one run at a time, dry run, idempotent re-runs and
 * product-scoped runs.
 */
import { eventually, startStack, TestStack } from '../helpers/stack';
import { post } from '../helpers/seed';

jest.setTimeout(240_000);

let stack: TestStack;
const shopId = 300000000000 + Math.floor(Math.random() * 1e6);
const conn = `conn-${shopId}`;
const base = 7_000_000_000 + (shopId % 1_000_000) * 100;
const pid = (n: number) => base + n; // Haravan product ids
const vid = (n: number) => base + 50 + n; // Haravan variant ids
const tid = (n: number) => 900_000_000 + (shopId % 1_000_000) * 100 + n; // Tiki product ids
const token = `hrv-${shopId}`;
const tikiCreds = { clientId: `tk-${shopId}`, clientSecret: `tks-${shopId}` };

const variant = (n: number, barcode: string | null, over: object = {}) => ({
  id: vid(n),
  title: `v${n}`,
  barcode,
  price: 100_000,
  inventory_management: 'haravan' as const,
  inventory_policy: 'deny' as const,
  inventory: [{ location_id: 1, qty_onhand: 5 }],
  ...over,
});
const product = (n: number, updated_at: string, variants: object[]) => ({ id: pid(n), title: `Product ${n}`, updated_at, variants });
const tikiSku = (n: number, original_sku: string | null, over: object = {}) => ({
  product_id: tid(n),
  sku: `TK${tid(n)}`,
  name: `Tiki ${n}`,
  original_sku,
  price: 100_000,
  market_price: 150_000,
  active: 1 as const,
  stocks: [{ warehouse_id: 1, quantity_available: 0 }],
  ...over,
});

// One case per rule of domain/linking.ts (and the notes the rules add to a link).
const haravanProducts = [
  product(1, '2024-06-01T00:00:00Z', [
    variant(1, 'LINK-1'), // linked
    variant(2, null), // MISSING_BARCODE
    variant(3, '   '), // MISSING_BARCODE (blank)
    variant(4, '  SPACE-1 '), // linked after trimming
  ]),
  product(2, '2024-06-01T00:00:00Z', [variant(5, 'DUP-1'), variant(6, 'DUP-1')]), // DUPLICATE_BARCODE_IN_PRODUCT on both
  product(3, '2024-03-01T00:00:00Z', [variant(7, 'SHARED-1')]), // SUPERSEDED_BY_LATER_PRODUCT (older)
  product(4, '2024-08-01T00:00:00Z', [variant(8, 'SHARED-1')]), // linked (later)
  product(5, '2024-07-01T00:00:00Z', [variant(9, 'TIE-1')]), // SUPERSEDED (same time, smaller id)
  product(6, '2024-07-01T00:00:00Z', [variant(10, 'TIE-1')]), // linked (same time, larger id)
  product(7, '2024-06-01T00:00:00Z', [variant(11, 'NOPE-1')]), // NOT_FOUND_ON_TIKI
  product(8, '2024-06-01T00:00:00Z', [
    variant(12, 'PRICE-1', { price: 200_000 }), // PRICE_ABOVE_LIST_PRICE (list 150,000), still linked
    variant(13, 'ZERO-LIST-1', { price: 900_000 }), // list price 0 → no price rule
  ]),
  product(9, '2024-06-01T00:00:00Z', [
    variant(14, 'UNTRACKED-1', { inventory_management: null }), // linked + INVENTORY_NOT_TRACKED (info)
    variant(15, 'OVERSELL-1', { inventory_policy: 'continue' }), // linked + OVERSELL_UNLIMITED (info)
  ]),
  product(10, '2024-06-01T00:00:00Z', [variant(16, 'TWO-ON-TIKI')]), // linked to the active one of two Tiki SKUs
];
const tikiProducts = [
  tikiSku(1, 'LINK-1'),
  tikiSku(2, 'SPACE-1'),
  tikiSku(3, 'DUP-1'),
  tikiSku(4, 'SHARED-1'),
  tikiSku(5, 'TIE-1'),
  tikiSku(6, 'PRICE-1', { price: 140_000 }),
  tikiSku(7, 'ZERO-LIST-1', { market_price: 0, price: 900_000 }),
  tikiSku(8, 'UNTRACKED-1'),
  tikiSku(9, 'OVERSELL-1'),
  tikiSku(10, 'TWO-ON-TIKI', { active: 0 }),
  tikiSku(11, 'TWO-ON-TIKI'),
  tikiSku(12, 'FIXED-1'), // not carried yet; the re-run gives it to variant 11
  tikiSku(13, null), // no product code
];

const expectedLinks = () => [
  [vid(1), tid(1)],
  [vid(4), tid(2)],
  [vid(8), tid(4)],
  [vid(10), tid(5)],
  [vid(12), tid(6)],
  [vid(13), tid(7)],
  [vid(14), tid(8)],
  [vid(15), tid(9)],
  [vid(16), tid(11)],
];
const expectedErrors = () => [
  [vid(2), 'MISSING_BARCODE', 'error'],
  [vid(3), 'MISSING_BARCODE', 'error'],
  [vid(5), 'DUPLICATE_BARCODE_IN_PRODUCT', 'error'],
  [vid(6), 'DUPLICATE_BARCODE_IN_PRODUCT', 'error'],
  [vid(7), 'SUPERSEDED_BY_LATER_PRODUCT', 'warning'],
  [vid(9), 'SUPERSEDED_BY_LATER_PRODUCT', 'warning'],
  [vid(11), 'NOT_FOUND_ON_TIKI', 'error'],
  [vid(12), 'PRICE_ABOVE_LIST_PRICE', 'error'],
  [vid(14), 'INVENTORY_NOT_TRACKED', 'info'],
  [vid(15), 'OVERSELL_UNLIMITED', 'info'],
];

const byVariant = (a: (number | string)[], b: (number | string)[]) => (a[0] as number) - (b[0] as number) || String(a[1]).localeCompare(String(b[1]));

async function allPages<T>(path: string, limit = 3): Promise<{ items: T[]; total: number }> {
  const items: T[] = [];
  let total = 0;
  for (let page = 1; ; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await stack.api('GET', `${path}${sep}page=${page}&limit=${limit}`);
    expect(res.status).toBe(200);
    total = res.body.total;
    items.push(...res.body.items);
    if (res.body.items.length < limit) break;
  }
  expect(items).toHaveLength(total);
  return { items, total };
}

async function links(): Promise<number[][]> {
  const { items } = await allPages<{ haravanVariantId: number; tikiProductId: number; barcode: string; tikiSku: string }>(`/v1/connections/${conn}/links`);
  for (const l of items) expect(l.tikiSku).toBe(`TK${l.tikiProductId}`);
  return items.map((l) => [l.haravanVariantId, l.tikiProductId]).sort(byVariant);
}

async function syncErrors(): Promise<(string | number)[][]> {
  const { items } = await allPages<{ haravanVariantId: number; code: string; severity: string; message: string; messageVi: string }>(`/v1/connections/${conn}/sync-errors`);
  for (const e of items) {
    expect(e.message).toBeTruthy();
    expect(e.messageVi).toBeTruthy();
    expect(e.messageVi).not.toBe(e.message);
  }
  return items.map((e) => [e.haravanVariantId, e.code, e.severity]).sort(byVariant);
}

async function runToEnd(body: object): Promise<any> {
  const started = await stack.api('POST', `/v1/connections/${conn}/link-runs`, body);
  expect(started.status).toBe(202);
  return eventually(async () => {
    const r = await stack.api('GET', `/v1/connections/${conn}/link-runs/${started.body.runId}`);
    return r.body.state !== 'running' ? r.body : null;
  }, 60_000);
}

beforeAll(async () => {
  stack = await startStack();
  await post(`${stack.haravan.url}/_sandbox/shops`, {
    shop: { id: shopId, name: 'Linking scenario' },
    accessToken: token,
    locations: [{ id: 1, name: 'Kho 1', is_primary: true }].map((l) => ({ ...l, id: base + 99 })),
    products: haravanProducts.map((p) => ({ ...p, variants: p.variants.map((v: any) => ({ ...v, inventory: [{ location_id: base + 99, qty_onhand: 5 }] })) })),
  });
  await post(`${stack.tiki.url}/_sandbox/sellers`, {
    seller: { id: 400000 + (shopId % 100000), name: 'Linking scenario (Tiki)' },
    ...tikiCreds,
    warehouses: [{ id: 1, name: 'Kho HCM', is_primary: true }].map((w) => ({ ...w, id: 700000 + (shopId % 100000) })),
    products: tikiProducts.map((t) => ({ ...t, stocks: [{ warehouse_id: 700000 + (shopId % 100000), quantity_available: 0 }] })),
  });
  const created = await stack.api('POST', '/v1/connections', {
    shopId,
    haravan: { accessToken: token, baseUrl: stack.haravan.url },
    tiki: { ...tikiCreds, baseUrl: stack.tiki.url },
  });
  expect(created.status).toBe(201);
});
afterAll(async () => {
  await stack?.stop();
});

test('rejects a link-run request without productIds or all', async () => {
  for (const body of [{}, { productIds: [] }, { all: false }, { all: true, extra: 1 }]) {
    const res = await stack.api('POST', `/v1/connections/${conn}/link-runs`, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  }
  expect((await stack.api('GET', `/v1/connections/${conn}/link-runs/lr_doesnotexist`)).status).toBe(404);
});

test('a full run applies every rule of domain/linking.ts: exact links, exact sync errors, counts; live progress; one run at a time', async () => {
  // Slow Haravan down so the run is observably running.
  const fault = (await post(`${stack.haravan.url}/_sandbox/faults`, { path: '/com/products.json', latencyMs: 1500 })).faults[0];
  const first = await stack.api('POST', `/v1/connections/${conn}/link-runs`, { all: true });
  expect(first.status).toBe(202);
  expect(first.body).toMatchObject({ state: 'running', alreadyRunning: false });
  const second = await stack.api('POST', `/v1/connections/${conn}/link-runs`, { all: true });
  expect(second.status).toBe(202);
  expect(second.body).toMatchObject({ runId: first.body.runId, alreadyRunning: true });

  // While it runs, GET answers from the workflow (phase and fetch counters only exist there).
  const live = await stack.api('GET', `/v1/connections/${conn}/link-runs/${first.body.runId}`);
  expect(live.body.state).toBe('running');
  expect(['fetching', 'computing', 'writing']).toContain(live.body.phase);
  expect(live.body.fetched).toEqual(expect.objectContaining({ haravanProducts: expect.any(Number), tikiSkus: expect.any(Number) }));

  const done = await eventually(async () => {
    const r = await stack.api('GET', `/v1/connections/${conn}/link-runs/${first.body.runId}`);
    return r.body.state !== 'running' ? r.body : null;
  }, 60_000);
  expect((await fetch(`${stack.haravan.url}/_sandbox/faults/${fault.id}`, { method: 'DELETE' })).status).toBe(200);
  expect(done).toMatchObject({ state: 'completed', processed: 16, total: 16, linked: 9, errors: 6, warnings: 2 });

  expect(await links()).toEqual(expectedLinks().sort(byVariant));
  expect(await syncErrors()).toEqual(expectedErrors().sort(byVariant));

  const dup = await stack.api('GET', `/v1/connections/${conn}/sync-errors?code=DUPLICATE_BARCODE_IN_PRODUCT`);
  expect(dup.body.total).toBe(2);
  expect(dup.body.items.map((e: { haravanVariantId: number }) => e.haravanVariantId).sort()).toEqual([vid(5), vid(6)].sort());
  expect(dup.body.items[0]).toMatchObject({ haravanProductId: pid(2), barcode: 'DUP-1', severity: 'error' });
  expect((await stack.api('GET', `/v1/connections/${conn}/sync-errors?code=lowercase`)).status).toBe(400);

  const c = await stack.api('GET', `/v1/connections/${conn}`);
  expect(c.body.counts).toMatchObject({ linkedVariants: 9, linkedProducts: 6, syncErrors: 6 });
});

test('a dry run returns the outcomes and writes nothing; a re-run applies the changes and drops resolved errors', async () => {
  // The merchant fixes variant 11's barcode, clears variant 1's, and turns price sync off.
  await fetch(`${stack.haravan.url}/_sandbox/shops/${shopId}/products/${pid(7)}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ variants: [{ id: vid(11), barcode: 'FIXED-1' }] }),
  }).then((r) => expect(r.status).toBe(200));
  await fetch(`${stack.haravan.url}/_sandbox/shops/${shopId}/products/${pid(1)}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ variants: [{ id: vid(1), barcode: '' }] }),
  }).then((r) => expect(r.status).toBe(200));
  expect((await stack.api('PATCH', `/v1/connections/${conn}/config`, { syncPrice: false })).status).toBe(200);

  const dry = await stack.api('POST', `/v1/connections/${conn}/link-runs`, { all: true, dryRun: true });
  expect(dry.status).toBe(202);
  const dryDone =
    dry.body.state === 'completed'
      ? dry.body
      : await eventually(async () => {
          const r = await stack.api('GET', `/v1/connections/${conn}/link-runs/${dry.body.runId}`);
          return r.body.state === 'completed' ? r.body : null;
        }, 60_000);
  expect(dryDone).toMatchObject({ dryRun: true, processed: 16, total: 16, linked: 9 });
  const outcome = (v: number) => dryDone.outcomes.find((o: { haravanVariantId: number }) => o.haravanVariantId === vid(v));
  expect(outcome(11)).toMatchObject({ status: 'linked', link: { tikiProductId: tid(12) } });
  expect(outcome(1).issues.map((i: { code: string }) => i.code)).toEqual(['MISSING_BARCODE']);
  expect(outcome(12).issues).toEqual([]);
  // Nothing written.
  expect(await links()).toEqual(expectedLinks().sort(byVariant));
  expect(await syncErrors()).toEqual(expectedErrors().sort(byVariant));

  const rerun = await runToEnd({ all: true });
  expect(rerun).toMatchObject({ state: 'completed', processed: 16, linked: 9, errors: 5, warnings: 2 });
  const links2 = expectedLinks()
    .filter(([v]) => v !== vid(1))
    .concat([[vid(11), tid(12)]]);
  expect(await links()).toEqual(links2.sort(byVariant));
  const errors2 = expectedErrors()
    .filter(([v, code]) => v !== vid(11) && code !== 'PRICE_ABOVE_LIST_PRICE')
    .concat([[vid(1), 'MISSING_BARCODE', 'error']]);
  expect(await syncErrors()).toEqual(errors2.sort(byVariant));

  // Same data again: nothing moves.
  await runToEnd({ all: true });
  expect(await links()).toEqual(links2.sort(byVariant));
  expect(await syncErrors()).toEqual(errors2.sort(byVariant));
  const c = await stack.api('GET', `/v1/connections/${conn}`);
  expect(c.body.counts).toMatchObject({ linkedVariants: 9, linkedProducts: 7, syncErrors: 5 });
});

test('a run over selected products replaces only their links and errors', async () => {
  // Variant 1 gets its barcode back and product 2 stops colliding — but only product 1 is re-linked.
  await fetch(`${stack.haravan.url}/_sandbox/shops/${shopId}/products/${pid(1)}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ variants: [{ id: vid(1), barcode: 'LINK-1' }] }),
  }).then((r) => expect(r.status).toBe(200));
  await fetch(`${stack.haravan.url}/_sandbox/shops/${shopId}/products/${pid(2)}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ variants: [{ id: vid(6), barcode: 'NOPE-2' }] }),
  }).then((r) => expect(r.status).toBe(200));

  const run = await runToEnd({ productIds: [pid(1)] });
  expect(run).toMatchObject({ state: 'completed', processed: 4, total: 4, linked: 2, errors: 2 });
  const l = await links();
  expect(l).toContainEqual([vid(1), tid(1)]);
  expect(l).not.toContainEqual([vid(5), tid(3)]); // product 2 untouched: still no link
  const e = await syncErrors();
  expect(e).not.toContainEqual([vid(1), 'MISSING_BARCODE', 'error']);
  expect(e).toContainEqual([vid(5), 'DUPLICATE_BARCODE_IN_PRODUCT', 'error']); // untouched until product 2 is re-run
  expect(e).toContainEqual([vid(6), 'DUPLICATE_BARCODE_IN_PRODUCT', 'error']);

  await runToEnd({ productIds: [pid(2)] });
  const e2 = await syncErrors();
  expect(e2.filter(([v]) => v === vid(5) || v === vid(6))).toEqual([[vid(6), 'NOT_FOUND_ON_TIKI', 'error']]);
  expect(await links()).toContainEqual([vid(5), tid(3)]);
});
