/**
 * Stock and price push rules: the absolute quantity and price Tiki should hold for a linked variant.
 *
 * `computeTarget` turns one linked variant's Haravan state into the absolute values Tiki should hold.
 * Quantity (q = variant total `inventory_quantity` when all locations are used, else Σ over the chosen
 * locations of on hand − committed):
 *
 * | tracked | policy   | q      | pushed                       |
 * |---------|----------|--------|------------------------------|
 * | yes     | continue | q > 0  | q                            |
 * | yes     | continue | q ≤ 0  | oversellQuantity             |
 * | yes     | deny     | q ≥ 0  | q                            |
 * | yes     | deny     | q < 0  | 0                            |
 * | no      | —        | —      | untrackedQuantity            |
 *
 * Then, only for a tracked variant whose quantity came from real stock (not the oversell / untracked big
 * numbers): × stockRatioPercent / 100 rounded down, − safetyStock, floored at 0.
 *
 * Price: the Haravan price, when price sync is on and Tiki would accept it — not above the Tiki list price
 * (PRICE_ABOVE_LIST_PRICE, as in linking) and, per Tiki's validation rules for a SKU update, > 0 and
 * ≥ 10 % of the list price (PRICE_BELOW_TIKI_MINIMUM). A blocked price is simply not sent, so the quantity of
 * the same SKU still goes through instead of the whole item being rejected by Tiki.
 */
import type { Config } from './config';
import type { SyncErrorCode } from './terms';
import { isPriceAboveListPrice } from './linking';
import type { InventoryPolicy } from './types';

export type QuantityNote = 'INVENTORY_NOT_TRACKED' | 'OVERSELL_UNLIMITED';
/** Sync error codes (domain/terms.ts) a blocked price is reported with. */
export type PriceBlockCode = Extract<SyncErrorCode, 'PRICE_ABOVE_LIST_PRICE' | 'PRICE_BELOW_TIKI_MINIMUM'>;
export type TargetNote = QuantityNote | PriceBlockCode;

export interface LocationStock {
  locationId: number;
  /** `qty_onhand`. */
  onHand: number;
  /** `qty_commited` (sic in Haravan). */
  committed: number;
}

export interface VariantStockState {
  tracked: boolean;
  policy: InventoryPolicy;
  /** Variant total (`inventory_quantity`), used when all locations are the source. */
  inventoryQuantity: number;
  price: number;
  locations: LocationStock[];
}

export interface TargetInput {
  variant: VariantStockState;
  tiki: { marketPrice: number };
  config: Config;
}

export interface PushTarget {
  /** Absolute quantity to hold on Tiki; absent when quantity sync is off. */
  quantity?: number;
  /** Absolute price to hold on Tiki; absent when price sync is off or the price is blocked. */
  price?: number;
  /** Codes explaining how the values were derived or why one is missing. */
  notes: TargetNote[];
  priceBlocked?: PriceBlockCode;
}

export interface PushValues {
  quantity?: number;
  price?: number;
  /**
   * Under a warehouse mapping (domain/warehouse-map.ts) only: what each target warehouse holds, summing to
   * `quantity`. Absent otherwise — then `quantity` belongs in the first target warehouse (`warehouseQuantities`).
   */
  split?: readonly WarehouseQuantity[];
}

export type PushPriority = 'decrease' | 'increase' | 'price';

/** The order of the write queues: lower goes first. */
export const PRIORITY_RANK: Readonly<Record<PushPriority, number>> = { decrease: 0, increase: 1, price: 2 };

export interface PushItem {
  change: PushValues;
  lastPushed: PushValues;
}

export interface WarehouseQuantity {
  warehouseId: number;
  qtyAvailable: number;
}

/** Tiki rejects a price under this share of the list price (its validation of a SKU update). */
export const TIKI_MIN_PRICE_RATIO = 0.1;

