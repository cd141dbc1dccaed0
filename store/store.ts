/**
 * The read model and bulk data of the service: connections, encrypted credentials, links, sync errors,
 * link runs, order mappings, failures, cursors and the audit log. Workflow state stays small; this is
 * where everything large lives. Every method is one SQL statement (or an idempotent sequence).
 */
import crypto from 'node:crypto';
import type { Config } from '../domain/config';
import type { Db } from './db';
import { migrate } from './migrations';
import { Keyring, open, seal } from './secrets';
import type {
  Attention,
  ConnectionRecord,
  ConnectionState,
  Credentials,
  FailureRecord,
  LastStockPush,
  LinkRecord,
  LinkRunRecord,
  OrderRecord,
  SyncErrorRecord,
} from './types';

export interface Page {
  page: number;
  limit: number;
}

const iso = (v: unknown): string | null => (v == null ? null : v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());
const offset = (p: Page) => (p.page - 1) * p.limit;

export class Store {
  constructor(
    readonly db: Db,
    private readonly keyring: Keyring,
  ) {}

  async migrate(): Promise<number[]> {
    return migrate(this.db);
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  async ping(): Promise<boolean> {
    await this.db.query('SELECT 1');
    return true;
  }

  // ---------------------------------------------------------------- connections

  /**
   * Claim the shop for a new connection. Succeeds when there is no record, or the previous one ended
   * (disconnected/failed): connecting the same shop again is allowed. Returns null when it is live.
   */
  async claimConnection(c: { id: string; shopId: number; workflowId: string; config: Config }): Promise<ConnectionRecord | null> {
    const rows = await this.db.query(
      `INSERT INTO connections (id, shop_id, state, workflow_id, config)
       VALUES ($1, $2, 'connecting', $3, $4)
       ON CONFLICT (id) DO UPDATE SET state = 'connecting', workflow_id = EXCLUDED.workflow_id, config = EXCLUDED.config,
         attention = NULL, counters = '{}'::jsonb, last_stock_push = NULL, created_at = now(), updated_at = now(),
         connected_at = NULL, disconnected_at = NULL
       WHERE connections.state IN ('disconnected', 'failed')
       RETURNING *`,
      [c.id, c.shopId, c.workflowId, JSON.stringify(c.config)],
    );
    return rows[0] ? toConnection(rows[0]) : null;
  }

  async getConnection(id: string): Promise<ConnectionRecord | null> {
    const rows = await this.db.query('SELECT * FROM connections WHERE id = $1', [id]);
    return rows[0] ? toConnection(rows[0]) : null;
  }

  async listConnections(): Promise<ConnectionRecord[]> {
    const rows = await this.db.query('SELECT * FROM connections ORDER BY created_at');
    return rows.map(toConnection);
  }

  async setConnectionState(id: string, state: ConnectionState, attention: Attention | null = null): Promise<void> {
    await this.db.query(
      `UPDATE connections SET state = $2, attention = $3, updated_at = now(),
         connected_at = CASE WHEN $2 = 'connected' AND connected_at IS NULL THEN now() ELSE connected_at END,
         disconnected_at = CASE WHEN $2 = 'disconnected' THEN now() ELSE disconnected_at END
       WHERE id = $1`,
      [id, state, attention ? JSON.stringify(attention) : null],
    );
  }

  async setConnectionConfig(id: string, config: Config): Promise<void> {
    await this.db.query('UPDATE connections SET config = $2, updated_at = now() WHERE id = $1', [id, JSON.stringify(config)]);
  }

  async setTikiSeller(id: string, seller: ConnectionRecord['tikiSeller']): Promise<void> {
    await this.db.query('UPDATE connections SET tiki_seller = $2, updated_at = now() WHERE id = $1', [id, JSON.stringify(seller)]);
  }

  async setLastStockPush(id: string, push: LastStockPush): Promise<void> {
    await this.db.query('UPDATE connections SET last_stock_push = $2, updated_at = now() WHERE id = $1', [id, JSON.stringify(push)]);
  }

  /** Add to named counters atomically (e.g. ordersSeen, missingRepaired). */
  async bumpCounters(id: string, deltas: Record<string, number>): Promise<void> {
    await this.db.query(
      `UPDATE connections SET counters = counters || (
         SELECT COALESCE(jsonb_object_agg(d.k, COALESCE((counters->>d.k)::bigint, 0) + d.v::bigint), '{}'::jsonb)
         FROM jsonb_each_text($2::jsonb) AS d(k, v)
       ), updated_at = now() WHERE id = $1`,
      [id, JSON.stringify(deltas)],
    );
  }

  async setCounters(id: string, values: Record<string, number | string>): Promise<void> {
    await this.db.query('UPDATE connections SET counters = counters || $2::jsonb, updated_at = now() WHERE id = $1', [id, JSON.stringify(values)]);
  }

  async counts(id: string): Promise<{ linkedVariants: number; linkedProducts: number; syncErrors: number; ordersImported: number }> {
    const rows = await this.db.query<{ lv: number; lp: number; se: number; oi: number }>(
      `SELECT (SELECT count(*) FROM links WHERE connection_id = $1)::int AS lv,
              (SELECT count(DISTINCT haravan_product_id) FROM links WHERE connection_id = $1)::int AS lp,
              (SELECT count(*) FROM sync_errors WHERE connection_id = $1 AND severity = 'error')::int AS se,
              (SELECT count(*) FROM orders WHERE connection_id = $1 AND haravan_order_id IS NOT NULL)::int AS oi`,
      [id],
    );
    const r = rows[0];
    return { linkedVariants: r.lv, linkedProducts: r.lp, syncErrors: r.se, ordersImported: r.oi };
  }

  /** Disconnect: links and current errors go; orders and the audit log stay. */
  async purgeConnectionData(id: string): Promise<void> {
    await this.db.query('DELETE FROM links WHERE connection_id = $1', [id]);
    await this.db.query('DELETE FROM sync_errors WHERE connection_id = $1', [id]);
    await this.db.query('DELETE FROM cursors WHERE connection_id = $1', [id]);
  }

  // ---------------------------------------------------------------- credentials

  async saveCredentials(connectionId: string, creds: Credentials): Promise<void> {
    const sealed = seal(this.keyring, creds, `credentials:${connectionId}`);
    await this.db.query(
      `INSERT INTO credentials (connection_id, key_id, ciphertext) VALUES ($1, $2, $3)
       ON CONFLICT (connection_id) DO UPDATE SET key_id = EXCLUDED.key_id, ciphertext = EXCLUDED.ciphertext, updated_at = now()`,
      [connectionId, sealed.keyId, sealed.ciphertext],
    );
  }

  async loadCredentials(connectionId: string): Promise<Credentials | null> {
    const rows = await this.db.query<{ key_id: string; ciphertext: string }>('SELECT key_id, ciphertext FROM credentials WHERE connection_id = $1', [connectionId]);
    if (!rows[0]) return null;
    return open<Credentials>(this.keyring, { keyId: rows[0].key_id, ciphertext: rows[0].ciphertext }, `credentials:${connectionId}`);
  }

  async deleteCredentials(connectionId: string): Promise<void> {
    await this.db.query('DELETE FROM credentials WHERE connection_id = $1', [connectionId]);
  }

  /** Key rotation: re-encrypt every record with the current key. Returns how many were rewritten. */
  async reencryptCredentials(): Promise<number> {
    const rows = await this.db.query<{ connection_id: string; key_id: string }>('SELECT connection_id, key_id FROM credentials');
    let n = 0;
    for (const r of rows) {
      if (r.key_id === this.keyring.current.id) continue;
      const creds = await this.loadCredentials(r.connection_id);
      if (creds) {
        await this.saveCredentials(r.connection_id, creds);
        n++;
      }
    }
    return n;
  }

  // ---------------------------------------------------------------- links & sync errors

  /** Upsert links (keeps last pushed values of existing links unless the Tiki SKU changed). */
  async upsertLinks(connectionId: string, links: LinkRecord[]): Promise<void> {
    if (links.length === 0) return;
    await this.db.query(
      `INSERT INTO links (connection_id, haravan_variant_id, haravan_product_id, barcode, tiki_sku, tiki_product_id, tiki_market_price, price_blocked)
       SELECT $1, x.haravan_variant_id, x.haravan_product_id, x.barcode, x.tiki_sku, x.tiki_product_id, x.tiki_market_price, x.price_blocked
       FROM jsonb_to_recordset($2::jsonb) AS x(haravan_variant_id BIGINT, haravan_product_id BIGINT, barcode TEXT, tiki_sku TEXT, tiki_product_id BIGINT, tiki_market_price BIGINT, price_blocked BOOLEAN)
       ON CONFLICT (connection_id, haravan_variant_id) DO UPDATE SET
         haravan_product_id = EXCLUDED.haravan_product_id, barcode = EXCLUDED.barcode,
         tiki_market_price = EXCLUDED.tiki_market_price, price_blocked = EXCLUDED.price_blocked,
         last_pushed_quantity = CASE WHEN links.tiki_product_id = EXCLUDED.tiki_product_id THEN links.last_pushed_quantity END,
         last_pushed_price = CASE WHEN links.tiki_product_id = EXCLUDED.tiki_product_id THEN links.last_pushed_price END,
         converged = CASE WHEN links.tiki_product_id = EXCLUDED.tiki_product_id THEN links.converged END,
         tiki_sku = EXCLUDED.tiki_sku, tiki_product_id = EXCLUDED.tiki_product_id, updated_at = now()`,
      [
        connectionId,
        JSON.stringify(
          links.map((l) => ({
            haravan_variant_id: l.haravanVariantId,
            haravan_product_id: l.haravanProductId,
            barcode: l.barcode,
            tiki_sku: l.tikiSku,
            tiki_product_id: l.tikiProductId,
            tiki_market_price: l.tikiMarketPrice ?? null,
            price_blocked: l.priceBlocked ?? false,
          })),
        ),
      ],
    );
  }

  /** Remove links of the given products whose variants are not in keepVariantIds (a re-run unlinked them). */
  async deleteLinksNotIn(connectionId: string, productIds: number[] | 'all', keepVariantIds: number[]): Promise<number> {
    const rows = await this.db.query(
      `DELETE FROM links WHERE connection_id = $1 AND ($2::bigint[] IS NULL OR haravan_product_id = ANY($2::bigint[]))
         AND NOT (haravan_variant_id = ANY($3::bigint[])) RETURNING haravan_variant_id`,
      [connectionId, productIds === 'all' ? null : productIds, keepVariantIds],
    );
    return rows.length;
  }

  /** Replace the sync errors of the given products (or all) with a new set. */
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
      [connectionId, productIds === 'all' ? null : productIds, keep, LINK_ERROR_CODES],
    );
  }

  /** Set or clear one variant-level sync error outside a link run (e.g. a price blocked at push time). */
  async upsertSyncError(connectionId: string, e: SyncErrorRecord): Promise<void> {
    await this.replaceSyncErrorsRaw(connectionId, [e]);
  }

  private async replaceSyncErrorsRaw(connectionId: string, errors: SyncErrorRecord[]): Promise<void> {
    for (const e of errors) {
      await this.db.query(
        `INSERT INTO sync_errors (connection_id, haravan_variant_id, haravan_product_id, code, severity, barcode, message, message_vi)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (connection_id, haravan_variant_id, code) DO UPDATE SET message = EXCLUDED.message, message_vi = EXCLUDED.message_vi, at = now()`,
        [connectionId, e.haravanVariantId ?? 0, e.haravanProductId ?? null, e.code, e.severity, e.barcode ?? null, e.message, e.messageVi],
      );
    }
  }

  async clearSyncError(connectionId: string, variantId: number, code: string): Promise<void> {
    await this.db.query('DELETE FROM sync_errors WHERE connection_id = $1 AND haravan_variant_id = $2 AND code = $3', [connectionId, variantId, code]);
  }

  async listLinks(connectionId: string, page: Page): Promise<{ items: LinkRecord[]; total: number }> {
    const rows = await this.db.query(
      `SELECT *, count(*) OVER() AS total_count FROM links WHERE connection_id = $1 ORDER BY haravan_product_id, haravan_variant_id LIMIT $2 OFFSET $3`,
      [connectionId, page.limit, offset(page)],
    );
    const total = rows[0] ? Number(rows[0].total_count) : await this.count('links', connectionId);
    return { items: rows.map(toLink), total };
  }

  /** Links of the given variants (all when omitted), for the stock engine. */
  async getLinks(connectionId: string, variantIds?: number[]): Promise<LinkRecord[]> {
    const rows = await this.db.query(
      `SELECT * FROM links WHERE connection_id = $1 AND ($2::bigint[] IS NULL OR haravan_variant_id = ANY($2::bigint[])) ORDER BY haravan_variant_id`,
      [connectionId, variantIds ?? null],
    );
    return rows.map(toLink);
  }

  async getLinksByProducts(connectionId: string, productIds: number[]): Promise<LinkRecord[]> {
    const rows = await this.db.query('SELECT * FROM links WHERE connection_id = $1 AND haravan_product_id = ANY($2::bigint[])', [connectionId, productIds]);
    return rows.map(toLink);
  }

  /** Links matching Tiki SKUs or barcodes (= original_sku), for mapping order items. */
  async getLinksByTikiKeys(connectionId: string, keys: string[]): Promise<LinkRecord[]> {
    if (keys.length === 0) return [];
    const rows = await this.db.query('SELECT * FROM links WHERE connection_id = $1 AND (tiki_sku = ANY($2::text[]) OR barcode = ANY($2::text[]))', [connectionId, keys]);
    return rows.map(toLink);
  }

  async getLinkedVariantIdsPage(connectionId: string, afterVariantId: number, limit: number): Promise<number[]> {
    const rows = await this.db.query<{ v: number }>(
      'SELECT haravan_variant_id AS v FROM links WHERE connection_id = $1 AND haravan_variant_id > $2 ORDER BY haravan_variant_id LIMIT $3',
      [connectionId, afterVariantId, limit],
    );
    return rows.map((r) => Number(r.v));
  }

  /** Record what Tiki confirmed for a set of links. */
  async recordPushes(
    connectionId: string,
    pushes: { haravanVariantId: number; quantity?: number; price?: number; converged?: boolean; verified?: boolean }[],
  ): Promise<void> {
    if (pushes.length === 0) return;
    await this.db.query(
      `UPDATE links l SET
         last_pushed_quantity = COALESCE(x.quantity, l.last_pushed_quantity),
         last_pushed_price = COALESCE(x.price, l.last_pushed_price),
         last_pushed_at = CASE WHEN x.quantity IS NOT NULL OR x.price IS NOT NULL THEN now() ELSE l.last_pushed_at END,
         converged = COALESCE(x.converged, l.converged),
         last_verified_at = CASE WHEN x.verified THEN now() ELSE l.last_verified_at END,
         updated_at = now()
       FROM jsonb_to_recordset($2::jsonb) AS x(haravan_variant_id BIGINT, quantity BIGINT, price BIGINT, converged BOOLEAN, verified BOOLEAN)
       WHERE l.connection_id = $1 AND l.haravan_variant_id = x.haravan_variant_id`,
      [
        connectionId,
        JSON.stringify(
          pushes.map((p) => ({
            haravan_variant_id: p.haravanVariantId,
            quantity: p.quantity ?? null,
            price: p.price ?? null,
            converged: p.converged ?? null,
            verified: p.verified ?? false,
          })),
        ),
      ],
    );
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

  // ---------------------------------------------------------------- link runs

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

  // ---------------------------------------------------------------- cursors

  async getCursor(connectionId: string, name: string): Promise<string | null> {
    const rows = await this.db.query<{ value: string }>('SELECT value FROM cursors WHERE connection_id = $1 AND name = $2', [connectionId, name]);
    return rows[0]?.value ?? null;
  }

  async setCursor(connectionId: string, name: string, value: string): Promise<void> {
    await this.db.query(
      `INSERT INTO cursors (connection_id, name, value) VALUES ($1, $2, $3)
       ON CONFLICT (connection_id, name) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [connectionId, name, value],
    );
  }

  // ---------------------------------------------------------------- orders

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

  async knownOrderCodes(connectionId: string, codes: string[]): Promise<Set<string>> {
    const rows = await this.db.query<{ tiki_code: string }>(
      'SELECT tiki_code FROM orders WHERE connection_id = $1 AND tiki_code = ANY($2::text[]) AND haravan_order_id IS NOT NULL',
      [connectionId, codes],
    );
    return new Set(rows.map((r) => r.tiki_code));
  }

  // ---------------------------------------------------------------- failures (inbox)

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

  // ---------------------------------------------------------------- audit

  async audit(connectionId: string, action: string, details?: unknown): Promise<void> {
    await this.db.query('INSERT INTO audit_log (connection_id, action, details) VALUES ($1, $2, $3)', [connectionId, action, details === undefined ? null : JSON.stringify(details)]);
  }

  async auditLog(connectionId: string, limit = 100): Promise<{ at: string; action: string; details: unknown }[]> {
    const rows = await this.db.query('SELECT at, action, details FROM audit_log WHERE connection_id = $1 ORDER BY id DESC LIMIT $2', [connectionId, limit]);
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

  private async count(table: 'links', connectionId: string): Promise<number> {
    const rows = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE connection_id = $1`, [connectionId]);
    return Number(rows[0].n);
  }
}

