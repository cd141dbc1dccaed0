/**
 * Tiki's catalogue data as the service keeps it (issue 17 item 2): the category tree (Tiki's, the same for every
 * seller, refreshed daily), attribute definitions per category with their dictionaries (cached on demand), and the
 * merchant's category mapping per Haravan `product_type` with a per-product override.
 */
import type { TikiCategoryRow } from '../../domain/publication/categories';
import { foldText } from '../../domain/publication/text';
import { Repo } from './repo';
import { iso } from './rows';

export interface CategoryMapping {
  productType: string | null;
  productId: number | null;
  categoryId: number;
}

export class TikiCatalogRepo extends Repo {
  /** Replace the whole tree (one transaction-free statement pair: the tree is re-read, never half-used). */
  async replaceTikiCategories(rows: TikiCategoryRow[]): Promise<void> {
    await this.db.query('DELETE FROM tiki_categories');
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      await this.db.query(
        `INSERT INTO tiki_categories (id, name, parent_id, is_primary)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::boolean[]) ON CONFLICT (id) DO NOTHING`,
        [chunk.map((r) => r.id), chunk.map((r) => r.name), chunk.map((r) => r.parentId), chunk.map((r) => !!r.isPrimary)],
      );
    }
    await this.setCatalogCache('categories', { count: rows.length });
  }

  async tikiCategories(): Promise<TikiCategoryRow[]> {
    const rows = await this.db.query('SELECT * FROM tiki_categories ORDER BY id');
    return rows.map((r) => ({ id: Number(r.id), name: String(r.name), parentId: r.parent_id == null ? null : Number(r.parent_id), isPrimary: !!r.is_primary }));
  }

  async getCatalogCache<T>(key: string): Promise<{ data: T; fetchedAt: string } | null> {
    const rows = await this.db.query('SELECT data, fetched_at FROM tiki_catalog_cache WHERE key = $1', [key]);
    return rows[0] ? { data: rows[0].data as T, fetchedAt: iso(rows[0].fetched_at)! } : null;
  }

  async setCatalogCache(key: string, data: unknown): Promise<void> {
    await this.db.query(
      `INSERT INTO tiki_catalog_cache (key, data, fetched_at) VALUES ($1, $2, now()) ON CONFLICT (key) DO UPDATE SET data = EXCLUDED.data, fetched_at = now()`,
      [key, JSON.stringify(data)],
    );
  }

  /** Map a product type (folded, so "Áo thun" and "ao THUN" are one) or one product to a Tiki category. */
  async setCategoryMapping(connectionId: string, m: { productType?: string | null; productId?: number | null; categoryId: number }): Promise<void> {
    const key = m.productId != null ? `product:${m.productId}` : `type:${foldText(m.productType ?? '')}`;
    await this.db.query(
      `INSERT INTO category_mappings (connection_id, key, product_type, product_id, category_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (connection_id, key) DO UPDATE SET category_id = EXCLUDED.category_id, updated_at = now()`,
      [connectionId, key, m.productId != null ? null : (m.productType ?? null), m.productId ?? null, m.categoryId],
    );
  }

  async categoryMappings(connectionId: string): Promise<CategoryMapping[]> {
    const rows = await this.db.query('SELECT * FROM category_mappings WHERE connection_id = $1 ORDER BY key', [connectionId]);
    return rows.map((r) => ({ productType: r.product_type == null ? null : String(r.product_type), productId: r.product_id == null ? null : Number(r.product_id), categoryId: Number(r.category_id) }));
  }
}
