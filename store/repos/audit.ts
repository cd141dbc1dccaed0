/** The audit log per connection, and the aggregates over every connection for the API's gauges. */
import { Repo } from './repo';
import { iso } from './rows';

export class AuditRepo extends Repo {
  async audit(connectionId: string, action: string, details?: unknown): Promise<void> {
    await this.db.query('INSERT INTO audit_log (connection_id, action, details) VALUES ($1, $2, $3)', [connectionId, action, details === undefined ? null : JSON.stringify(details)]);
  }

  /** The connection's log, with the steps of its orders (kept in the audit trail, store/repos/audit-trail.ts), newest first. */
  async auditLog(connectionId: string, limit = 100): Promise<{ at: string; action: string; details: unknown }[]> {
    const rows = await this.db.query(
      `SELECT at, action, details FROM (
         SELECT at, id, 0 AS src, action, details FROM audit_log WHERE connection_id = $1
         UNION ALL SELECT at, id, 1 AS src, kind AS action, details FROM audit_trail WHERE connection_id = $1 AND subject_type = 'order'
       ) x ORDER BY at DESC, src DESC, id DESC LIMIT $2`,
      [connectionId, limit],
    );
    return rows.map((r) => ({ at: iso(r.at)!, action: String(r.action), details: r.details }));
  }

  /** Aggregates over every connection for the API's Prometheus gauges (bounded labels: no shop ids). */
  async metricsSnapshot(): Promise<{
    connections: { state: string; n: number }[];
    links: number;
    syncErrors: { code: string; severity: string; n: number }[];
    orders: { status: string; n: number }[];
    openFailures: { kind: string; n: number }[];
  }> {
    const [connections, links, syncErrors, orders, openFailures] = await Promise.all([
      this.db.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM connections GROUP BY state'),
      this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM links'),
      this.db.query<{ code: string; severity: string; n: number }>('SELECT code, severity, count(*)::int AS n FROM sync_errors GROUP BY code, severity'),
      this.db.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM orders GROUP BY status'),
      this.db.query<{ kind: string; n: number }>('SELECT kind, count(*)::int AS n FROM failures WHERE resolved_at IS NULL GROUP BY kind'),
    ]);
    const num = <T extends { n: number }>(rows: T[]) => rows.map((r) => ({ ...r, n: Number(r.n) }));
    return { connections: num(connections), links: Number(links[0]?.n ?? 0), syncErrors: num(syncErrors), orders: num(orders), openFailures: num(openFailures) };
  }
}
