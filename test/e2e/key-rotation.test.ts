/**
 * A key rotation with workflows running, by the README's steps (Key rotation): the stack runs under key material A
 * with a connected shop (connection workflow, its children, an imported order); then step 1 (ENCRYPTION_KEY = B,
 * ENCRYPTION_KEYS_PREVIOUS = A, worker and API restarted) and step 2 (`npm run rotate-keys`, a real process, same
 * environment). Afterwards the running workflows keep working (config update, a new order imported, stock pushed),
 * the history written under A stays readable (describe, queries, the Web UI's /codec decode), stored credentials (and
 * a Haravan app installation's sealed tokens) are under B only, and — why step 3 keeps A — history payloads written
 * under A cannot be decoded without it.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { AesGcmCodec } from '../../boot/codec';
import type { PgliteDb } from '../../store/db';
import { keyId, makeKeyring, purposeKey } from '../../store/secrets';
import { Store } from '../../store/store';
import { freeLoopbackPort } from '../../worker/metrics-server';
import { connectionWorkflowId, orderWorkflowId } from '../../workflows/ids';
import { orderStatusQuery } from '../../workflows/definitions';
import { nodeTsArgs } from '../../scripts/node-ts';
import { eventually, startStack, TestStack } from '../helpers/stack';
import { connectBody, get, post, seedDemoShop, SeededShop } from '../helpers/seed';

jest.setTimeout(300_000);

const KEY_A = 'rotation-test-key-A-material-0123456789';
const KEY_B = crypto.randomBytes(32).toString('base64');
let stack: TestStack;
let shop: SeededShop;
let connId: string;
const previousBefore = process.env.ENCRYPTION_KEYS_PREVIOUS;

interface TikiSku {
  product_id: number;
  original_sku: string;
  stocks: { quantity_available: number }[];
}
const total = (s?: TikiSku) => (s?.stocks ?? []).reduce((a, x) => a + x.quantity_available, 0);
const tikiSkus = async (): Promise<TikiSku[]> => (await get(`${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/skus`)).skus;

async function tikiOrderImported(barcode: string): Promise<string> {
  const order = await post(`${stack.tiki.url}/_sandbox/sellers/${shop.tiki.sellerId}/orders`, { items: [{ original_sku: barcode, qty: 1 }] });
  const code = String(order.code);
  await eventually(async () => (await stack.api('GET', `/v1/connections/${connId}/orders/${code}`)).body?.haravanOrderId, 90_000, 1_000);
  return code;
}

/** A payload of the raw history in the JSON shape of the remote codec protocol (what the Web UI sends to /codec). */
function asCodecJson(p: Payload) {
  const b64 = (v: Uint8Array) => Buffer.from(v).toString('base64');
  return { metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v as Uint8Array)])), data: b64(p.data!) };
}

