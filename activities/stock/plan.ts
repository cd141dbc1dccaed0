/** Planning a push: each linked variant's target values against what Tiki holds (read or last confirmed). */
import type { Config } from '../../domain/config';
import { addBackTotal, reservedByOrders, targetAddBack, TIKI_STATUSES_HOLDING_RESERVATION, type HeldUnits } from '../../domain/reservations';
import { diffPush } from '../../domain/stock';
import { referenceValues } from '../../domain/stock-writes';
import { regionalAddBack, regionalSplit, regionalTarget, stockTargetWarehouses } from '../../domain/warehouse-map';
import type { Store } from '../../store/store';
import type { LinkRecord } from '../../store/types';
import type { HaravanVariantState, PlannedPush, Seen, TikiActual } from './types';

/**
 * The connection's config, the Tiki warehouses its stock goes to, and the units Tiki still reserves for imported
 * orders per Tiki SKU (`held`); null when the connection is gone.
 */
export async function loadStockContext(store: Store, connectionId: string) {
  const connection = await store.getConnection(connectionId);
  if (!connection) return null;
  const sellerWarehouses = (connection.tikiSeller?.warehouseIds ?? []).map((id, i) => ({ id, isPrimary: i === 0 }));
  const targets = stockTargetWarehouses(connection.config, sellerWarehouses);
  const held = reservedByOrders(await store.importedOrdersInTikiStatuses(connectionId, TIKI_STATUSES_HOLDING_RESERVATION));
  return { connection, config: connection.config, targets, held };
}

/**
 * One planned push per link whose variant was read: the target values (`computeTarget` — per mapped warehouse under
 * a warehouse mapping, domain/warehouse-map.ts — plus the add-back of
 * Tiki's reservations for imported orders, capped by Tiki's `quantity_reserved` when `actual` holds it), the
 * reference they are compared with (`referenceValues`: Tiki's actual values when `actual` holds them, else the
 * link's last confirmed push) and the change between them.
 */
export function plan(
  links: LinkRecord[],
  state: Map<number, HaravanVariantState>,
  config: Config,
  targets: number[],
  opts: { actual?: Map<number, TikiActual>; seen?: Map<number, Seen>; held?: Map<string, HeldUnits> } = {},
): PlannedPush[] {
  const planned: PlannedPush[] = [];
  for (const link of links) {
    const v = state.get(link.haravanVariantId);
    if (!v) continue;
    const actual = opts.actual?.get(link.tikiProductId);
    const read = { tracked: v.tracked, policy: v.policy, inventoryQuantity: v.inventoryQuantity, price: v.price, locations: v.locations };
    const { target: base, explanation, regional } = regionalTarget({
      variant: read,
      // Tiki's list price as just read beats the one recorded at link time.
      tiki: { marketPrice: actual ? actual.marketPrice : (link.tikiMarketPrice ?? 0) },
      config,
    });
    const p: PlannedPush = {
      link,
      base,
      read,
      explanation,
      regional,
      held: opts.held?.get(link.tikiSku),
      target: {},
      change: {},
      reference: {},
      addBack: new Map(),
      readAt: v.readAt,
      seen: opts.seen?.get(link.haravanVariantId),
    };
    planAgainst(p, targets, actual);
    planned.push(p);
  }
  return planned;
}

/**
 * Plan one push against Tiki's values as just read (`actual`: the add-back capped by Tiki's reservations, the
 * reference Tiki's values), else against the link's last confirmed push.
 */
function planAgainst(p: PlannedPush, targets: number[], actual?: TikiActual): void {
  const lastConfirmed = { quantity: p.link.lastPushedQuantity ?? undefined, price: p.link.lastPushedPrice ?? undefined, split: p.link.lastPushedSplit ?? undefined };
  const addBack = addBackOf(p, targets, actual?.reserved);
  p.reference = referenceValues({ actual, lastConfirmed, targetWarehouseIds: targets, addBack, regional: !!p.regional });
  setTarget(p, addBack);
  p.current = actual?.stocks;
}

/**
 * Tiki's rows of a planned push were read back after planning (to batch the writes): cap its add-back by Tiki's
 * reservations now known; the reference stays the last confirmed push.
 */
export function capByReadBack(p: PlannedPush, targets: number[], actual: TikiActual): void {
  setTarget(p, addBackOf(p, targets, actual.reserved));
  p.current = actual.stocks;
}

/** The add-back of Tiki's reservations: per mapped warehouse under a warehouse mapping, else the target's. */
function addBackOf(p: PlannedPush, targets: number[], reserved?: Map<number, number>): Map<number, number> {
  return p.regional ? regionalAddBack(p.regional, p.held, reserved) : targetAddBack(p.base, p.held, targets, reserved);
}

function setTarget(p: PlannedPush, addBack: Map<number, number>): void {
  p.addBack = addBack;
  if (p.regional) {
    const split = regionalSplit(p.regional, addBack);
    p.target = { quantity: split.reduce((a, w) => a + w.qtyAvailable, 0), price: p.base.price, split };
    p.change = diffPush(p.target, p.reference) ?? {};
    return;
  }
  p.target = { quantity: p.base.quantity === undefined ? undefined : p.base.quantity + addBackTotal(addBack), price: p.base.price };
  p.change = diffPush(p.target, p.reference) ?? {};
}
