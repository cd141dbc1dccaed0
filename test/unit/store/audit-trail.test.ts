import { auditCutoff } from '../../../domain/audit';
import { openDb } from '../../../store/db';
import { MIGRATIONS } from '../../../store/migrations';
import { makeKeyring } from '../../../store/secrets';
import { Store } from '../../../store/store';

describe('store — audit trail per variant and per order', () => {
  let store: Store;
  beforeAll(async () => {
    store = new Store(await openDb({ dataDir: 'memory://' }), makeKeyring('store-audit-trail-test-key-0123456789'));
    await store.migrate();
  }, 60_000);
  afterAll(() => store.close());

  const page = { page: 1, limit: 50 };

  it('appends, reads a subject newest first and paginated, scoped to the connection', async () => {
    for (let i = 1; i <= 5; i++) await store.recordAudit('c1', [{ subjectType: 'variant', subjectId: '7', kind: 'stock-pushed', details: { n: i } }]);
    await store.recordAudit('c2', [{ subjectType: 'variant', subjectId: '7', kind: 'stock-pushed', details: { n: 99 } }]);
    await store.recordAudit('c1', [{ subjectType: 'order', subjectId: '7', kind: 'order-seen', details: {} }]);
    const all = await store.auditHistory('c1', 'variant', '7', page);
    expect(all.total).toBe(5);
    expect(all.items.map((e) => (e.details as { n: number }).n)).toEqual([5, 4, 3, 2, 1]);
    const second = await store.auditHistory('c1', 'variant', '7', { page: 2, limit: 2 });
    expect(second).toMatchObject({ total: 5, items: [{ details: { n: 3 } }, { details: { n: 2 } }] });
    expect((await store.auditHistory('c2', 'variant', '7', page)).total).toBe(1);
  });

  it('leaves out an entry repeating its subject’s latest one (same fingerprint) within the repeat window', async () => {
    const rec = (kind: string, fingerprint?: string) => store.recordAudit('c3', [{ subjectType: 'variant', subjectId: '1', kind, details: {}, fingerprint }]);
    await rec('stock-unchanged', 'a');
    await rec('stock-unchanged', 'a');
    expect((await store.auditHistory('c3', 'variant', '1', page)).total).toBe(1);
    await rec('stock-unchanged', 'b'); // a different answer is recorded
    await rec('stock-pushed');
    await rec('stock-unchanged', 'b'); // not the latest any more
    expect((await store.auditHistory('c3', 'variant', '1', page)).items.map((e) => e.kind)).toEqual(['stock-unchanged', 'stock-pushed', 'stock-unchanged', 'stock-unchanged']);
    await store.db.query("UPDATE audit_trail SET at = now() - interval '25 hours' WHERE connection_id = 'c3'");
    await rec('stock-unchanged', 'b'); // older than the window: recorded again
    expect((await store.auditHistory('c3', 'variant', '1', page)).total).toBe(5);
  });

  it('records a once-only order step once, and order steps show in the connection log', async () => {
    await store.recordOrderStep('c4', 'T1', 'order-seen', { tikiStatus: 'queueing' }, { once: true });
    await store.recordOrderStep('c4', 'T1', 'order-seen', { tikiStatus: 'processing' }, { once: true });
    await store.recordOrderStep('c4', 'T1', 'order-imported', { haravanOrderId: 5 });
    const h = await store.auditHistory('c4', 'order', 'T1', page);
    expect(h.items.map((e) => [e.kind, e.details])).toEqual([
      ['order-imported', { tikiCode: 'T1', haravanOrderId: 5 }],
      ['order-seen', { tikiCode: 'T1', tikiStatus: 'queueing' }],
    ]);
    await store.audit('c4', 'config-changed', { a: 1 });
    expect((await store.auditLog('c4')).map((e) => e.action).sort()).toEqual(['config-changed', 'order-imported', 'order-seen']);
  });

  it('prunes every connection’s entries older than the cut-off, trail and connection log, and nothing newer', async () => {
    await store.recordAudit('c5', [
      { subjectType: 'variant', subjectId: '1', kind: 'stock-pushed', details: {} },
      { subjectType: 'variant', subjectId: '2', kind: 'stock-pushed', details: {} },
    ]);
    await store.recordAudit('c6', [{ subjectType: 'order', subjectId: 'X', kind: 'order-seen', details: {} }]);
    await store.audit('c6', 'config-changed');
    await store.db.query("UPDATE audit_trail SET at = now() - interval '31 days' WHERE connection_id IN ('c5', 'c6') AND subject_id IN ('1', 'X')");
    await store.db.query("UPDATE audit_log SET at = now() - interval '31 days' WHERE connection_id = 'c6'");
    const deleted = await store.pruneAudit(auditCutoff(Date.now(), 30));
    expect(deleted).toBeGreaterThanOrEqual(3);
    expect((await store.auditHistory('c5', 'variant', '1', page)).total).toBe(0);
    expect((await store.auditHistory('c5', 'variant', '2', page)).total).toBe(1);
    expect((await store.auditHistory('c6', 'order', 'X', page)).total).toBe(0);
    expect(await store.auditLog('c6')).toEqual([]);
  });

  it('the migration moves earlier order steps out of the connection log into the trail', async () => {
    const db = await openDb({ dataDir: 'memory://' });
    const older = new Store(db, makeKeyring('store-audit-trail-test-key-0123456789'));
    // Apply everything before the trail, then write as the earlier code did, then migrate.
    await db.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    for (const m of MIGRATIONS.filter((x) => x.version < 193)) {
      await (db as unknown as { exec: (sql: string) => Promise<void> }).exec(m.sql);
      await db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    await older.audit('c7', 'order-imported', { tikiCode: 'T9', haravanOrderId: 1 });
    await older.audit('c7', 'orders-backfilled', { n: 1 });
    await older.migrate();
    expect((await older.auditHistory('c7', 'order', 'T9', page)).items).toEqual([expect.objectContaining({ kind: 'order-imported', details: { tikiCode: 'T9', haravanOrderId: 1 } })]);
    expect((await db.query("SELECT action FROM audit_log WHERE connection_id = 'c7'")).map((r) => r.action)).toEqual(['orders-backfilled']);
    await older.close();
  }, 60_000);
});
