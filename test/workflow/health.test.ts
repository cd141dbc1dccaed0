/**
 * Connection health and the failure inbox, on a real Temporal dev server with the sandboxes:
 *  - Haravan 401s → `attention` with the reason, work paused, resumed by itself when Haravan accepts the token
 *    again; an order placed and a stock change made meanwhile are not lost;
 *  - a revoked Tiki client → `attention`; `PATCH .../credentials` with a wrong secret is 422 and changes nothing,
 *    with the new secret it is 200 and the connection resumes; the order placed meanwhile is imported once;
 *  - a paused legacy Tiki key → `attention`, resumed by itself when the seller resumes the key;
 *  - a SKU that Tiki rejects lands in `GET .../failures` (code, vi/en message, attempts) and
 *    `POST .../failures/:id/retry` pushes it once the cause is gone.
 */
import { connectionWorkflowId, stockSyncWorkflowId } from '../../workflows/ids';
import { eventually, startStack, TestStack } from '../helpers/stack';
import { connectBody, get, post, seedDemoShop, SeededShop } from '../helpers/seed';
import { checkOrders, checkSkus } from '../chaos/lib/expect';

jest.setTimeout(300_000);

let stack: TestStack;
let shop: SeededShop;
let connId: string;

beforeAll(async () => {
  stack = await startStack();
  shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 20 });
  connId = `conn-${shop.shopId}`;
  const created = await stack.api('POST', '/v1/connections', connectBody(shop, stack.haravan.url, stack.tiki.url));
  expect(created.status).toBe(201);
  const run = await stack.api('POST', `/v1/connections/${connId}/link-runs`, { all: true });
  expect(run.status).toBe(202);
  await eventually(async () => (await stack.api('GET', `/v1/connections/${connId}/link-runs/${run.body.runId}`)).body.state === 'completed', 60_000);
  await converged();
});
afterAll(async () => {
  await stack?.stop();
});

const tikiControl = (path: string, body: unknown = {}) => post(`${stack.tiki.url}/_sandbox${path}`, body);
const status = async () => (await stack.api('GET', `/v1/connections/${connId}`)).body;

async function skuCheck() {
  const conn = (await stack.store.getConnection(connId))!;
  return checkSkus({
    haravanUrl: stack.haravan.url,
    accessToken: shop.accessToken,
    tikiUrl: stack.tiki.url,
    sellerId: shop.tiki.sellerId,
    links: await stack.store.getLinks(connId),
    config: conn.config,
    sellerWarehouseIds: conn.tikiSeller?.warehouseIds ?? [],
  });
}

async function converged(timeoutMs = 90_000) {
  return eventually(async () => {
    const c = await skuCheck();
    return c.total > 0 && c.mismatches.length === 0 ? c : undefined;
  }, timeoutMs, 1_000);
}

/** A linked SKU Tiki can sell from (for placing orders) and a tracked, deny-policy variant (for stock edits). */
async function pickSkus() {
  const links = await stack.store.getLinks(connId);
  const skus: { product_id: number; original_sku: string; stocks: { quantity_available: number }[] }[] = (
    await get(`${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/skus`)
  ).skus;
  const sellable = links.find((l) => (skus.find((s) => s.product_id === l.tikiProductId)?.stocks ?? []).reduce((a, s) => a + s.quantity_available, 0) >= 20);
  const variants = shop.haravanSeed.products.flatMap((p: { variants: { barcode?: string | null; inventory_management: string | null; inventory_policy: string; inventory?: { location_id: number; qty_onhand: number }[] }[] }) => p.variants);
  const tracked = links.find((l) => {
    const v = variants.find((x: { barcode?: string | null }) => (x.barcode ?? '').trim() === l.barcode);
    return v && v.inventory_management === 'haravan' && v.inventory_policy === 'deny' && (v.inventory ?? []).length > 0 && l !== sellable;
  });
  if (!sellable || !tracked) throw new Error('demo shop has no suitable SKUs');
  const trackedSeed = variants.find((x: { barcode?: string | null }) => (x.barcode ?? '').trim() === tracked.barcode);
  return { sellable, tracked, locationId: trackedSeed.inventory[0].location_id as number };
}

