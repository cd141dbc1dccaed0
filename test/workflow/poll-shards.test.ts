/**
 * Poll shards (POLL_MODE=shards, domain/poll-shards.ts, activities/poll-shard.ts) on a real dev server with the
 * sandboxes: a connect joins the connection to its shard (marker stored, shard workflow running, the children
 * hold no poll of their own) and its Haravan changes reach Tiki through it; a member whose join signal was lost is
 * polled anyway (membership is read from the store); a disconnect leaves the shard; cursors survive a worker
 * restart (a change made while no worker ran is pushed once one is back); an order placed while a new member's Tiki
 * queue is being created is not missed by its first sweep.
 */
import { connectionWorkflowId, orderIntakeWorkflowId, pollShardWorkflowId, stockSyncWorkflowId } from '../../workflows/ids';
import { shardCountFrom, shardKey, shardOf } from '../../domain/poll-shards';
import { eventually, startStack, TestStack } from '../helpers/stack';
import { connectBody, get, post, seedDemoShop, SeededShop } from '../helpers/seed';

jest.setTimeout(300_000);

let stack: TestStack;
const saved = process.env.POLL_MODE;

beforeAll(async () => {
  process.env.POLL_MODE = 'shards';
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
  if (saved === undefined) delete process.env.POLL_MODE;
  else process.env.POLL_MODE = saved;
});

async function connectAndLink(shop: SeededShop, config?: object): Promise<string> {
  const res = await stack.api('POST', '/v1/connections', connectBody(shop, stack.haravan.url, stack.tiki.url, config));
  expect(res.status).toBe(201);
  const id = res.body.id as string;
  const run = await stack.api('POST', `/v1/connections/${id}/link-runs`, { all: true });
  expect(run.status).toBeLessThan(300);
  await eventually(async () => (await stack.api('GET', `/v1/connections/${id}/link-runs/${run.body.runId}`)).body.state === 'completed', 60_000);
  return id;
}

const shardOfConn = (id: string) => shardOf(shardKey(id), shardCountFrom(undefined));

/** A linked, tracked, deny variant of the shop: its Tiki quantity follows Haravan's on-hand quantity. */
async function trackedLink(shop: SeededShop, id: string): Promise<{ variantId: number; barcode: string; locationId: number }> {
  const links = await stack.store.getLinks(id);
  for (const p of shop.haravanSeed.products) {
    for (const v of p.variants) {
      if (v.inventory_management !== 'haravan' || v.inventory_policy !== 'deny' || !v.inventory?.length) continue;
      const link = links.find((l) => l.barcode === v.barcode);
      if (link) return { variantId: link.haravanVariantId, barcode: v.barcode, locationId: v.inventory[0].location_id };
    }
  }
  throw new Error('no tracked deny variant linked');
}

async function tikiTotal(shop: SeededShop, barcode: string): Promise<number> {
  const { skus } = await get(`${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/skus`);
  const sku = (skus as { original_sku: string; stocks: { quantity_available: number }[] }[]).find((s) => s.original_sku === barcode);
  return sku ? sku.stocks.reduce((n, w) => n + w.quantity_available, 0) : -1;
}

async function setOnHand(shop: SeededShop, v: { variantId: number; locationId: number }, qty: number): Promise<void> {
  await post(`${stack.haravan.url}/_sandbox/shops/${shop.shopId}/inventory`, { variantId: v.variantId, locationId: v.locationId, qtyOnhand: qty });
}

/** Sets a linked variant's on-hand quantity on Haravan and waits until Tiki's quantity for it moved. */
async function changeAndSee(shop: SeededShop, id: string, qty: number, timeoutMs = 30_000): Promise<void> {
  const v = await trackedLink(shop, id);
  const before = await tikiTotal(shop, v.barcode);
  await setOnHand(shop, v, qty);
  await eventually(async () => (await tikiTotal(shop, v.barcode)) !== before, timeoutMs);
}

