/**
 * Order mapping: which Tiki orders are imported (`isImportable`) and the Haravan create-order body for one
 * (`mapTikiOrderToHaravan`: line items by link, channel, tags and note attributes, customer, payment, shipping,
 * discount). The rest of the order rules sit beside it: the status model (order-status.ts), mirroring Tiki's
 * changes (order-mirror.ts), the merchant's actions (order-actions.ts), the confirmation deadline
 * (order-deadline.ts), idempotence of the side effects (order-effects.ts, order-import.ts).
 */
import { mapCustomer, type HaravanAddress, type MappedCustomer } from './customer';
import { normalizeBarcode } from './linking';
import { TIKI_PRE_ACCEPTANCE_STATUSES } from './order-status';
import { floorToSecond, parseTikiDateTime } from './tiki-time';
import type { TikiOrderInput, TikiOrderItemInput } from './types';

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

/** The `order` object of Haravan's `POST /com/orders.json`. */
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
 *   `pending` (Tiki pays the seller later; creating an order as paid has come back `partiallypaid` with no transaction, so orders are created pending).
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
