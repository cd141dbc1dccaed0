/**
 * Tiki orders (product.md §5, tiki-open-api.md §4–§5): the Haravan create-order body, which orders to import,
 * our order status model, what to mirror into Haravan when Tiki moves, which Tiki call an order action makes,
 * and Tiki's confirmation deadline.
 */
import { mapCustomer, type HaravanAddress, type MappedCustomer } from './customer';
import { normalizeBarcode } from './linking';
import type { OrderAction, OrderStatus } from './terms';
import type { TikiOrderInput, TikiOrderItemInput } from './types';

// ---------------------------------------------------------------------------------------------
// Status vocabulary
// ---------------------------------------------------------------------------------------------

/** Orders in these Tiki statuses are not yet accepted by Tiki and are never imported (tiki-open-api.md §4.1). */
export const TIKI_PRE_ACCEPTANCE_STATUSES = ['processing', 'waiting_payment'] as const;

/** Item confirmation statuses meaning "the seller has confirmed availability". */
const ITEM_CONFIRMED = new Set(['seller_confirmed', 'confirmed', 'ready_to_pick']);
const ITEM_DECLINED = 'seller_canceled';

/** Our status implied by the Tiki order status alone; `open` = still at the seller (decided by the items). */
type Stage = OrderStatus | 'open';

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

function stageOf(tikiStatus: string | null | undefined): Stage {
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

// ---------------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------------

/**
 * Whether an order is imported: Tiki has accepted it (not `processing`/`waiting_payment`) and it was created at
 * or after `since` (connect time or the merchant's backfill date). Orders already cancelled are still imported
 * (and then cancelled in Haravan) — every accepted order is imported exactly once. An unparsable `created_at`
 * is imported rather than dropped.
 */
export function isImportable(order: Pick<TikiOrderInput, 'status' | 'created_at'>, since: Date): boolean {
  if ((TIKI_PRE_ACCEPTANCE_STATUSES as readonly string[]).includes(order.status)) return false;
  const created = parseTikiDateTime(order.created_at);
  // Tiki's timestamps have whole seconds: an order from the very second of `since` (e.g. placed just after the
  // merchant connected) counts as after it.
  return created === null || created.getTime() >= floorToSecond(since).getTime();
}

/** `since` cut to Tiki's precision (whole seconds), for comparisons and `updated_from`-style filters. */
export function floorToSecond(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 1000) * 1000);
}

/** Vietnam is UTC+7 all year (no daylight saving). */
const VIETNAM_OFFSET_MS = 7 * 3600 * 1000;

/**
 * Parse a Tiki timestamp: `yyyy-MM-dd HH:mm:ss` (or with `T`, seconds optional) is Vietnam local time; an ISO
 * string with `Z` or an offset is taken as is. Invalid → null.
 */
export function parseTikiDateTime(raw: string | null | undefined): Date | null {
  if (typeof raw !== 'string') return null;
  const text = raw.trim();
  const local = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (local) {
    const [y, mo, d, h, mi, s] = local.slice(1).map((p) => (p === undefined ? 0 : Number(p)));
    const utc = Date.UTC(y, mo - 1, d, h, mi, s);
    const check = new Date(utc);
    // Reject overflowing dates such as 2024-02-30 or 25:00.
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || check.getUTCHours() !== h || check.getUTCMinutes() !== mi || check.getUTCSeconds() !== s) {
      return null;
    }
    return new Date(utc - VIETNAM_OFFSET_MS);
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/.test(text)) {
    const t = Date.parse(text);
    return Number.isNaN(t) ? null : new Date(t);
  }
  return null;
}

export interface LinkedVariantRef {
  haravanVariantId: number;
  haravanProductId: number;
}

/** Order-item lookup keyed by both the Tiki SKU and the trimmed barcode (= original_sku) of every link. */
export function buildOrderLinkIndex(
  links: Iterable<{ tikiSku: string; barcode: string | null; haravanVariantId: number; haravanProductId: number }>,
): Map<string, LinkedVariantRef> {
  const index = new Map<string, LinkedVariantRef>();
  for (const link of links) {
    const ref = { haravanVariantId: link.haravanVariantId, haravanProductId: link.haravanProductId };
    index.set(link.tikiSku, ref);
    const barcode = normalizeBarcode(link.barcode);
    if (barcode !== null && !index.has(barcode)) index.set(barcode, ref);
  }
  return index;
}

