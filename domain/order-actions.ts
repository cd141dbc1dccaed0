/** The merchant's order actions from Haravan (print label, ready to ship, cancel): which Tiki calls each makes, and when. */
import { ITEM_CONFIRMED, ITEM_DECLINED } from './order-status';
import type { OrderAction } from './terms';

export type TikiCall = 'confirm-available' | 'dropship-confirm' | 'label' | 'decline-all' | 'failed-delivery';

export interface ActionOrderState {
  fulfillmentType: string;
  /** Tiki's raw order status. */
  status: string;
  itemConfirmationStatuses: readonly (string | null | undefined)[];
}

export type ActionDecision =
  | {
      ok: true;
      /** The call that performs the action. */
      tikiCall: TikiCall;
      /** A call to make first (print-label on an unconfirmed order confirms availability first). */
      before?: TikiCall;
      /** All calls, in order. */
      calls: TikiCall[];
    }
  | { ok: false; code: 'INVALID_ORDER_STATE' };

/** Fulfilment types whose items the seller confirms and labels (instant_delivery has no seller action). */
const SELLER_FULFILMENT = new Set(['tiki_delivery', 'dropship', 'seller_delivery', 'cross_border']);
/** Confirmation and declining are only possible while Tiki waits for the seller. */
const CONFIRMABLE_STATUSES = new Set(['queueing']);
/** A label can be (re)printed from confirmation until the parcel is handed over. */
const LABEL_STATUSES = new Set(['queueing', 'packaging', 'finished_packing', 'ready_to_ship', 'picking']);
/** A seller-delivered order can be reported as failed (out of stock) until it is delivered. */
const FAILED_DELIVERY_STATUSES = new Set(['queueing', 'packaging', 'finished_packing', 'ready_to_ship', 'picking', 'handover_to_partner', 'shipping']);

/**
 * Which Tiki call an order action makes (Tiki's seller order endpoints, connectors/tiki/client.ts), or INVALID_ORDER_STATE.
 *
 * - `print-label`: items must be confirmed and the order not cancelled/shipped. If items are still `waiting`
 *   (order `queueing`), printing the label first confirms availability (`before`: `confirm-available`, or
 *   `dropship-confirm` for dropship) — pressing "In đơn hàng" on a new order means the goods are being packed,
 *   and Tiki only serves labels for confirmed items.
 * - `ready-to-ship`: order `queueing`; dropship → `dropship-confirm` (with the expected pickup time) while
 *   items are `waiting` or `seller_confirmed`; other types → `confirm-available` while items are `waiting`.
 * - `cancel`: while items are `waiting` → `decline-all`; a confirmed `seller_delivery` order not yet
 *   delivered → `failed-delivery` (cause `out_of_stock`, which cancels it on Tiki). Otherwise Tiki has no
 *   seller cancel, so INVALID_ORDER_STATE.
 * Items the seller already declined are ignored; an order with no remaining item allows nothing.
 */
export function allowedAction(action: OrderAction, order: ActionOrderState): ActionDecision {
  const invalid = { ok: false, code: 'INVALID_ORDER_STATE' } as const;
  const type = order.fulfillmentType;
  const status = order.status;
  if (!SELLER_FULFILMENT.has(type)) return invalid;

  const remaining = order.itemConfirmationStatuses.map((s) => s ?? 'waiting').filter((s) => s !== ITEM_DECLINED);
  if (remaining.length === 0) return invalid;
  const anyWaiting = remaining.some((s) => s === 'waiting');
  const allConfirmed = remaining.every((s) => ITEM_CONFIRMED.has(s));
  const confirmCall: TikiCall = type === 'dropship' ? 'dropship-confirm' : 'confirm-available';

  switch (action) {
    case 'print-label':
      if (!LABEL_STATUSES.has(status)) return invalid;
      if (allConfirmed) return ok('label');
      // Some items still waiting (the others confirmed): confirm availability first, then print.
      if (anyWaiting && CONFIRMABLE_STATUSES.has(status) && remaining.every((s) => s === 'waiting' || ITEM_CONFIRMED.has(s))) return ok('label', confirmCall);
      return invalid;
    case 'ready-to-ship':
      if (!CONFIRMABLE_STATUSES.has(status)) return invalid;
      if (type === 'dropship') {
        return remaining.some((s) => s === 'waiting' || s === 'seller_confirmed') ? ok('dropship-confirm') : invalid;
      }
      return anyWaiting ? ok('confirm-available') : invalid;
    case 'cancel':
      if (anyWaiting) return CONFIRMABLE_STATUSES.has(status) ? ok('decline-all') : invalid;
      if (type === 'seller_delivery' && allConfirmed && FAILED_DELIVERY_STATUSES.has(status)) return ok('failed-delivery');
      return invalid;
  }
}

function ok(tikiCall: TikiCall, before?: TikiCall): ActionDecision {
  return before ? { ok: true, tikiCall, before, calls: [before, tikiCall] } : { ok: true, tikiCall, calls: [tikiCall] };
}
