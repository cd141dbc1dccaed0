/**
 * Two shops on one service: a merchant session or a per-shop API token acts for its own shop only. Every /v1 route
 * the express app serves (walked from its router, so a route added later is tried too) is tried with the other
 * shop's ids → 404, exactly what a missing connection answers, and nothing changes; lists show only the caller's
 * shop; a state-changing request of a session without its CSRF token → 403 CSRF_FAILED and nothing changes; the
 * operator token still reaches every shop; per-shop tokens are shown once, listed with their last use, revocable.
 */
import pino from 'pino';
import { createApp } from '../../api/app';
import { connectionWorkflowId, linkRunWorkflowId } from '../../workflows/ids';
import { eventually, startStack, TestStack } from '../helpers/stack';
import { connectBody, seedDemoShop, SeededShop } from '../helpers/seed';
import { appRoutes, merchantSession, MerchantSession, RouteDef } from '../helpers/tenancy';

jest.setTimeout(240_000);

let stack: TestStack;
let shopA: SeededShop;
let shopB: SeededShop;
let sessionA: MerchantSession;
let sessionB: MerchantSession;
let runB: string;
const conn = (s: SeededShop) => `conn-${s.shopId}`;

type Caller = { session: MerchantSession } | { token: string };

async function call(who: Caller, method: string, path: string, body?: unknown, opts: { csrf?: string | false } = {}) {
  const headers: Record<string, string> = {};
  if ('token' in who) headers.Authorization = `Bearer ${who.token}`;
  else {
    headers.Cookie = who.session.cookie;
    const csrf = opts.csrf === undefined ? who.session.csrfToken : opts.csrf;
    if (csrf !== false) headers['X-CSRF-Token'] = csrf;
  }
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(stack.apiUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, setCookie: res.headers.get('set-cookie') };
}

async function linkRun(s: SeededShop): Promise<string> {
  const started = await stack.api('POST', `/v1/connections/${conn(s)}/link-runs`, { all: true });
  expect(started.status).toBe(202);
  await eventually(async () => (await stack.api('GET', `/v1/connections/${conn(s)}/link-runs/${started.body.runId}`)).body.state === 'completed', 60_000);
  // Its workflow closed too, so its last signal to the connection (sent as it ends) is in the history already.
  await stack.client.workflow.getHandle(linkRunWorkflowId(s.shopId, started.body.runId)).result();
  return started.body.runId;
}

/** What either shop could see change: connections, credentials, links, runs, orders, publications, tokens, sessions. */
async function fingerprint(): Promise<string> {
  const q = (sql: string) => stack.store.db.query(sql);
  return JSON.stringify(
    await Promise.all([
      q('SELECT id, state, config::text AS config, attention::text AS attention FROM connections ORDER BY id'),
      q('SELECT connection_id, key_id, ciphertext FROM credentials ORDER BY connection_id'),
      q('SELECT connection_id, count(*)::int AS n FROM links GROUP BY connection_id ORDER BY connection_id'),
      q('SELECT connection_id, count(*)::int AS n FROM link_runs GROUP BY connection_id ORDER BY connection_id'),
      q('SELECT count(*)::int AS n FROM orders'),
      q('SELECT count(*)::int AS n FROM publications'),
      q('SELECT count(*)::int AS n FROM failures'),
      q('SELECT token_id, revoked_at FROM shop_api_tokens ORDER BY token_id'),
      q('SELECT shop_id, revoked_at FROM merchant_sessions ORDER BY id_hash'),
    ]),
  );
}

async function updatesAndSignals(s: SeededShop): Promise<string[]> {
  const h = await stack.client.workflow.getHandle(connectionWorkflowId(s.shopId)).fetchHistory();
  return h.events!.flatMap((e) => [e.workflowExecutionSignaledEventAttributes?.signalName, e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name]).filter((x): x is string => !!x);
}

/** Routes about the caller itself, checked on their own below; every other /v1 route names a shop. */
const SELF_ROUTES = new Set(['GET /v1/connections', 'GET /v1/session', 'DELETE /v1/session']);

/** A route filled in with the other shop's ids (connection, shop, and for routes naming neither, `?connectionId=`). */
function aimedAt(r: RouteDef, other: SeededShop): { path: string; body?: unknown } {
  let namesShop = false;
  const path = r.path.replace(/:(\w+)/g, (_, name: string) => {
    if (name === 'id') return (namesShop = true), conn(other);
    if (name === 'shopId') return (namesShop = true), String(other.shopId);
    if (name === 'runId') return runB;
    if (name === 'action') return 'cancel';
    if (name === 'variantId' || name === 'categoryId') return String(other.variantIds[0] ?? 1);
    return 'x1';
  });
  const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : { shopId: other.shopId };
  return namesShop ? { path, body } : { path: `${path}?connectionId=${conn(other)}`, body };
}

