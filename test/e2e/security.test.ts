/**
 * The API's input and transport security, over HTTP against the running service:
 *  - every /v1 route of the OpenAPI document needs the bearer token (compared in constant time);
 *  - body, params and query are validated (400 VALIDATION_FAILED with field-level issues) and a rejected
 *    request changes nothing; body size is limited (413); security headers are set;
 *  - requests are rate limited per client (429 RATE_LIMITED), before authentication;
 *  - Haravan webhooks: the raw body's HMAC is verified before parsing; a missing, wrong or foreign signature is
 *    401 and nothing reaches the connection workflow; a valid one does.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp } from '../../api/app';
import { checkToken } from '../../api/security';
import { signHaravanWebhook } from '../../connectors/haravan/webhook';
import { connectionWorkflowId } from '../../workflows/ids';
import { eventually, startStack, TestStack } from '../helpers/stack';
import { connectBody, seedDemoShop, SeededShop } from '../helpers/seed';

jest.setTimeout(180_000);

const WEBHOOK_SECRET = 'security-webhook-secret';
let stack: TestStack;
let shop: SeededShop;
let connId: string;

beforeAll(async () => {
  stack = await startStack({ webhookSecret: WEBHOOK_SECRET });
  shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 20 });
  connId = `conn-${shop.shopId}`;
  expect((await stack.api('POST', '/v1/connections', connectBody(shop, stack.haravan.url, stack.tiki.url))).status).toBe(201);
});
afterAll(async () => {
  await stack?.stop();
});

/** A fingerprint of what a merchant could see change: connections, credentials, links, orders, failures, runs, audit. */
async function fingerprint(): Promise<string> {
  const q = (sql: string) => stack.store.db.query(sql);
  const parts = await Promise.all([
    q('SELECT id, state, config::text AS config, attention::text AS attention FROM connections ORDER BY id'),
    q('SELECT connection_id, key_id, ciphertext FROM credentials ORDER BY connection_id'),
    q('SELECT count(*)::int AS n FROM links'),
    q('SELECT count(*)::int AS n FROM orders'),
    q('SELECT count(*)::int AS n FROM failures'),
    q('SELECT count(*)::int AS n FROM link_runs'),
    q('SELECT count(*)::int AS n FROM audit_log'),
  ]);
  return JSON.stringify(parts);
}

async function connectionUpdatesAndSignals(): Promise<string[]> {
  const h = await stack.client.workflow.getHandle(connectionWorkflowId(shop.shopId)).fetchHistory();
  return h.events!.flatMap((e) => [
    e.workflowExecutionSignaledEventAttributes?.signalName,
    e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name,
  ]).filter((x): x is string => !!x);
}

test('every /v1 route of the OpenAPI document needs the bearer token', async () => {
  const doc: any = await (await fetch(`${stack.apiUrl}/openapi.json`)).json();
  const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
    .filter(([p]) => p.startsWith('/v1'))
    .flatMap(([p, ops]) => Object.keys(ops).map((m) => ({ method: m.toUpperCase(), path: p.replace(/\{(\w+)\}/g, (_, name) => (name === 'action' ? 'cancel' : name === 'id' ? connId : 'x1')) })));
  expect(routes.length).toBeGreaterThanOrEqual(15);
  for (const r of routes) {
    for (const auth of [undefined, 'Bearer wrong', 'Bearer test-api-token-but-longer', 'Basic dGVzdDp0ZXN0', 'test-api-token', 'Bearer ']) {
      const res = await fetch(stack.apiUrl + r.path, { method: r.method, headers: { ...(auth ? { Authorization: auth } : {}), 'Content-Type': 'application/json' }, body: ['GET', 'DELETE'].includes(r.method) ? undefined : '{}' });
      expect({ route: `${r.method} ${r.path}`, auth, status: res.status }).toEqual({ route: `${r.method} ${r.path}`, auth, status: 401 });
      const body: any = await res.json();
      expect(body.error).toMatchObject({ code: 'UNAUTHORIZED' });
      expect(body.error.messageVi).toBeTruthy();
    }
  }
  // The comparison hashes both sides first: any length is compared in constant time, never throws.
  expect(checkToken('Bearer test-api-token', 'test-api-token')).toBe(true);
  expect(checkToken(`Bearer ${'x'.repeat(100_000)}`, 'test-api-token')).toBe(false);
  expect(checkToken('Bearer test-api-toke', 'test-api-token')).toBe(false);
  expect(checkToken(undefined, 'test-api-token')).toBe(false);
});

