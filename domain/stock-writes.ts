/**
 * Rules of writing stock and price to Tiki: what a planned value is compared with, what Tiki holds once a
 * write is confirmed, and when a write is no longer worth sending. The values themselves come from
 * `computeTarget` and the write order from `sortByPriority` (both in `stock.ts`).
 */
import { sameQuantity, type PushValues, type WarehouseQuantity } from './stock';

/** Tiki's values of one SKU as just read from its listing. */
export interface TikiValues {
  stocks: readonly WarehouseQuantity[];
  price: number;
}

/** A change carries something to write. */
export function hasChange(change: PushValues): boolean {
  return change.quantity !== undefined || change.price !== undefined;
}

/** The very same change (both fields equal, an absent field equal only to an absent one). */
export function sameChange(a: PushValues, b: PushValues): boolean {
  return sameQuantity(a, b) && a.price === b.price;
}

/**
 * What the planned values are compared with (and ranked against).
 *
 * - Tiki's actual values when they were just read: the quantity summed over the target warehouses, and its
 *   price. With several target warehouses the quantity belongs in the first, the others holding only their
 *   add-back of reservations (see `warehouseQuantities`); when another holds something else, the quantity counts
 *   as unknown, so it is written again.
 * - Under a warehouse mapping (`regional`), each target warehouse is its own: the reference carries what each one
 *   holds (`split`), compared warehouse by warehouse (stock.ts `sameQuantity`).
 * - Otherwise the values Tiki last confirmed (their `split` included).
 */
export function referenceValues(input: {
  actual?: TikiValues;
  lastConfirmed: PushValues;
  targetWarehouseIds: readonly number[];
  /** The target's add-back per warehouse (domain/reservations.ts), none by default. */
  addBack?: ReadonlyMap<number, number>;
  /** A warehouse mapping is in force (domain/warehouse-map.ts). */
  regional?: boolean;
}): PushValues {
  const { actual, lastConfirmed, targetWarehouseIds: targets, addBack, regional } = input;
  if (!actual) return { quantity: lastConfirmed.quantity, price: lastConfirmed.price, ...(lastConfirmed.split ? { split: lastConfirmed.split } : {}) };
  const held = (w: number) => actual.stocks.find((s) => s.warehouseId === w)?.qtyAvailable ?? 0;
  const sum = actual.stocks.filter((s) => targets.includes(s.warehouseId)).reduce((a, s) => a + s.qtyAvailable, 0);
  if (regional) return { quantity: sum, price: actual.price, split: targets.map((warehouseId) => ({ warehouseId, qtyAvailable: held(warehouseId) })) };
  if (targets.slice(1).some((w) => held(w) !== (addBack?.get(w) ?? 0))) return { quantity: undefined, price: actual.price };
  return { quantity: sum, price: actual.price };
}

/**
 * What Tiki holds of our values once a write is confirmed: the written fields, and — when Tiki's actual values
 * were just read — the target's other fields too, which the read found already in place.
 */
export function heldAfterWrite(change: PushValues, target: PushValues, actualWasRead: boolean): PushValues {
  const quantity = change.quantity !== undefined ? change : actualWasRead ? target : {};
  return withSplit({ quantity: quantity.quantity, price: change.price ?? (actualWasRead ? target.price : undefined) }, quantity.split);
}

/** The last confirmed values of a SKU after a confirmed write: the new fields over the previous ones. */
export function mergeConfirmed(previous: PushValues | undefined, held: PushValues): PushValues {
  const quantity = held.quantity !== undefined ? held : (previous ?? {});
  return withSplit({ quantity: quantity.quantity, price: held.price ?? previous?.price }, quantity.split);
}

function withSplit(values: PushValues, split: PushValues['split']): PushValues {
  return split ? { ...values, split } : values;
}

/**
 * A planned write is superseded — dropped, not sent — when a value read from Haravan later than this one was
 * already confirmed on Tiki, or, when the plan was compared with the last confirmed push (not with Tiki's
 * actual values), when that push already holds every field of the change.
 */
export function isSuperseded(input: {
  change: PushValues;
  /** When this write's Haravan values were read (epoch ms). */
  readAt: number;
  /** The Haravan read time of the newest value confirmed for the SKU. */
  confirmedReadAt?: number;
  /** The plan compared with Tiki's actual values. */
  verified: boolean;
  /** The values last confirmed for the SKU. */
  lastConfirmed?: PushValues;
}): boolean {
  const { change, readAt, confirmedReadAt, verified, lastConfirmed: w } = input;
  if ((confirmedReadAt ?? 0) > readAt) return true;
  if (verified || !w) return false;
  return (change.quantity === undefined || sameQuantity(change, w)) && (change.price === undefined || change.price === w.price);
}

/**
 * Whether reading Tiki's listing back (so that the changed SKUs can go in batches) costs fewer calls than one
 * write per SKU: `listingPages` reads plus one call per batch against `changes` single writes.
 */
export function readBackPays(changes: number, listingPages: number, batchSize: number): boolean {
  return listingPages + Math.ceil(changes / batchSize) < changes;
}
