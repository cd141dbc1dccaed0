/**
 * Orders and their stock effects (inferred):
 *  - create commits each tracked line at the order location (default: primary), may go negative;
 *  - a fulfilment deducts on-hand at its location and releases the commitment;
 *  - cancel releases what is still committed; `restock: true` returns fulfilled quantities to on-hand.
 */
import { ApiError, notFound, unprocessable } from './errors';
import { guestCustomer, createCustomer, findByEmail, findByPhone } from './customers';
import { ModelContext, changeStock, findLocation, findVariant, isTracked, primaryLocation } from './inventory';
import { pick } from './catalog';
import {
  AddressJson,
  CustomerJson,
  FulfillmentJson,
  Json,
  LineBook,
  LineItemJson,
  LocationJson,
  OrderJson,
  ShopData,
  StoredOrder,
  TransactionJson,
} from './types';

export interface OrderRules {
  /** Refuse orders for tracked `deny` variants without enough available stock (default: allow, go negative). */
  rejectOutOfStock: boolean;
}

const FINANCIAL_STATUSES = ['pending', 'authorized', 'partially_paid', 'paid', 'partially_refunded', 'refunded', 'voided'];
const CANCEL_REASONS = ['customer', 'fraud', 'inventory', 'declined', 'other'];
const TRANSACTION_KINDS = ['pending', 'authorization', 'capture', 'sale', 'void', 'refund'];
const MAX_TAG_LENGTH = 40;
const COD_GATEWAY = 'Thanh toán khi giao hàng (COD)';

type Input = Record<string, unknown>;

export function findOrder(shop: ShopData, id: number): StoredOrder {
  const stored = shop.orders.find((o) => o.order.id === id);
  if (!stored) throw notFound('Not Found');
  return stored;
}

export function renderOrder(stored: StoredOrder, fields?: string[]): Record<string, unknown> {
  const full: Record<string, unknown> = { ...structuredClone(stored.order) };
  return fields && fields.length > 0 ? pick(full, fields) : full;
}

export function createOrder(shop: ShopData, ctx: ModelContext, body: unknown, rules: OrderRules): StoredOrder {
  const input = objectOf(body, 'order');
  const location = orderLocation(shop, input.location_id);
  const lines = buildLines(shop, ctx, input.line_items);
  if (rules.rejectOutOfStock) assertInStock(shop, location, lines);
  const tags = validTags(input.tags);
  const noteAttributes = validNoteAttributes(input.note_attributes);
  const financialStatus = str(input.financial_status);
  if (financialStatus !== null && !FINANCIAL_STATUSES.includes(financialStatus)) {
    throw unprocessable(`financial_status ${financialStatus} is not valid`);
  }
  const customer = resolveCustomer(shop, ctx, input);
  const at = ctx.now();
  const id = ctx.newId();
  const orderNumber = `#${shop.nextOrderNumber++}`;
  const totalLineItems = sum(lines.map(({ item }) => item.price * item.quantity));
  const shippingLines = arrayOf(input.shipping_lines).map((s) => ({ code: null, title: null, source: null, ...s, price: money(s.price) ?? 0 }));
  const discountCodes = arrayOf(input.discount_codes).map((d) => ({ type: 'fixed_amount', ...d, amount: money(d.amount) ?? 0 }));
  const totalDiscounts = money(input.total_discounts) ?? sum(discountCodes.map((d) => d.amount));
  const totalPrice = totalLineItems - totalDiscounts + sum(shippingLines.map((s) => s.price));
  const isCod = input.is_cod_gateway === true;
  const confirmed = input.is_confirm === true;
  const gateway = str(input.gateway) ?? (isCod ? COD_GATEWAY : null);

  const order: OrderJson = {
    id,
    name: orderNumber,
    order_number: orderNumber,
    number: id,
    token: id.toString(16).padStart(32, '0'),
    email: customer.email,
    contact_email: customer.email,
    currency: shop.shop.currency,
    created_at: at,
    updated_at: at,
    confirmed_at: confirmed ? at : null,
    closed_at: null,
    cancelled_at: null,
    cancel_reason: null,
    financial_status: financialStatus ?? 'pending',
    fulfillment_status: 'notfulfilled',
    confirmed_status: confirmed ? 'confirmed' : 'unconfirmed',
    closed_status: 'unclosed',
    cancelled_status: 'uncancelled',
    order_processing_status: confirmed ? 'confirmed' : null,
    gateway,
    gateway_code: isCod ? 'COD' : null,
    source: str(input.source),
    source_name: str(input.source_name),
    note: str(input.note),
    tags,
    note_attributes: noteAttributes,
    location_id: location.id,
    location_name: location.name,
    user_id: typeof input.user_id === 'number' ? input.user_id : null,
    customer: null,
    billing_address: address(input.billing_address),
    shipping_address: address(input.shipping_address),
    line_items: lines.map((l) => l.item),
    shipping_lines: shippingLines as Json[],
    discount_codes: discountCodes as Json[],
    tax_lines: null,
    taxes_included: false,
    transactions: [],
    fulfillments: [],
    refunds: [],
    subtotal_price: totalLineItems,
    total_line_items_price: totalLineItems,
    total_discounts: totalDiscounts,
    total_tax: 0,
    total_price: totalPrice,
    total_weight: sum(lines.map(({ item }) => item.grams * item.quantity)),
  };
  order.transactions.push(transaction(ctx, order, { kind: 'pending', amount: totalPrice, status: null, parentId: null }));

  const stored: StoredOrder = { order, lines: {} };
  for (const { item, tracked } of lines) {
    stored.lines[item.id] = { committed: tracked ? item.quantity : 0, fulfilled: [], tracked };
    if (tracked) changeStock(shop, ctx, { variantId: item.variant_id as number, locationId: location.id, committedDelta: item.quantity });
  }
  recordOnCustomer(customer, order, at);
  order.customer = structuredClone(customer);
  shop.orders.push(stored);
  return stored;
}

