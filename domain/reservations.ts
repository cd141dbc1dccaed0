/**
 * Tiki's open orders counted once (product.md §8 "Tiki reservations").
 *
 * Tiki sells `quantity_available − quantity_reserved` per warehouse: an order placed on Tiki holds its units in
 * `quantity_reserved` until the goods leave (or it is cancelled / the item declined). Once we import such an order,
 * Haravan commits the same units, so the §4 quantity (`computeTarget`) already lacks them; pushing it as `available`
 * would subtract them a second time. The stock target therefore adds back, per SKU and Tiki warehouse, the units of
 * imported Tiki orders that Tiki still reserves:
 *
 * - an order holds a reservation while its Tiki status is one of `TIKI_STATUSES_HOLDING_RESERVATION` (accepted,
 *   goods not yet left); an unknown status holds none (adding back too little under-sells, too much oversells);
 * - an item declined by the seller (`seller_canceled`) holds none;
 * - units count in the warehouse the item names (`seller_inventory_id`, else the order's seller warehouse); units of
 *   an unknown warehouse go to the first target warehouse; units in a warehouse we do not write are not ours;
 * - when Tiki's rows were just read (read-back), a warehouse never gets back more than Tiki reports reserved there,
 *   and units of an unknown warehouse fill the target warehouses' reported reservations in target order.
 */
import type { PushTarget } from './stock';

/** Tiki order statuses in which the order's units are still in `quantity_reserved` (accepted, goods not left). */
export const TIKI_STATUSES_HOLDING_RESERVATION = [
  'processing',
  'waiting_payment',
  'payment_review',
  'holded',
  'paid',
  'queueing',
  'packaging',
  'finished_packing',
  'ready_to_ship',
  'picking',
  'handover_to_partner',
] as const;

/** Item confirmation status of an item the seller declined (its reservation is released). */
const ITEM_DECLINED = 'seller_canceled';

export function holdsReservation(tikiStatus: string | null | undefined): boolean {
  return (TIKI_STATUSES_HOLDING_RESERVATION as readonly string[]).includes((tikiStatus ?? '').toLowerCase());
}

/** One line of an imported order, as the store keeps it. */
export interface ReservingItem {
  tikiSku: string;
  quantity: number;
  /** The seller warehouse Tiki reserved the units in, when known. */
  tikiWarehouseId?: number | null;
  /** Tiki's confirmation status of the item, when known. */
  tikiConfirmation?: string | null;
}

export interface ReservingOrder {
  tikiStatus: string;
  items: readonly ReservingItem[];
}

/** Units held per warehouse (`null` = warehouse unknown). */
export type HeldUnits = Map<number | null, number>;

/** Per Tiki SKU, the units Tiki still reserves for the given imported orders, per warehouse. */
export function reservedByOrders(orders: readonly ReservingOrder[]): Map<string, HeldUnits> {
  const out = new Map<string, HeldUnits>();
  for (const o of orders) {
    if (!holdsReservation(o.tikiStatus)) continue;
    for (const item of o.items) {
      const qty = Math.floor(item.quantity);
      if (!item.tikiSku || !(qty > 0) || item.tikiConfirmation === ITEM_DECLINED) continue;
      const held = out.get(item.tikiSku) ?? new Map<number | null, number>();
      const wh = item.tikiWarehouseId ?? null;
      held.set(wh, (held.get(wh) ?? 0) + qty);
      out.set(item.tikiSku, held);
    }
  }
  return out;
}

/**
 * Units to add back per target warehouse (only warehouses with units > 0 appear, in target order).
 * `tikiReserved`: Tiki's `quantity_reserved` per warehouse as just read; absent when Tiki was not read.
 */
export function addBack(held: HeldUnits | undefined, targetWarehouseIds: readonly number[], tikiReserved?: ReadonlyMap<number, number>): Map<number, number> {
  const out = new Map<number, number>();
  if (!held || targetWarehouseIds.length === 0) return out;
  const cap = (w: number) => (tikiReserved ? Math.max(0, tikiReserved.get(w) ?? 0) : Infinity);
  for (const w of targetWarehouseIds) {
    const units = Math.min(held.get(w) ?? 0, cap(w));
    if (units > 0) out.set(w, units);
  }
  let unknown = held.get(null) ?? 0;
  if (unknown > 0 && !tikiReserved) {
    const first = targetWarehouseIds[0];
    out.set(first, (out.get(first) ?? 0) + unknown);
  } else {
    for (const w of targetWarehouseIds) {
      if (unknown <= 0) break;
      const room = cap(w) - (out.get(w) ?? 0);
      const units = Math.min(unknown, room);
      if (units <= 0) continue;
      out.set(w, (out.get(w) ?? 0) + units);
      unknown -= units;
    }
  }
  return new Map(targetWarehouseIds.filter((w) => out.has(w)).map((w) => [w, out.get(w)!]));
}

/** Σ of an add-back. */
export function addBackTotal(units: ReadonlyMap<number, number>): number {
  let sum = 0;
  for (const n of units.values()) sum += n;
  return sum;
}

/**
 * The add-back of one linked SKU's target: `addBack` of its held units, or nothing when the target has no quantity
 * or holds a "keep selling" marker (oversell, untracked: not stock, product.md §8). The quantity then held over the
 * target warehouses is the §4 quantity plus `addBackTotal` of it.
 */
export function targetAddBack(
  target: Pick<PushTarget, 'quantity' | 'notes'>,
  held: HeldUnits | undefined,
  targetWarehouseIds: readonly number[],
  tikiReserved?: ReadonlyMap<number, number>,
): Map<number, number> {
  if (target.quantity === undefined || target.notes.some((n) => n === 'INVENTORY_NOT_TRACKED' || n === 'OVERSELL_UNLIMITED')) return new Map();
  return addBack(held, targetWarehouseIds, tikiReserved);
}

/**
 * Whether an imported order's change (an import: `before` null; a Tiki status or item change) changes what it
 * holds — then the stock of its SKUs is pushed again, since Haravan may already have moved (commit, restock).
 */
export function reservationChanged(before: ReservingOrder | null, after: ReservingOrder | null): boolean {
  const a = reservedByOrders(before ? [before] : []);
  const b = reservedByOrders(after ? [after] : []);
  if (a.size !== b.size) return true;
  for (const [sku, held] of a) {
    const other = b.get(sku);
    if (!other || other.size !== held.size) return true;
    for (const [w, n] of held) if (other.get(w) !== n) return true;
  }
  return false;
}
