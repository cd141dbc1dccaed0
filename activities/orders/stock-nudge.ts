/**
 * After an imported order changes what Tiki reserves for it (domain/reservations.ts `reservationChanged`: the
 * import itself, shipping, a cancellation, a declined item), its linked products are pushed again: the stock
 * target's add-back follows the stored order, and Haravan's own move (commit, fulfilment, restock) may have been
 * pushed before the store held the order's new state.
 */
import { reservationChanged, type ReservingOrder } from '../../domain/reservations';
import { productsChangedSignal } from '../../workflows/definitions';
import { stockSyncWorkflowId } from '../../workflows/ids';
import type { ActivityDeps } from '../context';

export async function nudgeStock(
  deps: Pick<ActivityDeps, 'store' | 'temporal' | 'logger'>,
  connectionId: string,
  shopId: number,
  tikiCode: string,
  before: ReservingOrder | null,
  after: ReservingOrder | null,
): Promise<void> {
  if (!reservationChanged(before, after)) return;
  const skus = [...new Set([...(before?.items ?? []), ...(after?.items ?? [])].map((i) => i.tikiSku).filter(Boolean))];
  const links = await deps.store.getLinksByTikiKeys(connectionId, skus);
  const productIds = [...new Set(links.map((l) => l.haravanProductId))];
  if (productIds.length === 0) return;
  try {
    await deps.temporal.workflow.getHandle(stockSyncWorkflowId(shopId)).signal(productsChangedSignal, { productIds, reason: `order:${tikiCode}` });
  } catch (err) {
    // No stock sync running (paused, disconnecting): the next full pass applies the add-back anyway.
    deps.logger.info({ connectionId, tikiCode, err: (err as Error).message }, 'stock not nudged after an order change');
  }
}
