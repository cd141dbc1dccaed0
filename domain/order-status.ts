/**
 * Our order status model: which Tiki statuses come before Tiki accepts an order, and our status for a Tiki order
 * (`ourStatus`) from its Tiki status and, while it is still at the seller, its items' confirmation statuses. The status
 * list itself is a shared term (domain/terms.ts `ORDER_STATUSES`).
 */
import type { OrderStatus } from './terms';

/** Orders in these Tiki statuses are not yet accepted by Tiki and are never imported (the order list, the sweep and the completeness check all leave them out). */
export const TIKI_PRE_ACCEPTANCE_STATUSES = ['processing', 'waiting_payment'] as const;

/** Item confirmation statuses meaning "the seller has confirmed availability". */
export const ITEM_CONFIRMED = new Set(['seller_confirmed', 'confirmed', 'ready_to_pick']);
export const ITEM_DECLINED = 'seller_canceled';

/** Our status implied by the Tiki order status alone; `open` = still at the seller (decided by the items). */
export type Stage = OrderStatus | 'open';

const STAGE_BY_TIKI_STATUS: Record<string, Stage> = {
  processing: 'open',
  waiting_payment: 'open',
  payment_review: 'open',
  holded: 'open',
  paid: 'open',
  queueing: 'open',
  packaging: 'confirmed',
  finished_packing: 'ready_to_ship',
  ready_to_ship: 'ready_to_ship',
  picking: 'ready_to_ship',
  handover_to_partner: 'shipping',
  shipping: 'shipping',
  successful_delivery: 'delivered',
  delivered: 'delivered',
  complete: 'completed',
  closed: 'completed',
  canceled: 'cancelled',
  cancelled: 'cancelled',
  returned: 'returned',
};

export function stageOf(tikiStatus: string | null | undefined): Stage {
  // Unknown statuses are treated as still open: the order keeps being watched rather than being closed early.
  return STAGE_BY_TIKI_STATUS[(tikiStatus ?? '').toLowerCase()] ?? 'open';
}

/**
 * Our status for a Tiki order. While the order is still at the seller (`queueing` and the payment states),
 * the items decide: every item declined → `cancelled`; any item still `waiting` (or unknown) →
 * `awaiting_confirmation`; every remaining item `ready_to_pick` → `ready_to_ship`; otherwise `confirmed`.
 * Declined items are ignored when others remain. No items known → `awaiting_confirmation`.
 */
export function ourStatus(tikiStatus: string, itemConfirmationStatuses: readonly (string | null | undefined)[]): OrderStatus {
  const stage = stageOf(tikiStatus);
  if (stage !== 'open') return stage;
  if (itemConfirmationStatuses.length === 0) return 'awaiting_confirmation';
  const remaining = itemConfirmationStatuses.map((s) => s ?? '').filter((s) => s !== ITEM_DECLINED);
  if (remaining.length === 0) return 'cancelled';
  if (remaining.some((s) => !ITEM_CONFIRMED.has(s))) return 'awaiting_confirmation';
  if (remaining.every((s) => s === 'ready_to_pick')) return 'ready_to_ship';
  return 'confirmed';
}