/** Run `npm run rotate-keys`'s script as its own process against the stack's database. */
async function rotateKeys(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const pgPort = await freeLoopbackPort();
  const socket = new PGLiteSocketServer({ db: (stack.store.db as PgliteDb).pglite, host: '127.0.0.1', port: pgPort, maxConnections: 4 });
  await socket.start();
  try {
    const child = spawn(process.execPath, nodeTsArgs(path.resolve(__dirname, '../../scripts/rotate-keys.ts')), {
      env: { ...process.env, NODE_OPTIONS: '', DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/postgres?sslmode=disable`, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { code, stdout, stderr };
  } finally {
    await socket.stop();
  }
}

let firstOrder: string;
let secondOrder: string;
let sellable: { barcode: string; haravanVariantId: number };
let oldInput: Payload;
const INSTALLED_SHOP = 909090;
const INSTALLED_TOKENS = { accessToken: 'hrv-app-access-under-A', refreshToken: 'hrv-app-refresh-under-A' };

beforeAll(async () => {
  stack = await startStack({ encryptionKey: KEY_A });
  shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 12 });
  connId = `conn-${shop.shopId}`;
  expect((await stack.api('POST', '/v1/connections', connectBody(shop, stack.haravan.url, stack.tiki.url, { orderSweepIntervalSeconds: 10 }))).status).toBe(201);
  const run = await stack.api('POST', `/v1/connections/${connId}/link-runs`, { all: true });
  await eventually(async () => (await stack.api('GET', `/v1/connections/${connId}/link-runs/${run.body.runId}`)).body.state === 'completed', 60_000, 500);
  const skus = await tikiSkus();
  const links = await stack.store.getLinks(connId);
  sellable = links.find((l) => total(skus.find((s) => s.product_id === l.tikiProductId)) >= 5)!;
  expect(sellable).toBeDefined();
  firstOrder = await tikiOrderImported(sellable.barcode);
  const raw = new Client({ connection: stack.env.connection, namespace: 'default' });
  oldInput = (await raw.workflow.getHandle(connectionWorkflowId(shop.shopId)).fetchHistory()).events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0] as Payload;
  // A Haravan app installation of another shop, its tokens sealed under key A (rotate-keys re-seals those too).
  await stack.store.saveInstallation(INSTALLED_SHOP, { ...INSTALLED_TOKENS, scopes: ['openid', 'wh_api'], installedBy: '100001', issuedAt: new Date(), expiresAt: new Date(Date.now() + 3_600_000) });
});

afterAll(async () => {
  await stack?.stop();
  if (previousBefore === undefined) delete process.env.ENCRYPTION_KEYS_PREVIOUS;
  else process.env.ENCRYPTION_KEYS_PREVIOUS = previousBefore;
});

test('before the rotation: history payloads and credentials are under key A', async () => {
  expect(Buffer.from(oldInput.metadata!['encryption-key-id']).toString()).toBe(keyId(purposeKey(KEY_A, 'payload-codec')));
  const [row] = await stack.store.db.query<{ key_id: string }>('SELECT key_id FROM credentials WHERE connection_id = $1', [connId]);
  expect(row.key_id).toBe(makeKeyring(KEY_A).current.id);
});

describe('after the README rotation steps 1 and 2 (ENCRYPTION_KEY = B, ENCRYPTION_KEYS_PREVIOUS = A, restart, rotate-keys)', () => {
  let rotation: { code: number | null; stdout: string; stderr: string };
  beforeAll(async () => {
    await stack.restartWithKeys(KEY_B, [KEY_A]);
    rotation = await rotateKeys({ ENCRYPTION_KEY: KEY_B, ENCRYPTION_KEYS_PREVIOUS: KEY_A });
  });

  test('rotate-keys exits 0 with nothing left under an old key; the credentials read with key B alone', async () => {
    expect(rotation).toMatchObject({ code: 0 });
    expect(rotation.stdout).toMatch(/rotate-keys: [1-9]\d* credential record\(s\) re-encrypted; 0 left under an old key/);
    expect(rotation.stdout).toMatch(/rotate-keys: 1 installation\(s\) re-encrypted; 0 left under an old key/);
    const onlyB = new Store(stack.store.db, makeKeyring(KEY_B));
    expect((await onlyB.loadCredentials(connId))!.haravan.accessToken).toBe(shop.accessToken);
    await expect(new Store(stack.store.db, makeKeyring(KEY_A)).loadCredentials(connId)).rejects.toThrow();
    expect(await onlyB.loadInstallationTokens(INSTALLED_SHOP)).toEqual(INSTALLED_TOKENS);
    await expect(new Store(stack.store.db, makeKeyring(KEY_A)).loadInstallationTokens(INSTALLED_SHOP)).rejects.toThrow();
    // A second run finds nothing to do.
    const again = (await rotateKeys({ ENCRYPTION_KEY: KEY_B, ENCRYPTION_KEYS_PREVIOUS: KEY_A })).stdout;
    expect(again).toMatch(/0 credential record\(s\) re-encrypted; 0 left/);
    expect(again).toMatch(/0 installation\(s\) re-encrypted; 0 left/);
  });

  test('the running workflows keep working: config update, a new Tiki order imported, stock pushed', async () => {
    const patched = await stack.api('PATCH', `/v1/connections/${connId}/config`, { orderSweepIntervalSeconds: 20 });
    expect(patched.status).toBe(200);
    expect(patched.body.config.orderSweepIntervalSeconds).toBe(20);
    expect((await stack.api('GET', `/v1/connections/${connId}`)).body.state).toBe('connected');

    secondOrder = await tikiOrderImported(sellable.barcode);
    expect(secondOrder).not.toBe(firstOrder);

    const before = total((await tikiSkus()).find((s) => s.original_sku === sellable.barcode));
    const location = shop.haravanSeed.locations[0].id;
    await post(`${stack.haravan.url}/_sandbox/shops/${shop.shopId}/inventory`, { variantId: sellable.haravanVariantId, locationId: location, delta: 7 });
    expect((await stack.api('POST', `/v1/connections/${connId}/stock-pushes`, {})).status).toBe(202);
    await eventually(async () => total((await tikiSkus()).find((s) => s.original_sku === sellable.barcode)) > before, 60_000, 500);
  });

  test('history written under key A stays readable: describe, a query of a closed order, the Web UI codec endpoint', async () => {
    const conn = await stack.client.workflow.getHandle(connectionWorkflowId(shop.shopId)).describe();
    expect(conn.status.name).toBe('RUNNING');
    const status = await stack.client.workflow.getHandle(orderWorkflowId(shop.shopId, firstOrder)).query(orderStatusQuery);
    expect(status.tikiCode).toBe(firstOrder);
    expect(status.haravanOrderId).toBeGreaterThan(0);

    const decoded = await stack.api('POST', '/codec/decode', { payloads: [asCodecJson(oldInput)] }, { 'X-Namespace': 'default' });
    expect(decoded.status).toBe(200);
    expect(Buffer.from(decoded.body.payloads[0].data, 'base64').toString('utf8')).toContain(connId);
    // New payloads are written under B: the input of the order workflow started after the rotation.
    const raw = new Client({ connection: stack.env.connection, namespace: 'default' });
    const started = (await raw.workflow.getHandle(orderWorkflowId(shop.shopId, secondOrder)).fetchHistory()).events![0].workflowExecutionStartedEventAttributes!;
    const keyIds = (started.input?.payloads ?? []).map((p) => Buffer.from(p.metadata!['encryption-key-id']).toString());
    expect(keyIds.length).toBeGreaterThan(0);
    expect(new Set(keyIds)).toEqual(new Set([keyId(purposeKey(KEY_B, 'payload-codec'))]));
  });

  test('README step 3: without A in ENCRYPTION_KEYS_PREVIOUS, the history written under A could not be decoded', async () => {
    await expect(new AesGcmCodec(KEY_B).decode([oldInput])).rejects.toThrow(/unknown key/);
    await expect(new AesGcmCodec(KEY_B, [KEY_A]).decode([oldInput])).resolves.toHaveLength(1);
  });
});
