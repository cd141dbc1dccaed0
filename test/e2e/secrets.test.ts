/**
 * Secrets and PII: a full flow (connect, link, stock push, Tiki order import with customer data, an order action,
 * credential replacement, webhook, disconnect), then every workflow history is dumped through the Temporal
 * client and scanned together with the logs and every API response:
 *  - neither the Haravan token nor the Tiki client secret (old or new) appears anywhere — history decoded or not,
 *    search attributes, failures, logs, API bodies;
 *  - with ENCRYPTION_KEY set, the raw (undecoded) history carries no customer PII (name, phone, email, address);
 *  - credentials are encrypted at rest (AES-256-GCM, bound to their row) and survive a key rotation;
 *  - the remote codec endpoint speaks Temporal's protocol (JSON {payloads}), needs the token (or the local Web UI
 *    origin from a loopback peer), answers CORS preflights for the UI origin only, and refuses tampered data.
 */
import crypto from 'node:crypto';
import util from 'node:util';
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { isLocalUi } from '../../api/routes/system';
import { makeKeyring } from '../../store/secrets';
import { Store } from '../../store/store';
import { AesGcmCodec } from '../../boot/codec';
import { signHaravanWebhook } from '../../connectors/haravan/webhook';
import { eventually, startStack, TestStack } from '../helpers/stack';
import { connectBody, get, post, seedDemoShop, SeededShop } from '../helpers/seed';

jest.setTimeout(300_000);

const ENCRYPTION_KEY = 'secrets-test-key-material-0123456789abcdef';
const logs: string[] = [];
const consoleLines: string[] = [];
const responses: string[] = [];
let stack: TestStack;
let shop: SeededShop;
let connId: string;
const buyer = { name: 'Phạm Thị Bí Mật', phone: '0987 654 321', phoneLocal: '0987654321', street: '42 Đường Bí Mật Riêng Tư' };
const newSecret = `rotated-${crypto.randomBytes(8).toString('hex')}`;
let tikiCode: string;

async function call(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
  const res = await stack.api(method, path, body, headers);
  responses.push(JSON.stringify(res.body ?? ''));
  return res;
}