async function placeTikiOrder(originalSku: string): Promise<string> {
  const o = await tikiControl(`/sellers/${shop.tiki.sellerId}/orders`, {
    items: [{ original_sku: originalSku, qty: 1 }],
    customer: { full_name: 'Nguyễn Thị Health', phone: '0901234567' },
  });
  return String(o.code);
}

async function addHaravanStock(variantId: number, locationId: number, delta: number) {
  await post(`${stack.haravan.url}/_sandbox/shops/${shop.shopId}/inventory`, { variantId, locationId, delta });
}

const orderCodes: string[] = [];

test('Haravan 401s put the connection in attention; it resumes by itself and nothing is lost', async () => {
  const { sellable, tracked, locationId } = await pickSkus();
  const fault = (await post(`${stack.haravan.url}/_sandbox/faults`, { path: '/com/*', status: 401, body: { errors: 'Unauthorized' } })).faults[0];
  const attention = await eventually(async () => {
    const s = await status();
    return s.state === 'attention' ? s : undefined;
  }, 60_000);
  expect(attention.attention.code).toBe('HARAVAN_AUTH_FAILED');
  expect(attention.attention.message).toMatch(/Haravan/);
  expect(attention.attention.messageVi).toBeTruthy();
  expect((await stack.store.getConnection(connId))!.state).toBe('attention');
  // Found by the operator's Web UI query too.
  await eventually(async () => {
    for await (const w of stack.client.workflow.list({ query: `ShopId = '${shop.shopId}' AND ConnectionState = 'attention'` })) if (w.workflowId === connectionWorkflowId(shop.shopId)) return true;
    return false;
  });

  // Meanwhile: a Tiki order and a merchant stock edit.
  orderCodes.push(await placeTikiOrder(sellable.barcode));
  await addHaravanStock(tracked.haravanVariantId, locationId, 7);
  // Work is paused: no Haravan order appears while the token is refused.
  await new Promise((r) => setTimeout(r, 3_000));
  expect((await checkOrders(stack.haravan.url, shop.shopId, orderCodes)).imported).toBe(0);
  expect((await status()).state).toBe('attention');

  await fetch(`${stack.haravan.url}/_sandbox/faults/${fault.id}`, { method: 'DELETE' });
  await eventually(async () => (await status()).state === 'connected', 120_000, 500);
  expect((await status()).attention).toBeUndefined();
  const orders = await eventually(async () => {
    const c = await checkOrders(stack.haravan.url, shop.shopId, orderCodes);
    return c.lost.length === 0 ? c : undefined;
  }, 120_000, 1_000);
  expect(orders.duplicates).toEqual([]);
  await converged();
  const failures = await stack.api('GET', `/v1/connections/${connId}/failures`);
  expect(failures.body.total).toBe(0);
});