export type HaravanLineItem =
  | { variant_id: number; product_id: number; quantity: number; price: number; properties: { name: string; value: string }[] }
  | { title: string; sku: string; barcode?: string; quantity: number; price: number; properties: { name: string; value: string }[] };

/** The `order` object of `POST /com/orders.json` (haravan-api.md §6.2). */
export interface HaravanOrderCreate {
  line_items: HaravanLineItem[];
  source_name: 'tiki';
  source: 'Tiki';
  /** Comma-separated. */
  tags: string;
  note: string;
  note_attributes: { name: string; value: string }[];
  location_id?: number;
  customer?: { id: number };
  email?: string;
  shipping_address?: HaravanAddress;
  billing_address?: HaravanAddress;
  gateway: string;
  is_cod_gateway?: true;
  shipping_lines?: { code: string; title: string; price: number }[];
  discount_codes?: { code: string; amount: number; is_coupon_code: false }[];
  financial_status: 'pending';
  send_receipt: false;
  send_fulfillment_receipt: false;
}

export type OrderWarningCode = 'ORDER_ITEM_NOT_LINKED' | 'CUSTOMER_PHONE_MISSING';

export interface MapOrderInput {
  order: TikiOrderInput;
  /** Keyed by Tiki SKU and/or original_sku (see `buildOrderLinkIndex`). */
  links: ReadonlyMap<string, LinkedVariantRef>;
  /** Haravan order location ("Kho đồng bộ đơn hàng"); omitted → Haravan's default location. */
  locationId?: number;
  /** An existing Haravan customer to attach (found by phone/email). */
  customerId?: number;
  connectionId: string;
}

export interface MappedOrderItem {
  tikiItemId: number;
  tikiSku: string;
  sellerProductCode: string | null;
  name: string;
  haravanVariantId?: number;
  quantity: number;
  price: number;
}

export interface MappedOrder {
  body: HaravanOrderCreate;
  /** Unique codes, in first-seen order. */
  warnings: OrderWarningCode[];
  items: MappedOrderItem[];
  customer: MappedCustomer;
}

/** Haravan tags are limited to 40 characters each. */
const TAG_MAX = 40;
export const TIKI_TAG = 'Tiki';
export const tikiOrderTag = (code: string): string => `tiki:${code}`.slice(0, TAG_MAX);

/**
 * The Haravan create-order body for a Tiki order.
 *
 * - Linked items → `variant_id` (+ `product_id`); unlinked items → a custom line (Tiki product name, Tiki SKU,
 *   original_sku as barcode) and ORDER_ITEM_NOT_LINKED — the order is never dropped. Each line carries the Tiki
 *   item id as a property. Unit prices are Tiki's `items[].price`, in whole VND.
 * - Channel `source_name: 'tiki'`, `source: 'Tiki'`; tags `Tiki` and `tiki:<code>`; note attributes with the
 *   Tiki order code, fulfilment type and status, creation time, payment method, grand total and connection id
 *   (our idempotency key lives in the database; these let a human and a recovery sweep find the order).
 * - Customer: attached by id when known, else identified by the synthetic email; the shipping address is also
 *   used as the billing address. No phone → no email, CUSTOMER_PHONE_MISSING.
 * - Payment: COD (`gateway: 'COD'`, `is_cod_gateway`) for `cod`, else `Tiki (<method>)`; always created
 *   `pending` (Tiki pays the seller later; Haravan's paid-at-creation path is unreliable, haravan-api.md §6.4).
 * - Shipping: one shipping line with Tiki's shipping amount after discount, when positive.
 * - Discounts: when Tiki's grand total is below lines + shipping, the difference is one discount `TIKI`, so the
 *   Haravan total equals what the buyer pays on Tiki.
 * - No receipts are emailed (the buyer is Tiki's customer).
 */