beforeAll(async () => {
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[level].bind(console);
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      consoleLines.push(args.map((a) => (typeof a === 'string' ? a : util.inspect(a, { depth: 8 }))).join(' '));
      original(...(args as []));
    });
  }
  stack = await startStack({ logSink: logs, encryptionKey: ENCRYPTION_KEY, webhookSecret: 'secrets-webhook-secret' });
  shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 20 });
  connId = `conn-${shop.shopId}`;

  // ---- the full flow
  expect((await call('POST', '/v1/connections', connectBody(shop, stack.haravan.url, stack.tiki.url, { orderSweepIntervalSeconds: 10 }))).status).toBe(201);
  const run = await call('POST', `/v1/connections/${connId}/link-runs`, { all: true });
  await eventually(async () => (await call('GET', `/v1/connections/${connId}/link-runs/${run.body.runId}`)).body.state === 'completed', 60_000, 500);
  expect((await call('POST', `/v1/connections/${connId}/stock-pushes`, {})).status).toBe(202);

  // A seller-delivery order: Tiki shows the buyer's phone and address for those.
  const links = await stack.store.getLinks(connId);
  const skus: { product_id: number; stocks: { quantity_available: number }[] }[] = (await get(`${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/skus`)).skus;
  const sellable = links.find((l) => (skus.find((s) => s.product_id === l.tikiProductId)?.stocks ?? []).reduce((a, s) => a + s.quantity_available, 0) >= 5)!;
  const order = await post(`${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/orders`, {
    fulfillment_type: 'seller_delivery',
    items: [{ original_sku: sellable.barcode, qty: 1 }],
    customer: { full_name: buyer.name, phone: buyer.phone },
    shipping_address: { full_name: buyer.name, phone: buyer.phone, street: buyer.street, ward: 'Phường Bến Nghé', district: 'Quận 1', region: 'Hồ Chí Minh', country: 'VN' },
  });
  tikiCode = String(order.code);
  await eventually(async () => (await call('GET', `/v1/connections/${connId}/orders/${tikiCode}`)).body?.haravanOrderId, 90_000, 1_000);
  const imported = await call('GET', `/v1/connections/${connId}/orders/${tikiCode}`);
  expect(imported.body.customer.phone).toBe(buyer.phoneLocal); // the PII did travel through the service
  await call('POST', `/v1/connections/${connId}/orders/${tikiCode}/actions/print-label`, {});

  // A signed webhook, a refused (wrong) credential replacement, and an accepted one.
  const hook = JSON.stringify({ id: links[0].haravanProductId, org_id: shop.shopId });
  await fetch(`${stack.apiUrl}/webhooks/haravan`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Haravan-Hmac-Sha256': signHaravanWebhook(hook, 'secrets-webhook-secret'), 'X-Haravan-Topic': 'products/update', 'X-Haravan-Org-Id': String(shop.shopId) },
    body: hook,
  });
  expect((await call('PATCH', `/v1/connections/${connId}/credentials`, { tiki: { clientId: shop.tiki.clientId, clientSecret: 'wrong-secret-value', baseUrl: stack.tiki.url } })).status).toBe(422);
  await post(`${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/credentials`, { clientSecret: newSecret });
  expect((await call('PATCH', `/v1/connections/${connId}/credentials`, { tiki: { clientId: shop.tiki.clientId, clientSecret: newSecret, baseUrl: stack.tiki.url } })).status).toBe(200);
  // A replacement that names no base URL keeps the stored one (a rotated token, same host): verified against it.
  expect((await call('PATCH', `/v1/connections/${connId}/credentials`, { haravan: { accessToken: shop.accessToken }, tiki: { clientId: shop.tiki.clientId, clientSecret: newSecret } })).status).toBe(200);
  expect((await stack.store.loadCredentials(connId))?.haravan.baseUrl).toBe(stack.haravan.url);
  await call('GET', '/v1/connections');
  await call('GET', `/v1/connections/${connId}/links`);
  await call('GET', `/v1/connections/${connId}/orders`);
  await call('GET', `/v1/connections/${connId}/failures`);
  await call('GET', `/v1/connections/${connId}/sync-errors`);
});
afterAll(async () => {
  await stack?.stop();
  jest.restoreAllMocks();
});

/** Every workflow history of the namespace, as a searchable string: payload data decoded by `decode` (or raw). */
async function dumpHistories(client: Client, decode?: (p: Payload[]) => Promise<Payload[]>): Promise<{ text: string; workflows: number; payloads: number }> {
  const parts: string[] = [];
  let workflows = 0;
  let payloads = 0;
  const walk = async (node: unknown): Promise<unknown> => {
    if (node instanceof Uint8Array) return Buffer.from(node).toString('utf8');
    if (Array.isArray(node)) return Promise.all(node.map(walk));
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if ('metadata' in o && 'data' in o && o.metadata && typeof o.metadata === 'object') {
        payloads++;
        const p = decode ? (await decode([o as Payload]))[0] : (o as Payload);
        return { metadata: await walk(p.metadata), data: p.data ? Buffer.from(p.data).toString('utf8') : null };
      }
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(o)) out[k] = await walk(v);
      return out;
    }
    return node;
  };
  for await (const w of client.workflow.list()) {
    workflows++;
    const history = await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory();
    parts.push(JSON.stringify(await walk(history)));
    parts.push(JSON.stringify(await walk({ searchAttributes: w.searchAttributes, memo: w.memo })));
  }
  return { text: parts.join('\n'), workflows, payloads };
}

const secrets = () => [shop.accessToken, shop.tiki.clientSecret, newSecret, 'wrong-secret-value', 'secrets-webhook-secret', ENCRYPTION_KEY];