test('a revoked Tiki client goes to attention; PATCH credentials verifies the replacement and resumes', async () => {
  const { sellable } = await pickSkus();
  await tikiControl(`/sellers/${shop.tiki.sellerId}/revoke`);
  const s = await eventually(async () => {
    const x = await status();
    return x.state === 'attention' ? x : undefined;
  }, 60_000);
  expect(s.attention.code).toBe('TIKI_AUTH_FAILED');
  orderCodes.push(await placeTikiOrder(sellable.barcode));

  // A replacement that cannot be checked (vendor unreachable) is a 503, replaces nothing and keeps no copy.
  const unreachable = await stack.api('PATCH', `/v1/connections/${connId}/credentials`, { haravan: { accessToken: shop.accessToken, baseUrl: 'http://127.0.0.1:1' } });
  expect(unreachable.status).toBe(503);
  expect(unreachable.body.error.code).toBe('CREDENTIALS_UNVERIFIED');
  expect(unreachable.body.error.messageVi).toBeTruthy();
  expect(await stack.store.loadCredentials(`${connId}#pending`)).toBeNull();
  expect((await stack.store.loadCredentials(connId))!.haravan.baseUrl).toBe(stack.haravan.url);

  // A wrong replacement is refused and changes nothing.
  const wrong = await stack.api('PATCH', `/v1/connections/${connId}/credentials`, { tiki: { clientId: shop.tiki.clientId, clientSecret: 'not-the-secret', baseUrl: stack.tiki.url } });
  expect(wrong.status).toBe(422);
  expect(wrong.body.error.code).toBe('TIKI_AUTH_FAILED');
  expect(wrong.body.error.messageVi).toBeTruthy();
  expect((await status()).state).toBe('attention');
  expect((await stack.store.loadCredentials(connId))!.tiki).toMatchObject({ clientSecret: shop.tiki.clientSecret });
  expect(await stack.store.loadCredentials(`${connId}#pending`)).toBeNull();

  // The seller issues a new secret; the merchant pastes it.
  const newSecret = `${shop.tiki.clientSecret}-rotated`;
  await tikiControl(`/sellers/${shop.tiki.sellerId}/credentials`, { clientSecret: newSecret });
  const ok = await stack.api('PATCH', `/v1/connections/${connId}/credentials`, { tiki: { clientId: shop.tiki.clientId, clientSecret: newSecret, baseUrl: stack.tiki.url } });
  expect(ok.status).toBe(200);
  expect(ok.body.state).toBe('connected');
  expect(JSON.stringify(ok.body)).not.toContain(newSecret);
  expect((await stack.store.loadCredentials(connId))!.tiki).toMatchObject({ clientSecret: newSecret });

  const orders = await eventually(async () => {
    const c = await checkOrders(stack.haravan.url, shop.shopId, orderCodes);
    return c.lost.length === 0 ? c : undefined;
  }, 120_000, 1_000);
  expect(orders.duplicates).toEqual([]);
  await converged();
});

test('a paused legacy Tiki key goes to attention and resumes by itself when the seller resumes it', async () => {
  // A second merchant on the legacy `tiki-api` key scheme (the only one Tiki can pause).
  const keyShop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 20 });
  const keyConn = `conn-${keyShop.shopId}`;
  const apiKey = `key-${keyShop.shopId}`;
  await tikiControl(`/sellers/${keyShop.tiki.sellerId}/credentials`, { apiKey });
  const created = await stack.api('POST', '/v1/connections', {
    shopId: keyShop.shopId,
    haravan: { accessToken: keyShop.accessToken, baseUrl: stack.haravan.url },
    tiki: { apiKey, baseUrl: stack.tiki.url },
  });
  expect(created.status).toBe(201);
  const keyStatus = async () => (await stack.api('GET', `/v1/connections/${keyConn}`)).body;

  await tikiControl(`/sellers/${keyShop.tiki.sellerId}/pause`);
  const s = await eventually(async () => {
    const x = await keyStatus();
    return x.state === 'attention' ? x : undefined;
  }, 60_000);
  expect(s.attention.code).toBe('TIKI_CONNECTION_PAUSED');
  expect(s.attention.messageVi).toMatch(/Tiki/);
  // An order placed while the key is paused is imported after the seller resumes it.
  const sku = keyShop.tikiSeed.products.find((p: { original_sku: string | null; stocks?: { quantity_available: number }[] }) => p.original_sku && (p.stocks ?? []).some((x) => x.quantity_available >= 5));
  const o = await tikiControl(`/sellers/${keyShop.tiki.sellerId}/orders`, { items: [{ original_sku: sku.original_sku, qty: 1 }], customer: { full_name: 'Trần Văn Key', phone: '0912345678' } });
  await tikiControl(`/sellers/${keyShop.tiki.sellerId}/resume`);
  await eventually(async () => (await keyStatus()).state === 'connected', 120_000, 500).catch((e) => {
    throw new Error(`not connected again after the resume: ${e.message}`);
  });
  const orders = await eventually(async () => {
    const c = await checkOrders(stack.haravan.url, keyShop.shopId, [String(o.code)]);
    return c.lost.length === 0 ? c : undefined;
  }, 120_000, 1_000).catch(async (e) => {
    throw new Error(`order ${o.code} not imported after the resume: ${e.message}; status ${JSON.stringify(await keyStatus())}`);
  });
  expect(orders.duplicates).toEqual([]);
});

