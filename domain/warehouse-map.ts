/**
 * Region-aware stock: Haravan locations → Tiki warehouses (product.md §8 "Several Tiki warehouses", config
 * `warehouseMap: [{ tikiWarehouseId, inventoryLocationIds }]`).
 *
 * Without a mapping (absent or []) nothing here changes the push: the §4 quantity goes to the first target warehouse
 * (`resolveTargetWarehouses`, `warehouseQuantities` of stock.ts). With one:
 *
 * - the target warehouses are the mapping's, in its order (`tikiWarehouseIds` and `inventoryLocationIds` are not used
 *   for stock while a mapping is set; they take effect again once it is cleared);
 * - each warehouse gets the §4 rule (`computeTarget` / `explainTarget`: the quantity table, then ratio and safety stock) computed over
 *   its own Haravan locations — so the oversell and untracked markers, too, are per warehouse;
 * - each warehouse's add-back of Tiki's reservations (domain/reservations.ts) is its own; a warehouse holding a
 *   "keep selling" marker gets none (product.md §8: markers are not stock);
 * - a Tiki order is recorded in Haravan at the first location mapped to the warehouse Tiki reserved it in, so its
 *   region's stock is the one committed;
 * - a mapping names each warehouse once, each location at most once (a location counted in two warehouses would be
 *   sold twice), at least one location per warehouse, and only the shop's real locations and the seller's real
 *   warehouses (`warehouseMapSourceIssues`, checked against a live read before a mapping is accepted).
 */
import type { Config } from './config';
import { addBack, type HeldUnits } from './reservations';
import { explainTarget, resolveTargetWarehouses, type PushTarget, type QuantityExplanation, type TargetExplanation, type TargetInput, type WarehouseQuantity } from './stock';

export interface WarehouseMapEntry {
  tikiWarehouseId: number;
  /** Haravan location ids whose stock this warehouse sells (on hand − committed, summed). */
  inventoryLocationIds: number[];
}

export const WAREHOUSE_MAP_MAX_ENTRIES = 50;
export const WAREHOUSE_MAP_MAX_LOCATIONS = 200;

/** Codes of a mapping that names a location or warehouse the vendors do not know (domain/messages.ts). */
export type WarehouseMapSourceCode = 'WAREHOUSE_MAP_UNKNOWN_LOCATION' | 'WAREHOUSE_MAP_UNKNOWN_WAREHOUSE';

export interface WarehouseMapIssue {
  path: string;
  message: string;
}

export interface WarehouseMapSourceIssue extends WarehouseMapIssue {
  code: WarehouseMapSourceCode;
  /** The location or warehouse id the vendor does not know. */
  id: number;
}

/** The mapping in force; [] when the stock goes by `inventoryLocationIds` / `tikiWarehouseIds`. */
export function warehouseMapOf(config: Pick<Config, 'warehouseMap'>): readonly WarehouseMapEntry[] {
  return config.warehouseMap ?? [];
}

/** The Haravan locations whose per-location rows the push needs ([] = none: the variant total is the source). */
export function stockSourceLocationIds(config: Pick<Config, 'warehouseMap' | 'inventoryLocationIds'>): number[] {
  const map = warehouseMapOf(config);
  if (map.length === 0) return config.inventoryLocationIds;
  return [...new Set(map.flatMap((e) => e.inventoryLocationIds))];
}

/** The Tiki warehouses the push writes: the mapping's, else `resolveTargetWarehouses` (stock.ts). */
export function stockTargetWarehouses(
  config: Pick<Config, 'warehouseMap' | 'tikiWarehouseIds'>,
  sellerWarehouses: readonly { id: number; isPrimary?: boolean }[],
): number[] {
  const map = warehouseMapOf(config);
  if (map.length === 0) return resolveTargetWarehouses(config.tikiWarehouseIds, sellerWarehouses);
  return [...new Set(map.map((e) => e.tikiWarehouseId))];
}

/** One target warehouse's §4 quantity under a mapping. */
export interface RegionalQuantity {
  warehouseId: number;
  quantity: number;
  /** The quantity is a "keep selling" marker (oversell / untracked), not stock. */
  marker: boolean;
  /** `computeTarget`'s quantity notes for this warehouse's locations. */
  notes: PushTarget['notes'];
  /** Which §4 rule row gave it (`explainTarget`). */
  explanation?: QuantityExplanation;
}

/**
 * The §4 quantity of each mapped warehouse over its own locations (mapping order); undefined without a mapping or
 * when quantity sync is off.
 */
export function regionalQuantities(input: TargetInput): RegionalQuantity[] | undefined {
  const map = warehouseMapOf(input.config);
  if (map.length === 0 || !input.config.syncQuantity) return undefined;
  return map.map((entry) => {
    const { target: t, explanation } = explainTarget({ ...input, config: { ...input.config, syncPrice: false, inventoryLocationIds: entry.inventoryLocationIds } });
    return { warehouseId: entry.tikiWarehouseId, quantity: t.quantity ?? 0, marker: t.notes.some(isMarkerNote), notes: t.notes, explanation: explanation.quantity };
  });
}

/**
 * The whole target under a mapping: `computeTarget`'s price and price notes, the quantity summed over the
 * warehouses and their quantity notes. Without a mapping, `computeTarget` as it is.
 */
