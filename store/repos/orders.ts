/** Order mappings (Tiki order ⇄ Haravan order); the dedupe record outlives workflow retention. */
import type { OrderRecord } from '../types';
import { offset, Repo, type Page } from './repo';
import { toOrder } from './rows';

export class OrderRepo extends Repo {
  /** Insert the order mapping if new; returns the stored record (dedupe outlives workflow retention). */
  async upsertOrder(connectionId: string, o: OrderRecord): Promise<OrderRecord> {
    const rows = await this.db.query(
      `INSERT INTO orders (connection_id, tiki_code, haravan_order_id, status, tiki_status, fulfillment_type, items, customer, warnings,
                           deadline_at, at_risk, label_url, tiki_created_at, create_attempted_at, imported_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (connection_id, tiki_code) DO UPDATE SET
         haravan_order_id = COALESCE(orders.haravan_order_id, EXCLUDED.haravan_order_id),
         status = EXCLUDED.status, tiki_status = EXCLUDED.tiki_status,
         fulfillment_type = COALESCE(EXCLUDED.fulfillment_type, orders.fulfillment_type),
         items = EXCLUDED.items, customer = EXCLUDED.customer, warnings = EXCLUDED.warnings,
         deadline_at = EXCLUDED.deadline_at, at_risk = EXCLUDED.at_risk,
         label_url = COALESCE(EXCLUDED.label_url, orders.label_url),
         tiki_created_at = COALESCE(orders.tiki_created_at, EXCLUDED.tiki_created_at),
         create_attempted_at = COALESCE(orders.create_attempted_at, EXCLUDED.create_attempted_at),
         imported_at = COALESCE(orders.imported_at, EXCLUDED.imported_at),
         updated_at = now()
       RETURNING *`,
      [
        connectionId,
        o.tikiCode,
        o.haravanOrderId ?? null,
        o.status,
        o.tikiStatus,
        o.fulfillmentType ?? null,
        JSON.stringify(o.items),
        JSON.stringify(o.customer),
        JSON.stringify(o.warnings),
        o.deadlineAt ?? null,
        o.atRisk ?? false,
        o.labelUrl ?? null,
        o.tikiCreatedAt ?? null,
        o.createAttemptedAt ?? null,
        o.importedAt ?? null,
      ],
    );
    return toOrder(rows[0]);
  }

  async patchOrder(connectionId: string, tikiCode: string, p: Partial<Pick<OrderRecord, 'status' | 'tikiStatus' | 'atRisk' | 'labelUrl' | 'haravanOrderId' | 'createAttemptedAt' | 'importedAt' | 'warnings'>>): Promise<void> {
    await this.db.query(
      `UPDATE orders SET status = COALESCE($3, status), tiki_status = COALESCE($4, tiki_status), at_risk = COALESCE($5, at_risk),
         label_url = COALESCE($6, label_url), haravan_order_id = COALESCE(haravan_order_id, $7),
         create_attempted_at = COALESCE(create_attempted_at, $8), imported_at = COALESCE(imported_at, $9),
         warnings = COALESCE($10::jsonb, warnings), updated_at = now()
       WHERE connection_id = $1 AND tiki_code = $2`,
      [
        connectionId,
        tikiCode,
        p.status ?? null,
        p.tikiStatus ?? null,
        p.atRisk ?? null,
        p.labelUrl ?? null,
        p.haravanOrderId ?? null,
        p.createAttemptedAt ?? null,
        p.importedAt ?? null,
        p.warnings ? JSON.stringify(p.warnings) : null,
      ],
    );
  }

  /**
   * Set (before a create call is sent) or clear (once its outcome is known) the "ambiguous at" marker. Setting
   * keeps an earlier pending time: the earliest unanswered create is the one the settle window waits for.
   */
  async markCreateSent(connectionId: string, tikiCode: string, sentAt: string | null): Promise<void> {
    await this.db.query(
      `UPDATE orders SET create_sent_at = CASE WHEN $3::timestamptz IS NULL THEN NULL ELSE COALESCE(create_sent_at, $3::timestamptz) END, updated_at = now()
       WHERE connection_id = $1 AND tiki_code = $2`,
      [connectionId, tikiCode, sentAt],
    );
  }

  /** Point the mapping at another Haravan order (the duplicate repair keeps the oldest). */
  async remapHaravanOrder(connectionId: string, tikiCode: string, haravanOrderId: number): Promise<void> {
    await this.db.query('UPDATE orders SET haravan_order_id = $3, updated_at = now() WHERE connection_id = $1 AND tiki_code = $2', [connectionId, tikiCode, haravanOrderId]);
  }

  async getOrder(connectionId: string, tikiCode: string): Promise<OrderRecord | null> {
    const rows = await this.db.query('SELECT * FROM orders WHERE connection_id = $1 AND tiki_code = $2', [connectionId, tikiCode]);
    return rows[0] ? toOrder(rows[0]) : null;
  }

  async listOrders(connectionId: string, filter: { status?: string } & Page): Promise<{ items: OrderRecord[]; total: number }> {
    const rows = await this.db.query(
      `SELECT *, count(*) OVER() AS total_count FROM orders WHERE connection_id = $1 AND ($2::text IS NULL OR status = $2)
       ORDER BY COALESCE(tiki_created_at, created_at) DESC, tiki_code LIMIT $3 OFFSET $4`,
      [connectionId, filter.status ?? null, filter.limit, offset(filter)],
    );
    const total = rows[0]
      ? Number(rows[0].total_count)
      : Number((await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE connection_id = $1 AND ($2::text IS NULL OR status = $2)', [connectionId, filter.status ?? null]))[0].n);
    return { items: rows.map(toOrder), total };
  }

  /**
   * Imported orders (mapped to a Haravan order) in one of the given Tiki statuses, with just what the stock
   * target needs of them (domain/reservations.ts decides which statuses hold a Tiki reservation).
   */
  async importedOrdersInTikiStatuses(connectionId: string, tikiStatuses: readonly string[]): Promise<Pick<OrderRecord, 'tikiCode' | 'tikiStatus' | 'items'>[]> {
    const rows = await this.db.query<{ tiki_code: string; tiki_status: string; items: OrderRecord['items'] }>(
      'SELECT tiki_code, tiki_status, items FROM orders WHERE connection_id = $1 AND haravan_order_id IS NOT NULL AND lower(tiki_status) = ANY($2::text[])',
      [connectionId, tikiStatuses.map((s) => s.toLowerCase())],
    );
    return rows.map((r) => ({ tikiCode: r.tiki_code, tikiStatus: r.tiki_status, items: r.items }));
  }

  async knownOrderCodes(connectionId: string, codes: string[]): Promise<Set<string>> {
    const rows = await this.db.query<{ tiki_code: string }>(
      'SELECT tiki_code FROM orders WHERE connection_id = $1 AND tiki_code = ANY($2::text[]) AND haravan_order_id IS NOT NULL',
      [connectionId, codes],
    );
    return new Set(rows.map((r) => r.tiki_code));
  }
}
