/** Planning a push: each linked variant's target values against what Tiki holds (read or last confirmed). */
import type { Config } from '../../domain/config';
import { computeTarget, diffPush, resolveTargetWarehouses, type PushValues } from '../../domain/stock';
import { referenceValues } from '../../domain/stock-writes';
import type { Store } from '../../store/store';
import type { LinkRecord } from '../../store/types';
import type { HaravanVariantState, PlannedPush, Seen, TikiActual } from './types';

/** The connection's config and the Tiki warehouses its stock goes to; null when the connection is gone. */
export async function loadStockContext(store: Store, connectionId: string) {
  const connection = await store.getConnection(connectionId);
  if (!connection) return null;
  const sellerWarehouses = (connection.tikiSeller?.warehouseIds ?? []).map((id, i) => ({ id, isPrimary: i === 0 }));
  const targets = resolveTargetWarehouses(connection.config.tikiWarehouseIds, sellerWarehouses);
  return { connection, config: connection.config, targets };
}

/**
 * One planned push per link whose variant was read: the target values (`computeTarget`), the reference they
 * are compared with (`referenceValues`: Tiki's actual values when `actual` holds them, else the link's last
 * confirmed push) and the change between them.
 */
export function plan(
  links: LinkRecord[],
  state: Map<number, HaravanVariantState>,
  config: Config,
  targets: number[],
  opts: { actual?: Map<number, TikiActual>; seen?: Map<number, Seen> } = {},
): PlannedPush[] {
  const planned: PlannedPush[] = [];
  for (const link of links) {
    const v = state.get(link.haravanVariantId);
    if (!v) continue;
    const actual = opts.actual?.get(link.tikiProductId);
    const target = computeTarget({
      variant: { tracked: v.tracked, policy: v.policy, inventoryQuantity: v.inventoryQuantity, price: v.price, locations: v.locations },
      // Tiki's list price as just read beats the one recorded at link time.
      tiki: { marketPrice: actual ? actual.marketPrice : (link.tikiMarketPrice ?? 0) },
      config,
    });
    const values: PushValues = { quantity: target.quantity, price: target.price };
    const reference = referenceValues({
      actual,
      lastConfirmed: { quantity: link.lastPushedQuantity ?? undefined, price: link.lastPushedPrice ?? undefined },
      targetWarehouseIds: targets,
    });
    const change = diffPush(values, reference) ?? {};
    planned.push({ link, target: values, change, reference, readAt: v.readAt, seen: opts.seen?.get(link.haravanVariantId), current: actual?.stocks });
  }
  return planned;
}
