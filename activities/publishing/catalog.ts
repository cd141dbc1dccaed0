/**
 * Tiki's catalogue data for publishing, read through the store: the category tree (refreshed when older than a
 * day, as Tiki asks) and each category's attribute definitions with their dictionaries (cached a day, on demand).
 * When Tiki cannot be read, a stale copy is used rather than failing the merchant's request.
 */
import type { TikiClient } from '../../connectors/tiki/client';
import { CategoryIndex, isCatalogFresh } from '../../domain/publication/categories';
import type { TikiAttributeDef } from '../../domain/publication/types';
import type { Store } from '../../store/store';

/** Dictionaries larger than this are not listed whole (brand has tens of thousands on Tiki): searched by `q`. */
export const DICTIONARY_MAX_VALUES = 2_000;

const fresh = (fetchedAt: string | undefined) => isCatalogFresh(fetchedAt, Date.now());

export async function categoryIndex(store: Store, tiki: TikiClient | null): Promise<CategoryIndex> {
  const meta = await store.getCatalogCache<{ count: number }>('categories');
  if (tiki && !fresh(meta?.fetchedAt)) {
    try {
      const rows = await tiki.publishing.listCategories();
      // An empty answer is not proof of an empty tree (tiki-product-requests.md §4): keep the old one.
      if (rows.length > 0) await store.replaceTikiCategories(rows);
    } catch (err) {
      if (!meta) throw err;
    }
  }
  return new CategoryIndex(await store.tikiCategories());
}

export async function categoryAttributes(store: Store, tiki: TikiClient | null, categoryId: number): Promise<TikiAttributeDef[]> {
  const key = `attributes:${categoryId}`;
  const cached = await store.getCatalogCache<TikiAttributeDef[]>(key);
  if (cached && (fresh(cached.fetchedAt) || !tiki)) return cached.data;
  if (!tiki) return [];
  try {
    const defs = await tiki.publishing.getCategoryAttributes(categoryId);
    const out: TikiAttributeDef[] = [];
    for (const { id, ...def } of defs) {
      if ((def.type === 'select' || def.type === 'multiselect') && id != null) {
        const values = await tiki.publishing.getAttributeValues(id, undefined, Math.ceil(DICTIONARY_MAX_VALUES / 100));
        out.push(values.length > 0 ? { ...def, values } : def);
      } else out.push(def);
    }
    await store.setCatalogCache(key, out);
    return out;
  } catch (err) {
    if (cached) return cached.data;
    throw err;
  }
}