test('security headers on every answer, no framework banner', async () => {
  for (const path of ['/healthz', '/v1/connections', '/nope']) {
    const res = await fetch(stack.apiUrl + path, { headers: { Authorization: `Bearer ${stack.token}` } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-powered-by')).toBeNull();
  }
  const notFound = await fetch(`${stack.apiUrl}/nope`);
  expect(notFound.status).toBe(404);
  expect(((await notFound.json()) as any).error.code).toBe('NOT_FOUND');
});

test('body, params and query are validated; a rejected request changes nothing', async () => {
  const before = await fingerprint();
  const historyBefore = await connectionUpdatesAndSignals();
  const cases: { method: string; path: string; body?: unknown; raw?: string; contentType?: string; field?: string }[] = [
    { method: 'POST', path: '/v1/connections', body: { shopId: 'abc', haravan: { accessToken: 'x' }, tiki: { apiKey: 'k' } }, field: 'shopId' },
    { method: 'POST', path: '/v1/connections', body: { ...connectBody(shop, stack.haravan.url, stack.tiki.url), extra: true } },
    { method: 'POST', path: '/v1/connections', body: { shopId: 1, haravan: { accessToken: 'x', baseUrl: 'not a url' }, tiki: { apiKey: 'k' } } },
    { method: 'POST', path: '/v1/connections', raw: 'shopId=1', contentType: 'application/x-www-form-urlencoded' },
    // Found by the fuzz run: a token that cannot go into an HTTP header was a 503 ("vendor unreachable").
    { method: 'POST', path: '/v1/connections', body: { shopId: 5, haravan: { accessToken: 'tôken-𝄞', baseUrl: 'http://127.0.0.1:1' }, tiki: { apiKey: 'k', baseUrl: 'http://127.0.0.1:1' } }, field: 'haravan.accessToken' },
    { method: 'POST', path: '/v1/connections', raw: '{"shopId": 1,', contentType: 'application/json' },
    { method: 'PATCH', path: `/v1/connections/${connId}/config`, body: { stockRatioPercent: 'eighty' }, field: 'stockRatioPercent' },
    { method: 'PATCH', path: `/v1/connections/${connId}/config`, body: { safetyStock: -1 }, field: 'safetyStock' },
    { method: 'PATCH', path: `/v1/connections/${connId}/config`, body: { unknownSetting: 1 } },
    { method: 'PATCH', path: `/v1/connections/${connId}/credentials`, body: {} },
    { method: 'PATCH', path: `/v1/connections/${connId}/credentials`, body: { tiki: { clientId: 'a' } } },
    { method: 'POST', path: `/v1/connections/${connId}/link-runs`, body: { productIds: [] } },
    { method: 'POST', path: `/v1/connections/${connId}/link-runs`, body: { productIds: [-5] } },
    { method: 'POST', path: `/v1/connections/${connId}/stock-pushes`, body: { all: 'yes' } },
    { method: 'GET', path: `/v1/connections/${connId}/links?limit=251`, field: 'limit' },
    { method: 'GET', path: `/v1/connections/${connId}/links?page=0`, field: 'page' },
    { method: 'GET', path: `/v1/connections/${connId}/links?sort=desc` },
    { method: 'GET', path: `/v1/connections/${connId}/sync-errors?code=drop%20table` },
    { method: 'GET', path: `/v1/connections/${connId}/orders?status=%27%3B--` },
    { method: 'GET', path: '/v1/connections/bad%20id%3B' },
    { method: 'GET', path: `/v1/connections/${'x'.repeat(65)}` },
    { method: 'POST', path: `/v1/connections/${connId}/orders/123/actions/explode`, body: {} },
    { method: 'POST', path: `/v1/connections/${connId}/orders/12%2F3/actions/cancel`, body: {} },
    { method: 'POST', path: `/v1/connections/${connId}/orders/123/actions/cancel`, body: { reason: 'x'.repeat(501) } },
    { method: 'POST', path: `/v1/connections/${connId}/failures/bad%20id/retry` },
  ];
  for (const c of cases) {
    const res = await fetch(stack.apiUrl + c.path, {
      method: c.method,
      headers: { Authorization: `Bearer ${stack.token}`, 'Content-Type': c.contentType ?? 'application/json' },
      body: c.raw ?? (c.body === undefined ? undefined : JSON.stringify(c.body)),
    });
    const body: any = await res.json();
    expect({ case: `${c.method} ${c.path}`, status: res.status, code: body.error?.code }).toEqual({ case: `${c.method} ${c.path}`, status: 400, code: 'VALIDATION_FAILED' });
    expect(Array.isArray(body.error.issues)).toBe(true);
    expect(body.error.messageVi).toBeTruthy();
    if (c.field) expect(body.error.issues.map((i: { path: string }) => i.path)).toContain(c.field);
  }
  // Too large a body: 413 before anything is parsed.
  const big = await fetch(`${stack.apiUrl}/v1/connections`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${stack.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ shopId: 1, pad: 'x'.repeat(300 * 1024) }),
  });
  expect(big.status).toBe(413);
  expect(((await big.json()) as any).error.code).toBe('PAYLOAD_TOO_LARGE');

  // Bodies the parser refuses (charset, content encoding) are the client's error, never a 500.
  const refused: Record<string, string>[] = [{ 'Content-Type': 'application/json; charset=koi8-r' }, { 'Content-Type': 'application/json', 'Content-Encoding': 'x-unknown' }];
  for (const headers of refused) {
    const res = await fetch(`${stack.apiUrl}/v1/connections`, { method: 'POST', headers: { Authorization: `Bearer ${stack.token}`, ...headers }, body: '{"shopId":1}' });
    expect(res.status).toBe(415);
    expect(((await res.json()) as any).error.code).toBe('VALIDATION_FAILED');
  }

  expect(await fingerprint()).toBe(before);
  expect(await connectionUpdatesAndSignals()).toEqual(historyBefore);
  expect((await stack.store.getConnection(connId))!.config.stockRatioPercent).toBe(100);
});