/**
 * The row of the quantity table above (product.md §4, rows numbered 1–8 in its order) that gave a quantity: the
 * explanation `explainTarget` returns beside the number ("Vì sao Tiki hiển thị số này?").
 */
export const QUANTITY_RULES = [
  'continue-all-positive',
  'continue-all-oversell',
  'deny-all',
  'deny-all-negative',
  'continue-chosen-positive',
  'continue-chosen-oversell',
  'deny-chosen',
  'untracked',
] as const;
export type QuantityRule = (typeof QUANTITY_RULES)[number];

/** product.md §4's row number of a rule (1-based, in the table's order). */
export const quantityRuleRow = (rule: QuantityRule): number => QUANTITY_RULES.indexOf(rule) + 1;

/** How the quantity was derived: the rule row, q and where it came from, and the allocation applied after it. */
export interface QuantityExplanation {
  rule: QuantityRule;
  row: number;
  /** 'all' = the variant total ("Kho tổng"), 'chosen' = Σ over the chosen locations of on hand − committed. */
  source: 'all' | 'chosen' | 'none';
  /** Haravan quantity q (absent for an untracked variant: not read). */
  q?: number;
  /** The table's quantity, before the ratio and the safety stock. */
  tableQuantity: number;
  /** Ratio and safety stock, present when they applied (real stock, not a "keep selling" number). */
  allocation?: { stockRatioPercent: number; afterRatio: number; safetyStock: number };
  quantity: number;
}

export interface PriceExplanation {
  haravanPrice: number;
  marketPrice: number;
  /** The price sent; absent when blocked. */
  price?: number;
  blocked?: PriceBlockCode;
}

/** Why `computeTarget` gave its values; a side absent when its sync is off. */
export interface TargetExplanation {
  quantity?: QuantityExplanation;
  price?: PriceExplanation;
}

export function computeTarget(input: TargetInput): PushTarget {
  return explainTarget(input).target;
}

/** `computeTarget` with the explanation of each value (the one definition of the rule: computeTarget is this). */
export function explainTarget(input: TargetInput): { target: PushTarget; explanation: TargetExplanation } {
  const { variant, tiki, config } = input;
  const notes: TargetNote[] = [];
  const target: PushTarget = { notes };
  const explanation: TargetExplanation = {};

  if (config.syncQuantity) {
    const q = quantityFor(variant, config);
    target.quantity = q.quantity;
    if (q.note) notes.push(q.note);
    explanation.quantity = q.explanation;
  }

  if (config.syncPrice) {
    const blocked = priceBlockFor(variant.price, tiki.marketPrice);
    explanation.price = { haravanPrice: variant.price, marketPrice: tiki.marketPrice };
    if (blocked) {
      target.priceBlocked = blocked;
      notes.push(blocked);
      explanation.price.blocked = blocked;
    } else {
      target.price = Math.round(variant.price);
      explanation.price.price = target.price;
    }
  }
  return { target, explanation };
}

/** Haravan quantity q for the configured source locations ([] = all → the variant total). */
export function sourceQuantity(variant: Pick<VariantStockState, 'inventoryQuantity' | 'locations'>, inventoryLocationIds: readonly number[]): number {
  if (inventoryLocationIds.length === 0) return variant.inventoryQuantity;
  const chosen = new Set(inventoryLocationIds);
  let sum = 0;
  for (const row of variant.locations) {
    if (chosen.has(row.locationId)) sum += row.onHand - row.committed;
  }
  return sum;
}

/** The same quantity: the same total and, under a warehouse mapping, the same quantity in every warehouse. */
export function sameQuantity(a: PushValues, b: PushValues): boolean {
  return a.quantity === b.quantity && sameSplit(a.split, b.split);
}

function sameSplit(a: readonly WarehouseQuantity[] | undefined, b: readonly WarehouseQuantity[] | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.length !== b.length) return false;
  return a.every((row) => b.some((o) => o.warehouseId === row.warehouseId && o.qtyAvailable === row.qtyAvailable));
}

