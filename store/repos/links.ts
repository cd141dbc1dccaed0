/** Links (Haravan variant ⇄ Tiki product) and what Tiki confirmed for each. */
import type { LinkRecord } from '../types';
import { offset, Repo, type Page } from './repo';
import { toLink } from './rows';

export class LinkRepo extends Repo {
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
         last_pushed_split = CASE WHEN links.tiki_product_id = EXCLUDED.tiki_product_id THEN links.last_pushed_split END,
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


  async listLinks(connectionId: string, page: Page): Promise<{ items: LinkRecord[]; total: number }> {
    const rows = await this.db.query(
      `SELECT *, count(*) OVER() AS total_count FROM links WHERE connection_id = $1 ORDER BY haravan_product_id, haravan_variant_id LIMIT $2 OFFSET $3`,
      [connectionId, page.limit, offset(page)],
    );
    const total = rows[0]
      ? Number(rows[0].total_count)
      : Number((await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM links WHERE connection_id = $1', [connectionId]))[0].n);
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
    pushes: { haravanVariantId: number; quantity?: number; price?: number; split?: readonly { warehouseId: number; qtyAvailable: number }[]; converged?: boolean; verified?: boolean }[],
  ): Promise<void> {
    if (pushes.length === 0) return;
    await this.db.query(
      `UPDATE links l SET
         last_pushed_quantity = COALESCE(x.quantity, l.last_pushed_quantity),
         -- A confirmed quantity replaces the split with its own (none without a warehouse mapping).
         last_pushed_split = CASE WHEN x.quantity IS NOT NULL THEN x.split ELSE l.last_pushed_split END,
         last_pushed_price = COALESCE(x.price, l.last_pushed_price),
         last_pushed_at = CASE WHEN x.quantity IS NOT NULL OR x.price IS NOT NULL THEN now() ELSE l.last_pushed_at END,
         converged = COALESCE(x.converged, l.converged),
         last_verified_at = CASE WHEN x.verified THEN now() ELSE l.last_verified_at END,
         updated_at = now()
       FROM jsonb_to_recordset($2::jsonb) AS x(haravan_variant_id BIGINT, quantity BIGINT, price BIGINT, split JSONB, converged BOOLEAN, verified BOOLEAN)
       WHERE l.connection_id = $1 AND l.haravan_variant_id = x.haravan_variant_id`,
      [
        connectionId,
        JSON.stringify(
          pushes.map((p) => ({
            haravan_variant_id: p.haravanVariantId,
            quantity: p.quantity ?? null,
            price: p.price ?? null,
            split: p.split ? p.split.map((x) => ({ w: x.warehouseId, q: x.qtyAvailable })) : null,
            converged: p.converged ?? null,
            verified: p.verified ?? false,
          })),
        ),
      ],
    );
  }
}