/** Codes a link run owns (a re-run replaces them); other codes (e.g. push-time ones) are left alone. */
export const LINK_ERROR_CODES = [
  'MISSING_BARCODE',
  'DUPLICATE_BARCODE_IN_PRODUCT',
  'SUPERSEDED_BY_LATER_PRODUCT',
  'NOT_FOUND_ON_TIKI',
  'PRICE_ABOVE_LIST_PRICE',
  'INVENTORY_NOT_TRACKED',
  'OVERSELL_UNLIMITED',
];

type Row = Record<string, any>;

function toConnection(r: Row): ConnectionRecord {
  return {
    id: r.id,
    shopId: Number(r.shop_id),
    state: r.state,
    workflowId: r.workflow_id,
    config: r.config,
    attention: r.attention ?? null,
    tikiSeller: r.tiki_seller ?? null,
    counters: r.counters ?? {},
    lastStockPush: r.last_stock_push ?? null,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    connectedAt: iso(r.connected_at),
    disconnectedAt: iso(r.disconnected_at),
  };
}

function toLink(r: Row): LinkRecord {
  return {
    haravanProductId: Number(r.haravan_product_id),
    haravanVariantId: Number(r.haravan_variant_id),
    barcode: r.barcode,
    tikiSku: r.tiki_sku,
    tikiProductId: Number(r.tiki_product_id),
    tikiMarketPrice: r.tiki_market_price == null ? null : Number(r.tiki_market_price),
    priceBlocked: r.price_blocked,
    lastPushedQuantity: r.last_pushed_quantity == null ? null : Number(r.last_pushed_quantity),
    lastPushedPrice: r.last_pushed_price == null ? null : Number(r.last_pushed_price),
    lastPushedAt: iso(r.last_pushed_at),
    converged: r.converged,
    lastVerifiedAt: iso(r.last_verified_at),
  };
}

