/** The order read model: a Tiki order (and its Haravan mapping) as the store keeps it, and what it needs from the connection. */
import { ApplicationFailure } from '@temporalio/common';
import type { TikiOrder } from '../../connectors/tiki/schemas';
import { atRiskFrom, confirmationDeadline, isAtRisk } from '../../domain/order-deadline';
import { ourStatus } from '../../domain/order-status';
import { mapTikiOrderToHaravan } from '../../domain/orders';
import { parseTikiDateTime } from '../../domain/tiki-time';
import { isTerminal } from '../../domain/terms';
import type { TikiOrderInput } from '../../domain/types';
import type { Store } from '../../store/store';
import type { ConnectionRecord, OrderItemRecord, OrderRecord } from '../../store/types';
import type { ConnectionClients } from '../context';

export const itemStatuses = (o: TikiOrder) => o.items.map((i) => i.confirmation?.status ?? null);
export const asInput = (o: TikiOrder) => o as unknown as TikiOrderInput;

/** The connection's record; an unknown connection ends the activity for good. */
export async function connectionOf(store: Store, connectionId: string): Promise<ConnectionRecord> {
  const c = await store.getConnection(connectionId);
  if (!c) throw ApplicationFailure.nonRetryable(`unknown connection ${connectionId}`, 'CONNECTION_NOT_ACTIVE');
  return c;
}

/** Orders created before this are not imported: `importOrdersSince`, else when the shop connected. */
export function importStart(c: ConnectionRecord | null): Date {
  const s = c?.config.importOrdersSince ?? c?.connectedAt ?? c?.createdAt;
  return s ? new Date(s) : new Date(0);
}

export async function since(store: Store, connectionId: string): Promise<Date> {
  return importStart(await store.getConnection(connectionId));
}

/** Order imports and merchant actions go ahead of background stock reads in the shop's Haravan call budget. */
export function urgent<C extends ConnectionClients>(c: C): C {
  return { ...c, haravan: c.haravan.withPriority('order') };
}

/** The at-risk time of a stored deadline, as the workflow's timer wants it. */
export function riskAtOf(deadlineAt: string | null | undefined, hoursBefore: number): string | null {
  return atRiskFrom(deadlineAt ? new Date(deadlineAt) : null, hoursBefore)?.toISOString() ?? null;
}

export function toRecord(o: TikiOrder, mapped: ReturnType<typeof mapTikiOrderToHaravan> | null, prev: OrderRecord | null, hoursBefore: number): OrderRecord {
  const status = ourStatus(o.status, itemStatuses(o));
  const deadline = confirmationDeadline(asInput(o));
  return {
    tikiCode: String(o.code),
    haravanOrderId: prev?.haravanOrderId ?? null,
    status,
    tikiStatus: o.status,
    fulfillmentType: o.fulfillment_type ?? null,
    items: withTikiItemState(
      mapped?.items.map((i) => ({ tikiSku: i.tikiSku, originalSku: i.sellerProductCode, haravanVariantId: i.haravanVariantId ?? null, quantity: i.quantity, price: i.price, name: i.name, tikiItemId: i.tikiItemId })) ??
        prev?.items ??
        [],
      o,
    ),
    customer: mapped ? { name: mapped.customer.fullName, phone: mapped.customer.phone, email: mapped.customer.email } : (prev?.customer ?? {}),
    warnings: mapped ? [...mapped.warnings] : (prev?.warnings ?? []),
    deadlineAt: deadline ? deadline.toISOString() : null,
    atRisk: isAtRisk(deadline, new Date(), hoursBefore) && !isTerminal(status),
    tikiCreatedAt: parseTikiDateTime(o.created_at)?.toISOString() ?? null,
  };
}

/**
 * The items with Tiki's current view of each (by item id, else by position): the seller warehouse holding its
 * units (the item's `seller_inventory_id`, else the order's seller warehouse) and its confirmation status — what
 * the stock target's add-back of reservations reads (domain/reservations.ts).
 */
function withTikiItemState(items: OrderItemRecord[], o: TikiOrder): OrderItemRecord[] {
  return items.map((item, i) => {
    const t = o.items.find((x) => item.tikiItemId != null && Number(x.id) === item.tikiItemId) ?? (String(o.items[i]?.product.sku ?? '') === item.tikiSku ? o.items[i] : undefined);
    if (!t) return item;
    return { ...item, tikiItemId: Number(t.id), tikiWarehouseId: t.seller_inventory_id ?? o.seller_warehouse?.id ?? null, tikiConfirmation: t.confirmation?.status ?? null };
  });
}
