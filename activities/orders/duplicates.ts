/**
 * The duplicate repair: when more than one Haravan order carries one Tiki code (a create Haravan performed after
 * every look-up had missed it), keep the oldest and cancel the others with a note saying why; record it in the
 * audit trail and the failure inbox, and point the mapping at the kept order. Run after any ambiguous create
 * (import.ts) and by the periodic completeness check over its window (completeness.ts).
 */
import { heartbeat } from '@temporalio/activity';
import { duplicatesToCancel, type TaggedOrder } from '../../domain/order-create';
import { messageFor } from '../../domain/messages';
import { haravanOrderState } from '../../domain/order-effects';
import { tikiReferenceOf } from '../../connectors/haravan/client';
import type { HaravanOrder } from '../../connectors/haravan/schemas';
import type { HaravanClient } from '../../connectors/haravan/client';
import type { Store } from '../../store/store';

/** How far before a create the look-ups and the repair scan Haravan's listing (clock skew, a slow create). */
export const LOOKUP_SLACK_MS = 10 * 60_000;

const tagged = (o: HaravanOrder): TaggedOrder => ({ id: Number(o.id), createdAt: o.created_at ?? null, cancelled: haravanOrderState(o).cancelled });

/**
 * Repair one Tiki code given the Haravan orders carrying it. Returns the kept order (null when there is none).
 * Cancelling releases the duplicate's committed stock (restock).
 */
export async function repairDuplicates(store: Store, haravan: HaravanClient, connectionId: string, tikiCode: string, orders: readonly HaravanOrder[]): Promise<{ kept: HaravanOrder | null; cancelled: number }> {
  const { keep, cancel } = duplicatesToCancel(orders.map(tagged));
  if (!keep) return { kept: null, cancelled: 0 };
  const kept = orders.find((o) => Number(o.id) === keep.id)!;
  if (orders.length < 2) return { kept, cancelled: 0 };
  const m = messageFor('ORDER_DUPLICATE_CANCELLED');
  for (const dup of cancel) {
    const why = `Đơn trùng của đơn Tiki ${tikiCode}, giữ đơn Haravan ${kept.name ?? keep.id} (${keep.id}) / Duplicate of Tiki order ${tikiCode}; Haravan order ${kept.name ?? keep.id} (${keep.id}) is kept`;
    // The order's own note says why (the cancel's note is kept by Haravan only with a refund).
    const current = orders.find((o) => Number(o.id) === dup.id)?.note;
    await haravan.updateOrder(dup.id, { note: current ? `${current}\n${why}` : why });
    await haravan.cancelOrder(dup.id, { reason: 'other', restock: true, note: why });
    await store.recordOrderStep(connectionId, tikiCode, 'order-duplicate-cancelled', { keptHaravanOrderId: keep.id, cancelledHaravanOrderId: dup.id });
  }
  const prev = await store.getOrder(connectionId, tikiCode);
  if (prev?.haravanOrderId && prev.haravanOrderId !== keep.id) await store.remapHaravanOrder(connectionId, tikiCode, keep.id);
  if (cancel.length > 0) {
    const ids = cancel.map((d) => d.id).join(', ');
    await store.recordFailure({
      connectionId,
      kind: 'order-duplicate',
      ref: tikiCode,
      code: 'ORDER_DUPLICATE_CANCELLED',
      message: `${m.en}: kept ${keep.id}, cancelled ${ids}`,
      messageVi: `${m.vi}: giữ ${keep.id}, đã hủy ${ids}`,
      details: { tikiCode, keptHaravanOrderId: keep.id, cancelledHaravanOrderIds: cancel.map((d) => d.id) },
    });
  }
  return { kept, cancelled: cancel.length };
}

/** Scan every Haravan order created since `since` and repair each Tiki code carried more than once. */
export async function repairDuplicatesSince(store: Store, haravan: HaravanClient, connectionId: string, since: Date): Promise<number> {
  const byCode = new Map<string, HaravanOrder[]>();
  let scanned = 0;
  for await (const page of haravan.listAllOrdersSince(new Date(since.getTime() - LOOKUP_SLACK_MS).toISOString())) {
    scanned += page.length;
    heartbeat({ duplicateScan: scanned });
    for (const o of page) {
      const code = tikiReferenceOf(o);
      if (code) byCode.set(code, [...(byCode.get(code) ?? []), o]);
    }
  }
  let cancelled = 0;
  for (const [code, orders] of byCode) {
    if (orders.length > 1) cancelled += (await repairDuplicates(store, haravan, connectionId, code, orders)).cancelled;
  }
  return cancelled;
}
