/**
 * Sizes the vendor controls are bounded (connectors/limits.ts): a body that never ends, a `last_page` of 1e9 and
 * pages that stay full forever each fail their call with <SYSTEM>_TOO_LARGE, and the worker's memory stays flat.
 */
import type { ConnectorError } from '../../../connectors/errors';
import { MAX_RESPONSE_BYTES } from '../../../connectors/limits';
import { startHarness, Harness, rejection } from '../../fixtures/tiki/harness';
import { clientFor, control, products, seedShop, startSandbox } from '../../fixtures/haravan/sandbox-helpers';
import type { RunningHaravanSandbox } from '../../../sandbox/haravan/app';

jest.setTimeout(60_000);

let tiki: Harness;
let haravan: RunningHaravanSandbox;
beforeAll(async () => {
  tiki = await startHarness();
  haravan = await startSandbox();
});
afterAll(async () => {
  await tiki?.close();
  await haravan?.close();
});
afterEach(async () => {
  await tiki.control('DELETE', '/faults');
  await tiki.control('DELETE', '/calls');
  await control(haravan.url, 'DELETE', '/faults');
});

const drain = async (walk: AsyncGenerator<unknown>) => {
  let pages = 0;
  for await (const _ of walk) pages++;
  return pages;
};

test('an endless Tiki body fails the call with TIKI_TOO_LARGE after 16 MiB, memory flat', async () => {
  await tiki.control('POST', '/faults', { path: '/integration/v2.1/products', endless: true });
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = Date.now();
  try {
    const err: ConnectorError = await rejection(tiki.keyClient({ timeoutMs: 20_000 }).listProducts({}));
    expect(err.fullCode).toBe('TIKI_TOO_LARGE');
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(`over ${MAX_RESPONSE_BYTES} bytes`);
  } finally {
    clearInterval(sampler);
  }
  const growthMiB = (peak - before) / 2 ** 20;
  process.stdout.write(`bounds: endless body cut after ${Date.now() - started} ms; rss growth at peak ${growthMiB.toFixed(1)} MiB\n`);
  expect(growthMiB).toBeLessThan(96); // the 16 MiB kept until the cut, plus their copy; nothing unbounded
});

test('a Tiki last_page of 1e9 fails the walk at once with TIKI_TOO_LARGE', async () => {
  const paging = { total: 1e9, current_page: 1, from: 1, to: 1, per_page: 50, last_page: 1e9 };
  await tiki.control('POST', '/faults', { path: '/integration/v2.1/products', status: 200, body: { data: [], paging } });
  const err: ConnectorError = await rejection(drain(tiki.keyClient().listAllProducts({})));
  expect(err.fullCode).toBe('TIKI_TOO_LARGE');
  expect(err.message).toContain('last_page 1000000000');
  const calls = (await tiki.control('GET', '/calls')).body.counts['GET /integration/v2.1/products'];
  expect(calls).toBe(1);
});

test('Haravan pages that stay full forever end the walk with HARAVAN_TOO_LARGE after maxPages', async () => {
  const shop = await seedShop(haravan.url, { products: products(50) });
  const page = await (await fetch(`${haravan.url}/com/products.json?limit=50&page=1`, { headers: { Authorization: `Bearer ${shop.token}` } })).json();
  expect((page as { products: unknown[] }).products).toHaveLength(50);
  await control(haravan.url, 'POST', '/faults', { method: 'GET', path: '/com/products.json', status: 200, body: page });
  const client = clientFor(haravan.url, shop.token, { maxPages: 4 });
  let pages = 0;
  const err: ConnectorError = await rejection(
    (async () => {
      for await (const _ of client.listAllProducts()) pages++;
    })(),
  );
  expect(err.fullCode).toBe('HARAVAN_TOO_LARGE');
  expect(pages).toBe(4);
});
