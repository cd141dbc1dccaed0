/**
 * The stock activities with in-memory vendors (test/helpers/fake-vendors.ts) and a real store on PGlite:
 * planning and writing a change, the write gate (priority, coalescing, a fresher value never overwritten),
 * a refused value not resent by the poll, and the full pass writing drifted SKUs in batches while keeping
 * warehouses that are not ours.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { createStockActivities } from '../../../activities/stock';
import { DEFAULT_CONFIG, mergeConfig, type Config } from '../../../domain/config';
import { openDb } from '../../../store/db';
import { makeKeyring } from '../../../store/secrets';
import { Store } from '../../../store/store';
import { FakeHaravan, FakeTiki, fakeClientFactory } from '../../helpers/fake-vendors';

jest.setTimeout(60_000);

const W1 = 4_100_001;
const W2 = 4_100_002;
const OTHER = 4_100_009;
const PRICE = 100_000;

let db: Awaited<ReturnType<typeof openDb>>;
let realStore: Store;
let n = 0;

beforeAll(async () => {
  db = await openDb({ dataDir: 'memory://' });
  realStore = new Store(db, makeKeyring('unit-test-key-material'));
  await realStore.migrate();
});
afterAll(() => realStore.close());

interface LinkSeed {
  productId: number;
  variantId: number;
  tikiProductId: number;
  /** Haravan's quantity (all locations). */
  haravan: number;
  /** Tiki's rows. */
  tiki: [number, number][];
  /** Tiki's reserved units per warehouse. */
  reserved?: [number, number][];
  lastQuantity?: number;
}

