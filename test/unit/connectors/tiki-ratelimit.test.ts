import { TikiClient } from '../../../connectors/tiki/client';
import { TokenCache } from '../../../connectors/tiki/token-cache';
import { Harness, rejection, sellerSeed, startHarness } from '../../fixtures/tiki/harness';

describe('TikiClient — rate limiting', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    h.running.sandbox.faults.clear();
    h.running.sandbox.faults.clearCalls();
    await h.control('PUT', '/settings', { rateLimitPerSecond: 200 });
  });

  const statuses = () =>
    h.running.sandbox.faults
      .callLog()
      .calls.filter((c) => c.path.startsWith('/integration'))
      .map((c) => c.status);

  it('retries a 429 honouring Retry-After, then succeeds', async () => {
    const client = h.keyClient();
    h.running.sandbox.faults.add({ path: '/integration/v2/sellers/me', status: 429, retryAfterSeconds: 0.2, times: 2 });
    const started = Date.now();
    expect((await client.getSeller()).id).toBe(h.sellerId);
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(statuses()).toEqual([429, 429, 200]);
  });

  it('gives up after 3 retries with RATE_LIMITED carrying retryAfterMs', async () => {
    const client = h.keyClient();
    h.running.sandbox.faults.add({ path: '/integration/v2/sellers/me', status: 429, retryAfterSeconds: 0.05 });
    const err = await rejection(client.getSeller());
    expect(err).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryable: true, retryAfterMs: 50 });
    expect(statuses()).toEqual([429, 429, 429, 429]);
  });

  it('does not sleep on a Retry-After above 10 s: the caller gets it, and later calls fail fast unsent', async () => {
    const seeded = h.running.sandbox.state.seedSeller(sellerSeed(10));
    const client = new TikiClient({ baseUrl: h.url, auth: { apiKey: seeded.credentials.apiKey } });
    h.running.sandbox.faults.add({ path: '/integration/v2/sellers/me', status: 429, retryAfterSeconds: 30, times: 1 });
    const err = await rejection(client.getSeller());
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 30_000 });
    const twin = new TikiClient({ baseUrl: h.url, auth: { apiKey: seeded.credentials.apiKey } });
    const fast = await rejection(twin.listProducts());
    expect(fast.code).toBe('RATE_LIMITED');
    expect(fast.retryAfterMs).toBeGreaterThan(25_000);
    expect(statuses()).toEqual([429]);
  });

  it('the sandbox limits per seller (429 + Retry-After) and the client rides it out', async () => {
    await h.control('PUT', '/settings', { rateLimitPerSecond: 5 });
    const greedy = h.keyClient({ maxRequestsPerSecond: 1000 });
    const other = h.running.sandbox.state.seedSeller(sellerSeed(9));
    const neighbour = new TikiClient({
      baseUrl: h.url,
      auth: { apiKey: other.credentials.apiKey },
      maxRequestsPerSecond: 1000,
    });
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 8 }, () => greedy.getSeller()));
    expect(results.every((s) => s.id === h.sellerId)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(statuses().filter((s) => s === 429).length).toBeGreaterThan(0);
    // Another seller has its own budget.
    expect((await neighbour.getSeller()).id).toBe(9);
  });

  it('a process-wide bucket per credential spaces a burst (default-like 20 req/s shared by two clients)', async () => {
    const a = h.oauthClient({ maxRequestsPerSecond: 20, tokenCache: new TokenCache() });
    const b = h.oauthClient({ maxRequestsPerSecond: 20, tokenCache: new TokenCache() });
    const started = Date.now();
    await Promise.all([
      ...Array.from({ length: 15 }, () => a.getSeller()),
      ...Array.from({ length: 15 }, () => b.getSeller()),
    ]);
    const elapsed = Date.now() - started;
    // 20 immediately, 10 more at 20/s → ≥ ~500 ms; never a 429 from the sandbox.
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(statuses().filter((s) => s === 429)).toEqual([]);
    expect(statuses().filter((s) => s === 200)).toHaveLength(30);
  });

  it('rejects a non-positive rate', () => {
    expect(() => new TikiClient({ auth: { apiKey: 'k' }, maxRequestsPerSecond: 0 })).toThrow(RangeError);
  });
});
