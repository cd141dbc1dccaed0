/**
 * Bounded histories: a connection driven through thousands of events (webhook signals, push-now and config
 * updates, nudges to its children) continues-as-new at the fixed bound of `workflows/long-lived.ts`, never grows
 * a run past `HISTORY_EVENT_CEILING`, and carries its state across the switch: config, the run counter, the
 * store cursors, running children that still poll and push, and the updates that arrived during a switch.
 */
import type { Client } from '@temporalio/client';
import { haravanWebhookSignal, pauseSignal, productsChangedSignal, statusQuery } from '../../workflows/definitions';
import { connectionWorkflowId, orderIntakeWorkflowId, stockSyncWorkflowId } from '../../workflows/ids';
import { HISTORY_EVENT_CEILING, HISTORY_EVENT_LIMIT } from '../../workflows/long-lived';
import { eventually, startStack, TestStack } from '../helpers/stack';
import { connectBody, get, post, seedDemoShop, SeededShop } from '../helpers/seed';

jest.setTimeout(600_000);

let stack: TestStack;
let shop: SeededShop;
let connectionId: string;
const logSink: string[] = [];

beforeAll(async () => {
  stack = await startStack({ logSink });
  shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 12 });
  connectionId = `conn-${shop.shopId}`;
});
afterAll(async () => {
  await stack?.stop();
});

