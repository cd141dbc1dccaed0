/**
 * Merchant actions on a Tiki order (print label, ready to ship, cancel): the Tiki call(s), then the Haravan
 * order, so both agree. Retry-safe: a state transition that already landed on Tiki (the previous attempt timed
 * out after Tiki applied it) is detected by re-reading the order and not repeated (domain/order-effects.ts).
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { toTikiDateTime } from '../../connectors/tiki/datetime';
import type { TikiOrder } from '../../connectors/tiki/schemas';
import { messageFor } from '../../domain/messages';
import { alreadyApplied } from '../../domain/order-effects';
import { allowedAction, type TikiCall } from '../../domain/order-actions';
import type { OrderAction } from '../../domain/terms';
import type { OrderActionResult } from '../../workflows/definitions';
import type { ActivityDeps, LiveClients } from '../context';
import { itemStatuses, toRecord, urgent } from './records';
import { nudgeStock } from './stock-nudge';

export function createActionActivities(deps: ActivityDeps) {
  const { store, clients } = deps;
  return {
    /** Run one merchant action on Tiki, then bring the Haravan order and the read model in line (module comment). */
    async runOrderAction(connectionId: string, tikiCode: string, action: OrderAction, reason?: string): Promise<OrderActionResult> {
      const conn = await store.getConnection(connectionId);
      if (!conn) throw ApplicationFailure.nonRetryable('unknown connection', 'CONNECTION_NOT_ACTIVE');
      if (!conn.config.processOrdersInHaravan) {
        throw ApplicationFailure.nonRetryable(messageFor('PROCESSED_ON_TIKI').en, 'PROCESSED_ON_TIKI');
      }
      const c = urgent(await clients.forConnection(connectionId));
      let o = await c.tiki.getOrder(tikiCode);
      const attempt = Context.current().info.attempt;
      const decision = allowedAction(action, { fulfillmentType: o.fulfillment_type ?? '', status: o.status, itemConfirmationStatuses: itemStatuses(o) });
      let labelUrl: string | undefined;
      if (!decision.ok) {
        if (!(attempt > 1 && alreadyApplied(action, o.status, itemStatuses(o)))) {
          if (attempt === 1) await store.recordOrderStep(connectionId, tikiCode, 'order-action', { action, reason, tikiStatus: o.status, code: 'INVALID_ORDER_STATE' });
          throw ApplicationFailure.create({ message: messageFor('INVALID_ORDER_STATE').en + ` (Tiki status ${o.status})`, type: 'INVALID_ORDER_STATE', nonRetryable: true });
        }
      } else {
        for (const call of decision.calls) {
          const url = await performTikiCall(c, o, call);
          if (url) labelUrl = url;
          if (call !== 'label') o = await c.tiki.getOrder(tikiCode);
        }
      }
      o = await c.tiki.getOrder(tikiCode);
      const prev = await store.getOrder(connectionId, tikiCode);

      // Then Haravan, so both sides agree — before the new status is recorded, so that if Haravan keeps failing,
      // the status change stays pending and the order workflow's next sync mirrors it (cancellations included).
      const haravanOrderId = prev?.haravanOrderId;
      if (haravanOrderId) {
        const h = await c.haravan.getOrder(haravanOrderId);
        if (action === 'ready-to-ship' && h.confirmed_status !== 'confirmed') await c.haravan.confirmOrder(haravanOrderId);
        if (action === 'print-label') {
          if (h.confirmed_status !== 'confirmed') await c.haravan.confirmOrder(haravanOrderId);
          const attrs = (h.note_attributes ?? []).filter((x) => x.name !== 'tiki_label_url').map((x) => ({ name: String(x.name), value: String(x.value ?? '') }));
          if (labelUrl) await c.haravan.updateOrder(haravanOrderId, { note_attributes: [...attrs, { name: 'tiki_label_url', value: labelUrl }] });
        }
        if (action === 'cancel' && h.cancelled_status !== 'cancelled') {
          await c.haravan.cancelOrder(haravanOrderId, { reason: 'other', restock: conn.config.restockOnCancel, note: reason ? `Hủy trên Tiki: ${reason}` : 'Hủy trên Tiki' });
        }
      }
      const rec = await store.upsertOrder(connectionId, { ...toRecord(o, null, prev, conn.config.atRiskHoursBeforeDeadline), labelUrl: labelUrl ?? prev?.labelUrl ?? null });
      if (haravanOrderId) await nudgeStock(deps, connectionId, conn.shopId, tikiCode, prev, rec);
      await store.recordOrderStep(connectionId, tikiCode, 'order-action', { action, reason, from: prev?.tikiStatus, tikiStatus: o.status, labelUrl });
      return { action, tikiStatus: o.status, status: rec.status, labelUrl: labelUrl ?? rec.labelUrl ?? undefined };
    },
  };
}

/** One Tiki call of a merchant action; the label call returns the label's URL. */
async function performTikiCall(c: LiveClients, o: TikiOrder, call: TikiCall): Promise<string | undefined> {
  const code = String(o.code);
  if (call !== 'label') await c.assertLive();
  const sellerInventoryId = async () => {
    const wh = o.tiki_warehouse?.code;
    if (wh) {
      const inv = await c.tiki.getSellerInventories([wh]);
      const id = inv.seller_inventories?.[0]?.id;
      if (id) return Number(id);
    }
    const warehouses = await c.tiki.listWarehouses();
    if (!warehouses[0]) throw ApplicationFailure.nonRetryable('the Tiki seller has no warehouse', 'INVALID_ORDER_STATE');
    return Number(warehouses[0].id);
  };
  const waitingItemIds = o.items.filter((i) => (i.confirmation?.status ?? 'waiting') !== 'seller_canceled').map((i) => Number(i.id));
  switch (call) {
    case 'confirm-available':
      await c.tiki.confirmAvailable(code, { availableItemIds: waitingItemIds, sellerInventoryId: await sellerInventoryId() });
      return undefined;
    case 'dropship-confirm': {
      const slots = await c.tiki.getPickupSlots();
      const slot = slots.pickup_slots?.[0]?.expected_pickup_time ?? toTikiDateTime(new Date(Date.now() + 24 * 3600_000));
      await c.tiki.dropshipConfirmAvailable(code, { confirmationStatus: 'seller_confirmed', sellerInventoryId: await sellerInventoryId(), expectedPickupTime: slot });
      return undefined;
    }
    case 'label':
      return (await c.tiki.getLabel(code, o.fulfillment_type ?? 'tiki_delivery')).url;
    case 'decline-all':
      if (o.fulfillment_type === 'dropship') {
        await c.tiki.dropshipConfirmAvailable(code, { confirmationStatus: 'seller_canceled', sellerInventoryId: await sellerInventoryId(), expectedPickupTime: toTikiDateTime(new Date()) });
      } else {
        await c.tiki.confirmAvailable(code, { availableItemIds: [], sellerInventoryId: await sellerInventoryId() });
      }
      return undefined;
    case 'failed-delivery':
      await c.tiki.updateSellerDelivery(code, { status: 'failed_delivery', failureCause: 'out_of_stock' });
      return undefined;
  }
}