test('a SKU Tiki rejects lands in the failure inbox and is pushed by a retry once the cause is gone', async () => {
  const { tracked, locationId } = await pickSkus();
  const fault = (
    await post(`${stack.tiki.url}/_sandbox/faults`, { method: 'PUT', path: '/integration/v2/products/updateSku', status: 422, body: { errors: ['Giá hoặc tồn kho không hợp lệ'] } })
  ).faults[0];
  await addHaravanStock(tracked.haravanVariantId, locationId, 3);

  const listed = await eventually(async () => {
    const r = await stack.api('GET', `/v1/connections/${connId}/failures`);
    return r.body.total > 0 ? r.body : undefined;
  }, 60_000, 500);
  const f = listed.items.find((x: { ref: string }) => x.ref === String(tracked.tikiProductId));
  expect(f).toMatchObject({ kind: 'sku-write', code: 'TIKI_SKU_REJECTED' });
  expect(f.message).toMatch(/Tiki rejected/);
  expect(f.messageVi).toMatch(/Tiki từ chối/);
  expect(f.attempts).toBeGreaterThanOrEqual(1);
  expect(f.firstAt).toBeTruthy();
  expect((await skuCheck()).mismatches.map((m) => m.tikiProductId)).toContain(tracked.tikiProductId);

  // The poll does not send the refused value again every round: the attempts stay put while nothing changes.
  await new Promise((r) => setTimeout(r, 5_000));
  const still = (await stack.api('GET', `/v1/connections/${connId}/failures`)).body.items.find((x: { id: string }) => x.id === f.id);
  expect(still.attempts).toBe(f.attempts);

  // Unknown ids are a 404 with a code.
  const unknown = await stack.api('POST', `/v1/connections/${connId}/failures/fail_nope/retry`);
  expect(unknown.status).toBe(404);
  expect(unknown.body.error.code).toBe('FAILURE_NOT_FOUND');

  // Retrying while Tiki still rejects it keeps it in the inbox with one more attempt.
  expect((await stack.api('POST', `/v1/connections/${connId}/failures/${f.id}/retry`)).status).toBe(202);
  await eventually(async () => {
    const r = await stack.api('GET', `/v1/connections/${connId}/failures`);
    const again = r.body.items.find((x: { id: string }) => x.id === f.id);
    return again && again.attempts > f.attempts;
  }, 60_000, 500);

  await fetch(`${stack.tiki.url}/_sandbox/faults/${fault.id}`, { method: 'DELETE' });
  // Nothing sends the refused value again on its own (the poll re-reads its newest change every round): the
  // retry is what pushes it.
  expect((await stack.api('POST', `/v1/connections/${connId}/failures/${f.id}/retry`)).status).toBe(202);
  await eventually(async () => (await stack.api('GET', `/v1/connections/${connId}/failures`)).body.total === 0, 60_000, 500);
  await converged(30_000);
  // The stock engine is still running (not stuck on the rejected SKU).
  expect((await stack.client.workflow.getHandle(stockSyncWorkflowId(shop.shopId)).describe()).status.name).toBe('RUNNING');
  // A retried (resolved) failure cannot be retried again.
  expect((await stack.api('POST', `/v1/connections/${connId}/failures/${f.id}/retry`)).status).toBe(404);
});
