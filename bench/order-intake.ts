/**
 * Benchmark: Tiki order placed → Haravan order created, measured from the outside. A real stack (Temporal dev
 * server, PGlite, both sandboxes at their real rate limits, worker, API) with one connection on default config
 * (event queue pulled every `orderPollIntervalSeconds`, stock sync running beside it). Orders are placed through
 * the Tiki sandbox's control API at a steady rate — half `seller_delivery` with a phone from a pool of repeat
 * buyers (customer search/reuse/create on Haravan), half `dropship` (phone masked by Tiki: no customer calls),
 * some with an unlinked item. Latency = the Haravan order's `created_at` (sandbox clock) − the moment the order
 * was placed (same machine clock). Also checks that every Tiki code has exactly one Haravan order.
 * Targets: p50 ≤ 2 s, p95 ≤ 5 s.
 *
 * Run: `npx tsx bench/order-intake.ts [orders=200] [ordersPerSecond=0.5]`
 *
 * Haravan's leaky bucket (80, 4 calls/s) bounds the sustainable rate. An import costs one Haravan call (the order
 * create) when the order carries no buyer data or its buyer's customer id is remembered, and three for a buyer seen
 * for the first time (customer search by phone, customer create, order create); order intake is
 * served before the stock poll's reads on the bucket. Printed: the Haravan calls on orders and customers (every
 * route under /com/orders and /com/customers, read from this process's `vendor_http_requests_total`) per imported
 * order, the orders/s sustained (first placed → last created) beside the bucket's floor (leak ÷ calls per order),
 * and the bucket's own figures (accepted / throttled calls, stock reads included, from the first order placed).
 *
 * Flash sale: `npm run bench:order-intake -- 600 2` (2 orders/s for 5 minutes).
 */