export function updateOrder(ctx: ModelContext, stored: StoredOrder, body: unknown): void {
  const input = objectOf(body, 'order');
  if (input.line_items !== undefined) throw unprocessable('line_items cannot be changed');
  const order = stored.order;
  if (input.note !== undefined) order.note = str(input.note);
  if (input.tags !== undefined) order.tags = validTags(input.tags);
  if (input.note_attributes !== undefined) order.note_attributes = validNoteAttributes(input.note_attributes);
  order.updated_at = ctx.now();
}

export function confirmOrder(ctx: ModelContext, stored: StoredOrder): void {
  const order = stored.order;
  if (order.cancelled_status === 'cancelled') throw unprocessable('Order has been cancelled');
  if (order.confirmed_status === 'confirmed') return;
  const at = ctx.now();
  order.confirmed_status = 'confirmed';
  order.confirmed_at = at;
  order.order_processing_status = 'confirmed';
  order.updated_at = at;
}

export function setClosed(ctx: ModelContext, stored: StoredOrder, closed: boolean): void {
  const at = ctx.now();
  stored.order.closed_status = closed ? 'closed' : 'unclosed';
  stored.order.closed_at = closed ? at : null;
  stored.order.updated_at = at;
}

export function cancelOrder(shop: ShopData, ctx: ModelContext, stored: StoredOrder, body: unknown): void {
  const input = (body && typeof body === 'object' ? body : {}) as Input;
  const order = stored.order;
  if (order.cancelled_status === 'cancelled') throw unprocessable('Order has already been cancelled');
  const amount = optionalAmount(input.amount, 'amount');
  const reason = str(input.reason) ?? (amount !== undefined ? 'other' : 'customer');
  if (!CANCEL_REASONS.includes(reason)) throw unprocessable(`reason ${reason} is not valid`);
  const restock = input.restock === true;

  for (const item of order.line_items) {
    const book = stored.lines[item.id];
    if (book?.tracked && book.committed > 0) {
      changeStock(shop, ctx, { variantId: item.variant_id as number, locationId: order.location_id, committedDelta: -book.committed });
      book.committed = 0;
    }
    if (restock && book) {
      for (const f of book.fulfilled) {
        if (book.tracked) changeStock(shop, ctx, { variantId: item.variant_id as number, locationId: f.locationId, onhandDelta: f.quantity });
      }
      book.fulfilled = [];
      item.fulfillment_status = 'restock';
    }
    item.fulfillable_quantity = 0;
  }
  const at = ctx.now();
  if (amount !== undefined && amount > 0) {
    const refund = transaction(ctx, order, { kind: 'refund', amount, status: 'success', parentId: null });
    order.transactions.push(refund);
    order.refunds.push({ id: ctx.newId(), order_id: order.id, created_at: at, note: str(input.note), restock, transactions: [refund] } as unknown as Json);
    order.financial_status = amount >= paidAmount(order) && paidAmount(order) > 0 ? 'refunded' : 'partially_refunded';
  }
  if (restock) order.fulfillment_status = 'restocked';
  order.cancelled_status = 'cancelled';
  order.cancelled_at = at;
  order.cancel_reason = reason;
  order.updated_at = at;
}

