/**
 * Failures are sealed like payloads: a Haravan 422 whose body echoes the buyer's phone fails the order import
 * activity, and the phone is nowhere in the raw bytes of the order workflow's history (the failure's message and
 * stack trace are in its encoded attributes, encrypted by the payload codec); decoded with the codec (what the
 * Web UI does through /codec) the message is there.
 */
import { temporal } from '@temporalio/proto';
import { codecFromEnv } from '../../boot/codec';
import { orderWorkflowId } from '../../workflows/ids';
import { eventually, startStack, TestStack } from '../helpers/stack';
import { connectBody, post, seedDemoShop } from '../helpers/seed';

jest.setTimeout(300_000);

const ENCRYPTION_KEY = 'sealed-failures-key-material-0123456789';
const PHONE = '0912345678';
let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ encryptionKey: ENCRYPTION_KEY });
});
afterAll(async () => {
  await stack?.stop();
});

test('a Haravan 422 echoing a phone does not appear in raw history; the codec reveals it', async () => {
  const shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 3 });
  const connId = `conn-${shop.shopId}`;
  expect((await stack.api('POST', '/v1/connections', connectBody(shop, stack.haravan.url, stack.tiki.url, { orderPollIntervalSeconds: 1 }))).status).toBe(201);
  const run = await stack.api('POST', `/v1/connections/${connId}/link-runs`, { all: true });
  await eventually(async () => (await stack.api('GET', `/v1/connections/${connId}/link-runs/${run.body.runId}`)).body.state === 'completed', 60_000);
  const [link] = await stack.store.getLinks(connId);

  await post(`${stack.haravan.url}/_sandbox/faults`, { path: '/com/orders.json', method: 'POST', status: 422, body: { errors: { phone: [`${PHONE} không hợp lệ`] } } });
  const order = await post(`${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/orders`, { items: [{ original_sku: link.barcode, qty: 1 }], customer: { full_name: 'Lê Văn Cường', phone: PHONE } });
  const code = String(order.code);
  await eventually(async () => (await stack.api('GET', `/v1/connections/${connId}/failures`)).body.items.some((f: { ref: string }) => f.ref === code), 90_000);

  const history = await stack.client.workflow.getHandle(orderWorkflowId(shop.shopId, code)).fetchHistory();
  const failures = (history.events ?? []).map((e) => e.activityTaskFailedEventAttributes?.failure).filter((f): f is temporal.api.failure.v1.IFailure => !!f);
  expect(failures.length).toBeGreaterThan(0);
  const raw = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
  expect(raw.includes(PHONE)).toBe(false);
  expect(raw.includes('/com/orders.json answered 422')).toBe(false);
  for (const f of failures) expect(f.message).toBe('Encoded failure');

  // What an operator sees in the Web UI (decoded through /codec): the real message.
  const [decoded] = await codecFromEnv(ENCRYPTION_KEY)!.decode([failures[0].encodedAttributes as never]);
  const attrs = JSON.parse(Buffer.from(decoded.data!).toString('utf8')) as { message: string; stack_trace: string };
  expect(attrs.message).toContain('answered 422');
  expect(attrs.message).toContain(PHONE);
});
