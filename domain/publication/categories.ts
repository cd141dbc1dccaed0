/**
 * The Tiki category tree as the merchant uses it (issue 17 item 2): paths and leaves from Tiki's flat list,
 * a search (leaves first), a name-based suggestion so the merchant starts from a likely leaf, and which category
 * a product gets: its own override, else the mapping of its Haravan `product_type`, else none (the merchant picks).
 */
import { foldText, words } from './text';
import type { TikiCategoryRef } from './types';

/** Tiki's category tree and attribute definitions change: cached copies are read again after a day. */
export const CATALOG_MAX_AGE_MS = 24 * 3600_000;

export function isCatalogFresh(fetchedAt: string | undefined, nowMs: number): boolean {
  return !!fetchedAt && nowMs - Date.parse(fetchedAt) < CATALOG_MAX_AGE_MS;
}

export interface TikiCategoryRow {
  id: number;
  name: string;
  parentId: number | null;
  /** Tiki's `is_primary`: a category products can be listed in. */
  isPrimary?: boolean;
}

export interface CategoryItem {
  id: number;
  name: string;
  /** "Root > … > name". */
  path: string;
  isLeaf: boolean;
}

export class CategoryIndex {
  private readonly byId = new Map<number, TikiCategoryRow>();
  private readonly childCount = new Map<number, number>();

  constructor(rows: readonly TikiCategoryRow[]) {
    for (const r of rows) this.byId.set(r.id, r);
    for (const r of rows) if (r.parentId != null) this.childCount.set(r.parentId, (this.childCount.get(r.parentId) ?? 0) + 1);
  }

  get size(): number {
    return this.byId.size;
  }

  ref(id: number): TikiCategoryRef | null {
    const row = this.byId.get(id);
    if (!row) return null;
    return { id, name: row.name, path: this.pathNames(id), isLeaf: this.isLeaf(id) };
  }

  item(id: number): CategoryItem | null {
    const ref = this.ref(id);
    return ref && { id, name: ref.name, path: ref.path.join(' > '), isLeaf: ref.isLeaf };
  }

  isLeaf(id: number): boolean {
    return !this.childCount.get(id);
  }

  pathNames(id: number): string[] {
    const names: string[] = [];
    const seen = new Set<number>();
    for (let row = this.byId.get(id); row && !seen.has(row.id); row = row.parentId == null ? undefined : this.byId.get(row.parentId)) {
      seen.add(row.id);
      names.unshift(row.name);
    }
    return names;
  }

  /** Every word of `q` appears in the path (no case, no diacritics); leaves first, then shorter paths. */
  search(q: string, limit = 50): CategoryItem[] {
    const wanted = words(q);
    const out: CategoryItem[] = [];
    for (const id of this.byId.keys()) {
      const item = this.item(id)!;
      const hay = foldText(item.path);
      if (wanted.every((w) => hay.includes(w))) out.push(item);
    }
    return out.sort(byLeafThenDepth).slice(0, limit);
  }

  /**
   * Leaves ranked by how many words of the product's name and type they share (the leaf's own name counts
   * double); ties → shallower path. Empty when nothing matches.
   */
  suggest(productName: string, productType?: string | null, limit = 5): CategoryItem[] {
    const wanted = new Set([...words(productName), ...words(productType ?? '')]);
    if (wanted.size === 0) return [];
    const scored: { item: CategoryItem; score: number }[] = [];
    for (const id of this.byId.keys()) {
      if (!this.isLeaf(id)) continue;
      const item = this.item(id)!;
      const own = new Set(words(item.name).map(stem));
      const path = new Set(words(item.path).map(stem));
      let score = 0;
      for (const w of wanted) score += own.has(stem(w)) ? 2 : path.has(stem(w)) ? 1 : 0;
      if (score > 0) scored.push({ item, score });
    }
    return scored.sort((a, b) => b.score - a.score || byLeafThenDepth(a.item, b.item)).slice(0, limit).map((s) => s.item);
  }
}

/** English plurals fold to their singular so "Shirts" meets "shirt". */
function stem(w: string): string {
  return w.length > 3 && w.endsWith('s') ? w.slice(0, -1) : w;
}

function byLeafThenDepth(a: CategoryItem, b: CategoryItem): number {
  return Number(b.isLeaf) - Number(a.isLeaf) || a.path.split(' > ').length - b.path.split(' > ').length || a.id - b.id;
}

export interface CategoryChoice {
  categoryId?: number;
  source: 'request' | 'product' | 'product_type' | 'none';
}

/**
 * The category of one publication: the request's explicit `categoryId`, else the product's override, else the
 * mapping of its `product_type` (folded), else none.
 */
export function chooseCategory(
  productId: number,
  productType: string | null | undefined,
  requested: number | undefined,
  mappings: readonly { productType?: string | null; productId?: number | null; categoryId: number }[],
): CategoryChoice {
  if (requested) return { categoryId: requested, source: 'request' };
  const own = mappings.find((m) => m.productId === productId);
  if (own) return { categoryId: own.categoryId, source: 'product' };
  const type = foldText(productType ?? '');
  const byType = type ? mappings.find((m) => m.productId == null && m.productType != null && foldText(m.productType) === type) : undefined;
  if (byType) return { categoryId: byType.categoryId, source: 'product_type' };
  return { source: 'none' };
}