/** A connection with its links, the fake vendors holding the seeded values, and its activities. */
async function connection(seeds: LinkSeed[], config: Partial<Config> = {}) {
  const id = `conn-unit-stock-${++n}-${Date.now()}`;
  const shopId = 900_000_000 + n;
  // Calls to recordPushes marking writes pending: a write is at the gate right after (same tick).
  const pending: (() => void)[] = [];
  const store = new Proxy(realStore, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === 'recordPushes') {
        return (...args: Parameters<Store['recordPushes']>) => {
          const out = value.apply(target, args);
          if (args[1].some((p) => p.converged === false)) pending.splice(0).forEach((go) => go());
          return out;
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  await realStore.claimConnection({ id, shopId, workflowId: `connection-${shopId}`, config: mergeConfig(DEFAULT_CONFIG, config) });
  await realStore.setTikiSeller(id, { id: shopId, warehouseIds: [W1, OTHER] });
  await realStore.upsertLinks(
    id,
    seeds.map((s) => ({ haravanProductId: s.productId, haravanVariantId: s.variantId, barcode: `B${s.tikiProductId}`, tikiSku: `T${s.tikiProductId}`, tikiProductId: s.tikiProductId, tikiMarketPrice: 0 })),
  );
  const confirmed = seeds.filter((s) => s.lastQuantity !== undefined);
  await realStore.recordPushes(id, confirmed.map((s) => ({ haravanVariantId: s.variantId, quantity: s.lastQuantity, price: PRICE, converged: true })));
  const haravan = new FakeHaravan();
  const tiki = new FakeTiki();
  for (const s of seeds) {
    haravan.setVariant(s.productId, { id: s.variantId, inventory_quantity: s.haravan, price: PRICE });
    tiki.addSku(s.tikiProductId, { price: PRICE, stocks: s.tiki, reserved: s.reserved });
  }
  const acts = createStockActivities({ store, temporal: undefined as never, logger: pino({ level: 'silent' }), taskQueue: 'unit', clients: fakeClientFactory(haravan, tiki) });
  const link = async (variantId: number) => (await realStore.getLinks(id, [variantId]))[0];
  /** Resolves once the next write of this connection has been queued at its gate. */
  const queued = () => new Promise<void>((go) => pending.push(() => setImmediate(go)));
  return { id, haravan, tiki, acts, link, queued };
}

const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> => new MockActivityEnvironment().run(fn, ...args);
const writes = (tiki: FakeTiki) => tiki.calls.filter((c) => c.startsWith('update'));
const tick = () => new Promise((r) => setTimeout(r, 5));

test('a changed quantity is planned against the last confirmed push, written once to the target warehouse only, and recorded', async () => {
  const c = await connection([{ productId: 1, variantId: 11, tikiProductId: 101, haravan: 3, tiki: [[W1, 5], [OTHER, 7]], lastQuantity: 5 }]);
  const first = await run(c.acts.pushProducts, c.id, [1]);
  expect(first).toMatchObject({ considered: 1, pushed: 1, skipped: 0, failed: 0, tikiWriteCalls: 1 });
  expect(writes(c.tiki)).toEqual(['updateSku 101']);
  expect([c.tiki.qty(101, W1), c.tiki.qty(101, OTHER)]).toEqual([3, 7]);
  expect(await c.link(11)).toMatchObject({ lastPushedQuantity: 3, lastPushedPrice: PRICE, converged: true });

  // Nothing changed since: nothing is written.
  const again = await run(c.acts.pushProducts, c.id, [1]);
  expect(again).toMatchObject({ considered: 1, pushed: 0, skipped: 1, tikiWriteCalls: 0 });
  expect(writes(c.tiki)).toHaveLength(1);
});

type Conn = Awaited<ReturnType<typeof connection>>;

/**
 * Hold the connection's gate with another SKU's write in flight, then queue one push of `productId` per edit
 * (each push reads Haravan after its edit, a little later than the one before), then let all writes go.
 */
async function behindAHeldWrite(c: Conn, holder: { productId: number; variantId: number; quantity: number }, productId: number, edits: (() => void)[]) {
  const arrived = c.tiki.holdWrites();
  c.haravan.setVariant(holder.productId, { id: holder.variantId, inventory_quantity: holder.quantity });
  const held = run(c.acts.pushProducts, c.id, [holder.productId]);
  await arrived;
  const jobs = [];
  for (const edit of edits) {
    edit();
    const isQueued = c.queued();
    jobs.push(run(c.acts.pushProducts, c.id, [productId]));
    await isQueued;
    await tick();
  }
  c.tiki.releaseWrites();
  const [, ...results] = await Promise.all([held, ...jobs]);
  return results;
}

test('the write gate: a decrease overtakes a queued increase, and the older value is dropped once a fresher one is confirmed', async () => {
  const c = await connection([
    { productId: 2, variantId: 21, tikiProductId: 201, haravan: 5, tiki: [[W1, 5]], lastQuantity: 5 },
    { productId: 3, variantId: 31, tikiProductId: 301, haravan: 5, tiki: [[W1, 5]], lastQuantity: 5 },
  ]);
  const [older, fresher] = await behindAHeldWrite(c, { productId: 3, variantId: 31, quantity: 9 }, 2, [
    () => c.haravan.setVariant(2, { id: 21, inventory_quantity: 8 }), // read first: an increase to 8
    () => c.haravan.setVariant(2, { id: 21, inventory_quantity: 1 }), // read later: a decrease to 1
  ]);
  expect(writes(c.tiki)).toEqual(['updateSku 301', 'updateSku 201']);
  expect(fresher).toMatchObject({ pushed: 1, superseded: 0 });
  expect(older).toMatchObject({ pushed: 0, superseded: 1 });
  expect(c.tiki.qty(201, W1)).toBe(1);
  expect(await c.link(21)).toMatchObject({ lastPushedQuantity: 1, converged: true });
});

test('the write gate coalesces: the same value queued by two jobs is written once', async () => {
  const c = await connection([
    { productId: 4, variantId: 41, tikiProductId: 401, haravan: 5, tiki: [[W1, 5]], lastQuantity: 5 },
    { productId: 5, variantId: 51, tikiProductId: 501, haravan: 5, tiki: [[W1, 5]], lastQuantity: 5 },
  ]);
  const [a, b] = await behindAHeldWrite(c, { productId: 5, variantId: 51, quantity: 0 }, 4, [() => c.haravan.setVariant(4, { id: 41, inventory_quantity: 2 }), () => undefined]);
  expect(writes(c.tiki)).toEqual(['updateSku 501', 'updateSku 401']);
  expect(a.pushed + b.pushed).toBe(1);
  expect(a.superseded + b.superseded).toBe(1);
  expect(c.tiki.qty(401, W1)).toBe(2);
});

test('a value Tiki refused is not resent by the poll; a push, and a different value from Haravan, still go', async () => {
  const c = await connection([{ productId: 6, variantId: 61, tikiProductId: 601, haravan: 5, tiki: [[W1, 5]], lastQuantity: 5 }]);
  const poll = () => run(c.acts.pollHaravanChanges, c.id, { durationMs: 300, intervalMs: 100 });
  c.tiki.refuse.add(601);
  c.haravan.setVariant(6, { id: 61, inventory_quantity: 2 });

  expect(await poll()).toMatchObject({ failed: 1, pushed: 0 });
  expect(writes(c.tiki)).toEqual(['updateSku 601']);
  const failures = await realStore.listFailures(c.id, { page: 1, limit: 10 });
  expect(failures.items.map((f) => [f.kind, f.ref, f.code])).toEqual([['sku-write', '601', 'TIKI_SKU_REJECTED']]);
  // Our words and the refusal's facts, never Tiki's text (issue 15 item 2; the text goes to the logs).
  expect(failures.items[0].message).toBe('Tiki rejected the SKU update (TIKI_VALIDATION, HTTP 422)');
  expect(failures.items[0].messageVi).toBe('Tiki từ chối cập nhật SKU (TIKI_VALIDATION, HTTP 422)');
  expect(failures.items[0].message).not.toMatch(/cannot be updated/);

  // A new poll activity reads the same change again (cursor overlap) but does not send it again.
  const listingsBefore = c.haravan.calls.filter((x) => x.startsWith('listProducts updated')).length;
  expect(await poll()).toMatchObject({ considered: 1, skipped: 1, pushed: 0, failed: 0 });
  expect(c.haravan.calls.filter((x) => x.startsWith('listProducts updated')).length).toBeGreaterThan(listingsBefore);
  expect(writes(c.tiki)).toHaveLength(1);

  // A push (webhook, retry from the inbox) still sends it.
  expect(await run(c.acts.pushProducts, c.id, [6])).toMatchObject({ failed: 1 });
  expect(writes(c.tiki)).toHaveLength(2);

  // Tiki accepts again and Haravan has a different value: the poll sends it, and the failure is resolved.
  c.tiki.refuse.delete(601);
  c.haravan.setVariant(6, { id: 61, inventory_quantity: 4 });
  expect(await poll()).toMatchObject({ pushed: 1, failed: 0 });
  expect(writes(c.tiki)).toHaveLength(3);
  expect(c.tiki.qty(601, W1)).toBe(4);
  expect((await realStore.listFailures(c.id, { page: 1, limit: 10 })).total).toBe(0);
});

test('reconcile: drifted SKUs go in one batch (decreases first) keeping warehouses that are not ours; unchanged ones are recorded as verified', async () => {
  const c = await connection([
    { productId: 7, variantId: 71, tikiProductId: 701, haravan: 6, tiki: [[W1, 1], [OTHER, 3]] },
    { productId: 8, variantId: 81, tikiProductId: 801, haravan: 4, tiki: [[W1, 4]] },
    { productId: 9, variantId: 91, tikiProductId: 901, haravan: 2, tiki: [[W1, 5], [OTHER, 7]], lastQuantity: 2 },
  ]);
  const r = await run(c.acts.reconcile, c.id);
  expect(r).toMatchObject({ drifted: 2, pushed: 2, tikiWriteCalls: 1 });
  // 901 was confirmed at 2 before, but Tiki holds 5 (a hand edit): the actual value counts, and a decrease goes first.
  expect(writes(c.tiki)).toEqual(['updateSkus 901,701']);
  expect([c.tiki.qty(701, W1), c.tiki.qty(701, OTHER), c.tiki.qty(901, W1), c.tiki.qty(901, OTHER)]).toEqual([6, 3, 2, 7]);
  for (const v of [71, 81, 91]) expect((await c.link(v)).lastVerifiedAt).toBeTruthy();
  expect(await c.link(81)).toMatchObject({ lastPushedQuantity: 4, lastPushedPrice: PRICE, converged: true });

  // A second pass finds nothing to do.
  expect(await run(c.acts.reconcile, c.id)).toMatchObject({ drifted: 0, tikiWriteCalls: 0 });
});

test('several target warehouses: the whole quantity goes to the first, the others to 0, even when Tiki holds the same sum split', async () => {
  const c = await connection([{ productId: 10, variantId: 101, tikiProductId: 1001, haravan: 5, tiki: [[W1, 3], [W2, 2], [OTHER, 9]] }], { tikiWarehouseIds: [W1, W2] });
  expect(await run(c.acts.reconcile, c.id)).toMatchObject({ drifted: 1, pushed: 1 });
  expect([c.tiki.qty(1001, W1), c.tiki.qty(1001, W2), c.tiki.qty(1001, OTHER)]).toEqual([5, 0, 9]);
  expect(await run(c.acts.reconcile, c.id)).toMatchObject({ drifted: 0 });
});

test('an imported Tiki order Tiki still reserves is added back: in full on a push, capped by Tiki’s quantity_reserved on a full pass', async () => {
  // Haravan 7 free (it committed the order's 3); Tiki reports only 1 of them still reserved.
  const c = await connection([{ productId: 11, variantId: 111, tikiProductId: 1101, haravan: 7, tiki: [[W1, 4], [OTHER, 9]], reserved: [[W1, 1]], lastQuantity: 4 }]);
  const item = { tikiSku: 'T1101', quantity: 3, price: PRICE, tikiWarehouseId: W1 };
  await realStore.upsertOrder(c.id, { tikiCode: 'R-1', haravanOrderId: 7001, status: 'confirmed', tikiStatus: 'queueing', items: [item], customer: {}, warnings: [] });
  await realStore.upsertOrder(c.id, { tikiCode: 'R-2', haravanOrderId: 7002, status: 'shipping', tikiStatus: 'shipping', items: [item], customer: {}, warnings: [] });
  await realStore.upsertOrder(c.id, { tikiCode: 'R-3', haravanOrderId: null, status: 'awaiting_confirmation', tikiStatus: 'queueing', items: [item], customer: {}, warnings: [] });

  // A push compares with the last confirmed push and does not read Tiki: the open imported order's 3 units.
  expect(await run(c.acts.pushProducts, c.id, [11])).toMatchObject({ pushed: 1 });
  expect([c.tiki.qty(1101, W1), c.tiki.qty(1101, OTHER)]).toEqual([10, 9]);
  // The full pass reads Tiki back: never more than Tiki reports reserved there.
  expect(await run(c.acts.reconcile, c.id)).toMatchObject({ drifted: 1, pushed: 1 });
  expect([c.tiki.qty(1101, W1), c.tiki.qty(1101, OTHER)]).toEqual([8, 9]);
  expect(await run(c.acts.reconcile, c.id)).toMatchObject({ drifted: 0 });
});

test('many changes read Tiki back to batch them: the add-back is capped by the reservations that read found', async () => {
  const seeds = Array.from({ length: 50 }, (_, i) => ({ productId: 200 + i, variantId: 2000 + i, tikiProductId: 20_000 + i, haravan: 7, tiki: [[W1, 4]] as [number, number][], reserved: [[W1, 1]] as [number, number][], lastQuantity: 4 }));
  const c = await connection(seeds);
  await realStore.upsertOrder(c.id, { tikiCode: 'RB-1', haravanOrderId: 7101, status: 'confirmed', tikiStatus: 'picking', items: [{ tikiSku: 'T20000', quantity: 3, price: PRICE }], customer: {}, warnings: [] });
  expect(await run(c.acts.pushProducts, c.id, seeds.map((s) => s.productId))).toMatchObject({ pushed: 50, tikiWriteCalls: 1 });
  expect(writes(c.tiki)).toHaveLength(1);
  expect(writes(c.tiki)[0]).toMatch(/^updateSkus /);
  // 7 free + 1 still reserved of the order's 3 (unknown warehouse → the first target, within what Tiki reserves).
  expect(c.tiki.qty(20_000, W1)).toBe(8);
  expect(c.tiki.qty(20_001, W1)).toBe(7);
});
