/**
 * Nothing of a disconnected shop stays in a worker: clients with decrypted credentials (ClientFactory), the write
 * gate and guards, the poll cadence, the Haravan limiter, the Tiki bucket and access token. Two factories on one
 * store stand for two workers: the one that ran the disconnect drops at once; the other on its next lookup (the
 * store shows the credentials gone or the shop connected anew) or once its entry idled out. A failed connect
 * leaves nothing. Real clients against the sandboxes in this process, PGlite store.
 */
import { ApplicationFailure } from '@temporalio/common';
import pino from 'pino';
import { CONNECTION_IDLE_TTL_MS, forgetConnection, perConnection, sweepIdleConnections } from '../../../activities/connection-memory';
import { createConnectionActivities } from '../../../activities/connection';
import { ClientFactory, type ActivityDeps } from '../../../activities/context';
import { PollCadence } from '../../../activities/poll-cadence';
import { freshnessFor, gateFor, refusedFor, writtenFor } from '../../../activities/stock/write-gate';
import { sharedRateLimiterCount } from '../../../connectors/haravan/rate-limiter';
import { processTokenCache } from '../../../connectors/tiki';
import { sharedBucketCount } from '../../../connectors/tiki/rate-limiter';
import { DEFAULT_CONFIG } from '../../../domain/config';
import { startHaravanSandbox } from '../../../sandbox/haravan/app';
import { startTikiSandbox } from '../../../sandbox/tiki/app';
import { openDb } from '../../../store/db';
import { makeKeyring } from '../../../store/secrets';
import { Store } from '../../../store/store';
import { post } from '../../helpers/seed';

jest.setTimeout(60_000);

let store: Store;
let haravan: Awaited<ReturnType<typeof startHaravanSandbox>>;
let tiki: Awaited<ReturnType<typeof startTikiSandbox>>;

beforeAll(async () => {
  store = new Store(await openDb({ dataDir: 'memory://' }), makeKeyring('unit-test-key-material-0123456789abcdef'));
  await store.migrate();
  haravan = await startHaravanSandbox(0);
  tiki = await startTikiSandbox(0);
});
afterAll(async () => {
  await haravan?.close();
  await tiki?.close();
  await store?.close();
});

let seq = 0;
/** A shop in both sandboxes and a connected record with its credentials. */
async function connectedShop(opts: { tikiSecret?: string } = {}): Promise<{ connectionId: string; shopId: number }> {
  seq++;
  const shopId = 420000000000 + Math.floor(Math.random() * 1e5) * 10 + seq;
  await post(`${haravan.url}/_sandbox/shops`, { shop: { id: shopId, name: `Mem ${shopId}` }, accessToken: `hrv-mem-${shopId}`, locations: [{ id: 1, name: 'Kho', is_primary: true }], products: [] });
  await post(`${tiki.url}/_sandbox/sellers`, {
    seller: { id: 620000 + seq, name: `Seller ${seq}` },
    clientId: `tiki-mem-${shopId}`,
    clientSecret: `tiki-secret-${shopId}`,
    warehouses: [{ id: 8000 + seq, name: 'Kho HCM', is_primary: true }],
    products: [],
  });
  const connectionId = `mem-${shopId}`;
  await claim(connectionId, shopId, opts.tikiSecret);
  return { connectionId, shopId };
}

async function claim(connectionId: string, shopId: number, tikiSecret?: string): Promise<void> {
  await store.claimConnection({ id: connectionId, shopId, workflowId: `wf-${connectionId}`, config: DEFAULT_CONFIG });
  await store.setConnectionState(connectionId, 'connected');
  await store.saveCredentials(connectionId, {
    haravan: { accessToken: `hrv-mem-${shopId}`, baseUrl: haravan.url },
    tiki: { clientId: `tiki-mem-${shopId}`, clientSecret: tikiSecret ?? `tiki-secret-${shopId}`, baseUrl: tiki.url },
  });
}

const deps = (clients: ClientFactory): ActivityDeps => ({ store, temporal: undefined as never, logger: pino({ level: 'silent' }), taskQueue: 'unit', clients });

/** What this process holds process-wide (the connector registries). */
const registries = () => ({ limiters: sharedRateLimiterCount(), buckets: sharedBucketCount(), tokens: processTokenCache.size });

/** Use the connection the way jobs do: vendor calls (limiter, bucket, token) and the write guards. */
async function use(factory: ClientFactory, connectionId: string) {
  const c = await factory.forConnection(connectionId);
  await c.haravan.getShop();
  await c.tiki.getSeller();
  gateFor(connectionId);
  freshnessFor(connectionId).set(1, Date.now());
  writtenFor(connectionId).set(1, { quantity: 1 });
  refusedFor(connectionId).set(1, { quantity: 2 });
  return c;
}

const perConnectionHeld = (connectionId: string) => [gateFor, freshnessFor, writtenFor, refusedFor].filter((m) => m.has(connectionId)).length;

test('a disconnect drops the connection from every cache of the worker that ran it, and from another worker on its next lookup', async () => {
  const baseline = registries();
  const { connectionId } = await connectedShop();
  const workerA = new ClientFactory(store);
  const workerB = new ClientFactory(store);
  await use(workerA, connectionId);
  await use(workerB, connectionId);
  expect(registries()).toEqual({ limiters: baseline.limiters + 1, buckets: baseline.buckets + 1, tokens: baseline.tokens + 1 });
  expect(perConnectionHeld(connectionId)).toBe(4);

  await createConnectionActivities(deps(workerA)).finalizeDisconnect(connectionId);
  expect(workerA.has(connectionId)).toBe(false);
  expect(perConnectionHeld(connectionId)).toBe(0);
  expect(registries()).toEqual(baseline);

  // Worker B still had clients; its next lookup finds the credentials gone and drops them.
  expect(workerB.has(connectionId)).toBe(true);
  expect(await workerB.whileConnected(connectionId)).toBeNull();
  expect(workerB.has(connectionId)).toBe(false);
  expect(registries()).toEqual(baseline);
});