export function mapTikiOrderToHaravan(input: MapOrderInput): MappedOrder {
  const { order, links, locationId, customerId, connectionId } = input;
  const warnings: OrderWarningCode[] = [];
  const warn = (code: OrderWarningCode) => {
    if (!warnings.includes(code)) warnings.push(code);
  };

  const items: MappedOrderItem[] = [];
  const lineItems: HaravanLineItem[] = order.items.map((item) => {
    const ref = lookupLink(item, links);
    const mapped = mapItem(item, ref);
    items.push(mapped);
    const properties = [{ name: 'tiki_item_id', value: String(item.id) }];
    if (ref) return { variant_id: ref.haravanVariantId, product_id: ref.haravanProductId, quantity: mapped.quantity, price: mapped.price, properties };
    warn('ORDER_ITEM_NOT_LINKED');
    const custom: HaravanLineItem = { title: mapped.name || mapped.tikiSku, sku: mapped.tikiSku, quantity: mapped.quantity, price: mapped.price, properties };
    if (mapped.sellerProductCode !== null) custom.barcode = mapped.sellerProductCode;
    return custom;
  });

  const customer = mapCustomer(order);
  for (const code of customer.warnings) warn(code);

  const paymentMethod = (order.payment?.method ?? '').trim();
  const isCod = paymentMethod.toLowerCase() === 'cod';
  const shippingAmount = money(order.invoice?.shipping_amount_after_discount);
  const grandTotal = order.invoice?.grand_total;

  const noteAttributes: { name: string; value: string }[] = [
    { name: 'tiki_order_code', value: order.code },
    { name: 'tiki_fulfillment_type', value: order.fulfillment_type },
    { name: 'tiki_status', value: order.status },
    { name: 'tiki_created_at', value: order.created_at },
  ];
  if (paymentMethod) noteAttributes.push({ name: 'tiki_payment_method', value: paymentMethod });
  if (typeof grandTotal === 'number' && Number.isFinite(grandTotal)) noteAttributes.push({ name: 'tiki_grand_total', value: String(money(grandTotal)) });
  noteAttributes.push({ name: 'tiki_connection_id', value: connectionId });

  const body: HaravanOrderCreate = {
    line_items: lineItems,
    source_name: 'tiki',
    source: 'Tiki',
    tags: [TIKI_TAG, tikiOrderTag(order.code)].join(','),
    note: `Đơn hàng Tiki ${order.code}`,
    note_attributes: noteAttributes,
    gateway: isCod ? 'COD' : paymentMethod ? `Tiki (${paymentMethod})` : 'Tiki',
    financial_status: 'pending',
    send_receipt: false,
    send_fulfillment_receipt: false,
  };
  if (isCod) body.is_cod_gateway = true;
  if (locationId !== undefined) body.location_id = locationId;
  if (customerId !== undefined) body.customer = { id: customerId };
  if (customer.email !== null) body.email = customer.email;

  const address = orderAddress(customer);
  if (address) {
    body.shipping_address = address;
    body.billing_address = { ...address };
  }
  if (shippingAmount > 0) body.shipping_lines = [{ code: 'TIKI', title: 'Phí vận chuyển Tiki', price: shippingAmount }];

  if (typeof grandTotal === 'number' && Number.isFinite(grandTotal)) {
    const linesTotal = items.reduce((sum, i) => sum + i.price * i.quantity, 0);
    const discount = linesTotal + shippingAmount - money(grandTotal);
    if (discount > 0) body.discount_codes = [{ code: 'TIKI', amount: discount, is_coupon_code: false }];
  }

  return { body, warnings, items, customer };
}

function lookupLink(item: TikiOrderItemInput, links: ReadonlyMap<string, LinkedVariantRef>): LinkedVariantRef | undefined {
  const bySku = links.get(item.product.sku);
  if (bySku) return bySku;
  const code = normalizeBarcode(item.product.seller_product_code);
  return code === null ? undefined : links.get(code);
}

