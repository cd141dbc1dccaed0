/**
 * What the create protocol needs from the Haravan connector and sandbox: the rate limiter's acquire deadline, a
 * create never sent once its send deadline passed in the limiter (NOT_SENT), whether a broken call had sent its
 * body, and the sandbox faults that hold a create and perform it after the client left, or list a new order late.
 */
import net from 'node:net';
import { ConnectorError } from '../../../connectors/errors';
import { HaravanClient } from '../../../connectors/haravan/client';
import { HaravanRateLimiter, LimiterDeadlineError } from '../../../connectors/haravan/rate-limiter';
import { RunningHaravanSandbox } from '../../../sandbox/haravan/app';
import { clientFor, control, seedShop, startSandbox } from '../../fixtures/haravan/sandbox-helpers';

const body = (ref: string) => ({ line_items: [{ title: 'Áo', price: 1000, quantity: 1 }], note_attributes: [{ name: 'tiki_order_code', value: ref }] });

describe('HaravanRateLimiter acquire deadline', () => {
  it('a waiter still queued at its deadline is dropped with LimiterDeadlineError; the others are served', async () => {
    const limiter = new HaravanRateLimiter({ bucketSize: 1, leakPerSecond: 1000, safetyMargin: 0 });
    const release = await limiter.acquire();
    const started = Date.now();
    const late = limiter.acquire('normal', { deadline: Date.now() + 150 }).catch((e: unknown) => e);
    const patient = limiter.acquire();
    const err = await late;
    expect(err).toBeInstanceOf(LimiterDeadlineError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(limiter.stats()).toMatchObject({ queued: 1, inFlight: 1 });
    release();
    const next = await patient;
    expect(limiter.stats()).toMatchObject({ queued: 0, inFlight: 1 });
    next();
  });

  it('a deadline already passed rejects at once; one met resolves as usual', async () => {
    const limiter = new HaravanRateLimiter({ bucketSize: 5, leakPerSecond: 1000, safetyMargin: 0 });
    await expect(limiter.acquire('high', { deadline: Date.now() - 1 })).rejects.toBeInstanceOf(LimiterDeadlineError);
    const release = await limiter.acquire('high', { deadline: Date.now() + 60_000 });
    expect(limiter.stats()).toMatchObject({ inFlight: 1, queued: 0 });
    release();
  });
});

describe('create calls against the sandbox', () => {
  let sb: RunningHaravanSandbox;
  beforeAll(async () => {
    sb = await startSandbox({ requestDeadlineMs: 1_500 });
  });
  afterAll(async () => {
    await sb.close();
  });
  afterEach(() => {
    sb.sandbox.faults.clear();
    sb.sandbox.faults.clearCalls();
  });
  const posts = () => sb.sandbox.faults.callLog().counts['POST /com/orders.json'] ?? 0;
  const ordersOf = async (shopId: number) => (await control(sb.url, 'GET', `/shops/${shopId}/orders`)).body.orders as any[];

  it('a create that waits in the rate limiter past its send deadline is not sent (NOT_SENT)', async () => {
    const shop = await seedShop(sb.url);
    const limiter = new HaravanRateLimiter({ bucketSize: 1, leakPerSecond: 1000, safetyMargin: 0 });
    const client = clientFor(sb.url, shop.token, { limiter });
    const busy = await limiter.acquire(); // another call holds the only unit for longer than the deadline
    let beforeSend = 0;
    const err = await client
      .createOrder(body('T-late') as never, { sendBy: Date.now() + 200, beforeSend: async () => void beforeSend++ })
      .catch((e: unknown) => e);
    busy();
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ code: 'NOT_SENT', retryable: true, bodySent: false });
    expect(beforeSend).toBe(0);
    expect(posts()).toBe(0);
    expect(await ordersOf(shop.shopId)).toHaveLength(0);
    // The same create with time to spare goes out once the unit is free.
    await expect(client.createOrder(body('T-late') as never, { sendBy: Date.now() + 5_000 })).resolves.toMatchObject({ id: expect.any(Number) });
    expect(posts()).toBe(1);
  });

  it('a connection dropped after the body was sent is bodySent; a refused connection is not', async () => {
    const shop = await seedShop(sb.url);
    sb.sandbox.faults.add({ path: '/com/orders.json', method: 'POST', timeoutAfterCommit: true, mode: 'drop', times: 1 });
    const dropped = await clientFor(sb.url, shop.token).createOrder(body('T-drop') as never).catch((e: unknown) => e);
    expect(dropped).toMatchObject({ code: 'NETWORK', bodySent: true });
    const port = await closedPort();
    const refused = await clientFor(`http://127.0.0.1:${port}`, shop.token).createOrder(body('T-refused') as never).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'NETWORK', bodySent: false });
  });

  it('holdMs: the client times out, the sandbox performs the create later all the same', async () => {
    const shop = await seedShop(sb.url);
    sb.sandbox.faults.add({ path: '/com/orders.json', method: 'POST', holdMs: 600, times: 1 });
    const client = new HaravanClient({ baseUrl: sb.url, accessToken: shop.token, limiter: new HaravanRateLimiter(), timeoutMs: 150 });
    const err = await client.createOrder(body('T-held') as never).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TIMEOUT' });
    expect(await ordersOf(shop.shopId)).toHaveLength(0);
    await waitFor(async () => (await ordersOf(shop.shopId)).length === 1, 3_000);
    expect((await ordersOf(shop.shopId))[0].note_attributes).toEqual([{ name: 'tiki_order_code', value: 'T-held' }]);
  });

  it('a hold that reaches the server’s own request deadline is abandoned, never performed', async () => {
    const shop = await seedShop(sb.url);
    sb.sandbox.faults.add({ path: '/com/orders.json', method: 'POST', holdMs: 1_500, times: 1 });
    const client = new HaravanClient({ baseUrl: sb.url, accessToken: shop.token, limiter: new HaravanRateLimiter(), timeoutMs: 5_000 });
    const err = await client.createOrder(body('T-abandoned') as never).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SERVER_ERROR', status: 504 });
    await new Promise((r) => setTimeout(r, 300));
    expect(await ordersOf(shop.shopId)).toHaveLength(0);
  });

  it('listingLagMs: the new order is answered and readable by id at once, but listed only after the lag', async () => {
    const shop = await seedShop(sb.url);
    sb.sandbox.faults.add({ path: '/com/orders.json', method: 'POST', listingLagMs: 800, times: 1 });
    const client = clientFor(sb.url, shop.token);
    const created = await client.createOrder(body('T-lag') as never);
    const since = new Date(Date.now() - 60_000).toISOString();
    expect(await client.getOrder(Number(created.id))).toMatchObject({ id: created.id });
    expect(await client.findOrderByReference({ tikiCode: 'T-lag', createdAtMin: since })).toBeNull();
    expect(await ordersOf(shop.shopId)).toHaveLength(1);
    await waitFor(async () => !!(await client.findOrderByReference({ tikiCode: 'T-lag', createdAtMin: since })), 3_000);
    // The next create is not lagged (times: 1).
    const second = await client.createOrder(body('T-lag-2') as never);
    expect((await client.findOrdersByReference({ tikiCode: 'T-lag-2', createdAtMin: since })).map((o) => o.id)).toEqual([second.id]);
  });
});

async function waitFor(fn: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > until) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}
