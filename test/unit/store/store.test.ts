/**
 * The store against PGlite always, and against a real PostgreSQL when TEST_DATABASE_URL is set
 * (.ci/run starts one from Debian packages and sets it).
 */
import pg from 'pg';
import { openDb } from '../../../store/db';
import { Store } from '../../../store/store';
import { makeKeyring } from '../../../store/secrets';
import { DEFAULT_CONFIG } from '../../../domain/config';

const targets: [string, string | undefined][] = [['pglite', undefined]];
if (process.env.TEST_DATABASE_URL) targets.push(['postgres', process.env.TEST_DATABASE_URL]);

/**
 * A database of its own on the shared server: other suites (chaos) use TEST_DATABASE_URL at the same time,
 * and whole-table operations such as key rotation must only see this suite's rows.
 */
async function freshDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `store_test_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

describe.each(targets)('Store on %s', (_kind, baseUrl) => {
  let store: Store;
  let own: { url: string; drop(): Promise<void> } | undefined;
  const cid = `conn-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const shopId = Math.floor(Math.random() * 1e9) + 1;

  beforeAll(async () => {
    own = baseUrl ? await freshDatabase(baseUrl) : undefined;
    const url = own?.url;
    const db = await openDb({ databaseUrl: url, dataDir: 'memory://' });
    store = new Store(db, makeKeyring('test-key-material'));
    await store.migrate();
    await store.migrate(); // idempotent
  }, 60_000); // starting PGlite (WASM) and migrating twice can take several seconds on a loaded 2-core machine
  afterAll(async () => {
    await store.close();
    await own?.drop();
  });

  test('claiming a shop twice is refused while live, allowed after disconnect', async () => {
    const first = await store.claimConnection({ id: cid, shopId, workflowId: `connection-${shopId}`, config: DEFAULT_CONFIG });
    expect(first?.state).toBe('connecting');
    expect(await store.claimConnection({ id: cid, shopId, workflowId: 'x', config: DEFAULT_CONFIG })).toBeNull();
    await store.setConnectionState(cid, 'connected');
    expect((await store.getConnection(cid))?.connectedAt).not.toBeNull();
    await store.setConnectionState(cid, 'disconnected');
    const again = await store.claimConnection({ id: cid, shopId, workflowId: `connection-${shopId}`, config: DEFAULT_CONFIG });
    expect(again?.state).toBe('connecting');
  });

  test('a connecting record is reclaimable only when asked and only once it is older than the given age', async () => {
    const id = `${cid}-stale`;
    const claim = (opts?: { reclaimConnectingAfterMs?: number }) => store.claimConnection({ id, shopId: shopId + 1, workflowId: 'w', config: DEFAULT_CONFIG }, opts);
    expect((await claim())?.state).toBe('connecting');
    expect(await claim({ reclaimConnectingAfterMs: 60_000 })).toBeNull(); // fresh: a connect in progress
    await store.db.query("UPDATE connections SET updated_at = now() - interval '2 minutes' WHERE id = $1", [id]);
    expect(await claim()).toBeNull(); // not asked
    expect((await claim({ reclaimConnectingAfterMs: 60_000 }))?.state).toBe('connecting');
    await store.setConnectionState(id, 'connected');
    await store.db.query("UPDATE connections SET updated_at = now() - interval '2 minutes' WHERE id = $1", [id]);
    expect(await claim({ reclaimConnectingAfterMs: 60_000 })).toBeNull(); // only connecting records
  });

  test('credentials are encrypted at rest and round-trip', async () => {
    const creds = { haravan: { accessToken: 'hrv-secret-123' }, tiki: { clientId: 'cid', clientSecret: 'tiki-secret-456' } };
    await store.saveCredentials(cid, creds);
    const raw = await store.db.query<{ ciphertext: string }>('SELECT ciphertext FROM credentials WHERE connection_id = $1', [cid]);
    expect(raw[0].ciphertext).not.toContain('hrv-secret-123');
    expect(raw[0].ciphertext).not.toContain('tiki-secret-456');
    expect(await store.loadCredentials(cid)).toEqual(creds);
    // A different key cannot open it.
    const other = new Store(store.db, makeKeyring('another-key'));
    await expect(other.loadCredentials(cid)).rejects.toThrow();
  });

  test('key rotation re-encrypts with the new key and old records stay readable meanwhile', async () => {
    const rotated = new Store(store.db, makeKeyring('new-key', ['test-key-material']));
    expect((await rotated.loadCredentials(cid))?.haravan.accessToken).toBe('hrv-secret-123');
    expect(await rotated.reencryptCredentials()).toBeGreaterThanOrEqual(1);
    const onlyNew = new Store(store.db, makeKeyring('new-key'));
    expect((await onlyNew.loadCredentials(cid))?.haravan.accessToken).toBe('hrv-secret-123');
    await store.saveCredentials(cid, (await onlyNew.loadCredentials(cid))!);
  });

  test('links upsert, paging, counts, stale removal and push bookkeeping', async () => {
    const links = [1, 2, 3].map((i) => ({ haravanProductId: 100 + (i % 2), haravanVariantId: 1000 + i, barcode: `89${i}`, tikiSku: `T${i}`, tikiProductId: 500 + i }));
    await store.upsertLinks(cid, links);
    await store.upsertLinks(cid, links); // idempotent
    const page = await store.listLinks(cid, { page: 1, limit: 2 });
    expect(page.total).toBe(3);
    expect(page.items).toHaveLength(2);
    await store.recordPushes(cid, [{ haravanVariantId: 1001, quantity: 7, price: 120000, converged: true, verified: true }]);
    const [l] = await store.getLinks(cid, [1001]);
    expect(l).toMatchObject({ lastPushedQuantity: 7, lastPushedPrice: 120000, converged: true });
    expect(l.lastVerifiedAt).not.toBeNull();
    // Re-link to the same Tiki product keeps the last pushed values.
    await store.upsertLinks(cid, [links[0]]);
    expect((await store.getLinks(cid, [1001]))[0].lastPushedQuantity).toBe(7);
    const removed = await store.deleteLinksNotIn(cid, [101], [1001]);
    expect(removed).toBe(1); // variant 1003 (product 101) unlinked
    expect((await store.counts(cid)).linkedVariants).toBe(2);
    expect((await store.counts(cid)).linkedProducts).toBe(2);
  });

  test('sync errors are replaced per product and filterable by code', async () => {
    await store.replaceSyncErrors(cid, [200, 201], [
      { code: 'MISSING_BARCODE', severity: 'error', haravanProductId: 200, haravanVariantId: 2001, message: 'm', messageVi: 'v' },
      { code: 'NOT_FOUND_ON_TIKI', severity: 'error', haravanProductId: 201, haravanVariantId: 2011, barcode: 'x', message: 'm', messageVi: 'v' },
      { code: 'SUPERSEDED_BY_LATER_PRODUCT', severity: 'warning', haravanProductId: 201, haravanVariantId: 2012, message: 'm', messageVi: 'v' },
    ]);
    expect((await store.listSyncErrors(cid, { page: 1, limit: 50 })).total).toBe(3);
    expect((await store.listSyncErrors(cid, { code: 'NOT_FOUND_ON_TIKI', page: 1, limit: 50 })).items[0].barcode).toBe('x');
    expect((await store.counts(cid)).syncErrors).toBe(2); // warnings are not errors
    // Re-run of product 200 fixed its barcode: the error disappears, product 201's stay.
    await store.replaceSyncErrors(cid, [200], []);
    const after = await store.listSyncErrors(cid, { page: 1, limit: 50 });
    expect(after.items.map((e) => e.code).sort()).toEqual(['NOT_FOUND_ON_TIKI', 'SUPERSEDED_BY_LATER_PRODUCT']);
  });

  test('orders: mapping is deduplicated and keeps the first Haravan id', async () => {
    const base = { tikiCode: 'T100', status: 'awaiting_confirmation', tikiStatus: 'queueing', items: [], customer: {}, warnings: [] };
    await store.upsertOrder(cid, { ...base, haravanOrderId: 9001 });
    const again = await store.upsertOrder(cid, { ...base, haravanOrderId: 9002, status: 'confirmed' });
    expect(again.haravanOrderId).toBe(9001);
    expect(again.status).toBe('confirmed');
    expect((await store.listOrders(cid, { status: 'confirmed', page: 1, limit: 10 })).total).toBe(1);
    expect(await store.knownOrderCodes(cid, ['T100', 'T101'])).toEqual(new Set(['T100']));
    expect((await store.counts(cid)).ordersImported).toBe(1);
  });

  test('orders: the imported ones in the given Tiki statuses, with their items (the stock add-back)', async () => {
    const item = { tikiSku: 'S1', quantity: 3, price: 1, tikiWarehouseId: 7, tikiConfirmation: 'ready_to_pick' };
    const order = (tikiCode: string, tikiStatus: string, haravanOrderId: number | null) => ({ tikiCode, status: 'confirmed', tikiStatus, items: [item], customer: {}, warnings: [], haravanOrderId });
    await store.upsertOrder(cid, order('R1', 'queueing', 9101));
    await store.upsertOrder(cid, order('R2', 'Picking', 9102));
    await store.upsertOrder(cid, order('R3', 'shipping', 9103));
    await store.upsertOrder(cid, order('R4', 'queueing', null)); // not in Haravan (yet)
    const got = await store.importedOrdersInTikiStatuses(cid, ['queueing', 'picking']);
    expect(got.map((o) => o.tikiCode).sort()).toEqual(['R1', 'R2', 'T100']); // T100: imported in 'queueing' above
    expect(got.find((o) => o.tikiCode === 'R1')?.items).toEqual([item]);
    expect(await store.importedOrdersInTikiStatuses('conn-other', ['queueing'])).toEqual([]);
  });

  test('failures inbox counts attempts and resolves', async () => {
    const f1 = await store.recordFailure({ connectionId: cid, kind: 'order-import', ref: 'T9', code: 'ORDER_IMPORT_FAILED', message: 'x', messageVi: 'y' });
    const f2 = await store.recordFailure({ connectionId: cid, kind: 'order-import', ref: 'T9', code: 'ORDER_IMPORT_FAILED', message: 'x', messageVi: 'y' });
    expect(f2.id).toBe(f1.id);
    expect(f2.attempts).toBe(2);
    expect((await store.listFailures(cid, { page: 1, limit: 10 })).total).toBe(1);
    await store.resolveFailures(cid, 'order-import', 'T9');
    expect((await store.listFailures(cid, { page: 1, limit: 10 })).total).toBe(0);
  });

  test('counters, cursors and audit', async () => {
    await store.bumpCounters(cid, { ordersSeen: 2 });
    await store.bumpCounters(cid, { ordersSeen: 3, missingRepaired: 1 });
    expect((await store.getConnection(cid))?.counters).toMatchObject({ ordersSeen: 5, missingRepaired: 1 });
    await store.setCursor(cid, 'tiki-ack', 'abc');
    await store.setCursor(cid, 'tiki-ack', 'def');
    expect(await store.getCursor(cid, 'tiki-ack')).toBe('def');
    await store.audit(cid, 'connected', { by: 'api' });
    expect((await store.auditLog(cid))[0].action).toBe('connected');
  });
});
