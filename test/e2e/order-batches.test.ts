/**
 * Bulk order work end to end, driven from outside (api.md additions, `order-batches`): many Tiki orders confirmed in
 * one durable job with a partial failure — an order Tiki has moved on is skipped with its reason, one Tiki refusal is
 * failed with its code, an unknown code is skipped, the rest are done on Tiki and in Haravan — and a print-label
 * batch whose labels come back as one PDF (page count = labels merged; a label Tiki serves as a web page, or whose
 * download keeps failing, is listed apart with its reason, a slow PNG becomes a page), served by the API to this connection only.
 */
import { PDFDocument } from 'pdf-lib';
import { eventually, startStack, TestStack } from '../helpers/stack';
import { connectBody, get, post, seedDemoShop, SeededShop } from '../helpers/seed';

jest.setTimeout(600_000);

let stack: TestStack;
let shop: SeededShop;
let connectionId: string;

beforeAll(async () => {
  stack = await startStack();
  shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 12 });
  const res = await stack.api('POST', '/v1/connections', connectBody(shop, stack.haravan.url, stack.tiki.url, { processOrdersInHaravan: true, orderPollIntervalSeconds: 1 }));
  expect(res.status).toBe(201);
  connectionId = res.body.id;
  const run = await stack.api('POST', `/v1/connections/${connectionId}/link-runs`, { all: true });
  await eventually(async () => (await stack.api('GET', `/v1/connections/${connectionId}/link-runs/${run.body.runId}`)).body.state === 'completed', 90_000);
});
afterAll(async () => {
  await stack?.stop();
});

const tiki = (path: string) => `${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}${path}`;

/** Tiki orders for linked SKUs with sellable stock, placed as customers would; resolved once imported. */
async function placeOrders(n: number, fulfillment_type: string): Promise<string[]> {
  const links = (await stack.api('GET', `/v1/connections/${connectionId}/links?limit=250`)).body.items as { barcode: string }[];
  const sellable: string[] = [];
  for (const l of links) if ((await get(tiki(`/skus/${encodeURIComponent(l.barcode)}`))).totals.sellable >= n) sellable.push(l.barcode);
  expect(sellable.length).toBeGreaterThan(0);
  const codes: string[] = [];
  for (let i = 0; i < n; i++) {
    const order = await post(tiki('/orders'), { fulfillment_type, items: [{ original_sku: sellable[i % sellable.length], qty: 1 }], customer: { full_name: `Khách ${i}`, phone: `090100${String(1000 + i)}` } });
    codes.push(String(order.code));
  }
  for (const code of codes) {
    await eventually(async () => !!(await stack.api('GET', `/v1/connections/${connectionId}/orders/${code}`)).body.haravanOrderId, 90_000);
  }
  return codes;
}

async function runBatch(body: object) {
  const started = await stack.api('POST', `/v1/connections/${connectionId}/order-batches`, body);
  expect(started.status).toBe(202);
  expect(started.body).toMatchObject({ state: 'running', total: expect.any(Number) });
  return eventually(async () => {
    const r = await stack.api('GET', `/v1/connections/${connectionId}/order-batches/${started.body.batchId}`);
    return r.body.state !== 'running' && r.body;
  }, 180_000);
}

const itemOf = (batch: any, code: string) => batch.items.find((i: any) => i.tikiCode === code);

test('confirm many orders: done, skipped with the reason, failed with the code — in one job', async () => {
  const [a, b, c, movedOn, refused] = await placeOrders(5, 'seller_delivery');
  // Tiki moved one order on (Seller Center packed it): it can no longer be confirmed.
  await post(tiki(`/orders/${movedOn}/status`), { status: 'packaging' });
  // Tiki refuses the confirmation of another one.
  await post(`${stack.tiki.url}/_sandbox/faults`, { path: `/integration/v2/orders/${refused}/*`, method: 'POST', status: 400, body: { errors: ['order is locked'] } });

  const batch = await runBatch({ action: 'confirm', tikiCodes: [a, b, c, movedOn, refused, 'NOPE404', a] });
  expect(batch).toMatchObject({ action: 'confirm', state: 'completed', total: 6, done: 3, skipped: 2, failed: 1, pending: 0 });
  for (const code of [a, b, c]) expect(itemOf(batch, code)).toEqual({ tikiCode: code, outcome: 'done' });
  expect(itemOf(batch, movedOn)).toMatchObject({ outcome: 'skipped', code: 'INVALID_ORDER_STATE', messageVi: expect.stringContaining('Trạng thái đơn hàng') });
  expect(itemOf(batch, 'NOPE404')).toMatchObject({ outcome: 'skipped', code: 'ORDER_NOT_FOUND' });
  expect(itemOf(batch, refused)).toMatchObject({ outcome: 'failed', code: 'TIKI_VALIDATION' });
  expect(itemOf(batch, refused).message).toContain('HTTP 400');
  expect(itemOf(batch, refused).message).not.toContain('locked'); // our words, never the vendor's text

  // Done on Tiki and in Haravan, like single actions; the others untouched.
  for (const code of [a, b, c]) {
    expect((await get(tiki(`/orders/${code}`))).items.every((i: any) => i.confirmation.status === 'seller_confirmed')).toBe(true);
    const order = (await stack.api('GET', `/v1/connections/${connectionId}/orders/${code}`)).body;
    const [h] = (await get(`${stack.haravan.url}/_sandbox/shops/${shop.shopId}/orders`)).orders.filter((o: any) => o.id === order.haravanOrderId);
    expect(h.confirmed_status).toBe('confirmed');
  }
  expect((await get(tiki(`/orders/${refused}`))).items.every((i: any) => i.confirmation.status === 'waiting')).toBe(true);
  // A single action now agrees with the batch: the same rules answered.
  expect((await stack.api('POST', `/v1/connections/${connectionId}/orders/${a}/actions/ready-to-ship`, {})).body.error.code).toBe('INVALID_ORDER_STATE');
});