export function createFulfillment(shop: ShopData, ctx: ModelContext, stored: StoredOrder, body: unknown): FulfillmentJson {
  const input = objectOf(body, 'fulfillment');
  const order = stored.order;
  if (order.cancelled_status === 'cancelled') throw unprocessable('Order has been cancelled');
  const locationId = input.location_id === undefined || input.location_id === null ? order.location_id : input.location_id;
  if (typeof locationId !== 'number' || !findLocation(shop, locationId)) throw unprocessable('location_id is not valid');

  const requested: { item: LineItemJson; quantity: number }[] = [];
  if (input.line_items === undefined || input.line_items === null) {
    for (const item of order.line_items) if (item.fulfillable_quantity > 0) requested.push({ item, quantity: item.fulfillable_quantity });
  } else {
    for (const line of arrayOf(input.line_items)) {
      const item = order.line_items.find((li) => li.id === line.id);
      if (!item) throw unprocessable(`line_items: line item ${String(line.id)} is not part of the order`);
      const quantity = line.quantity === undefined ? item.fulfillable_quantity : line.quantity;
      if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > item.fulfillable_quantity) {
        throw unprocessable(`line_items: quantity for line item ${item.id} must be between 1 and ${item.fulfillable_quantity}`);
      }
      requested.push({ item, quantity });
    }
  }
  if (requested.length === 0) throw unprocessable('There is nothing left to fulfil');

  for (const { item, quantity } of requested) {
    const book = stored.lines[item.id] as LineBook;
    if (book.tracked) {
      const release = Math.min(quantity, book.committed);
      const variantId = item.variant_id as number;
      if (release > 0) changeStock(shop, ctx, { variantId, locationId: order.location_id, committedDelta: -release });
      changeStock(shop, ctx, { variantId, locationId, onhandDelta: -quantity });
      book.committed -= release;
    }
    book.fulfilled.push({ locationId, quantity });
    item.fulfillable_quantity -= quantity;
    item.fulfillment_status = item.fulfillable_quantity === 0 ? 'fulfilled' : 'partial';
  }
  const at = ctx.now();
  const trackingNumber = str(input.tracking_number);
  const fulfillment: FulfillmentJson = {
    id: ctx.newId(),
    order_id: order.id,
    status: 'success',
    tracking_company: str(input.tracking_company),
    tracking_number: trackingNumber,
    tracking_numbers: trackingNumber ? [trackingNumber] : [],
    tracking_url: null,
    tracking_urls: [],
    location_id: locationId,
    notify_customer: input.notify_customer === true,
    carrier_status_code: null,
    cod_amount: 0,
    line_items: requested.map(({ item, quantity }) => ({ ...structuredClone(item), quantity })),
    created_at: at,
    updated_at: at,
  };
  order.fulfillments.push(fulfillment);
  order.fulfillment_status = order.line_items.every((li) => li.fulfillable_quantity === 0) ? 'fulfilled' : 'partial';
  order.updated_at = at;
  return fulfillment;
}

export function createTransaction(ctx: ModelContext, stored: StoredOrder, body: unknown): TransactionJson {
  const input = objectOf(body, 'transaction');
  const order = stored.order;
  const kind = (str(input.kind) ?? '').toLowerCase();
  if (!TRANSACTION_KINDS.includes(kind)) throw unprocessable(`kind ${String(input.kind)} is not valid`);
  const amount = input.amount === undefined && kind === 'void' ? 0 : money(input.amount);
  if (amount === undefined || amount < 0 || (amount === 0 && kind !== 'void')) throw unprocessable('amount is not valid');
  const pending = order.transactions.find((t) => t.kind === 'pending');
  const tx = transaction(ctx, order, { kind, amount, status: 'success', parentId: kind === 'pending' ? null : (pending?.id ?? null) });
  order.transactions.push(tx);
  order.financial_status = financialStatusAfter(order, kind);
  order.updated_at = ctx.now();
  return tx;
}