/** Only the values of `target` that differ from what Tiki last confirmed; null when nothing changed. */
export function diffPush(target: PushValues, lastPushed: PushValues): PushValues | null {
  const change: PushValues = {};
  if (target.quantity !== undefined && !sameQuantity(target, lastPushed)) {
    change.quantity = target.quantity;
    if (target.split) change.split = target.split;
  }
  if (target.price !== undefined && target.price !== lastPushed.price) change.price = target.price;
  return change.quantity === undefined && change.price === undefined ? null : change;
}

/**
 * Which queue a change goes to. A quantity never confirmed before counts as a decrease: we do not know what
 * Tiki holds, so it may be too high and is as urgent as a real decrease.
 */
export function classifyPriority(change: PushValues, lastPushed: PushValues): PushPriority {
  if (change.quantity === undefined || sameQuantity(change, lastPushed)) return 'price';
  // The same total moved between mapped warehouses: one of them goes down.
  if (change.quantity === lastPushed.quantity) return 'decrease';
  if (lastPushed.quantity === undefined || change.quantity < lastPushed.quantity) return 'decrease';
  return 'increase';
}

/**
 * Stock decreases first (the overselling risk; among them the lowest new quantity first, so sell-outs go out
 * before mere reductions), then increases, then price-only changes. Stable otherwise; does not mutate `items`.
 */
export function sortByPriority<T extends PushItem>(items: readonly T[]): T[] {
  const rank = PRIORITY_RANK;
  return items
    .map((item, index) => ({ item, index, priority: classifyPriority(item.change, item.lastPushed) }))
    .sort((a, b) => {
      if (a.priority !== b.priority) return rank[a.priority] - rank[b.priority];
      if (a.priority === 'decrease') {
        const qa = a.item.change.quantity ?? 0;
        const qb = b.item.change.quantity ?? 0;
        if (qa !== qb) return qa - qb;
      }
      return a.index - b.index;
    })
    .map((entry) => entry.item);
}

/**
 * The Tiki warehouse(s) to write: the configured ids, else the seller's primary warehouse, else its first.
 * Returns [] only when the seller has no warehouse at all.
 */
export function resolveTargetWarehouses(configured: readonly number[], sellerWarehouses: readonly { id: number; isPrimary?: boolean }[]): number[] {
  if (configured.length > 0) return unique(configured);
  const primary = sellerWarehouses.find((w) => w.isPrimary) ?? sellerWarehouses[0];
  return primary ? [primary.id] : [];
}

/**
 * The complete `warehouse_quantities` list for one SKU.
 *
 * - The whole target quantity goes to the FIRST target warehouse; every other target warehouse is set to 0.
 *   Tiki sells the sum over warehouses, so this keeps Tiki's sellable total equal to the target: leaving the
 *   other configured warehouses at their current values would add to it and oversell, and splitting the quantity
 *   would need a per-warehouse source the config does not express. Except the add-back of Tiki's reservations
 *   (`addBack`, domain/reservations.ts; included in `quantity`): each target warehouse other than the first holds
 *   its own add-back, since Tiki subtracts a warehouse's reservations from that warehouse only.
 * - Under a warehouse mapping, `split` (PushValues) says what each target warehouse holds instead (its own §4
 *   quantity plus its own add-back, domain/warehouse-map.ts); a target warehouse it leaves out holds 0.
 * - Every other warehouse the SKU currently has is carried with its current value, because the batch endpoint
 *   zeroes any warehouse left out and those warehouses are not ours to change.
 * Output order: target warehouses (config order), then the others in their current order; ids are unique.
 */