test('print labels: one PDF of the labels (page count = labels merged), a web-page label and a failing download listed apart, kept for re-printing', async () => {
  const [pdf1, pdf2, page, image, broken] = await placeOrders(5, 'tiki_delivery');
  const plans = { [page]: { format: 'html' }, [image]: { format: 'png', latencyMs: 500 }, [broken]: { status: 503 } };
  await fetch(`${stack.tiki.url}/_sandbox/labels/plans`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ byCode: plans }) });

  const batch = await runBatch({ action: 'print-label', tikiCodes: [pdf1, page, pdf2, image, broken] });
  expect(batch).toMatchObject({ action: 'print-label', state: 'completed', total: 5, done: 5, failed: 0, skipped: 0, labelPages: 3 });
  expect(batch.items.map((i: any) => [i.tikiCode, i.label])).toEqual([
    [pdf1, 'merged'],
    [page, 'apart'],
    [pdf2, 'merged'],
    [image, 'merged'],
    [broken, 'apart'],
  ]);
  expect(batch.labelsApart).toEqual([
    { tikiCode: page, code: 'LABEL_NOT_PRINTABLE', message: expect.any(String), messageVi: expect.stringContaining('trang web'), labelUrl: expect.stringContaining(`/_sandbox/labels/${page}/`) },
    { tikiCode: broken, code: 'LABEL_FETCH_FAILED', message: expect.any(String), messageVi: expect.any(String), labelUrl: expect.any(String) },
  ]);
  // The failing download was tried LABEL_FETCH_ATTEMPTS (3) times, then listed apart.
  expect((await get(`${stack.tiki.url}/_sandbox/labels/plans`)).fetches[broken]).toBe(3);
  expect(batch.labelsPdfUrl).toBe(`/v1/connections/${connectionId}/order-batches/${batch.batchId}/labels.pdf`);

  const res = await fetch(`${stack.apiUrl}${batch.labelsPdfUrl}`, { headers: { Authorization: `Bearer ${stack.token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  const doc = await PDFDocument.load(new Uint8Array(await res.arrayBuffer()));
  expect(doc.getPageCount()).toBe(3);
  // Re-printing later reads the kept PDF (no new Tiki call), and only through this connection and the token.
  expect((await fetch(`${stack.apiUrl}${batch.labelsPdfUrl}`)).status).toBe(401);
  const other = await fetch(`${stack.apiUrl}/v1/connections/conn-1/order-batches/${batch.batchId}/labels.pdf`, { headers: { Authorization: `Bearer ${stack.token}` } });
  expect(other.status).toBe(404);
  // The label action really ran on Tiki (print-label confirms first) and each order carries its label.
  for (const code of [pdf1, page, pdf2, image, broken]) expect((await get(tiki(`/orders/${code}`))).items.every((i: any) => i.confirmation.status === 'seller_confirmed')).toBe(true);
});

test('"all awaiting confirmation" selects the orders in that status; an empty selection is refused', async () => {
  const [x, y] = await placeOrders(2, 'seller_delivery');
  const batch = await runBatch({ action: 'ready-to-ship', select: 'awaiting_confirmation' });
  // The orders of the first test that were refused or moved on may still await confirmation in the store: only x, y must be done.
  expect(itemOf(batch, x)).toMatchObject({ outcome: 'done' });
  expect(itemOf(batch, y)).toMatchObject({ outcome: 'done' });
  const bad = await stack.api('POST', `/v1/connections/${connectionId}/order-batches`, { action: 'confirm', tikiCodes: [] });
  expect(bad.status).toBe(400);
  expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  const unknown = await stack.api('GET', `/v1/connections/${connectionId}/order-batches/ob_nope`);
  expect(unknown.status).toBe(404);
  expect(unknown.body.error.code).toBe('ORDER_BATCH_NOT_FOUND');
});