test('clients resolved before a reconnect refuse to write, and another worker rebuilds its entry for the new connect', async () => {
  const { connectionId, shopId } = await connectedShop();
  const workerB = new ClientFactory(store);
  const old = await use(workerB, connectionId);
  await old.assertLive();
  // Disconnected by another worker, then connected again at once (same credentials).
  await store.setConnectionState(connectionId, 'disconnected');
  await expect(old.assertLive()).rejects.toMatchObject({ type: 'CONNECTION_NOT_ACTIVE' });
  expect(workerB.has(connectionId)).toBe(false);
  await claim(connectionId, shopId);
  const again = await workerB.forConnection(connectionId);
  await expect(old.assertLive()).rejects.toBeInstanceOf(ApplicationFailure);
  await again.assertLive();
  // The fast path of a poll (maxAgeMs) still hands out the new entry, not the old one.
  const polled = await workerB.whileConnected(connectionId, { maxAgeMs: 60_000 });
  await polled!.assertLive();
  forgetConnection(connectionId);
  workerB.forget(connectionId);
});

test("an installed shop's cached clients are not reused past the access token's expiry (a refresh made a new one)", async () => {
  const { connectionId, shopId } = await connectedShop();
  let now = Date.now();
  const issuedAt = new Date(now);
  const expiresAt = new Date(now + 30_000);
  await store.saveInstallation(shopId, { accessToken: 'token-a', refreshToken: 'refresh-a', scopes: [], installedBy: '1', issuedAt, expiresAt });
  await store.saveCredentials(connectionId, { haravan: { accessToken: '', baseUrl: haravan.url, installation: true }, tiki: { clientId: `tiki-mem-${shopId}`, clientSecret: `tiki-secret-${shopId}`, baseUrl: tiki.url } });
  expect((await store.resolveCredentials(connectionId, shopId))!.haravan).toMatchObject({ accessToken: 'token-a', expiresAt: expiresAt.toISOString() });
  const worker = new ClientFactory(store, () => now);
  const first = await worker.whileConnected(connectionId, { maxAgeMs: 60_000 });
  // Refreshed (as the installation workflow does before expiry): within maxAgeMs the poll's fast path keeps the entry…
  await store.saveRefreshedTokens(shopId, { accessToken: 'token-b', refreshToken: 'refresh-b', issuedAt: new Date(now + 20_000), expiresAt: new Date(now + 60_000) });
  now += 5_000;
  expect((await worker.whileConnected(connectionId, { maxAgeMs: 60_000 }))!.haravan).toBe(first!.haravan);
  // …but not once the token it holds is about to expire: the new token's clients are built.
  now += 20_000;
  const second = await worker.whileConnected(connectionId, { maxAgeMs: 60_000 });
  expect(second!.haravan).not.toBe(first!.haravan);
  expect((await store.resolveCredentials(connectionId, shopId))!.haravan.accessToken).toBe('token-b');
  // The new entry is reused again within maxAgeMs (its token lives on).
  now += 1_000;
  expect((await worker.whileConnected(connectionId, { maxAgeMs: 60_000 }))!.haravan).toBe(second!.haravan);
  worker.forget(connectionId);
});

test('entries of a connection not used for the idle TTL expire (a worker that never hears of the disconnect)', async () => {
  const baseline = registries();
  const { connectionId } = await connectedShop();
  let now = Date.now();
  const worker = new ClientFactory(store, () => now);
  await use(worker, connectionId);
  expect(worker.size).toBe(1);
  now += CONNECTION_IDLE_TTL_MS + 1;
  worker.sweep(now);
  expect(worker.has(connectionId)).toBe(false);
  expect(perConnectionHeld(connectionId)).toBe(0);
  expect(registries()).toEqual(baseline);
});

test('a failed connect leaves no entry', async () => {
  const baseline = registries();
  const { connectionId, shopId } = await connectedShop({ tikiSecret: 'wrong' });
  const factory = new ClientFactory(store);
  const res = await createConnectionActivities(deps(factory)).verifyCredentials(connectionId, shopId, { pending: false });
  expect(res).toMatchObject({ ok: false, code: 'TIKI_AUTH_FAILED' });
  await createConnectionActivities(deps(factory)).markConnectionFailed(connectionId, { code: res.code!, message: res.message!, messageVi: res.messageVi! });
  expect(factory.size).toBe(0);
  expect(registries()).toEqual(baseline);
});

test('the poll cadence forgets a connection', () => {
  const cadence = new PollCadence(60_000);
  cadence.next('haravan:conn-1', 1_000, false);
  cadence.next('tiki:conn-1', 1_000, false);
  cadence.next('haravan:conn-2', 1_000, false);
  cadence.forgetConnection('conn-1');
  expect(cadence.size).toBe(1);
});

test('per-connection values unused for the idle TTL expire on the sweep, used ones stay', () => {
  const held = perConnection(() => new Map<number, number>());
  held('idle').set(1, 1);
  const later = Date.now() + CONNECTION_IDLE_TTL_MS + 1;
  sweepIdleConnections(later - CONNECTION_IDLE_TTL_MS / 2);
  expect(held.has('idle')).toBe(true);
  sweepIdleConnections(later);
  expect(held.has('idle')).toBe(false);
});
