/**
 * The order status graph of the simulator (Tiki publishes its flows as images only; this graph
 * is the simulator's reading of them):
 *
 *   processing / waiting_payment ─▶ queueing ─(items confirmed)─▶ packaging / ready_to_ship / picking
 *     ─▶ handover_to_partner ─▶ shipping ─▶ successful_delivery ─▶ (delivered) ─▶ complete ─▶ closed
 *   canceled: from any state before delivery; returned: after delivery.
 * A seller_delivery order may go from queueing straight to shipping (the seller carries it).
 */
export const ORDER_STATUSES = [
  'processing',
  'waiting_payment',
  'queueing',
  'packaging',
  'finished_packing',
  'ready_to_ship',
  'picking',
  'handover_to_partner',
  'shipping',
  'successful_delivery',
  'delivered',
  'complete',
  'closed',
  'canceled',
  'returned',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const PRE_ACCEPTANCE: readonly string[] = ['processing', 'waiting_payment'];

const NEXT: Record<OrderStatus, OrderStatus[]> = {
  processing: ['waiting_payment', 'queueing', 'canceled'],
  waiting_payment: ['queueing', 'canceled'],
  queueing: ['picking', 'ready_to_ship', 'packaging', 'canceled'],
  packaging: ['finished_packing', 'ready_to_ship', 'picking', 'handover_to_partner', 'canceled'],
  finished_packing: ['ready_to_ship', 'picking', 'handover_to_partner', 'canceled'],
  ready_to_ship: ['picking', 'handover_to_partner', 'shipping', 'canceled'],
  picking: ['handover_to_partner', 'shipping', 'canceled'],
  handover_to_partner: ['shipping', 'canceled'],
  shipping: ['successful_delivery', 'canceled'],
  successful_delivery: ['delivered', 'complete', 'returned'],
  delivered: ['complete', 'returned'],
  complete: ['closed', 'returned'],
  closed: [],
  canceled: [],
  returned: [],
};

/** States in which the goods have left the seller's warehouse. */
export const GOODS_LEFT: readonly string[] = [
  'shipping',
  'successful_delivery',
  'delivered',
  'complete',
  'closed',
  'returned',
];

export function isOrderStatus(s: unknown): s is OrderStatus {
  return typeof s === 'string' && (ORDER_STATUSES as readonly string[]).includes(s);
}

function nextStates(from: OrderStatus, fulfillmentType?: string): OrderStatus[] {
  return fulfillmentType === 'seller_delivery' && from === 'queueing' ? [...NEXT[from], 'shipping'] : NEXT[from];
}

/** Shortest legal path from `from` to `to` (excluding `from`), or undefined when unreachable. */
export function pathTo(from: string, to: string, fulfillmentType?: string): OrderStatus[] | undefined {
  if (!isOrderStatus(from) || !isOrderStatus(to)) return undefined;
  if (from === to) return [];
  const prev = new Map<OrderStatus, OrderStatus>();
  const queue: OrderStatus[] = [from];
  while (queue.length) {
    const cur = queue.shift() as OrderStatus;
    for (const next of nextStates(cur, fulfillmentType)) {
      if (next === from || prev.has(next)) continue;
      prev.set(next, cur);
      if (next === to) {
        const path: OrderStatus[] = [to];
        for (let s = cur; s !== from; s = prev.get(s) as OrderStatus) path.unshift(s);
        return path;
      }
      queue.push(next);
    }
  }
  return undefined;
}

/** Item confirmation statuses that count as "confirmed by the seller". */
export const CONFIRMED_ITEM: readonly string[] = ['seller_confirmed', 'ready_to_pick', 'confirmed'];

/** cancel_info of seller-side cancellations (the reason codes are sandbox choices; Tiki's list is not public). */
export const CANCEL_REASONS = {
  sellerDeclined: { reasonCode: '1012', reasonText: 'Nhà bán báo hết hàng' },
  outOfNeeds: { reasonCode: '201', reasonText: 'Không còn nhu cầu' },
  outOfStock: { reasonCode: '1012', reasonText: 'Nhà bán báo hết hàng' },
  byTiki: { reasonCode: '2034', reasonText: 'Thời gian giao hàng quá lâu/sớm' },
};

/** Tiki fulfilment type ↔ label path segment. */
export const LABEL_SEGMENTS: Record<string, string> = {
  'tiki-delivery': 'tiki_delivery',
  'seller-delivery': 'seller_delivery',
  dropship: 'dropship',
  'cross-border': 'cross_border',
};

export const FULFILLMENT_TYPES = [
  'tiki_delivery',
  'seller_delivery',
  'dropship',
  'cross_border',
  'instant_delivery',
] as const;

/** PII rule: the buyer's phone/email are shown only for these fulfilment types. */
export const PII_VISIBLE: readonly string[] = ['seller_delivery', 'cross_border'];
