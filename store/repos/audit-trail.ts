/**
 * The audit trail per linked variant and per Tiki order (domain/audit.ts): append-only rows, read newest first per
 * subject, pruned past the retention for every connection at once.
 */
import { AUDIT_REPEAT_MS, type AuditSubject } from '../../domain/audit';
import { offset, Repo, type Page } from './repo';
import { iso } from './rows';

export interface AuditRecord {
  subjectType: AuditSubject;
  subjectId: string;
  kind: string;
  details: unknown;
  /** Left out when the subject's latest entry has this fingerprint and is younger than AUDIT_REPEAT_MS. */
  fingerprint?: string;
  /** Left out when the subject already has an entry of this kind. */
  once?: boolean;
}

export interface AuditTrailEntry {
  id: number;
  at: string;
  kind: string;
  details: unknown;
}

/** Rows deleted per statement of a prune (keeps each statement short). */
const PRUNE_BATCH = 5000;

export class AuditTrailRepo extends Repo {
  /** Append entries of one connection in one statement (the repeat and once rules of AuditRecord applied). */
  async recordAudit(connectionId: string, entries: readonly AuditRecord[]): Promise<void> {
    if (entries.length === 0) return;
    const rows = entries.map((e, i) => ({ i, s: e.subjectType, id: e.subjectId, k: e.kind, d: e.details ?? null, f: e.fingerprint ?? null, o: !!e.once }));
    await this.db.query(
      `INSERT INTO audit_trail (connection_id, subject_type, subject_id, kind, details, fingerprint)
       SELECT $1, x.s, x.id, x.k, x.d, x.f
       FROM jsonb_to_recordset($2::jsonb) AS x(i int, s text, id text, k text, d jsonb, f text, o boolean)
       WHERE NOT (x.o AND EXISTS (
               SELECT 1 FROM audit_trail t WHERE t.connection_id = $1 AND t.subject_type = x.s AND t.subject_id = x.id AND t.kind = x.k))
         AND NOT (x.f IS NOT NULL AND EXISTS (
               SELECT 1 FROM (SELECT t.fingerprint, t.at FROM audit_trail t
                              WHERE t.connection_id = $1 AND t.subject_type = x.s AND t.subject_id = x.id ORDER BY t.id DESC LIMIT 1) l
               WHERE l.fingerprint = x.f AND l.at > now() - make_interval(secs => $3)))
       ORDER BY x.i`,
      [connectionId, JSON.stringify(rows), AUDIT_REPEAT_MS / 1000],
    );
  }

  /** One step of a Tiki order's life. */
  async recordOrderStep(connectionId: string, tikiCode: string, kind: string, details: Record<string, unknown> = {}, opts: { once?: boolean } = {}): Promise<void> {
    await this.recordAudit(connectionId, [{ subjectType: 'order', subjectId: tikiCode, kind, details: { tikiCode, ...details }, once: opts.once }]);
  }

  /** A subject's entries, newest first; `page.offset` (rows to skip) wins over `page.page` when given. */
  async auditHistory(connectionId: string, subjectType: AuditSubject, subjectId: string, page: Page & { offset?: number }): Promise<{ items: AuditTrailEntry[]; total: number }> {
    const where = 'connection_id = $1 AND subject_type = $2 AND subject_id = $3';
    const [rows, count] = await Promise.all([
      this.db.query(`SELECT id, at, kind, details FROM audit_trail WHERE ${where} ORDER BY id DESC LIMIT $4 OFFSET $5`, [connectionId, subjectType, subjectId, page.limit, page.offset ?? offset(page)]),
      this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_trail WHERE ${where}`, [connectionId, subjectType, subjectId]),
    ]);
    return { items: rows.map((r) => ({ id: Number(r.id), at: iso(r.at)!, kind: String(r.kind), details: r.details })), total: Number(count[0]?.n ?? 0) };
  }

  /** Delete every connection's audit entries (trail and connection log) recorded before `before`; the number deleted. */
  async pruneAudit(before: Date): Promise<number> {
    let deleted = 0;
    for (const table of ['audit_trail', 'audit_log']) {
      for (;;) {
        const rows = await this.db.query(`DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE at < $1 ORDER BY at LIMIT ${PRUNE_BATCH}) RETURNING 1 AS one`, [before.toISOString()]);
        deleted += rows.length;
        if (rows.length < PRUNE_BATCH) break;
      }
    }
    return deleted;
  }
}