let v1Routes: RouteDef[];

beforeAll(async () => {
  stack = await startStack();
  shopA = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 8 });
  shopB = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 8, seed: 11 });
  for (const s of [shopA, shopB]) expect((await stack.api('POST', '/v1/connections', connectBody(s, stack.haravan.url, stack.tiki.url))).status).toBe(201);
  await linkRun(shopA);
  runB = await linkRun(shopB);
  sessionA = await merchantSession(stack.store, shopA.shopId);
  sessionB = await merchantSession(stack.store, shopB.shopId);
  const app = createApp({ client: stack.client, store: stack.store, logger: pino({ level: 'silent' }), taskQueue: stack.taskQueue, apiToken: 'enumeration-only' });
  v1Routes = appRoutes(app).filter((r) => r.path.startsWith('/v1/'));
});
afterAll(async () => {
  await stack?.stop();
});

test('the router and /openapi.json list the same /v1 routes', async () => {
  const doc: any = await (await fetch(`${stack.apiUrl}/openapi.json`)).json();
  const documented = Object.entries(doc.paths as Record<string, object>)
    .filter(([p]) => p.startsWith('/v1'))
    .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`));
  const served = v1Routes.map((r) => `${r.method} ${r.path}`);
  expect([...new Set(served)].sort()).toEqual([...new Set(documented)].sort());
  expect(served).toEqual(expect.arrayContaining(['GET /v1/session', 'POST /v1/shops/:shopId/api-tokens', 'GET /v1/connections/:id/orders']));
});

test("a session and a per-shop token get 404 on every route aimed at the other shop, and nothing changes", async () => {
  const minted = await call({ session: sessionA }, 'POST', `/v1/shops/${shopA.shopId}/api-tokens`, { name: 'kế toán' });
  expect(minted.status).toBe(201);
  expect(minted.body.token).toMatch(/^hts_/);
  const callers: [string, Caller][] = [
    ['session A', { session: sessionA }],
    ['token A', { token: minted.body.token }],
  ];
  const missing = await call({ token: stack.token }, 'GET', '/v1/connections/conn-1');
  expect(missing.status).toBe(404);
  const before = await fingerprint();
  const historyB = await updatesAndSignals(shopB);
  const tried: string[] = [];
  for (const [name, who] of callers) {
    for (const r of v1Routes) {
      if (SELF_ROUTES.has(`${r.method} ${r.path}`)) continue;
      const { path, body } = aimedAt(r, shopB);
      const res = await call(who, r.method, path, body);
      expect({ name, route: `${r.method} ${path}`, status: res.status, code: res.body?.error?.code }).toEqual({ name, route: `${r.method} ${path}`, status: 404, code: 'NOT_FOUND' });
      // Word for word what a connection that does not exist answers.
      const route = `${name}: ${r.method} ${path}`;
      if (r.path.includes(':shopId')) expect({ route, error: res.body.error }).toEqual({ route, error: { code: 'NOT_FOUND', message: 'Not found', messageVi: missing.body.error.messageVi } });
      else expect({ route, error: res.body.error }).toEqual({ route, error: { ...missing.body.error, message: missing.body.error.message.replace('conn-1', conn(shopB)) } });
      tried.push(`${r.method} ${r.path}`);
    }
  }
  expect(tried.length).toBeGreaterThanOrEqual(2 * 20);
  // A create for the other shop (by its body alone) is refused the same way.
  expect((await call({ session: sessionA }, 'POST', '/v1/connections', connectBody(shopB, stack.haravan.url, stack.tiki.url))).status).toBe(404);
  // B's sub-resources under A's own connection are not found either (the stores filter by connection).
  expect((await call({ session: sessionA }, 'GET', `/v1/connections/${conn(shopA)}/link-runs/${runB}`)).status).toBe(404);
  expect(await fingerprint()).toBe(before);
  expect(await updatesAndSignals(shopB)).toEqual(historyB);
});

test('lists show only the caller\'s shop; its own routes answer; the operator sees both', async () => {
  for (const [who, own] of [[{ session: sessionA }, shopA], [{ session: sessionB }, shopB]] as [Caller, SeededShop][]) {
    const list = await call(who, 'GET', '/v1/connections');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, items: [{ id: conn(own) }] });
    expect((await call(who, 'GET', `/v1/connections/${conn(own)}`)).status).toBe(200);
    const links = await call(who, 'GET', `/v1/connections/${conn(own)}/links`);
    expect(links.status).toBe(200);
    expect(links.body.total).toBeGreaterThan(0);
  }
  const me = await call({ session: sessionA }, 'GET', '/v1/session');
  expect(me.body).toEqual({ shopId: shopA.shopId, csrfToken: sessionA.csrfToken, expiresAt: expect.any(String) });
  expect((await call({ token: stack.token }, 'GET', '/v1/session')).status).toBe(401);
  const all = await stack.api('GET', '/v1/connections');
  expect(all.body.items.map((c: { id: string }) => c.id).sort()).toEqual([conn(shopA), conn(shopB)].sort());
  for (const s of [shopA, shopB]) expect((await stack.api('GET', `/v1/connections/${conn(s)}/links`)).status).toBe(200);
});

test('a state-changing request of a session without its CSRF token → 403 CSRF_FAILED and nothing changed', async () => {
  const path = `/v1/connections/${conn(shopA)}/config`;
  const before = await fingerprint();
  const historyA = await updatesAndSignals(shopA);
  for (const csrf of [false, '', 'wrong', sessionB.csrfToken] as const) {
    for (const [method, p, body] of [
      ['PATCH', path, { safetyStock: 7 }],
      ['POST', `/v1/connections/${conn(shopA)}/stock-pushes`, undefined],
      ['DELETE', `/v1/connections/${conn(shopA)}`, undefined],
      ['POST', `/v1/shops/${shopA.shopId}/api-tokens`, { name: 'x' }],
      ['DELETE', '/v1/session', undefined],
    ] as const) {
      const res = await call({ session: sessionA }, method, p, body, { csrf });
      expect({ csrf, route: `${method} ${p}`, status: res.status, code: res.body?.error?.code }).toEqual({ csrf, route: `${method} ${p}`, status: 403, code: 'CSRF_FAILED' });
      expect(res.body.error.messageVi).toBeTruthy();
    }
  }
  expect(await fingerprint()).toBe(before);
  expect(await updatesAndSignals(shopA)).toEqual(historyA);
  // With it, the same change goes through.
  const ok = await call({ session: sessionA }, 'PATCH', path, { safetyStock: 7 });
  expect(ok.status).toBe(200);
  expect((await stack.store.getConnection(conn(shopA)))!.config.safetyStock).toBe(7);
});

test('per-shop tokens: shown once, listed with last use, never listed whole, revocable; a token cannot mint tokens', async () => {
  const minted = await call({ session: sessionB }, 'POST', `/v1/shops/${shopB.shopId}/api-tokens`, { name: 'ERP' });
  expect(minted.status).toBe(201);
  const token = minted.body.token as string;
  expect(minted.body).toMatchObject({ tokenId: expect.any(String), name: 'ERP', lastUsedAt: null, revokedAt: null });
  expect((await call({ token }, 'GET', `/v1/connections/${conn(shopB)}`)).status).toBe(200);
  const list = await call({ session: sessionB }, 'GET', `/v1/shops/${shopB.shopId}/api-tokens`);
  expect(list.status).toBe(200);
  const entry = list.body.items.find((t: { tokenId: string }) => t.tokenId === minted.body.tokenId);
  expect(entry).toMatchObject({ name: 'ERP', lastUsedAt: expect.any(String), revokedAt: null });
  expect(JSON.stringify(list.body)).not.toContain(token);
  expect((await stack.store.db.query('SELECT token_hash FROM shop_api_tokens WHERE token_hash = $1', [token])).length).toBe(0);
  // The operator sees and manages every shop's tokens; a token manages none.
  expect((await stack.api('GET', `/v1/shops/${shopB.shopId}/api-tokens`)).body.items.length).toBe(list.body.items.length);
  expect((await call({ token }, 'POST', `/v1/shops/${shopB.shopId}/api-tokens`, { name: 'more' })).status).toBe(404);
  // Revoked: refused at once, and listed as revoked.
  expect((await call({ session: sessionB }, 'DELETE', `/v1/shops/${shopB.shopId}/api-tokens/${minted.body.tokenId}`)).status).toBe(204);
  const after = await call({ token }, 'GET', `/v1/connections/${conn(shopB)}`);
  expect(after.status).toBe(401);
  expect(after.body.error.code).toBe('UNAUTHORIZED');
  expect((await call({ session: sessionB }, 'DELETE', `/v1/shops/${shopB.shopId}/api-tokens/${minted.body.tokenId}`)).body.error.code).toBe('API_TOKEN_NOT_FOUND');
  const revoked = (await call({ session: sessionB }, 'GET', `/v1/shops/${shopB.shopId}/api-tokens`)).body.items.find((t: { tokenId: string }) => t.tokenId === minted.body.tokenId);
  expect(revoked.revokedAt).toEqual(expect.any(String));
});

test('signing out ends the session at once', async () => {
  const s = await merchantSession(stack.store, shopA.shopId);
  const out = await call({ session: s }, 'DELETE', '/v1/session');
  expect(out.status).toBe(204);
  expect(out.setCookie).toMatch(/hts_session=;/);
  expect((await call({ session: s }, 'GET', '/v1/session')).status).toBe(401);
  expect((await call({ session: s }, 'GET', `/v1/connections/${conn(shopA)}`)).status).toBe(401);
});