// ---- helpers -----------------------------------------------------------------------------

function financialStatusAfter(order: OrderJson, kind: string): string {
  if (kind === 'void') return 'voided';
  if (kind === 'authorization') return 'authorized';
  if (kind === 'pending') return order.financial_status;
  const paid = paidAmount(order);
  const refunded = sum(order.transactions.filter((t) => t.kind === 'refund').map((t) => t.amount));
  if (refunded > 0) return refunded >= paid ? 'refunded' : 'partially_refunded';
  return paid >= order.total_price ? 'paid' : 'partially_paid';
}

function paidAmount(order: OrderJson): number {
  return sum(order.transactions.filter((t) => t.kind === 'capture' || t.kind === 'sale').map((t) => t.amount));
}

function transaction(
  ctx: ModelContext,
  order: OrderJson,
  t: { kind: string; amount: number; status: string | null; parentId: number | null },
): TransactionJson {
  return {
    id: ctx.newId(),
    order_id: order.id,
    amount: t.amount,
    kind: t.kind,
    status: t.status,
    gateway: order.gateway,
    parent_id: t.parentId,
    location_id: order.location_id,
    currency: order.currency,
    is_cod_gateway: order.gateway_code === 'COD',
    test: false,
    user_id: null,
    authorization: null,
    receipt: null,
    created_at: ctx.now(),
  };
}

interface BuiltLine {
  item: LineItemJson;
  tracked: boolean;
  policy: string | null;
}

function buildLines(shop: ShopData, ctx: ModelContext, raw: unknown): BuiltLine[] {
  if (!Array.isArray(raw) || raw.length === 0) throw unprocessable('line_items is required');
  return raw.map((value, index) => {
    if (!value || typeof value !== 'object') throw unprocessable(`line_items[${index}] is not valid`);
    const line = value as Input;
    const quantity = line.quantity;
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1) {
      throw unprocessable(`line_items[${index}].quantity must be a positive integer`);
    }
    const price = optionalAmount(line.price, `line_items[${index}].price`);
    const discount = money(line.total_discount) ?? 0;
    const base = {
      id: ctx.newId(),
      quantity,
      price_promotion: 0,
      total_discount: discount,
      applied_discounts: [],
      requires_shipping: true,
      tax_lines: null,
      gift_card: false,
      fulfillable_quantity: quantity,
      fulfillment_service: null,
      fulfillment_status: 'notfulfilled',
      properties: (line.properties ?? null) as Json,
      not_allow_promotion: false,
    };
    if (line.variant_id === undefined || line.variant_id === null) {
      const title = str(line.title);
      if (!title || price === undefined) throw unprocessable(`line_items[${index}]: a custom line needs title and price`);
      const item: LineItemJson = {
        ...base,
        product_id: null,
        variant_id: null,
        title,
        variant_title: null,
        name: title,
        sku: str(line.sku),
        barcode: str(line.barcode),
        vendor: null,
        type: null,
        price,
        price_original: price + discount,
        grams: typeof line.grams === 'number' ? line.grams : 0,
        taxable: false,
        product_exists: false,
      };
      return { item, tracked: false, policy: null };
    }
    const found = typeof line.variant_id === 'number' ? findVariant(shop, line.variant_id) : undefined;
    if (!found) throw unprocessable(`line_items[${index}]: variant ${String(line.variant_id)} does not exist`);
    const { product, variant } = found;
    const unitPrice = price ?? variant.price;
    const item: LineItemJson = {
      ...base,
      product_id: product.id,
      variant_id: variant.id,
      title: product.title,
      variant_title: variant.title,
      name: `${product.title} - ${variant.title}`,
      sku: variant.sku,
      barcode: variant.barcode,
      vendor: product.vendor,
      type: product.product_type,
      price: unitPrice,
      price_original: unitPrice + discount,
      grams: variant.grams,
      taxable: variant.taxable,
      product_exists: true,
    };
    return { item, tracked: isTracked(variant), policy: variant.inventory_policy };
  });
}

