/**
 * Per-warehouse stock writes.
 *
 * Tiki's batch endpoint (`PUT /v2.1/products/updateSkus`) sets every warehouse of the product that is missing
 * from `warehouse_quantities` to 0. Callers must therefore send every warehouse they want to
 * keep; `mergeWarehouseQuantities` builds that complete list from the product's current stock rows.
 */
import type { TikiWarehouseStock } from './schemas';

export interface WarehouseQuantity {
  warehouseId: number;
  /** Absolute available quantity the seller holds in that warehouse. */
  qtyAvailable: number;
}

/** The wire form `{warehouse_id, qty_available}`. */
export function toWireQuantities(
  list: readonly WarehouseQuantity[],
): { warehouse_id: number; qty_available: number }[] {
  return list.map((q) => ({ warehouse_id: q.warehouseId, qty_available: q.qtyAvailable }));
}

/**
 * A complete warehouse list: every current warehouse keeps its `quantity_available` unless `updates` gives a
 * new value; warehouses only present in `updates` are appended. Order: current rows first, then new ones.
 */
export function mergeWarehouseQuantities(
  current: readonly Pick<TikiWarehouseStock, 'warehouse_id' | 'quantity_available'>[],
  updates: readonly WarehouseQuantity[],
): WarehouseQuantity[] {
  const updated = new Map<number, number>();
  for (const u of updates) updated.set(u.warehouseId, u.qtyAvailable);
  const out: WarehouseQuantity[] = [];
  const seen = new Set<number>();
  for (const row of current) {
    if (seen.has(row.warehouse_id)) continue;
    seen.add(row.warehouse_id);
    out.push({ warehouseId: row.warehouse_id, qtyAvailable: updated.get(row.warehouse_id) ?? row.quantity_available });
  }
  for (const [warehouseId, qtyAvailable] of updated) {
    if (!seen.has(warehouseId)) out.push({ warehouseId, qtyAvailable });
  }
  return out;
}

/** Why a warehouse list must not be sent (undefined when it is fine). */
export function warehouseQuantitiesProblem(
  list: readonly WarehouseQuantity[],
  currentWarehouseIds?: readonly number[],
  batch = false,
): string | undefined {
  if (batch && list.length === 0) {
    return 'warehouseQuantities is empty: the batch endpoint would set every warehouse of the product to 0';
  }
  const seen = new Set<number>();
  for (const q of list) {
    if (!Number.isInteger(q.warehouseId) || q.warehouseId <= 0) return `invalid warehouseId ${q.warehouseId}`;
    if (!Number.isInteger(q.qtyAvailable) || q.qtyAvailable < 0) {
      return `invalid qtyAvailable ${q.qtyAvailable} for warehouse ${q.warehouseId}`;
    }
    if (seen.has(q.warehouseId)) return `warehouse ${q.warehouseId} is listed twice`;
    seen.add(q.warehouseId);
  }
  if (batch && currentWarehouseIds) {
    const missing = currentWarehouseIds.filter((id) => !seen.has(id));
    if (missing.length) {
      return (
        `warehouses ${missing.join(', ')} are missing: the batch endpoint would set them to 0 ` +
        '(pass every warehouse to keep, e.g. via mergeWarehouseQuantities, or 0 explicitly)'
      );
    }
  }
  return undefined;
}
