import { ConnectorError } from '../../../connectors/errors';
import { HaravanClient } from '../../../connectors/haravan/client';
import {
  HaravanRateLimiter,
  limiterKey,
  ORDER_RESERVE_UNITS,
  parseCallLimit,
  resetSharedRateLimiters,
  sharedRateLimiter,
} from '../../../connectors/haravan/rate-limiter';
import { RunningHaravanSandbox } from '../../../sandbox/haravan/app';
import { clientFor, control, seedShop, startSandbox } from '../../fixtures/haravan/sandbox-helpers';

/** A manual clock: timers are real (short) but the limiter reads `now` from here. */
function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

async function settled(promises: Promise<unknown>[]): Promise<boolean[]> {
  const state = promises.map(() => false);
  promises.forEach((p, i) => p.then(() => (state[i] = true)));
  await new Promise((r) => setImmediate(r));
  return state;
}

describe('HaravanRateLimiter (unit)', () => {
  afterEach(() => resetSharedRateLimiters());

  it('lets a burst through up to the bucket minus the safety margin, then paces by the leak rate', async () => {
    const clock = fakeClock();
    const limiter = new HaravanRateLimiter({ bucketSize: 10, leakPerSecond: 10, safetyMargin: 2, now: clock.now });
    const releases = await Promise.all(Array.from({ length: 8 }, () => limiter.acquire()));
    const ninth = limiter.acquire();
    expect(await settled([ninth])).toEqual([false]);
    expect(limiter.stats()).toMatchObject({ inFlight: 8, queued: 1, capacity: 8 });
    releases.forEach((release) => release());
    expect(limiter.stats()).toMatchObject({ level: 8, inFlight: 0, queued: 1 });
    expect(await settled([ninth])).toEqual([false]);
    clock.advance(100);
    await ninth;
    expect(limiter.stats()).toMatchObject({ inFlight: 1, queued: 0 });
  });

  it('counts a request in flight until it is released, and release is idempotent', async () => {
    const clock = fakeClock();
    const limiter = new HaravanRateLimiter({ bucketSize: 5, leakPerSecond: 1, safetyMargin: 0, now: clock.now });
    const release = await limiter.acquire();
    clock.advance(10_000);
    expect(limiter.stats()).toMatchObject({ level: 0, inFlight: 1 });
    release();
    release();
    expect(limiter.stats()).toMatchObject({ level: 1, inFlight: 0 });
  });

  it('defaults to Haravan figures: bucket 80, margin 1 while alone and 8 while the bucket is shared', () => {
    const clock = fakeClock();
    const limiter = new HaravanRateLimiter({ now: clock.now });
    expect(limiter.capacity).toBe(79);
    limiter.observe('40/80'); // 40 used, none of them ours
    expect(limiter.stats()).toMatchObject({ capacity: 72, shared: true });
    expect(new HaravanRateLimiter({ bucketSize: 20 }).capacity).toBe(19);
  });

  it.each([
    // [our level before the answer, in flight, header used, another caller seen?]
    [0, 0, '1/80', false], // our own request, just counted
    [10, 0, '11/80', false],
    [10, 5, '16/80', false], // ours in flight already counted by the server
    [10, 5, '18/80', true], // two more than ours (one is within the tolerance)
    [0, 0, '3/80', true],
    [30, 0, '20/80', false], // the server leaked more than we modelled: never a sign of others
  ])('level %d, %d in flight, header %s → another caller: %s', async (level, inFlight, header, shared) => {
    const clock = fakeClock();
    const limiter = new HaravanRateLimiter({ leakPerSecond: 4, now: clock.now });
    for (let i = 0; i < level; i++) (await limiter.acquire())();
    await Promise.all(Array.from({ length: inFlight }, () => limiter.acquire()));
    // the answer to one more request of ours (released before its header is read, as the transport does)
    (await limiter.acquire())();
    limiter.observe(header);
    expect(limiter.stats().shared).toBe(shared);
  });

  it('does not count its own in-flight requests twice when a header already includes them', async () => {
    const clock = fakeClock();
    const limiter = new HaravanRateLimiter({ leakPerSecond: 4, now: clock.now });
    for (let i = 0; i < 10; i++) (await limiter.acquire())();
    await Promise.all(Array.from({ length: 4 }, () => limiter.acquire())); // 4 in flight
    (await limiter.acquire())(); // one more answered: level 11
    limiter.observe('15/80'); // the server counted our 11 and the 4 in flight
    expect(limiter.stats()).toMatchObject({ level: 11, inFlight: 4, shared: false, capacity: 79 });
    limiter.observe('16/80'); // one unit the model cannot explain (within the tolerance): the level takes it
    expect(limiter.stats()).toMatchObject({ level: 12, inFlight: 4, shared: false });
  });

  it('keeps the shared margin for the hold time after the last sign of another caller, then goes back', () => {
    const clock = fakeClock();
    const limiter = new HaravanRateLimiter({ leakPerSecond: 4, sharedHoldMs: 60_000, now: clock.now });
    limiter.observe('50/80');
    expect(limiter.capacity).toBe(72);
    clock.advance(30_000); // the 50 units leaked out meanwhile
    limiter.observe('9/80'); // someone else again: the hold restarts
    clock.advance(59_000);
    expect(limiter.capacity).toBe(72);
    clock.advance(2_000);
    expect(limiter.stats()).toMatchObject({ capacity: 79, shared: false });
  });

  it('a 429 switches to the shared margin; a fixed safetyMargin never adapts', () => {
    const clock = fakeClock();
    const limiter = new HaravanRateLimiter({ now: clock.now });
    limiter.pause(1000, '80/80');
    expect(limiter.stats().shared).toBe(true);
    expect(limiter.capacity).toBe(72);
    const fixed = new HaravanRateLimiter({ safetyMargin: 5, now: clock.now });
    fixed.observe('60/80');
    expect(fixed.capacity).toBe(75);
  });

  it('holds requests while the level synced from the header is high', async () => {
    const clock = fakeClock();
    const limiter = new HaravanRateLimiter({ bucketSize: 80, leakPerSecond: 4, now: clock.now });
    limiter.observe('72/80');
    const waiting = limiter.acquire();
    expect(await settled([waiting])).toEqual([false]);
    expect(limiter.stats()).toMatchObject({ level: 72, queued: 1 });
    clock.advance(250);
    await waiting;
    expect(limiter.stats()).toMatchObject({ queued: 0, inFlight: 1 });
  });

  it('only raises its level from headers and adopts a smaller bucket size', () => {
    const clock = fakeClock();
    const limiter = new HaravanRateLimiter({ now: clock.now });
    limiter.observe('30/80');
    limiter.observe('10/80');
    expect(limiter.stats().level).toBe(30);
    limiter.observe('3/40');
    expect(limiter.stats().capacity).toBe(36);
    limiter.observe('garbage');
    limiter.observe(null);
    expect(limiter.stats()).toMatchObject({ level: 30, capacity: 36 });
  });

  it('pauses everyone on a 429 for Retry-After', async () => {
    const limiter = new HaravanRateLimiter({ bucketSize: 80, leakPerSecond: 1000 });
    limiter.pause(120);
    const started = Date.now();
    await limiter.acquire();
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('serves high-priority waiters first', async () => {
    const clock = fakeClock();
    const limiter = new HaravanRateLimiter({ bucketSize: 10, leakPerSecond: 10, safetyMargin: 0, now: clock.now });
    limiter.observe('10/10');
    const order: string[] = [];
    const normal = limiter.acquire('normal').then(() => order.push('normal'));
    const high = limiter.acquire('high').then(() => order.push('high'));
    clock.advance(100);
    await new Promise((r) => setTimeout(r, 150));
    clock.advance(100);
    await Promise.all([normal, high]);
    expect(order).toEqual(['high', 'normal']);
  });

  it('serves order waiters before stock reads (high) before bulk reads (normal), FIFO within each', async () => {
    const clock = fakeClock();
    const limiter = new HaravanRateLimiter({ bucketSize: 10, leakPerSecond: 10, safetyMargin: 0, now: clock.now });
    limiter.observe('10/10');
    const order: string[] = [];
    const waits = (['normal', 'high', 'order', 'high', 'order'] as const).map((p, i) => limiter.acquire(p).then(() => order.push(`${p}${i}`)));
    expect(limiter.stats().queued).toBe(5);
    for (let i = 0; i < 6; i++) {
      clock.advance(100);
      await new Promise((r) => setTimeout(r, 120));
    }
    await Promise.all(waits);
    expect(order).toEqual(['order2', 'order4', 'high1', 'high3', 'normal0']);
  });

  it('keeps the order reserve free of stock reads while orders are active, and lifts it once the hold has passed', async () => {
    const clock = fakeClock();
    const limiter = new HaravanRateLimiter({ bucketSize: 10, leakPerSecond: 1, safetyMargin: 0, orderReserve: 4, orderHoldMs: 1_000, now: clock.now });
    (await limiter.acquire('order'))(); // an order call answered: orders are active for the next second; level 1
    const reads = Array.from({ length: 9 }, () => limiter.acquire('high'));
    const releases: (() => void)[] = [];
    reads.forEach((r) => r.then((release) => releases.push(release)));
    // Level 1 + 5 reads in flight = 6 = capacity 10 − reserve 4: the other four reads wait.
    expect(await settled(reads)).toEqual([true, true, true, true, true, false, false, false, false]);
    const order = limiter.acquire('order');
    expect(await settled([order])).toEqual([true]); // the reserve is there for it
    clock.advance(2_000);
    (await order)(); // answered now: orders stay active for another second
    expect(await settled(reads.slice(5))).toEqual([false, false, false, false]);
    clock.advance(1_000);
    releases[0](); // a read answered after the hold: the reserve is lifted, the whole bucket is theirs again
    expect(await settled(reads.slice(5))).toEqual([true, true, true, true]);
    expect(limiter.stats()).toMatchObject({ inFlight: 8, queued: 0 });
  });

  it('gives the process-wide limiter of a shop the order reserve', async () => {
    const limiter = sharedRateLimiter('http://reserve.test', 'tok', { bucketSize: 10, leakPerSecond: 1, safetyMargin: 0, orderReserve: 3 });
    (await limiter.acquire('order'))();
    const reads = Array.from({ length: 8 }, () => limiter.acquire('high'));
    expect((await settled(reads)).filter(Boolean)).toHaveLength(6); // 10 − 3 reserved − 1 level
    expect(ORDER_RESERVE_UNITS).toBe(20);
    const plain = sharedRateLimiter('http://reserve-default.test', 'tok');
    (await plain.acquire('order'))();
    const many = Array.from({ length: 79 }, () => plain.acquire('high'));
    expect((await settled(many)).filter(Boolean)).toHaveLength(79 - 1 - ORDER_RESERVE_UNITS); // capacity 79 (margin 1)
  });

  it('parses the call-limit header', () => {
    expect(parseCallLimit('39/80')).toEqual({ used: 39, size: 80 });
    expect(parseCallLimit(' 80 / 80 ')).toEqual({ used: 80, size: 80 });
    expect(parseCallLimit('1/0')).toBeUndefined();
    expect(parseCallLimit(undefined)).toBeUndefined();
  });

  it('shares one limiter per base URL and token, keyed by a token hash', () => {
    const a = sharedRateLimiter('https://apis.haravan.com/', 'secret-token');
    expect(sharedRateLimiter('https://apis.haravan.com', 'secret-token')).toBe(a);
    expect(sharedRateLimiter('https://apis.haravan.com', 'other-token')).not.toBe(a);
    expect(limiterKey('https://apis.haravan.com', 'secret-token')).not.toContain('secret-token');
    const c1 = new HaravanClient({ baseUrl: 'http://x.test', accessToken: 'tok' });
    const c2 = new HaravanClient({ baseUrl: 'http://x.test', accessToken: 'tok' });
    expect(c1.limiter).toBe(c2.limiter);
    expect(c1.withPriority('high').limiter).toBe(c1.limiter);
  });
});

describe('rate limiting against the sandbox', () => {
  let sb: RunningHaravanSandbox;

  beforeAll(async () => {
    sb = await startSandbox({ bucketSize: 20, leakPerSecond: 40 });
  });

  afterAll(async () => {
    await sb.close();
  });

  afterEach(() => {
    sb.sandbox.faults.clear();
  });

  it('a burst of 200 concurrent calls never overflows the bucket (20, leak 40/s): zero 429s', async () => {
    const shop = await seedShop(sb.url);
    const client = clientFor(sb.url, shop.token, { limiter: new HaravanRateLimiter({ bucketSize: 20, leakPerSecond: 40 }) });
    sb.sandbox.faults.clearCalls();
    const started = Date.now();
    const shops = await Promise.all(Array.from({ length: 200 }, () => client.getShop()));
    expect(shops).toHaveLength(200);
    const calls = sb.sandbox.faults.callLog().calls.filter((c) => c.path === '/com/shop.json');
    expect(calls).toHaveLength(200);
    expect(calls.filter((c) => c.status === 429)).toHaveLength(0);
    const { body: bucket } = await control(sb.url, 'GET', `/shops/${shop.shopId}/rate-limit`);
    expect(bucket).toMatchObject({ bucketSize: 20, throttled: 0, accepted: 200 });
    expect(bucket.maxLevel).toBeLessThanOrEqual(20);
    // 18 go at once, the other 182 at 40/s.
    expect(Date.now() - started).toBeGreaterThan(3500);
  }, 20_000);

  it('recovers from real 429s when the limiter does not know the bucket, and learns its size', async () => {
    const shop = await seedShop(sb.url, { rateLimit: { bucketSize: 6, leakPerSecond: 30 } });
    const limiter = new HaravanRateLimiter();
    const client = clientFor(sb.url, shop.token, { limiter });
    sb.sandbox.faults.clearCalls();
    const results = await Promise.all(Array.from({ length: 12 }, () => client.getShop()));
    expect(results).toHaveLength(12);
    const { body: bucket } = await control(sb.url, 'GET', `/shops/${shop.shopId}/rate-limit`);
    expect(bucket.throttled).toBeGreaterThan(0);
    expect(bucket.accepted).toBe(12);
    expect(limiter.capacity).toBeLessThanOrEqual(6);
  }, 20_000);

  it('retries a 429 honouring Retry-After, then succeeds', async () => {
    const shop = await seedShop(sb.url);
    const client = clientFor(sb.url, shop.token);
    sb.sandbox.faults.clearCalls();
    sb.sandbox.faults.add({ path: '/com/shop.json', status: 429, retryAfterSeconds: 0.2, times: 2 });
    const started = Date.now();
    await expect(client.getShop()).resolves.toMatchObject({ id: shop.shopId });
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(sb.sandbox.faults.callLog().counts['GET /com/shop.json']).toBe(3);
  });

  it('gives up after 3 retries with RATE_LIMITED carrying retryAfterMs', async () => {
    const shop = await seedShop(sb.url);
    const client = clientFor(sb.url, shop.token);
    sb.sandbox.faults.clearCalls();
    sb.sandbox.faults.add({ path: '/com/locations.json', status: 429, retryAfterSeconds: 0.1, times: 10 });
    const err = await client.listLocations().catch((e: ConnectorError) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryable: true, retryAfterMs: 100 });
    expect(sb.sandbox.faults.callLog().counts['GET /com/locations.json']).toBe(4);
  });

  it('caps each honoured Retry-After', async () => {
    const shop = await seedShop(sb.url);
    const client = clientFor(sb.url, shop.token, { maxRetryAfterMs: 150 });
    sb.sandbox.faults.add({ path: '/com/shop.json', status: 429, retryAfterSeconds: 30, times: 1 });
    const started = Date.now();
    await client.getShop();
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(2000);
  });
});