import { HARAVAN_BUCKET_SIZE, HARAVAN_LEAK_PER_SECOND } from '../connectors/haravan/rate-limiter';
import { vendorRequests } from '../connectors/metrics';
import { startStack } from '../test/helpers/stack';
import { get, post } from '../test/helpers/seed';
import os from 'node:os';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Nearest-rank percentile (p in 0..100); NaN when empty. */
const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
};
const ORDER_SIDE = /\/com\/(orders|customers)/;
/** Haravan calls made by this process so far, per route (`outcome` summed over). */
const haravanCallsByRoute = async (): Promise<Map<string, number>> => {
  const out = new Map<string, number>();
  for (const v of (await vendorRequests.get()).values) if (v.labels.system === 'haravan') out.set(String(v.labels.route), (out.get(String(v.labels.route)) ?? 0) + v.value);
  return out;
};
/** Calls per route between two readings, the busiest first. */
const callsSince = (before: Map<string, number>, after: Map<string, number>): [string, number][] =>
  [...after].map(([route, n]): [string, number] => [route, n - (before.get(route) ?? 0)]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
const loadAverage = () => `${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (${os.cpus().length} cores)`;

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 200);
  const perSecond = Number(process.argv[3] ?? 0.5);
  const loadBefore = loadAverage();
  const t0 = Date.now();
  const stack = await startStack({
    haravanSandbox: { bucketSize: HARAVAN_BUCKET_SIZE, leakPerSecond: HARAVAN_LEAK_PER_SECOND },
    tikiSandbox: { rateLimitPerSecond: 200 },
  });
  try {
    const shopId = 230000000000 + (Date.now() % 100000);
    const sellerId = 810000 + (shopId % 100000);
    const accessToken = `bench-orders-${shopId}`;
    const creds = { clientId: `bench-orders-client-${shopId}`, clientSecret: `bench-orders-secret-${shopId}` };
    const locationId = 4_200_000_001;
    const warehouseId = 4_200_001;
    const barcodes = Array.from({ length: 10 }, (_, i) => `89312340000${String(i).padStart(2, '0')}`);
    const unlinked = '8931234000099';
    await post(`${stack.haravan.url}/_sandbox/shops`, {
      shop: { id: shopId, name: 'Order benchmark shop' },
      accessToken,
      locations: [{ id: locationId, name: 'Kho tổng', is_primary: true }],
      products: barcodes.map((barcode, i) => ({
        title: `Sản phẩm ${i}`,
        variants: [{ sku: `SP-${i}`, barcode, price: 100_000, inventory_management: 'haravan', inventory_policy: 'continue', inventory: [{ location_id: locationId, qty_onhand: 100_000 }] }],
      })),
    });
    await post(`${stack.tiki.url}/_sandbox/sellers`, {
      seller: { id: sellerId, name: 'Order benchmark seller', operation_models: ['dropship', 'seller_delivery'] },
      ...creds,
      warehouses: [{ id: warehouseId, name: 'Kho HCM', is_primary: true }],
      products: [...barcodes, unlinked].map((code, i) => ({ name: `Sản phẩm ${i}`, original_sku: code, price: 99_000, market_price: 150_000, stocks: [{ warehouse_id: warehouseId, quantity_available: 1_000_000 }] })),
    });
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await stack.api(method, path, body);
      if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const connectionId = `conn-${shopId}`;
    await api('POST', '/v1/connections', { shopId, haravan: { accessToken, baseUrl: stack.haravan.url }, tiki: { ...creds, baseUrl: stack.tiki.url } });
    const run = await api('POST', `/v1/connections/${connectionId}/link-runs`, { all: true });
    for (;;) {
      const r = await api('GET', `/v1/connections/${connectionId}/link-runs/${run.runId}`);
      if (r.state === 'completed') break;
      if (r.state === 'failed') throw new Error('link run failed');
      await sleep(300);
    }
    // Let the first stock push settle so the measurement sees the steady state.
    await sleep(5_000);
    const setupSeconds = (Date.now() - t0) / 1000;

    const callsBefore = await haravanCallsByRoute();
    await fetch(`${stack.haravan.url}/_sandbox/shops/${shopId}/rate-limit`, { method: 'DELETE' });
    const placedAt = new Map<string, number>();
    const gap = 1000 / perSecond;
    const start = Date.now();
    let r = 4242;
    const rnd = () => ((r = (r * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < total; i++) {
      const due = start + i * gap;
      if (Date.now() < due) await sleep(due - Date.now());
      const withPhone = i % 2 === 0;
      const items = [{ original_sku: barcodes[Math.floor(rnd() * barcodes.length)], qty: 1 + Math.floor(rnd() * 3) }];
      if (i % 10 === 0) items.push({ original_sku: unlinked, qty: 1 });
      const phone = `09${String(10_000_000 + Math.floor(rnd() * 100)).padStart(8, '0')}`;
      const at = Date.now();
      const o = await post(`${stack.tiki.url}/_sandbox/sellers/${sellerId}/orders`, {
        fulfillment_type: withPhone ? 'seller_delivery' : 'dropship',
        items,
        customer: { full_name: `Khách ${i % 100}`, phone },
      });
      placedAt.set(String(o.code), at);
    }
    const placingSeconds = (Date.now() - start) / 1000;

    // Wait for every order to reach Haravan (or 3 minutes after the last one was placed).
    const until = Date.now() + 180_000;
    let orders: any[] = [];
    for (;;) {
      orders = (await get(`${stack.haravan.url}/_sandbox/shops/${shopId}/orders`)).orders;
      if (orders.length >= total || Date.now() > until) break;
      await sleep(1_000);
    }
    const perCode = new Map<string, number[]>();
    for (const o of orders) {
      const code = (o.note_attributes ?? []).find((a: any) => a.name === 'tiki_order_code')?.value;
      if (!code || !placedAt.has(code)) continue;
      perCode.set(code, [...(perCode.get(code) ?? []), Date.parse(o.created_at) - placedAt.get(code)!]);
    }
    const routes = callsSince(callsBefore, await haravanCallsByRoute());
    const orderCalls = routes.filter(([route]) => ORDER_SIDE.test(route)).reduce((n, [, c]) => n + c, 0);
    const routeLines = routes.map(([route, n]) => `  ${route.padEnd(44)} ${String(n).padStart(5)}  ${(n / Math.max(1, perCode.size)).toFixed(3)} per order${ORDER_SIDE.test(route) ? '' : '  (stock side)'}`);
    const latencies = [...perCode.values()].map((l) => Math.min(...l));
    const lastCreated = Math.max(...orders.map((o) => Date.parse(o.created_at)));
    const sustained = perCode.size / ((lastCreated - start) / 1000);
    const callsPerOrder = orderCalls / Math.max(1, perCode.size);
    const duplicates = [...perCode.values()].filter((l) => l.length > 1).length;
    const missing = total - perCode.size;
    const fmt = (ms: number) => (ms / 1000).toFixed(2);
    const conn = await api('GET', `/v1/connections/${connectionId}`);
    const bucket = await get(`${stack.haravan.url}/_sandbox/shops/${shopId}/rate-limit`);
    console.log(
      [
        `order-intake benchmark (${new Date().toISOString()})`,
        `orders placed                 ${total} at ${perSecond}/s over ${placingSeconds.toFixed(1)} s (setup ${setupSeconds.toFixed(1)} s)`,
        `Haravan orders                ${perCode.size} codes imported, ${missing} missing, ${duplicates} codes with more than one order; service counts ordersImported=${conn.counts?.ordersImported}`,
        `placed → Haravan created  s   p50 ${fmt(percentile(latencies, 50))}  p95 ${fmt(percentile(latencies, 95))}  p99 ${fmt(percentile(latencies, 99))}  max ${fmt(Math.max(...latencies))}  min ${fmt(Math.min(...latencies))}   (targets p50 ≤ 2, p95 ≤ 5)`,
        `Haravan calls per order       ${callsPerOrder.toFixed(3)} (${orderCalls} order/customer calls for ${perCode.size} imports; target ≤ 1.3)`,
        `Haravan calls by route        (all of this process's Haravan calls since the first order was placed)`,
        ...routeLines,
        `orders/s sustained            ${sustained.toFixed(2)} (first placed → last created); bucket floor ${HARAVAN_LEAK_PER_SECOND} calls/s ÷ ${callsPerOrder.toFixed(3)} = ${(HARAVAN_LEAK_PER_SECOND / callsPerOrder).toFixed(2)} orders/s`,
        `Haravan bucket                ${bucket.accepted} calls accepted, ${bucket.throttled} throttled (429), level ${Number(bucket.level).toFixed(1)}/${bucket.bucketSize}, leak ${bucket.leakPerSecond}/s`,
        `load average (1/5/15 min)     before ${loadBefore}; after ${loadAverage()}`,
      ].join('\n'),
    );
    if (missing > 0 || duplicates > 0) process.exitCode = 1;
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