test('credentials never appear in histories, search attributes, logs or API responses', async () => {
  const codec = new AesGcmCodec(ENCRYPTION_KEY);
  const decoded = await dumpHistories(stack.client, (p) => codec.decode(p));
  expect(decoded.workflows).toBeGreaterThanOrEqual(4); // connection, stock sync, order intake, link run, order
  expect(decoded.payloads).toBeGreaterThan(20);
  // The decoded dump is the real content (the scan would catch a leak): the buyer's data is in it.
  expect(decoded.text).toContain(tikiCode);
  for (const s of secrets()) expect(decoded.text).not.toContain(s);

  const raw = await dumpHistories(new Client({ connection: stack.env.connection, namespace: 'default' }));
  for (const s of secrets()) expect(raw.text).not.toContain(s);

  const allLogs = logs.join('\n') + '\n' + consoleLines.join('\n');
  expect(logs.length).toBeGreaterThan(0);
  for (const s of [...secrets(), 'test-api-token']) expect(allLogs).not.toContain(s);

  const bodies = responses.join('\n');
  expect(responses.length).toBeGreaterThan(10);
  for (const s of secrets()) expect(bodies).not.toContain(s);
});

test('with ENCRYPTION_KEY set, the raw history holds no customer PII (payloads are encrypted)', async () => {
  const raw = await dumpHistories(new Client({ connection: stack.env.connection, namespace: 'default' }));
  expect(raw.text).toContain('binary/encrypted');
  const pii = [buyer.name, buyer.phoneLocal, buyer.phone, `${buyer.phoneLocal}@84.phone`, buyer.street, '987654321'];
  for (const s of pii) expect(raw.text).not.toContain(s);
  // The payloads are readable with the key (the scan above looked at encrypted data, not at nothing).
  const codec = new AesGcmCodec(ENCRYPTION_KEY);
  const decoded = await dumpHistories(stack.client, (p) => codec.decode(p));
  expect(decoded.text).toContain(connId);
  expect(raw.text).not.toContain(`"connectionId":"${connId}"`);
});

test('credentials are encrypted at rest, bound to their row, and survive a key rotation', async () => {
  const rows = await stack.store.db.query<{ connection_id: string; key_id: string; ciphertext: string }>('SELECT connection_id, key_id, ciphertext FROM credentials');
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) {
    expect(r.ciphertext).toMatch(/^v1\./);
    for (const s of secrets()) expect(r.ciphertext).not.toContain(s);
    expect(r.ciphertext).not.toContain(Buffer.from(newSecret).toString('base64'));
  }
  // Another key cannot read them; a row copied to another connection does not decrypt (AAD binds it).
  const other = new Store(stack.store.db, makeKeyring('some-other-key-material-000000000000'));
  await expect(other.loadCredentials(connId)).rejects.toThrow();
  const row = rows.find((r) => r.connection_id === connId)!;
  await stack.store.db.query('INSERT INTO credentials (connection_id, key_id, ciphertext) VALUES ($1, $2, $3)', ['conn-copied', row.key_id, row.ciphertext]);
  await expect(stack.store.loadCredentials('conn-copied')).rejects.toThrow();
  await stack.store.deleteCredentials('conn-copied');

  // Rotation: new key current, old key previous → readable; re-encrypt; then the new key alone reads it.
  const newKey = crypto.randomBytes(32).toString('base64');
  const rotating = new Store(stack.store.db, makeKeyring(newKey, [ENCRYPTION_KEY]));
  expect((await rotating.loadCredentials(connId))!.tiki).toMatchObject({ clientSecret: newSecret });
  expect(await rotating.reencryptCredentials()).toBeGreaterThan(0);
  const onlyNew = new Store(stack.store.db, makeKeyring(newKey));
  expect((await onlyNew.loadCredentials(connId))!.haravan.accessToken).toBe(shop.accessToken);
  await expect(stack.store.loadCredentials(connId)).rejects.toThrow(); // the old key alone no longer reads it
  // Put the test's key back for the remaining tests.
  await new Store(stack.store.db, makeKeyring(ENCRYPTION_KEY, [newKey])).reencryptCredentials();
  expect((await stack.store.loadCredentials(connId))!.haravan.accessToken).toBe(shop.accessToken);
});