test('requests are rate limited per client, before authentication', async () => {
  const app = createApp({ client: stack.client, store: stack.store, logger: pino({ level: 'silent' }), taskQueue: stack.taskQueue, apiToken: 'rl-token', rateLimitPerMinute: 5 });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const hit = (headers: Record<string, string>) => fetch(`${url}/v1/connections`, { headers });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await hit({ Authorization: 'Bearer rl-token', 'X-Forwarded-For': '198.51.100.7' })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const limited = await hit({ Authorization: 'Bearer rl-token', 'X-Forwarded-For': '198.51.100.7' });
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as any).error).toMatchObject({ code: 'RATE_LIMITED' });
    expect(limited.headers.get('ratelimit-policy') ?? limited.headers.get('ratelimit')).toBeTruthy();
    // Another client (behind the trusted local proxy) has its own budget.
    expect((await hit({ Authorization: 'Bearer rl-token', 'X-Forwarded-For': '198.51.100.8' })).status).toBe(200);
    // Token guessing is throttled too.
    for (let i = 0; i < 5; i++) await hit({ Authorization: `Bearer guess-${i}`, 'X-Forwarded-For': '198.51.100.9' });
    expect((await hit({ Authorization: 'Bearer guess-x', 'X-Forwarded-For': '198.51.100.9' })).status).toBe(429);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('Haravan webhooks', () => {
  const payload = () => JSON.stringify({ id: shop.productIds[0], org_id: shop.shopId, title: 'Áo thun' });
  const send = (body: string, headers: Record<string, string>) =>
    fetch(`${stack.apiUrl}/webhooks/haravan`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Haravan-Topic': 'products/update', 'X-Haravan-Org-Id': String(shop.shopId), ...headers },
      body,
    });
  const webhookSignals = async () => (await connectionUpdatesAndSignals()).filter((n) => n === 'haravanWebhook').length;

  test('a missing, wrong or foreign signature is 401 and nothing happens', async () => {
    const before = await webhookSignals();
    const fp = await fingerprint();
    const body = payload();
    const attempts: Record<string, string>[] = [
      {},
      { 'X-Haravan-Hmac-Sha256': 'not base64 !!' },
      { 'X-Haravan-Hmac-Sha256': signHaravanWebhook(body, 'another-shops-secret') },
      { 'X-Haravan-Hmac-Sha256': signHaravanWebhook(body + ' ', WEBHOOK_SECRET) }, // signature of other bytes
      { 'X-Haravan-Hmac-Sha256': signHaravanWebhook(body, WEBHOOK_SECRET).slice(0, 20) },
    ];
    for (const headers of attempts) {
      const res = await send(body, headers);
      expect(res.status).toBe(401);
      expect(((await res.json()) as any).error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    }
    // Verified before parsing: garbage with a bad signature is a 401, not a parse error.
    expect((await send('{not json', { 'X-Haravan-Hmac-Sha256': signHaravanWebhook('{}', WEBHOOK_SECRET) })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await webhookSignals()).toBe(before);
    expect(await fingerprint()).toBe(fp);
  });

  test('a valid signature is accepted and reaches the connection (so the test above can fail)', async () => {
    const before = await webhookSignals();
    const body = payload();
    const res = await send(body, { 'X-Haravan-Hmac-Sha256': signHaravanWebhook(body, WEBHOOK_SECRET) });
    expect(res.status).toBe(200);
    await eventually(async () => (await webhookSignals()) === before + 1, 20_000, 250);
    // Signed but not JSON: 400, still nothing sent on.
    const bad = '{oops';
    const res2 = await send(bad, { 'X-Haravan-Hmac-Sha256': signHaravanWebhook(bad, WEBHOOK_SECRET) });
    expect(res2.status).toBe(400);
    expect(await webhookSignals()).toBe(before + 1);
  });

  test('the shop comes from the signed body, a replay does nothing twice, a flood is coalesced into few nudges', async () => {
    await new Promise((r) => setTimeout(r, 6_000)); // let the previous test's coalescing window end
    const before = await webhookSignals();
    const signed = (body: string) => ({ 'X-Haravan-Hmac-Sha256': signHaravanWebhook(body, WEBHOOK_SECRET) });
    // Signed for another shop, with this shop's id in the (unsigned) header: not for this shop.
    const foreign = JSON.stringify({ id: shop.productIds[0], org_id: 999_000_111, title: 'x' });
    expect((await send(foreign, signed(foreign))).status).toBe(200);
    // Signed for this shop, another id in the header: for this shop.
    const own = JSON.stringify({ id: shop.productIds[0], org_id: shop.shopId, title: 'y' });
    expect((await send(own, { ...signed(own), 'X-Haravan-Org-Id': '999000111' })).status).toBe(200);
    await eventually(async () => (await webhookSignals()) === before + 1, 20_000, 250);
    // The same delivery again (replayed): acknowledged, nothing done.
    expect((await send(own, signed(own))).status).toBe(200);
    // A flood of distinct valid deliveries: merged into the next window's one nudge.
    for (let i = 0; i < 40; i++) {
      const b = JSON.stringify({ id: shop.productIds[i % shop.productIds.length], org_id: shop.shopId, title: `flood ${i}` });
      expect((await send(b, signed(b))).status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 7_000));
    const after = await webhookSignals();
    expect(after - before).toBeGreaterThanOrEqual(2);
    expect(after - before).toBeLessThanOrEqual(3);
  });
});
