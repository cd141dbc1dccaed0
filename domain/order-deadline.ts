/** Tiki's confirmation deadline of an order and when the order counts as at risk of missing it. */
import { stageOf } from './order-status';
import { parseTikiDateTime } from './tiki-time';
import type { TikiOrderInput } from './types';

/**
 * Tiki auto-cancels an order the seller does not confirm in time. The deadline is the earliest of: each
 * `waiting` item's `available_confirm_sla`, and for dropship each `seller_confirmed` item's
 * `pickup_confirm_sla` (the pickup still has to be confirmed). Only while the order is still at the seller
 * (`queueing` and the payment states); otherwise, or with no such item/date, null.
 */
export function confirmationDeadline(order: Pick<TikiOrderInput, 'status' | 'fulfillment_type' | 'items'>): Date | null {
  if (stageOf(order.status) !== 'open') return null;
  let earliest: Date | null = null;
  for (const item of order.items) {
    const c = item.confirmation ?? {};
    const itemStatus = c.status ?? 'waiting';
    let sla: string | null | undefined;
    if (itemStatus === 'waiting') sla = c.available_confirm_sla;
    else if (order.fulfillment_type === 'dropship' && itemStatus === 'seller_confirmed') sla = c.pickup_confirm_sla;
    const at = parseTikiDateTime(sla);
    if (at !== null && (earliest === null || at.getTime() < earliest.getTime())) earliest = at;
  }
  return earliest;
}

/** When an order becomes "at risk": `hoursBefore` hours before its confirmation deadline; null without a deadline. */
export function atRiskFrom(deadline: Date | null, hoursBefore: number): Date | null {
  return deadline === null ? null : new Date(deadline.getTime() - hoursBefore * 3600 * 1000);
}

/** True from `hoursBefore` hours before the deadline onwards (including after it has passed). */
export function isAtRisk(deadline: Date | null, now: Date, hoursBefore: number): boolean {
  const from = atRiskFrom(deadline, hoursBefore);
  return from !== null && now.getTime() >= from.getTime();
}
