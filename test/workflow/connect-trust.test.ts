/**
 * What a connect trusts, on a real Temporal dev server with the sandboxes:
 *  - a connection's baseUrl must be a real Haravan/Tiki host over https or an allowed origin: other hosts,
 *    user info, other schemes are 400 VALIDATION_FAILED on that field, and nothing is contacted;
 *  - errors answered to the caller carry our code and words, never what the socket or the vendor said (a closed
 *    port and an open non-HTTP port look the same);
 *  - a `connecting` record left by a crash between the claim and the workflow's start is reclaimed by the next
 *    connect instead of answering 409 forever.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { DEFAULT_CONFIG } from '../../domain/config';
import { messageFor } from '../../domain/messages';
import { eventually, startStack, TestStack } from '../helpers/stack';
import { connectBody, seedDemoShop, SeededShop } from '../helpers/seed';

jest.setTimeout(300_000);

let stack: TestStack;
let shop: SeededShop;
/** A TCP listener outside the allow-list (127.0.0.2): counts every connection made to it. */
let trap: net.Server;
let trapped = 0;
let trapUrl: string;

beforeAll(async () => {
  stack = await startStack(); // allows http://127.0.0.1:* (the sandboxes)
  shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 3 });
  trap = net.createServer((s) => {
    trapped++;
    s.destroy();
  });
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.2', resolve));
  trapUrl = `http://127.0.0.2:${(trap.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => trap?.close(r));
  await stack?.stop();
});

const sandboxPort = () => new URL(stack.haravan.url).port;

test.each([
  ['another host', 'haravan', () => trapUrl],
  ['user info', 'haravan', () => `http://user:pass@127.0.0.1:${sandboxPort()}`],
  ['another scheme', 'haravan', () => `ftp://127.0.0.1:${sandboxPort()}`],
  ['a real host over http', 'haravan', () => 'http://apis.haravan.com'],
  ['a look-alike host', 'haravan', () => 'https://apis.haravan.com.example.net'],
  ["the other vendor's host", 'tiki', () => 'https://apis.haravan.com'],
  ['a link-local address', 'tiki', () => 'http://169.254.169.254'],
])('connect with %s as %s baseUrl → 400 on that field, nothing stored or contacted', async (_what, vendor, url) => {
  const body = connectBody(shop, stack.haravan.url, stack.tiki.url) as Record<string, any>;
  body[vendor].baseUrl = url();
  const res = await stack.api('POST', '/v1/connections', body);
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('VALIDATION_FAILED');
  expect(res.body.error.issues).toEqual([{ path: `${vendor}.baseUrl`, message: expect.stringContaining('must') }]);
  expect(await stack.store.getConnection(`conn-${shop.shopId}`)).toBeNull();
  expect(trapped).toBe(0);
});

test('PATCH credentials with a baseUrl outside the allow-list → 400, nothing contacted', async () => {
  const res = await stack.api('PATCH', `/v1/connections/conn-${shop.shopId}/credentials`, { haravan: { accessToken: 'x', baseUrl: trapUrl } });
  expect(res.status).toBe(400);
  expect(res.body.error.issues[0].path).toBe('haravan.baseUrl');
  expect(trapped).toBe(0);
});

test('a closed port and an open non-HTTP port answer the same words, ours; a rejected token too', async () => {
  const temporalPort = stack.env.address.split(':').pop();
  const attempt = async (haravanUrl: string) => {
    const other = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 1 });
    return stack.api('POST', '/v1/connections', connectBody(other, haravanUrl, stack.tiki.url));
  };
  const closed = await attempt('http://127.0.0.1:1');
  const grpc = await attempt(`http://127.0.0.1:${temporalPort}`);
  for (const r of [closed, grpc]) {
    expect(r.status).toBe(503);
    expect(r.body.error).toEqual({ code: 'CREDENTIALS_UNVERIFIED', message: messageFor('CREDENTIALS_UNVERIFIED').en, messageVi: messageFor('CREDENTIALS_UNVERIFIED').vi });
  }
  expect(JSON.stringify(closed.body)).toBe(JSON.stringify(grpc.body));

  const wrong = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 1 });
  const rejected = await stack.api('POST', '/v1/connections', { ...connectBody(wrong, stack.haravan.url, stack.tiki.url), haravan: { accessToken: 'not-the-token', baseUrl: stack.haravan.url } });
  expect(rejected.status).toBe(422);
  expect(rejected.body.error.code).toBe('HARAVAN_AUTH_FAILED');
  expect(rejected.body.error.message).toBe(messageFor('HARAVAN_AUTH_FAILED').en);
  // The stored state the dashboard shows says the same.
  expect((await stack.api('GET', `/v1/connections/conn-${wrong.shopId}`)).body.attention?.message).toBe(messageFor('HARAVAN_AUTH_FAILED').en);
});

test('a connecting record left by a crash between claim and workflow start is reclaimed by the next connect', async () => {
  const crashed = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 1 });
  const id = `conn-${crashed.shopId}`;
  // What the API had done when it crashed: the claim (and the credentials), no workflow.
  await stack.store.claimConnection({ id, shopId: crashed.shopId, workflowId: `connection-${crashed.shopId}`, config: DEFAULT_CONFIG });
  // A moment later it is a connect in progress, not a leftover: refused.
  expect((await stack.api('POST', '/v1/connections', connectBody(crashed, stack.haravan.url, stack.tiki.url))).status).toBe(409);
  await stack.store.db.query("UPDATE connections SET updated_at = now() - interval '5 minutes' WHERE id = $1", [id]);
  const res = await stack.api('POST', '/v1/connections', connectBody(crashed, stack.haravan.url, stack.tiki.url));
  expect(res.status).toBe(201);
  expect(res.body.state).toBe('connected');
  await eventually(async () => (await stack.api('GET', `/v1/connections/${id}`)).body.state === 'connected', 30_000);
});
