/**
 * What an operator reads, against the real stack: the API's /metrics (request histograms, store gauges, vendor
 * calls), the worker's own /metrics in a real worker process (activity histograms + Temporal SDK metrics),
 * /openapi.json generated from the routes' zod schemas and the /docs page, Web UI filtering by search attribute
 * (every workflow of a shop, children included, carries ShopId; orders carry TikiOrderCode; static summaries),
 * and JSON logs without secrets.
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { PgliteDb } from '../../store/db';
import { freeLoopbackPort, startWorkerMetricsServer } from '../../worker/metrics-server';
import { connectionWorkflowId, orderIntakeWorkflowId, orderWorkflowId, stockSyncWorkflowId } from '../../workflows/ids';
import { eventually, startStack, TestStack } from '../helpers/stack';
import { connectBody, get, post, seedDemoShop, SeededShop } from '../helpers/seed';
import { nodeTsArgs } from '../../scripts/node-ts';

jest.setTimeout(240_000);

let stack: TestStack;
let shop: SeededShop;
let orderCode: string;
const logs: string[] = [];
const connId = () => `conn-${shop.shopId}`;

/** Value of one sample line `name{labels} value` (labels matched as a subset, in any order). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return undefined;
}

beforeAll(async () => {
  stack = await startStack({ logSink: logs });
  shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 20 });
  expect((await stack.api('POST', '/v1/connections', connectBody(shop, stack.haravan.url, stack.tiki.url))).status).toBe(201);
  const run = await stack.api('POST', `/v1/connections/${connId()}/link-runs`, { all: true });
  await eventually(async () => (await stack.api('GET', `/v1/connections/${connId()}/link-runs/${run.body.runId}`)).body.state === 'completed', 60_000);
  // A Tiki order for a linked SKU that Tiki can sell, imported by the worker.
  const links = (await stack.api('GET', `/v1/connections/${connId()}/links?limit=250`)).body.items as { barcode: string }[];
  let barcode: string | undefined;
  for (const l of links) {
    if ((await get(`${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/skus/${encodeURIComponent(l.barcode)}`)).totals.sellable > 0) {
      barcode = l.barcode;
      break;
    }
  }
  const order = await post(`${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/orders`, { items: [{ original_sku: barcode, qty: 1 }], customer: { full_name: 'Trần Thị Bình', phone: '0901234567' } });
  orderCode = String(order.code);
  await eventually(async () => (await stack.api('GET', `/v1/connections/${connId()}/orders/${orderCode}`)).body?.haravanOrderId, 90_000, 500);
});

afterAll(async () => {
  await stack?.stop();
});

test('API /metrics: request histograms, store gauges that match the API, Haravan/Tiki calls by route and outcome', async () => {
  await stack.api('GET', `/v1/connections/${connId()}`);
  const res = await fetch(`${stack.apiUrl}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  const text = await res.text();
  expect(sample(text, 'api_request_duration_seconds_count', { method: 'GET', route: '/connections/:id', status: '200' })).toBeGreaterThan(0);

  const conn = (await stack.api('GET', `/v1/connections/${connId()}`)).body;
  const errors = (await stack.api('GET', `/v1/connections/${connId()}/sync-errors?code=MISSING_BARCODE`)).body;
  expect(sample(text, 'sync_connections', { state: 'connected' })).toBe(1);
  expect(sample(text, 'sync_links')).toBe(conn.counts.linkedVariants);
  expect(sample(text, 'sync_errors', { code: 'MISSING_BARCODE', severity: 'error' })).toBe(errors.total);
  const order = (await stack.api('GET', `/v1/connections/${connId()}/orders/${orderCode}`)).body;
  expect(sample(text, 'sync_orders', { status: order.status })).toBeGreaterThanOrEqual(1);
  expect(sample(text, 'sync_orders_in_flight')).toBeGreaterThanOrEqual(1);

  // In this test the worker shares the API's process, so its vendor calls show here too.
  expect(sample(text, 'vendor_http_requests_total', { system: 'haravan', outcome: '2xx' })).toBeGreaterThan(0);
  expect(sample(text, 'vendor_http_requests_total', { system: 'tiki', route: 'POST /sc/oauth2/token', outcome: '2xx' })).toBeGreaterThan(0);
  expect(text).not.toMatch(/route="[^"]*\/\d{6,}/); // templated routes only, never ids
});

test('429s from Tiki are counted by route', async () => {
  const before = sample(await (await fetch(`${stack.apiUrl}/metrics`)).text(), 'vendor_http_rate_limited_total', { system: 'tiki' }) ?? 0;
  await post(`${stack.tiki.url}/_sandbox/faults`, { path: '/integration/v2/sellers/me/warehouses', status: 429, retryAfterSeconds: 1, times: 2 });
  // The dashboard's sources are read by the worker (workflows/sources.ts), which shares this test's process, so its
  // Tiki calls (and the retried 429s) show on this /metrics too.
  const sources = await stack.api('GET', `/v1/connections/${connId()}/sources`);
  expect(sources.status).toBe(200);
  expect(sources.body.warehouses.length).toBeGreaterThan(0);
  const text = await (await fetch(`${stack.apiUrl}/metrics`)).text();
  expect(sample(text, 'vendor_http_rate_limited_total', { system: 'tiki', route: 'GET /integration/v2/sellers/me/warehouses' })! - before).toBe(2);
  expect(sample(text, 'vendor_http_requests_total', { system: 'tiki', route: 'GET /integration/v2/sellers/me/warehouses', outcome: '429' })).toBeGreaterThanOrEqual(2);
});

test('worker /metrics serves the activity histograms recorded by the worker', async () => {
  const server = await startWorkerMetricsServer({ port: 0, host: '127.0.0.1' });
  try {
    const text = await (await fetch(server.url)).text();
    expect(sample(text, 'sync_order_intake_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'sync_orders_imported_total')).toBeGreaterThanOrEqual(1);
    expect(text).toContain('# TYPE sync_stock_propagation_seconds histogram');
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  } finally {
    await server.close();
  }
});

test('a real worker process exposes its metrics and the Temporal SDK metrics on WORKER_METRICS_PORT', async () => {
  const pglite = (stack.store.db as PgliteDb).pglite;
  const pgPort = await freeLoopbackPort();
  const socket = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: pgPort, maxConnections: 8 });
  await socket.start();
  const metricsPort = await freeLoopbackPort();
  let child: ChildProcess | undefined;
  try {
    child = spawn(process.execPath, nodeTsArgs(path.resolve(__dirname, '../../worker/main.ts')), {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        TEMPORAL_ADDRESS: stack.env.address,
        DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/postgres?sslmode=disable`,
        ENCRYPTION_KEY: 'test-encryption-key-material-0123456789',
        TASK_QUEUE: `${stack.taskQueue}-metrics`,
        WORKER_METRICS_PORT: String(metricsPort),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const text = await eventually(
      async () => {
        const t = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        return /^temporal_\w+/m.test(t) ? t : undefined;
      },
      120_000,
      1000,
    );
    expect(text).toContain('# TYPE vendor_http_requests_total counter');
    expect(text).toContain('# TYPE sync_order_intake_seconds histogram');
    expect(text).toMatch(/^temporal_\w+/m); // the SDK core's own metrics, appended
    expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await socket.stop();
  }
});

test('Web UI filters: every workflow of the shop carries ShopId; the order carries TikiOrderCode; summaries are set', async () => {
  const ids = await eventually(async () => {
    const found: string[] = [];
    for await (const w of stack.client.workflow.list({ query: `ShopId = '${shop.shopId}'` })) found.push(w.workflowId);
    const want = [connectionWorkflowId(shop.shopId), stockSyncWorkflowId(shop.shopId), orderIntakeWorkflowId(shop.shopId), orderWorkflowId(shop.shopId, orderCode)];
    return want.every((id) => found.includes(id)) && found.some((id) => id.startsWith(`link-run-${shop.shopId}-`)) ? found : undefined;
  }, 30_000);
  expect(ids.length).toBeGreaterThanOrEqual(5);

  const byOrder: string[] = [];
  for await (const w of stack.client.workflow.list({ query: `TikiOrderCode = '${orderCode}'` })) byOrder.push(w.workflowId);
  expect(byOrder).toEqual([orderWorkflowId(shop.shopId, orderCode)]);

  const connected: string[] = [];
  for await (const w of stack.client.workflow.list({ query: `ShopId = '${shop.shopId}' AND ConnectionState = 'connected'` })) connected.push(w.workflowId);
  expect(connected).toEqual([connectionWorkflowId(shop.shopId)]);

  for (const id of [connectionWorkflowId(shop.shopId), stockSyncWorkflowId(shop.shopId), orderIntakeWorkflowId(shop.shopId), orderWorkflowId(shop.shopId, orderCode)]) {
    const summary = await (await stack.client.workflow.getHandle(id).describe()).staticSummary();
    expect(summary).toContain(String(shop.shopId));
  }
});

test('/openapi.json is generated from the route schemas; /docs lists every operation', async () => {
  const doc: any = await (await fetch(`${stack.apiUrl}/openapi.json`)).json();
  expect(doc.openapi).toMatch(/^3\./);
  expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  for (const p of ['/v1/connections', '/v1/connections/{id}', '/v1/connections/{id}/config', '/v1/connections/{id}/link-runs', '/v1/connections/{id}/sync-errors', '/v1/connections/{id}/orders/{tikiCode}/actions/{action}', '/v1/connections/{id}/sources', '/metrics']) {
    expect(doc.paths[p]).toBeDefined();
  }
  // The same limits the API enforces: 150 is refused with a field-level issue, and the document says max 100.
  expect(doc.components.schemas.Config.properties.stockRatioPercent).toMatchObject({ type: 'integer', minimum: 0, maximum: 100 });
  const bad = await stack.api('PATCH', `/v1/connections/${connId()}/config`, { stockRatioPercent: 150 });
  expect(bad.status).toBe(400);
  expect(bad.body.error.issues[0].path).toBe('stockRatioPercent');
  const action = doc.paths['/v1/connections/{id}/orders/{tikiCode}/actions/{action}'].post.parameters.find((p: { name: string }) => p.name === 'action');
  expect(action.schema.enum).toEqual(['print-label', 'ready-to-ship', 'cancel']);

  const html = await (await fetch(`${stack.apiUrl}/docs`)).text();
  for (const p of Object.keys(doc.paths)) expect(html).toContain(p);
  // Inputs and schemas with the same limits: the Config schema's ratio reads 0–100.
  expect(html).toMatch(/<code>stockRatioPercent<\/code>\?: integer <small>\(0–100\)<\/small>/);
});

test('logs are JSON lines and carry no credential', async () => {
  expect(logs.length).toBeGreaterThan(0);
  for (const line of logs) expect(() => JSON.parse(line)).not.toThrow();
  const all = logs.join('\n');
  for (const secret of [shop.accessToken, shop.tiki.clientSecret, stack.token]) expect(all).not.toContain(secret);
  expect(logs.some((l) => JSON.parse(l).connectionId === connId())).toBe(true);
});