/** Run `count` calls of fn with at most `width` in flight. */
async function inParallel(count: number, width: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

async function runsOf(client: Client, workflowId: string): Promise<{ runId: string; status: string }[]> {
  const out: { runId: string; status: string }[] = [];
  for await (const w of client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
    out.push({ runId: w.runId, status: w.status.name });
  return out;
}

async function historyLength(client: Client, workflowId: string, runId: string): Promise<number> {
  const h = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return h.events?.length ?? 0;
}

async function tikiQuantity(originalSku: string, warehouseId: number): Promise<number> {
  const sku = await get(
    `${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/skus/${encodeURIComponent(originalSku)}`,
  );
  return sku.stocks.find((s: { warehouse_id: number }) => s.warehouse_id === warehouseId)?.quantity_available ?? 0;
}

test('a connection driven through thousands of events stays under the history bound and keeps its state', async () => {
  const created = await stack.api('POST', '/v1/connections', connectBody(shop, stack.haravan.url, stack.tiki.url));
  expect(created.status).toBe(201);
  const run = await stack.api('POST', `/v1/connections/${connectionId}/link-runs`, { all: true });
  expect(run.status).toBeLessThan(300);
  await eventually(
    async () =>
      (await stack.api('GET', `/v1/connections/${connectionId}/link-runs/${run.body.runId}`)).body.state ===
      'completed',
    60_000,
  );
  const links = await stack.store.getLinks(connectionId);
  expect(links.length).toBeGreaterThan(5);

  const conn = stack.client.workflow.getHandle(connectionWorkflowId(shop.shopId));
  const intake = stack.client.workflow.getHandle(orderIntakeWorkflowId(shop.shopId));
  const stock = stack.client.workflow.getHandle(stockSyncWorkflowId(shop.shopId));
  const productIds = [...new Set(links.map((l) => l.haravanProductId))];

  // The storm: every signal is at least one event, so each workflow gets well past the bound. Config and
  // push-now updates interleave with it, so some of them land while a run is switching.
  const SIGNALS = HISTORY_EVENT_LIMIT + 100;
  const CONFIG_UPDATES = 30;
  const safetyValues: number[] = [];
  const configResults: number[] = [];
  await Promise.all([
    inParallel(SIGNALS, 1, (i) =>
      conn.signal(haravanWebhookSignal, { topic: 'products/update', productIds: [productIds[i % productIds.length]] }),
    ),
    // Straight to the children too: once the connection's history is full it defers webhooks to its next run.
    inParallel(SIGNALS, 1, (i) =>
      stock.signal(productsChangedSignal, {
        productIds: [productIds[i % productIds.length]],
        reason: 'history-bounds',
      }),
    ),
    inParallel(SIGNALS, 1, () => intake.signal(pauseSignal, { paused: false })),
    inParallel(CONFIG_UPDATES, 1, async (i) => {
      const safetyStock = (i % 5) + 1;
      safetyValues.push(safetyStock);
      const res = await stack.api('PATCH', `/v1/connections/${connectionId}/config`, { safetyStock });
      if (res.status !== 200) {
        // Say why: the answer, and what the API logged about the update.
        const why = logSink.filter((l) => /unhandled API error|update not delivered/.test(l)).slice(-5);
        throw new Error(`PATCH config → ${res.status} ${JSON.stringify(res.body)}\n${why.join('\n')}`);
      }
      configResults.push(res.body.config.safetyStock);
      if (i % 10 === 0)
        expect((await stack.api('POST', `/v1/connections/${connectionId}/stock-pushes`, {})).status).toBeLessThan(300);
    }),
  ]);
  const redelivered = logSink.filter((l) => l.includes('update not delivered'));
  if (redelivered.length) console.log(`updates sent again by the API: ${redelivered.length}\n${redelivered.slice(0, 3).join('\n')}`);
  expect(configResults).toEqual(safetyValues);
  const lastSafety = safetyValues[safetyValues.length - 1];

  // Every workflow switched at least once, and no run (closed or current) passed the ceiling.
  const lengths: { id: string; status: string; len: number }[] = [];
  for (const id of [
    connectionWorkflowId(shop.shopId),
    stockSyncWorkflowId(shop.shopId),
    orderIntakeWorkflowId(shop.shopId),
  ]) {
    const runs = await eventually(async () => {
      const r = await runsOf(stack.client, id);
      return r.length >= 2 && r.some((x) => x.status === 'RUNNING') ? r : undefined;
    }, 120_000).catch(async (err) => {
      const d = await stack.client.workflow.getHandle(id).describe();
      throw new Error(
        `${id}: ${String(err)}; runs ${JSON.stringify(await runsOf(stack.client, id))}; current run ${d.runId} ${d.status.name} at ${d.historyLength} events`,
      );
    });
    expect(runs.filter((r) => r.status === 'RUNNING')).toHaveLength(1);
    expect(runs.filter((r) => r.status === 'CONTINUED_AS_NEW').length).toBeGreaterThanOrEqual(1);
    for (const r of runs) lengths.push({ id, status: r.status, len: await historyLength(stack.client, id, r.runId) });
  }
  console.log(
    `history lengths (limit ${HISTORY_EVENT_LIMIT}, ceiling ${HISTORY_EVENT_CEILING}):\n${lengths.map((l) => `  ${l.id} ${l.status} ${l.len}`).join('\n')}`,
  );
  expect(lengths.filter((l) => l.len > HISTORY_EVENT_CEILING)).toEqual([]);

  // State carried across continue-as-new: config (from the workflow and the store), the run counter, connected.
  const status = await conn.query(statusQuery);
  expect(status.state).toBe('connected');
  expect(status.config.safetyStock).toBe(lastSafety);
  expect(status.runsSinceStart).toBeGreaterThanOrEqual(2);
  expect((await stack.store.getConnection(connectionId))?.config.safetyStock).toBe(lastSafety);
  expect(await stack.store.getCursor(connectionId, 'haravan-inventory')).toBeTruthy();
  expect(await stack.store.getCursor(connectionId, 'tiki-queue')).toBeTruthy();

  // The children of the new runs still work: a Haravan stock edit reaches Tiki through the delta poll.
  const variants: {
    id: number;
    inventory_management: string | null;
    inventory_policy: string;
    inventory?: { location_id: number; qty_onhand: number }[];
  }[] = shop.haravanSeed.products.flatMap((p: { variants: unknown[] }) => p.variants);
  const tracked = new Set(
    variants.filter((v) => v.inventory_management === 'haravan' && v.inventory_policy === 'deny').map((v) => v.id),
  );
  const primaryWarehouse = shop.tikiSeed.warehouses.find((w: { is_primary?: boolean }) => w.is_primary).id as number;
  const candidates = await eventually(async () => {
    const now = await stack.store.getLinks(connectionId);
    const ready = [];
    for (const l of now.filter((x) => tracked.has(x.haravanVariantId) && (x.lastPushedQuantity ?? 0) > 0)) {
      if ((await tikiQuantity(l.barcode, primaryWarehouse)) === l.lastPushedQuantity) ready.push(l);
    }
    return ready.length > 0 ? ready : undefined;
  }, 60_000);
  const link = candidates[0];
  const before = await tikiQuantity(link.barcode, primaryWarehouse);
  const location =
    variants.find((v) => v.id === link.haravanVariantId)!.inventory?.[0]?.location_id ??
    shop.haravanSeed.locations[0].id;
  await post(`${stack.haravan.url}/_sandbox/shops/${shop.shopId}/inventory`, {
    variantId: link.haravanVariantId,
    locationId: location,
    delta: 37,
  });
  await eventually(async () => (await tikiQuantity(link.barcode, primaryWarehouse)) === before + 37, 120_000).catch(async (err) => {
    // Say why: what Tiki holds, what the store last pushed, and what the service logged about the SKU.
    const sku = await get(`${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/skus/${encodeURIComponent(link.barcode)}`);
    const now = (await stack.store.getLinks(connectionId)).find((l) => l.barcode === link.barcode);
    const logs = logSink.filter((l) => l.includes(link.barcode) || /stock|poll|delta/i.test(l)).slice(-15);
    throw new Error(
      `${String(err)}: expected ${before + 37} on warehouse ${primaryWarehouse}; Tiki ${JSON.stringify(sku.stocks)}; link ${JSON.stringify(now)}\n${logs.join('\n')}`,
    );
  });

  // And the switch left no orphan: exactly one running run of each child.
  for (const id of [stockSyncWorkflowId(shop.shopId), orderIntakeWorkflowId(shop.shopId)]) {
    expect((await stack.client.workflow.getHandle(id).describe()).status.name).toBe('RUNNING');
  }
});
