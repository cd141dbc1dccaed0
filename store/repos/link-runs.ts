/** Link runs: progress and outcome of one linking pass. */
import type { LinkRunRecord } from '../types';
import { Repo } from './repo';
import { toLinkRun } from './rows';

export class LinkRunRepo extends Repo {
  async createLinkRun(r: { runId: string; connectionId: string; dryRun: boolean; scope: LinkRunRecord['scope'] }): Promise<void> {
    await this.db.query(
      `INSERT INTO link_runs (run_id, connection_id, state, dry_run, scope) VALUES ($1, $2, 'running', $3, $4) ON CONFLICT (run_id) DO NOTHING`,
      [r.runId, r.connectionId, r.dryRun, JSON.stringify(r.scope)],
    );
  }

  async updateLinkRun(runId: string, p: Partial<Pick<LinkRunRecord, 'processed' | 'total' | 'linked' | 'errors' | 'warnings' | 'state' | 'outcomes' | 'error'>>): Promise<void> {
    await this.db.query(
      `UPDATE link_runs SET processed = COALESCE($2, processed), total = COALESCE($3, total), linked = COALESCE($4, linked),
         errors = COALESCE($5, errors), warnings = COALESCE($6, warnings), state = COALESCE($7, state),
         outcomes = COALESCE($8::jsonb, outcomes), error = COALESCE($9::jsonb, error),
         finished_at = CASE WHEN $7 IN ('completed', 'failed') THEN now() ELSE finished_at END
       WHERE run_id = $1`,
      [
        runId,
        p.processed ?? null,
        p.total ?? null,
        p.linked ?? null,
        p.errors ?? null,
        p.warnings ?? null,
        p.state ?? null,
        p.outcomes ? JSON.stringify(p.outcomes) : null,
        p.error ? JSON.stringify(p.error) : null,
      ],
    );
  }

  async getLinkRun(connectionId: string, runId: string): Promise<LinkRunRecord | null> {
    const rows = await this.db.query('SELECT * FROM link_runs WHERE connection_id = $1 AND run_id = $2', [connectionId, runId]);
    return rows[0] ? toLinkRun(rows[0]) : null;
  }
}
