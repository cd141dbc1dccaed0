/**
 * Disconnect during a long job, on a slowed Tiki: the job (a full stock pass writing a big catalogue, each Tiki
 * write held 5 s by the sandbox) would run well past the time the disconnect takes. The disconnect cancels it and
 * reaches `disconnected` within seconds, no Tiki write lands after that, and a reconnect sent at once ends
 * `connected` with a working config update (the children's fixed ids are free again). Order workflows still waiting
 * for Tiki to accept an order stop too.
 */
import { createDispatcher } from '../../activities/orders/dispatch';
import { connectionWorkflowId, orderWorkflowId, stockSyncWorkflowId } from '../../workflows/ids';
import { connectBody, get, post, seedDemoShop, SeededShop } from '../helpers/seed';
import { eventually, startStack, TestStack } from '../helpers/stack';

jest.setTimeout(300_000);

const WRITE_LATENCY_MS = 5_000;
const PRODUCTS = 900;

let stack: TestStack;
let shop: SeededShop;

beforeAll(async () => {
  stack = await startStack();
  shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: PRODUCTS });
});
afterAll(async () => {
  await stack?.stop();
});

interface Call {
  at: string;
  method: string;
  path: string;
  status: number;
}
const SKU_WRITE = /^\/integration\/v2(\.1)?\/products\/updateSkus?$/;
const skuWrites = async (): Promise<Call[]> => ((await get(`${stack.tiki.url}/_sandbox/calls`)).calls as Call[]).filter((c) => c.method === 'PUT' && SKU_WRITE.test(c.path));

test('a disconnect during a job that would outlast it cancels the job: no Tiki write after disconnected, and an immediate reconnect works', async () => {
  const id = `conn-${shop.shopId}`;
  const body = connectBody(shop, stack.haravan.url, stack.tiki.url);
  const created = await stack.api('POST', '/v1/connections', body);
  expect(created.body.state).toBe('connected');
  const run = await stack.api('POST', `/v1/connections/${id}/link-runs`, { all: true });
  expect(run.status).toBe(202);
  await eventually(async () => (await stack.api('GET', `/v1/connections/${id}/link-runs/${run.body.runId}`)).body.state === 'completed', 120_000, 500);
  const linked = (await stack.store.getLinks(id)).length;
  expect(linked).toBeGreaterThan(400);

  // Slow Tiki, then a stock-affecting change: a full pass rewrites every linked SKU, ≥ linked/50 writes of 5 s each.
  await post(`${stack.tiki.url}/_sandbox/faults`, { method: 'PUT', path: '/integration/*', latencyMs: WRITE_LATENCY_MS });
  const before = (await skuWrites()).length;
  expect((await stack.api('PATCH', `/v1/connections/${id}/config`, { safetyStock: 7 })).status).toBe(200);
  await eventually(async () => (await skuWrites()).length >= before + 2, 120_000, 250);
  const jobWouldTakeMs = Math.ceil(linked / 50) * WRITE_LATENCY_MS;

  const disconnectAt = Date.now();
  expect((await stack.api('DELETE', `/v1/connections/${id}`)).status).toBe(202);
  await eventually(async () => (await stack.store.getConnection(id))?.state === 'disconnected', 120_000, 50);
  const tookMs = Date.now() - disconnectAt;
  const disconnectedAt = Date.parse((await stack.store.getConnection(id))!.disconnectedAt!);
  // Cancelled: one write in flight at most, not the rest of the pass.
  expect(tookMs).toBeLessThan(Math.min(30_000, jobWouldTakeMs / 2));

  // Reconnect at once: connected, and a config update goes through the new run.
  const again = await stack.api('POST', '/v1/connections', body);
  expect({ status: again.status, state: again.body.state }).toEqual({ status: 201, state: 'connected' });
  const patched = await stack.api('PATCH', `/v1/connections/${id}/config`, { safetyStock: 1 });
  expect(patched.status).toBe(200);
  expect(patched.body.config.safetyStock).toBe(1);
  expect((await stack.client.workflow.getHandle(stockSyncWorkflowId(shop.shopId)).describe()).status.name).toBe('RUNNING');

  // Long enough for writes of the old pass to land, were any still on their way. The new connection has no links
  // (disconnect purged them), so every SKU write after `disconnected` would be the old job's.
  await new Promise((r) => setTimeout(r, 3 * WRITE_LATENCY_MS));
  const late = (await skuWrites()).filter((c) => Date.parse(c.at) > disconnectedAt);
  expect(late).toEqual([]);
  const written = (await skuWrites()).length - before;
  expect(written).toBeLessThan(Math.ceil(linked / 50));

  expect((await stack.api('DELETE', `/v1/connections/${id}`)).status).toBe(202);
  await eventually(async () => (await stack.client.workflow.getHandle(connectionWorkflowId(shop.shopId)).describe()).status.name === 'COMPLETED', 60_000);
});

test('order workflows still waiting for Tiki to accept an order stop on disconnect', async () => {
  const small = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 20 });
  const id = `conn-${small.shopId}`;
  expect((await stack.api('POST', '/v1/connections', connectBody(small, stack.haravan.url, stack.tiki.url))).body.state).toBe('connected');
  // The first product Tiki still has stock of (the first push may already have set some to zero).
  let placed: { code: string } | undefined;
  for (const { original_sku } of small.tikiSeed.products as { original_sku: string }[]) {
    placed = await post(`${stack.tiki.url}/_sandbox/sellers/${small.tiki.sellerId}/orders`, { status: 'waiting_payment', items: [{ original_sku, qty: 1 }] }).catch(() => undefined);
    if (placed) break;
  }
  if (!placed) throw new Error('no product of the seeded shop has stock on Tiki');
  // Handed to its workflow as intake does for an event about it (the sandbox sends none before acceptance); it waits
  // for Tiki's acceptance, with no order record yet.
  await createDispatcher({ temporal: stack.client, taskQueue: stack.taskQueue }).dispatch({ connectionId: id, shopId: small.shopId }, String(placed.code), 'test');
  const order = stack.client.workflow.getHandle(orderWorkflowId(small.shopId, String(placed.code)));
  await eventually(async () => (await order.describe()).status.name === 'RUNNING', 60_000, 250);
  expect(await stack.store.getOrder(id, String(placed.code))).toBeNull();

  expect((await stack.api('DELETE', `/v1/connections/${id}`)).status).toBe(202);
  await eventually(async () => (await stack.store.getConnection(id))?.state === 'disconnected', 60_000, 100);
  await eventually(async () => (await order.describe()).status.name === 'COMPLETED', 20_000, 250);
});
