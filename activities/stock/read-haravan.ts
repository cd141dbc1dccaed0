/** Reading Haravan's state of linked variants for the stock push. */
import { heartbeatOrStop } from '../cancellation';
import type { HaravanClient } from '../../connectors/haravan/client';
import type { Config } from '../../domain/config';
import { inventoryPolicyOf, isInventoryTracked } from '../../domain/inventory';
import { stockSourceLocationIds } from '../../domain/warehouse-map';
import { chunk, pool } from '../concurrency';
import { toInt } from '../mappers';
import type { HaravanVariantState, ProductLike } from './types';

export const HARAVAN_IDS_PER_CALL = 50;
/** Parallel page reads; the shared rate limiters pace them. */
export const READ_CONCURRENCY = 4;

export interface ReadHaravanOptions {
  /** Products already read (the poll's listing): not asked again. */
  preloaded?: Map<number, ProductLike>;
  /** List the chosen locations' rows whole instead of asking by variant ids. */
  fullRows?: boolean;
  /**
   * Called with each call's variants as soon as their state is complete — only when the config needs no
   * per-location rows (with chosen locations a variant is complete once the row listing is in, at the end).
   */
  onVariants?: (states: HaravanVariantState[]) => void;
}

/** One listed variant as the stock rule reads it. */
export function variantState(p: ProductLike, v: NonNullable<ProductLike['variants']>[number], readAt: number): HaravanVariantState {
  return {
    productId: Number(p.id),
    variantId: Number(v.id),
    tracked: isInventoryTracked(v.inventory_management),
    policy: inventoryPolicyOf(v.inventory_policy),
    inventoryQuantity: toInt(v.inventory_quantity),
    price: toInt(v.price),
    locations: [],
    readAt,
  };
}

/**
 * Haravan's state of the given linked variants: products by ids (≤ 50 per call, in parallel), and, when the
 * config names locations, their per-location rows (by variant ids, or the whole listing of those locations
 * when `fullRows`). With all locations the variant total `inventory_quantity` is all the rule needs.
 */
export async function readHaravan(
  haravan: HaravanClient,
  config: Config,
  productIds: number[],
  variantIds: Set<number>,
  opts: ReadHaravanOptions = {},
): Promise<Map<number, HaravanVariantState>> {
  const out = new Map<number, HaravanVariantState>();
  const chosen = stockSourceLocationIds(config);
  const stream = chosen.length === 0 ? opts.onVariants : undefined;
  const take = (p: ProductLike, readAt: number, batch?: HaravanVariantState[]) => {
    for (const v of p.variants ?? []) {
      if (!variantIds.has(Number(v.id))) continue;
      const state = variantState(p, v, readAt);
      out.set(state.variantId, state);
      batch?.push(state);
    }
  };
  const missing: number[] = [];
  const preloaded: HaravanVariantState[] = [];
  for (const id of new Set(productIds)) {
    const pre = opts.preloaded?.get(id);
    if (pre) take(pre, pre.readAt ?? Date.now(), preloaded);
    else missing.push(id);
  }
  if (stream && preloaded.length > 0) stream(preloaded);
  await pool(chunk(missing, HARAVAN_IDS_PER_CALL), READ_CONCURRENCY, async (ids) => {
    const sentAt = Date.now();
    const products = await haravan.listProducts({ ids, limit: HARAVAN_IDS_PER_CALL });
    heartbeatOrStop({ phase: 'haravan' });
    const batch: HaravanVariantState[] = [];
    for (const p of products) take(p, sentAt, batch);
    if (stream && batch.length > 0) stream(batch);
  });

  if (chosen.length > 0 && out.size > 0) {
    const addRows = (rows: { variant_id: unknown; loc_id: unknown; qty_onhand: unknown; qty_commited: unknown }[]) => {
      for (const r of rows) {
        const s = out.get(Number(r.variant_id));
        if (s) s.locations.push({ locationId: Number(r.loc_id), onHand: toInt(r.qty_onhand), committed: toInt(r.qty_commited) });
      }
    };
    if (opts.fullRows) {
      addRows(await haravan.listAllInventoryLocations({ locationIds: chosen }));
    } else {
      await pool(chunk([...out.keys()], HARAVAN_IDS_PER_CALL), READ_CONCURRENCY, async (ids) => {
        addRows(await haravan.listAllInventoryLocations({ variantIds: ids, locationIds: chosen }));
        heartbeatOrStop({ phase: 'haravan-rows' });
      });
    }
  }
  return out;
}