function mapItem(item: TikiOrderItemInput, ref: LinkedVariantRef | undefined): MappedOrderItem {
  const mapped: MappedOrderItem = {
    tikiItemId: item.id,
    tikiSku: item.product.sku,
    sellerProductCode: normalizeBarcode(item.product.seller_product_code),
    name: (item.product.name ?? '').trim(),
    quantity: item.qty,
    price: money(item.price),
  };
  if (ref) mapped.haravanVariantId = ref.haravanVariantId;
  return mapped;
}

function orderAddress(customer: MappedCustomer): HaravanAddress | undefined {
  const a = customer.address;
  const hasContent = Boolean(a.name || a.address1 || a.ward || a.district || a.province || a.phone);
  return hasContent ? { ...a } : undefined;
}

/** Whole VND, half up; absent or invalid → 0. */
function money(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : 0;
}

// ---------------------------------------------------------------------------------------------
// Mirroring Tiki status changes into Haravan
// ---------------------------------------------------------------------------------------------

export type MirrorAction = 'confirm' | 'fulfill' | 'close' | 'cancel' | 'restock-cancel' | 'note';

export interface MirrorOptions {
  /** On: the merchant works the order in Haravan, only cancellations (and a status note) are mirrored. Default off. */
  processOrdersInHaravan?: boolean;
  /** Default on. */
  restockOnCancel?: boolean;
}

/** Forward progress of an order; cancelled and returned are handled separately. */
const PROGRESS_RANK = {
  open: 0,
  awaiting_confirmation: 0,
  confirmed: 1,
  ready_to_ship: 2,
  shipping: 3,
  delivered: 4,
  completed: 5,
} as const satisfies Partial<Record<Stage, number>>;

function progressOf(stage: Stage): number {
  return stage in PROGRESS_RANK ? PROGRESS_RANK[stage as keyof typeof PROGRESS_RANK] : 0;
}

/**
 * What to do on the Haravan order when Tiki's status moves from `prev` (null = just imported, as `queueing`)
 * to `next`:
 * - cancelled or returned on Tiki → cancel the Haravan order, with restock when `restockOnCancel` (a return
 *   brings the shipped goods back); done in both handling modes. Nothing more once already cancelled/returned.
 * - forward progress (process-in-Tiki mode only), every threshold crossed, in order: reaching confirmed →
 *   `confirm`; reaching shipping (handed to the carrier) → `fulfill` (deducts on-hand at the order location);
 *   reaching complete/closed → `close`.
 * - every status change ends with `note` (record Tiki's raw status on the Haravan order); same status → [].
 */
export function mirrorActions(prevTikiStatus: string | null | undefined, nextTikiStatus: string, options: MirrorOptions = {}): MirrorAction[] {
  const prev = prevTikiStatus ?? 'queueing';
  if (prev === nextTikiStatus) return [];
  const from = stageOf(prev);
  const to = stageOf(nextTikiStatus);
  const fromEnded = from === 'cancelled' || from === 'returned';

  if (to === 'cancelled' || to === 'returned') {
    if (fromEnded) return ['note'];
    return [options.restockOnCancel === false ? 'cancel' : 'restock-cancel', 'note'];
  }
  if (fromEnded || options.processOrdersInHaravan) return ['note'];

  const a = progressOf(from);
  const b = progressOf(to);
  const actions: MirrorAction[] = [];
  const crosses = (stage: 'confirmed' | 'shipping' | 'completed') => a < PROGRESS_RANK[stage] && b >= PROGRESS_RANK[stage];
  if (crosses('confirmed')) actions.push('confirm');
  if (crosses('shipping')) actions.push('fulfill');
  if (crosses('completed')) actions.push('close');
  actions.push('note');
  return actions;
}

// ---------------------------------------------------------------------------------------------
// Order actions from Haravan (print label, ready to ship, cancel) → Tiki calls
// ---------------------------------------------------------------------------------------------

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
 * Which Tiki call an order action makes (tiki-open-api.md §5), or INVALID_ORDER_STATE.
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

// ---------------------------------------------------------------------------------------------
// Confirmation deadline
// ---------------------------------------------------------------------------------------------

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