function assertInStock(shop: ShopData, location: LocationJson, lines: BuiltLine[]): void {
  const wanted = new Map<number, number>();
  for (const { item, tracked, policy } of lines) {
    if (!tracked || policy !== 'deny' || item.variant_id === null) continue;
    wanted.set(item.variant_id, (wanted.get(item.variant_id) ?? 0) + item.quantity);
  }
  for (const [variantId, quantity] of wanted) {
    const row = shop.inventory.find((r) => r.variant_id === variantId && r.loc_id === location.id);
    const available = row ? row.qty_onhand - row.qty_commited : 0;
    if (available < quantity) throw unprocessable(`line_items: variant ${variantId} is out of stock at ${location.name}`);
  }
}

function orderLocation(shop: ShopData, raw: unknown): LocationJson {
  if (raw === undefined || raw === null) return primaryLocation(shop);
  const location = typeof raw === 'number' ? findLocation(shop, raw) : undefined;
  if (!location) throw unprocessable(`location_id ${String(raw)} is not valid`);
  return location;
}

function resolveCustomer(shop: ShopData, ctx: ModelContext, input: Input): CustomerJson {
  const given = (input.customer && typeof input.customer === 'object' ? input.customer : {}) as Input;
  if (given.id !== undefined && given.id !== null) {
    const existing = shop.customers.find((c) => c.id === given.id);
    if (!existing) throw unprocessable(`customer ${String(given.id)} does not exist`);
    return existing;
  }
  const email = str(input.email) ?? str(given.email);
  if (!email) return guestCustomer(shop, ctx);
  const existing = findByEmail(shop, email);
  if (existing) return existing;
  const addr = (input.shipping_address ?? input.billing_address ?? {}) as Input;
  const phone = str(given.phone) ?? str(input.phone) ?? str(addr.phone);
  return createCustomer(shop, ctx, {
    email,
    first_name: str(given.first_name) ?? str(addr.first_name),
    last_name: str(given.last_name) ?? str(addr.last_name),
    // A phone already used by another customer is left off rather than failing the order.
    phone: phone && !findByPhone(shop, phone) ? phone : null,
  });
}

function recordOnCustomer(customer: CustomerJson, order: OrderJson, at: string): void {
  customer.orders_count += 1;
  customer.total_spent += order.total_price;
  customer.last_order_id = order.id;
  customer.last_order_name = order.name;
  customer.last_order_date = at;
  customer.updated_at = at;
}

function validTags(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'string') throw unprocessable('tags must be a comma-separated string');
  const tags = raw
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  const tooLong = tags.find((t) => t.length > MAX_TAG_LENGTH);
  if (tooLong) throw unprocessable(`tags: "${tooLong}" is longer than ${MAX_TAG_LENGTH} characters`);
  return tags.length > 0 ? tags.join(', ') : null;
}

function validNoteAttributes(raw: unknown): { name: string; value: Json }[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw unprocessable('note_attributes must be a list of {name, value}');
  return raw.map((a) => {
    if (!a || typeof a !== 'object' || typeof (a as Input).name !== 'string') {
      throw unprocessable('note_attributes must be a list of {name, value}');
    }
    const value = (a as Input).value;
    return { name: (a as Input).name as string, value: value === undefined ? null : (value as Json) };
  });
}

function address(raw: unknown): AddressJson | null {
  if (!raw || typeof raw !== 'object') return null;
  const a = raw as Input;
  return { ...a, name: `${str(a.first_name) ?? ''} ${str(a.last_name) ?? ''}`.trim() };
}

function objectOf(body: unknown, key: string): Input {
  const value = body && typeof body === 'object' ? (body as Input)[key] : undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ApiError(422, `${key} is required`);
  return value as Input;
}

function arrayOf(raw: unknown): Input[] {
  return Array.isArray(raw) ? raw.filter((x): x is Input => !!x && typeof x === 'object') : [];
}

/** An optional non-negative amount: absent/blank → undefined, anything else must be a valid decimal. */
function optionalAmount(raw: unknown, field: string): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const amount = money(raw);
  if (amount === undefined || amount < 0) throw unprocessable(`${field} is not valid`);
  return amount;
}

/** Decimal amounts arrive as numbers or numeric strings. */
export function money(raw: unknown): number | undefined {
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  if (typeof raw === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(raw)) return Number(raw);
  return undefined;
}

function str(raw: unknown): string | null {
  return typeof raw === 'string' && raw.trim() !== '' ? raw : null;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
