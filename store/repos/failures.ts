/** The failure inbox: one open record per (connection, kind, ref), attempts counted, resolved when it succeeds. */
import crypto from 'node:crypto';
import type { FailureRecord } from '../types';
import { offset, Repo, type Page } from './repo';
import { toFailure } from './rows';

export class FailureRepo extends Repo {
  async recordFailure(f: { connectionId: string; kind: string; ref: string; code: string; message: string; messageVi: string; details?: unknown }): Promise<FailureRecord> {
    const rows = await this.db.query(
      `INSERT INTO failures (id, connection_id, kind, ref, code, message, message_vi, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (connection_id, kind, ref) WHERE resolved_at IS NULL DO UPDATE SET
         attempts = failures.attempts + 1, last_at = now(), code = EXCLUDED.code, message = EXCLUDED.message,
         message_vi = EXCLUDED.message_vi, details = EXCLUDED.details
       RETURNING *`,
      [`fail_${crypto.randomUUID()}`, f.connectionId, f.kind, f.ref, f.code, f.message, f.messageVi, f.details === undefined ? null : JSON.stringify(f.details)],
    );
    return toFailure(rows[0]);
  }

  async resolveFailures(connectionId: string, kind: string, ref: string): Promise<void> {
    await this.db.query('UPDATE failures SET resolved_at = now() WHERE connection_id = $1 AND kind = $2 AND ref = $3 AND resolved_at IS NULL', [connectionId, kind, ref]);
  }

  async getFailure(connectionId: string, id: string): Promise<FailureRecord | null> {
    const rows = await this.db.query('SELECT * FROM failures WHERE connection_id = $1 AND id = $2', [connectionId, id]);
    return rows[0] ? toFailure(rows[0]) : null;
  }

  async listFailures(connectionId: string, page: Page): Promise<{ items: FailureRecord[]; total: number }> {
    const rows = await this.db.query(
      `SELECT *, count(*) OVER() AS total_count FROM failures WHERE connection_id = $1 AND resolved_at IS NULL ORDER BY last_at DESC LIMIT $2 OFFSET $3`,
      [connectionId, page.limit, offset(page)],
    );
    return { items: rows.map(toFailure), total: rows[0] ? Number(rows[0].total_count) : 0 };
  }
}