export function warehouseQuantities(
  quantity: number,
  targetWarehouseIds: readonly number[],
  currentStocks: readonly WarehouseQuantity[],
  addBack: ReadonlyMap<number, number> = new Map(),
  split?: readonly WarehouseQuantity[],
): WarehouseQuantity[] {
  const targets = unique(targetWarehouseIds);
  if (targets.length === 0) throw new Error('warehouseQuantities: at least one target Tiki warehouse is required');
  const whole = (n: number) => (Number.isFinite(n) ? Math.max(0, Math.floor(n)) : 0);
  let out: WarehouseQuantity[];
  if (split) {
    out = targets.map((warehouseId) => ({ warehouseId, qtyAvailable: whole(split.find((s) => s.warehouseId === warehouseId)?.qtyAvailable ?? 0) }));
  } else {
    const qty = whole(quantity);
    const others = targets.slice(1).map((w) => whole(addBack.get(w) ?? 0));
    const first = Math.max(0, qty - others.reduce((a, n) => a + n, 0));
    out = targets.map((warehouseId, i) => ({ warehouseId, qtyAvailable: i === 0 ? first : others[i - 1] }));
  }
  const seen = new Set(targets);
  for (const stock of currentStocks) {
    if (seen.has(stock.warehouseId)) continue;
    seen.add(stock.warehouseId);
    out.push({ warehouseId: stock.warehouseId, qtyAvailable: stock.qtyAvailable });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

function quantityFor(variant: VariantStockState, config: Config): { quantity: number; note?: QuantityNote; explanation: QuantityExplanation } {
  const done = (rule: QuantityRule, quantity: number, rest: Omit<QuantityExplanation, 'rule' | 'row' | 'quantity'>) => ({ rule, row: quantityRuleRow(rule), quantity, ...rest });
  if (!variant.tracked) {
    const quantity = config.untrackedQuantity;
    return { quantity, note: 'INVENTORY_NOT_TRACKED', explanation: done('untracked', quantity, { source: 'none', tableQuantity: quantity }) };
  }
  const source = config.inventoryLocationIds.length === 0 ? 'all' : 'chosen';
  const q = sourceQuantity(variant, config.inventoryLocationIds);
  if (variant.policy === 'continue' && q <= 0) {
    const quantity = config.oversellQuantity;
    const rule = source === 'all' ? 'continue-all-oversell' : 'continue-chosen-oversell';
    return { quantity, note: 'OVERSELL_UNLIMITED', explanation: done(rule, quantity, { source, q, tableQuantity: quantity }) };
  }
  const rule: QuantityRule =
    variant.policy === 'continue' ? (source === 'all' ? 'continue-all-positive' : 'continue-chosen-positive') : source === 'chosen' ? 'deny-chosen' : q < 0 ? 'deny-all-negative' : 'deny-all';
  const tableQuantity = Math.max(0, q);
  const allocation = allocate(tableQuantity, config);
  return { quantity: allocation.quantity, explanation: done(rule, allocation.quantity, { source, q, tableQuantity, allocation: allocation.explained }) };
}

/** Channel allocation ratio (rounded down), then safety stock (floored at 0). */
function allocate(q: number, config: Pick<Config, 'stockRatioPercent' | 'safetyStock'>): { quantity: number; explained: NonNullable<QuantityExplanation['allocation']> } {
  const ratio = Math.max(0, config.stockRatioPercent);
  const safety = Math.max(0, config.safetyStock);
  const afterRatio = Math.floor((Math.floor(q) * ratio) / 100);
  return { quantity: Math.max(0, afterRatio - safety), explained: { stockRatioPercent: ratio, afterRatio, safetyStock: safety } };
}

function priceBlockFor(price: number, marketPrice: number): PriceBlockCode | undefined {
  if (isPriceAboveListPrice(price, marketPrice, true)) return 'PRICE_ABOVE_LIST_PRICE';
  if (!(price > 0) || (marketPrice > 0 && price < marketPrice * TIKI_MIN_PRICE_RATIO)) return 'PRICE_BELOW_TIKI_MINIMUM';
  return undefined;
}

function unique(ids: readonly number[]): number[] {
  return [...new Set(ids)];
}