export function regionalTarget(input: TargetInput): { target: PushTarget; explanation: TargetExplanation; regional?: RegionalQuantity[] } {
  const { target, explanation } = explainTarget(input);
  const regional = regionalQuantities(input);
  if (!regional) return { target, explanation };
  const notes = target.notes.filter((n) => !isMarkerNote(n));
  for (const n of regional.flatMap((r) => r.notes)) if (!notes.includes(n)) notes.push(n);
  // The quantity's explanation is per warehouse (`regional`); the whole one would name locations not used.
  return { target: { ...target, quantity: regional.reduce((a, r) => a + r.quantity, 0), notes }, explanation: { price: explanation.price }, regional };
}

/**
 * Each mapped warehouse's add-back of Tiki's reservations (`addBack` of reservations.ts over the mapped warehouses),
 * without the warehouses that hold a marker.
 */
export function regionalAddBack(regional: readonly RegionalQuantity[], held: HeldUnits | undefined, tikiReserved?: ReadonlyMap<number, number>): Map<number, number> {
  const out = addBack(held, regional.map((r) => r.warehouseId), tikiReserved);
  for (const r of regional) if (r.marker) out.delete(r.warehouseId);
  return out;
}

/** What each mapped warehouse should hold: its quantity plus its add-back (mapping order). */
export function regionalSplit(regional: readonly RegionalQuantity[], units: ReadonlyMap<number, number>): WarehouseQuantity[] {
  return regional.map((r) => ({ warehouseId: r.warehouseId, qtyAvailable: Math.max(0, Math.floor(r.quantity)) + (units.get(r.warehouseId) ?? 0) }));
}

/**
 * The Haravan location a Tiki order is recorded at: under a mapping, the first location mapped to the warehouse
 * Tiki reserved its units in (when that warehouse is mapped); otherwise `orderLocationId` (undefined = the shop's
 * primary location).
 */
export function orderLocationFor(config: Pick<Config, 'warehouseMap' | 'orderLocationId'>, tikiWarehouseId: number | null | undefined): number | undefined {
  const entry = warehouseMapOf(config).find((e) => e.tikiWarehouseId === tikiWarehouseId);
  return entry?.inventoryLocationIds[0] ?? config.orderLocationId ?? undefined;
}

/** The rules a mapping must follow by itself (the config validator, domain/config.ts). */
export function warehouseMapIssues(value: unknown): WarehouseMapIssue[] {
  const issues: WarehouseMapIssue[] = [];
  const positiveId = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (!Array.isArray(value)) return [{ path: 'warehouseMap', message: 'must be a list of { tikiWarehouseId, inventoryLocationIds }' }];
  if (value.length > WAREHOUSE_MAP_MAX_ENTRIES) issues.push({ path: 'warehouseMap', message: `must have at most ${WAREHOUSE_MAP_MAX_ENTRIES} entries` });
  const warehouses = new Set<number>();
  const locations = new Map<number, number>();
  value.forEach((entry: unknown, i) => {
    const e = entry as Partial<WarehouseMapEntry> | null;
    const at = `warehouseMap.${i}`;
    if (!e || typeof e !== 'object') {
      issues.push({ path: at, message: 'must be { tikiWarehouseId, inventoryLocationIds }' });
      return;
    }
    if (!positiveId(e.tikiWarehouseId)) issues.push({ path: `${at}.tikiWarehouseId`, message: 'must be a positive integer id' });
    else if (warehouses.has(e.tikiWarehouseId!)) issues.push({ path: `${at}.tikiWarehouseId`, message: 'names a Tiki warehouse already mapped' });
    else warehouses.add(e.tikiWarehouseId!);
    const ids = e.inventoryLocationIds;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > WAREHOUSE_MAP_MAX_LOCATIONS || !ids.every(positiveId)) {
      issues.push({ path: `${at}.inventoryLocationIds`, message: `must be a list of 1 to ${WAREHOUSE_MAP_MAX_LOCATIONS} positive integer ids` });
      return;
    }
    for (const [j, id] of ids.entries()) {
      const owner = locations.get(id);
      if (owner !== undefined) issues.push({ path: `${at}.inventoryLocationIds.${j}`, message: owner === i ? 'repeats a location' : `location ${id} is already mapped to warehouseMap.${owner}` });
      else locations.set(id, i);
    }
  });
  return issues;
}

/** The mapping's locations and warehouses that the shop and the seller do not have (as just read from them). */
export function warehouseMapSourceIssues(
  map: readonly WarehouseMapEntry[],
  known: { locationIds: readonly number[]; warehouseIds: readonly number[] },
): WarehouseMapSourceIssue[] {
  const locations = new Set(known.locationIds);
  const warehouses = new Set(known.warehouseIds);
  const issues: WarehouseMapSourceIssue[] = [];
  map.forEach((e, i) => {
    if (!warehouses.has(e.tikiWarehouseId)) {
      issues.push({ path: `warehouseMap.${i}.tikiWarehouseId`, code: 'WAREHOUSE_MAP_UNKNOWN_WAREHOUSE', id: e.tikiWarehouseId, message: `the Tiki seller has no warehouse ${e.tikiWarehouseId}` });
    }
    e.inventoryLocationIds.forEach((id, j) => {
      if (!locations.has(id)) issues.push({ path: `warehouseMap.${i}.inventoryLocationIds.${j}`, code: 'WAREHOUSE_MAP_UNKNOWN_LOCATION', id, message: `the Haravan shop has no location ${id}` });
    });
  });
  return issues;
}

function isMarkerNote(n: string): boolean {
  return n === 'INVENTORY_NOT_TRACKED' || n === 'OVERSELL_UNLIMITED';
}
