/**
 * Stock model: one row per (variant, location) with on-hand and committed quantities;
 * available = on-hand − committed (may go negative). Every change bumps the row's, the
 * variant's and the product's `updated_at` so `updated_at_min` delta polling sees it.
 */
import { notFound } from './errors';
import { InventoryRow, LocationJson, ProductJson, ShopData, VariantJson } from './types';

export interface ModelContext {
  now(): string;
  newId(): number;
}

export interface StockFigures {
  qty_onhand: number;
  qty_commited: number;
  qty_incoming: number;
  qty_available: number;
}

export function findVariant(shop: ShopData, variantId: number): { product: ProductJson; variant: VariantJson } | undefined {
  for (const product of shop.products) {
    const variant = product.variants.find((v) => v.id === variantId);
    if (variant) return { product, variant };
  }
  return undefined;
}

export function findLocation(shop: ShopData, locationId: number): LocationJson | undefined {
  return shop.locations.find((l) => l.id === locationId);
}

export function primaryLocation(shop: ShopData): LocationJson {
  return shop.locations.find((l) => l.is_primary) ?? shop.locations[0];
}

export function isTracked(variant: VariantJson): boolean {
  return (variant.inventory_management ?? '').toLowerCase() === 'haravan';
}

function rowFor(shop: ShopData, ctx: ModelContext, productId: number, variantId: number, locationId: number): InventoryRow {
  let row = shop.inventory.find((r) => r.variant_id === variantId && r.loc_id === locationId);
  if (!row) {
    row = {
      id: ctx.newId(),
      loc_id: locationId,
      product_id: productId,
      variant_id: variantId,
      qty_onhand: 0,
      qty_commited: 0,
      qty_incoming: 0,
      updated_at: ctx.now(),
    };
    shop.inventory.push(row);
  }
  return row;
}

export interface StockChange {
  variantId: number;
  locationId: number;
  /** Added to on-hand. */
  onhandDelta?: number;
  /** Replaces on-hand (applied before onhandDelta). */
  onhand?: number;
  /** Added to committed. */
  committedDelta?: number;
}

/** Apply a stock change; returns the row and whether any figure changed. */
export function changeStock(shop: ShopData, ctx: ModelContext, change: StockChange): { row: InventoryRow; changed: boolean } {
  const found = findVariant(shop, change.variantId);
  if (!found) throw notFound(`Variant ${change.variantId} not found`);
  if (!findLocation(shop, change.locationId)) throw notFound(`Location ${change.locationId} not found`);
  const row = rowFor(shop, ctx, found.product.id, change.variantId, change.locationId);
  const before = [row.qty_onhand, row.qty_commited];
  if (change.onhand !== undefined) row.qty_onhand = change.onhand;
  row.qty_onhand += change.onhandDelta ?? 0;
  row.qty_commited += change.committedDelta ?? 0;
  const changed = before[0] !== row.qty_onhand || before[1] !== row.qty_commited;
  if (changed) {
    const at = ctx.now();
    row.updated_at = at;
    found.variant.updated_at = at;
    found.product.updated_at = at;
  }
  return { row, changed };
}

export function renderRow(row: InventoryRow): InventoryRow & { qty_available: number } {
  return { ...row, qty_available: row.qty_onhand - row.qty_commited };
}

/** Shop-wide figures of a variant (sum over locations). */
export function variantStock(shop: ShopData, variantId: number): StockFigures {
  const totals: StockFigures = { qty_onhand: 0, qty_commited: 0, qty_incoming: 0, qty_available: 0 };
  for (const row of shop.inventory) {
    if (row.variant_id !== variantId) continue;
    totals.qty_onhand += row.qty_onhand;
    totals.qty_commited += row.qty_commited;
    totals.qty_incoming += row.qty_incoming;
    totals.qty_available += row.qty_onhand - row.qty_commited;
  }
  return totals;
}
