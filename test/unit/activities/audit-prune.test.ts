/** The audit prune activity (activities/audit-prune.ts) on a real store: older than the retention deleted, newer kept. */
import pino from 'pino';
import { createAuditPruneActivities } from '../../../activities/audit-prune';
import { openDb } from '../../../store/db';
import { makeKeyring } from '../../../store/secrets';
import { Store } from '../../../store/store';

describe('pruneAuditTrail', () => {
  let store: Store;
  const logger = pino({ level: 'silent' });
  const page = { page: 1, limit: 50 };
  beforeAll(async () => {
    store = new Store(await openDb({ dataDir: 'memory://' }), makeKeyring('audit-prune-activity-test-key-0123456789'));
    await store.migrate();
  }, 60_000);
  afterAll(() => store.close());
  afterEach(() => delete process.env.AUDIT_RETENTION_DAYS);

  /** One entry per age (days), on variant `<age>` of `conn`. */
  async function seed(conn: string, ages: number[]) {
    for (const age of ages) {
      await store.recordAudit(conn, [{ subjectType: 'variant', subjectId: String(age), kind: 'stock-pushed', details: { age } }]);
      await store.db.query(`UPDATE audit_trail SET at = now() - make_interval(secs => $2) WHERE connection_id = $1 AND subject_id = $3`, [conn, age * 86_400, String(age)]);
    }
  }
  const kept = async (conn: string, ages: number[]) => {
    const out: number[] = [];
    for (const age of ages) if ((await store.auditHistory(conn, 'variant', String(age), page)).total > 0) out.push(age);
    return out;
  };

  it('with the default 30 days: entries of 31 and 45 days go, entries of 0, 1 and 29 days stay, in every connection', async () => {
    const ages = [0, 1, 29, 31, 45];
    await seed('p1', ages);
    await seed('p2', ages);
    const res = await createAuditPruneActivities({ store, logger }).pruneAuditTrail();
    expect(res.retentionDays).toBe(30);
    expect(res.deleted).toBe(4);
    expect(await kept('p1', ages)).toEqual([0, 1, 29]);
    expect(await kept('p2', ages)).toEqual([0, 1, 29]);
    // Nothing is left to prune: a second run deletes nothing.
    expect((await createAuditPruneActivities({ store, logger }).pruneAuditTrail()).deleted).toBe(0);
  });

  it('reads AUDIT_RETENTION_DAYS at each run (7 days: 10 goes, 6 stays); an explicit setting wins', async () => {
    await seed('p3', [6, 10]);
    process.env.AUDIT_RETENTION_DAYS = '7';
    const acts = createAuditPruneActivities({ store, logger });
    const res = await acts.pruneAuditTrail();
    expect(res.retentionDays).toBe(7);
    expect(await kept('p3', [6, 10])).toEqual([6]);
    expect((await createAuditPruneActivities({ store, logger, auditRetentionDays: 5 }).pruneAuditTrail()).retentionDays).toBe(5);
    expect(await kept('p3', [6, 10])).toEqual([]);
  });

  it('the cut-off is now minus the retention', async () => {
    const now = Date.parse('2026-06-30T00:00:00Z');
    const res = await createAuditPruneActivities({ store, logger, auditRetentionDays: 30 }, () => now).pruneAuditTrail();
    expect(res.before).toBe('2026-05-31T00:00:00.000Z');
  });
});