describe('remote codec endpoint (Temporal Web UI)', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const plain = { metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify({ customer: 'Phạm Thị Bí Mật' })) };

  test('encode/decode round trip in the remote codec protocol shape, with the bearer token', async () => {
    const enc = await call('POST', '/codec/encode', { payloads: [plain] }, { 'X-Namespace': 'default' });
    expect(enc.status).toBe(200);
    expect(enc.body.payloads).toHaveLength(1);
    expect(Buffer.from(enc.body.payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(enc.body.payloads[0].data, 'base64').toString('utf8')).not.toContain('Bí Mật');
    const dec = await call('POST', '/codec/decode', { payloads: enc.body.payloads }, { 'X-Namespace': 'default' });
    expect(dec.status).toBe(200);
    expect(dec.body.payloads[0]).toEqual(plain);
    // A payload from the real history decodes through the endpoint too.
    const raw = new Client({ connection: stack.env.connection, namespace: 'default' });
    const h = await raw.workflow.getHandle(`connection-${shop.shopId}`).fetchHistory();
    const input = h.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
    const asJson = { metadata: Object.fromEntries(Object.entries(input.metadata!).map(([k, v]) => [k, Buffer.from(v as Uint8Array).toString('base64')])), data: Buffer.from(input.data!).toString('base64') };
    const fromHistory = await call('POST', '/codec/decode', { payloads: [asJson] });
    expect(Buffer.from(fromHistory.body.payloads[0].data, 'base64').toString('utf8')).toContain(connId);
  });

  test('no token → 401; tampered ciphertext → 400; malformed body → 400', async () => {
    const noAuth = await fetch(`${stack.apiUrl}/codec/decode`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ payloads: [plain] }) });
    expect(noAuth.status).toBe(401);
    const foreignOrigin = await fetch(`${stack.apiUrl}/codec/decode`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' }, body: JSON.stringify({ payloads: [plain] }) });
    expect(foreignOrigin.status).toBe(401);
    expect(foreignOrigin.headers.get('access-control-allow-origin')).toBeNull();
    const enc = await call('POST', '/codec/encode', { payloads: [plain] });
    const bytes = Buffer.from(enc.body.payloads[0].data, 'base64');
    bytes[20] ^= 0xff;
    const tampered = await call('POST', '/codec/decode', { payloads: [{ ...enc.body.payloads[0], data: bytes.toString('base64') }] });
    expect(tampered.status).toBe(400);
    expect(tampered.body.error.code).toBe('VALIDATION_FAILED');
    expect((await call('POST', '/codec/decode', { payloads: 'nope' })).status).toBe(400);
  });

  test('the local Web UI origin: CORS preflight and token-less decode from a loopback peer only', async () => {
    const pre = await fetch(`${stack.apiUrl}/codec/decode`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:8233', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    expect(pre.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/x-namespace/);
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/content-type/);
    expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
    const preEvil = await fetch(`${stack.apiUrl}/codec/decode`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    expect(preEvil.headers.get('access-control-allow-origin')).toBeNull();

    const ui = await fetch(`${stack.apiUrl}/codec/decode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'http://localhost:8233', 'X-Namespace': 'default' },
      body: JSON.stringify({ payloads: [plain] }),
    });
    expect(ui.status).toBe(200);
    expect(ui.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    // The same origin header from a remote peer is not enough (headers are forgeable, peers are not).
    const origins = new Set(['http://localhost:8233']);
    expect(isLocalUi('http://localhost:8233', origins, '127.0.0.1')).toBe(true);
    expect(isLocalUi('http://localhost:8233', origins, '::ffff:127.0.0.1')).toBe(true);
    expect(isLocalUi('http://localhost:8233', origins, '203.0.113.9')).toBe(false);
    expect(isLocalUi('http://localhost:9999', origins, '127.0.0.1')).toBe(false);
    expect(isLocalUi(undefined, origins, '127.0.0.1')).toBe(false);
  });
});
