/** Current sync errors per variant: the ones a link run owns, and push-time ones set one at a time. */
import { LINK_ISSUE_CODES } from '../../domain/terms';
import type { SyncErrorRecord } from '../types';
import { offset, Repo, type Page } from './repo';
import { toSyncError } from './rows';


export class SyncErrorRepo extends Repo {
  /**
   * Replace the sync errors of the given products (or all) with a new set. Only the codes a link run owns
   * (LINK_ISSUE_CODES) are replaced; other codes (set at push time) are left alone.
   */
  async replaceSyncErrors(connectionId: string, productIds: number[] | 'all', errors: SyncErrorRecord[]): Promise<void> {
    if (errors.length > 0) {
      await this.db.query(
        `INSERT INTO sync_errors (connection_id, haravan_variant_id, haravan_product_id, code, severity, barcode, message, message_vi, at)
         SELECT $1, COALESCE(x.haravan_variant_id, 0), x.haravan_product_id, x.code, x.severity, x.barcode, x.message, x.message_vi, now()
         FROM jsonb_to_recordset($2::jsonb) AS x(haravan_variant_id BIGINT, haravan_product_id BIGINT, code TEXT, severity TEXT, barcode TEXT, message TEXT, message_vi TEXT)
         ON CONFLICT (connection_id, haravan_variant_id, code) DO UPDATE SET haravan_product_id = EXCLUDED.haravan_product_id,
           severity = EXCLUDED.severity, barcode = EXCLUDED.barcode, message = EXCLUDED.message, message_vi = EXCLUDED.message_vi`,
        [
          connectionId,
          JSON.stringify(
            errors.map((e) => ({
              haravan_variant_id: e.haravanVariantId ?? null,
              haravan_product_id: e.haravanProductId ?? null,
              code: e.code,
              severity: e.severity,
              barcode: e.barcode ?? null,
              message: e.message,
              message_vi: e.messageVi,
            })),
          ),
        ],
      );
    }
    const keep = errors.map((e) => `${e.haravanVariantId ?? 0}:${e.code}`);
    await this.db.query(
      `DELETE FROM sync_errors WHERE connection_id = $1 AND ($2::bigint[] IS NULL OR haravan_product_id = ANY($2::bigint[]))
         AND code IN (SELECT unnest($4::text[])) AND NOT ((haravan_variant_id::text || ':' || code) = ANY($3::text[]))`,
      [connectionId, productIds === 'all' ? null : productIds, keep, LINK_ISSUE_CODES],
    );
  }

  /** Set or clear one variant-level sync error outside a link run (e.g. a price blocked at push time). */
  async upsertSyncError(connectionId: string, e: SyncErrorRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO sync_errors (connection_id, haravan_variant_id, haravan_product_id, code, severity, barcode, message, message_vi)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (connection_id, haravan_variant_id, code) DO UPDATE SET message = EXCLUDED.message, message_vi = EXCLUDED.message_vi, at = now()`,
      [connectionId, e.haravanVariantId ?? 0, e.haravanProductId ?? null, e.code, e.severity, e.barcode ?? null, e.message, e.messageVi],
    );
  }

  async clearSyncError(connectionId: string, variantId: number, code: string): Promise<void> {
    await this.db.query('DELETE FROM sync_errors WHERE connection_id = $1 AND haravan_variant_id = $2 AND code = $3', [connectionId, variantId, code]);
  }

  async listSyncErrors(connectionId: string, filter: { code?: string } & Page): Promise<{ items: SyncErrorRecord[]; total: number }> {
    const rows = await this.db.query(
      `SELECT *, count(*) OVER() AS total_count FROM sync_errors WHERE connection_id = $1 AND ($2::text IS NULL OR code = $2)
       ORDER BY haravan_product_id NULLS LAST, haravan_variant_id, code LIMIT $3 OFFSET $4`,
      [connectionId, filter.code ?? null, filter.limit, offset(filter)],
    );
    const total = rows[0]
      ? Number(rows[0].total_count)
      : Number((await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM sync_errors WHERE connection_id = $1 AND ($2::text IS NULL OR code = $2)', [connectionId, filter.code ?? null]))[0].n);
    return { items: rows.map(toSyncError), total };
  }
}