function toSyncError(r: Row): SyncErrorRecord {
  return {
    code: r.code,
    severity: r.severity,
    haravanProductId: r.haravan_product_id == null ? null : Number(r.haravan_product_id),
    haravanVariantId: Number(r.haravan_variant_id) || null,
    barcode: r.barcode,
    message: r.message,
    messageVi: r.message_vi,
    at: iso(r.at)!,
  };
}

function toLinkRun(r: Row): LinkRunRecord {
  return {
    runId: r.run_id,
    connectionId: r.connection_id,
    state: r.state,
    dryRun: r.dry_run,
    scope: r.scope,
    processed: r.processed,
    total: r.total,
    linked: r.linked,
    errors: r.errors,
    warnings: r.warnings,
    outcomes: r.outcomes,
    error: r.error,
    startedAt: iso(r.started_at)!,
    finishedAt: iso(r.finished_at),
  };
}

function toOrder(r: Row): OrderRecord {
  return {
    tikiCode: r.tiki_code,
    haravanOrderId: r.haravan_order_id == null ? null : Number(r.haravan_order_id),
    status: r.status,
    tikiStatus: r.tiki_status,
    fulfillmentType: r.fulfillment_type,
    items: r.items,
    customer: r.customer,
    warnings: r.warnings,
    deadlineAt: iso(r.deadline_at),
    atRisk: r.at_risk,
    labelUrl: r.label_url,
    tikiCreatedAt: iso(r.tiki_created_at),
    createAttemptedAt: iso(r.create_attempted_at),
    importedAt: iso(r.imported_at),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

function toFailure(r: Row): FailureRecord {
  return {
    id: r.id,
    connectionId: r.connection_id,
    kind: r.kind,
    ref: r.ref,
    code: r.code,
    message: r.message,
    messageVi: r.message_vi,
    attempts: r.attempts,
    firstAt: iso(r.first_at)!,
    lastAt: iso(r.last_at)!,
    resolvedAt: iso(r.resolved_at),
    details: r.details,
  };
}