test('connect joins the shard; changes flow through it; a lost join signal heals; disconnect leaves; cursors survive a restart', async () => {
  const shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 3 });
  const id = await connectAndLink(shop);

  // Joined: marker stored, shard workflow running, the children run no poll activity.
  expect(await stack.store.getCursor(id, 'poll-shard')).toBe(String(shardKey(id)));
  const k = shardOfConn(id);
  expect((await stack.client.workflow.getHandle(pollShardWorkflowId(stack.taskQueue, k)).describe()).status.name).toBe('RUNNING');
  expect((await stack.store.listPollShardMembers(k, shardCountFrom(undefined))).map((m) => m.connectionId)).toContain(id);
  for (const wf of [stockSyncWorkflowId(shop.shopId), orderIntakeWorkflowId(shop.shopId)]) {
    // A push of the link run's products may be in flight; no poll activity may be.
    const d = await stack.client.workflow.getHandle(wf).describe();
    const names = (d.raw.pendingActivities ?? []).map((a) => a.activityType?.name);
    expect(names.filter((n) => n === 'pollHaravanChanges' || n === 'pollTikiEvents')).toEqual([]);
  }
  await changeAndSee(shop, id, 410);
  // The push stores the cursors the shard handed on (a moment after the write reached Tiki).
  await eventually(async () => Boolean(await stack.store.getCursor(id, 'haravan-inventory')));

  // A second connection whose join signal never arrived: its marker is written straight to the store.
  const other = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 3 });
  const otherId = await connectAndLink(other);
  const otherShard = shardOfConn(otherId);
  await stack.store.deleteCursor(otherId, 'poll-shard');
  await eventually(async () => !(await stack.store.listPollShardMembers(otherShard, shardCountFrom(undefined))).some((m) => m.connectionId === otherId));
  await stack.store.setCursor(otherId, 'poll-shard', String(shardKey(otherId)));
  await changeAndSee(other, otherId, 170);

  // Cursors survive a restart: a change made while no worker runs is pushed once one is back.
  const v = await trackedLink(shop, id);
  const before = await tikiTotal(shop, v.barcode);
  await stack.stopWorker();
  await setOnHand(shop, v, 230);
  await stack.startWorker();
  await eventually(async () => (await tikiTotal(shop, v.barcode)) !== before, 90_000);

  // Disconnect: the marker is gone and the shard no longer lists it.
  const dis = await stack.api('DELETE', `/v1/connections/${id}`);
  expect(dis.status).toBeLessThan(300);
  await eventually(async () => (await stack.client.workflow.getHandle(connectionWorkflowId(shop.shopId)).describe()).status.name === 'COMPLETED', 60_000);
  expect(await stack.store.getCursor(id, 'poll-shard')).toBeNull();
  expect((await stack.store.listPollShardMembers(k, shardCountFrom(undefined))).map((m) => m.connectionId)).not.toContain(id);
});

test('an order placed while a new member’s Tiki queue is being created is imported at once, not at the next sweep', async () => {
  // Tiki slow to subscribe: creating the shop's event queue takes seconds. The member's first sweep lists the orders;
  // an order placed after that listing and before the subscriptions exist is in neither — unless the sweep waits
  // for the queue. The next sweep is an hour away here, so only the events can bring the order in time.
  const slow = (await post(`${stack.tiki.url}/_sandbox/faults`, { method: 'POST', path: '/integration/v1/queues/:code/subscriptions', latencyMs: 5_000 })).faults[0];
  try {
    const shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 3 });
    const id = await connectAndLink(shop, { orderSweepIntervalSeconds: 3600, orderPollIntervalSeconds: 1 });
    // The first sweep is done (its cursor is stored): the order is not in its listing.
    await eventually(() => stack.store.getCursor(id, 'tiki-sweep'), 60_000, 100);
    const { barcode } = await trackedLink(shop, id);
    const order = await post(`${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/orders`, { items: [{ original_sku: barcode, qty: 1 }], customer: { full_name: 'Trần Thị Mai', phone: '0913000111' } });
    await eventually(async () => {
      const r = await stack.api('GET', `/v1/connections/${id}/orders/${order.code}`);
      return r.status === 200 && !!r.body.haravanOrderId;
    }, 45_000);
    expect((await get(`${stack.tiki.url}/_sandbox/queues`)).queues.filter((q: { name: string }) => q.name === `haravan-sync-${shop.shopId}`)).toHaveLength(1);
  } finally {
    await fetch(`${stack.tiki.url}/_sandbox/faults/${slow.id}`, { method: 'DELETE' });
  }
});
