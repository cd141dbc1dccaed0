/**
 * Zod schemas for the Haravan Admin API objects the connector reads.
 *
 * Objects are loose (unknown vendor fields pass through), most fields are nullish because the
 * API returns null for unset values and `fields=` projections drop keys. Money accepts JSON
 * numbers and numeric strings (both occur). Field names stay snake_case.
 *
 * Longer than ~300 lines on purpose: declarative schemas, one per vendor object, kept in one file per vendor so a
 * response shape is looked up in one place.
 */
import { z } from 'zod';

const id = z.number().int();
const text = z.string().nullish();
const timestamp = z.string().nullish();

const numericString = z
  .string()
  .trim()
  .regex(/^-?\d+(\.\d+)?$/)
  .transform(Number);

/** A required decimal amount: `600000.0000` or `"600000"`. */
export const money = z.union([z.number(), numericString]);
/** An optional decimal amount; blank strings read as null. */
export const optionalMoney = z
  .union([money, z.literal('').transform(() => null), z.null()])
  .optional();

const quantity = z.number();

export const InventoryAdvanceSchema = z.looseObject({
  qty_available: quantity.nullish(),
  qty_onhand: quantity.nullish(),
  qty_commited: quantity.nullish(),
  qty_incoming: quantity.nullish(),
});

export const VariantSchema = z.looseObject({
  id,
  product_id: id.nullish(),
  title: text,
  sku: text,
  barcode: text,
  price: optionalMoney,
  compare_at_price: optionalMoney,
  grams: z.number().nullish(),
  /** "haravan" when stock is tracked; null or "" when not. */
  inventory_management: text,
  /** "deny" (default) or "continue" (sell when out of stock). */
  inventory_policy: text,
  inventory_quantity: quantity.nullish(),
  inventory_advance: InventoryAdvanceSchema.nullish(),
  option1: text,
  option2: text,
  option3: text,
  position: z.number().nullish(),
  image_id: id.nullish(),
  requires_shipping: z.boolean().nullish(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const ProductImageSchema = z.looseObject({
  id,
  product_id: id.nullish(),
  position: z.number().nullish(),
  src: text,
  variant_ids: z.array(id).nullish(),
});

export const ProductSchema = z.looseObject({
  id,
  title: text,
  handle: text,
  body_html: text,
  product_type: text,
  vendor: text,
  /** Comma-separated tags. */
  tags: text,
  published_at: timestamp,
  published_scope: text,
  created_at: timestamp,
  updated_at: timestamp,
  images: z.array(ProductImageSchema).nullish(),
  options: z.array(z.looseObject({ name: text, id: id.nullish(), position: z.number().nullish() })).nullish(),
  variants: z.array(VariantSchema).default([]),
});

export const ShopSchema = z.looseObject({
  id,
  name: text,
  email: text,
  domain: text,
  myharavan_domain: text,
  currency: text,
  timezone: text,
  inventory_method: text,
  created_at: timestamp,
});

export const LocationSchema = z.looseObject({
  id,
  name: text,
  is_primary: z.boolean().nullish(),
  location_type: text,
  type: text,
  is_unavailable_quantity: z.boolean().nullish(),
  created_at: timestamp,
  updated_at: timestamp,
});

/** One per-location balance row from `GET /com/inventory_locations.json`. */
export const InventoryLocationSchema = z.looseObject({
  id,
  /** Location id (the API calls it `loc_id`, not `location_id`). */
  loc_id: id,
  product_id: id,
  variant_id: id,
  qty_onhand: quantity,
  /** Spelled with one "t" by the API. */
  qty_commited: quantity,
  qty_incoming: quantity.nullish(),
  qty_available: quantity,
  updated_at: timestamp,
});

export const AddressSchema = z.looseObject({
  id: id.nullish(),
  first_name: text,
  last_name: text,
  name: text,
  phone: text,
  company: text,
  address1: text,
  address2: text,
  city: text,
  zip: text,
  country: text,
  country_code: text,
  province: text,
  province_code: text,
  district: text,
  district_code: text,
  ward: text,
  ward_code: text,
  default: z.boolean().nullish(),
});

export const CustomerSchema = z.looseObject({
  id,
  first_name: text,
  last_name: text,
  email: text,
  phone: text,
  note: text,
  tags: text,
  state: text,
  orders_count: z.number().nullish(),
  total_spent: optionalMoney,
  addresses: z.array(AddressSchema).nullish(),
  default_address: AddressSchema.nullish(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const NoteAttributeSchema = z.looseObject({
  name: z.string(),
  value: z.union([z.string(), z.number(), z.boolean()]).nullish(),
});

export const LineItemSchema = z.looseObject({
  id,
  product_id: id.nullish(),
  variant_id: id.nullish(),
  title: text,
  variant_title: text,
  name: text,
  sku: text,
  barcode: text,
  quantity: quantity,
  price: optionalMoney,
  price_original: optionalMoney,
  total_discount: optionalMoney,
  grams: z.number().nullish(),
  fulfillable_quantity: quantity.nullish(),
  /** Codes (`notfulfilled`, `fulfilled`, `partial`, `restock`) — localised labels also occur. */
  fulfillment_status: text,
});

export const TransactionSchema = z.looseObject({
  id,
  order_id: id.nullish(),
  amount: money,
  /** `pending`, `authorization`, `capture`, `sale`, `void`, `refund` — case varies. */
  kind: z.string(),
  status: text,
  gateway: text,
  parent_id: id.nullish(),
  location_id: id.nullish(),
  currency: text,
  is_cod_gateway: z.boolean().nullish(),
  created_at: timestamp,
});

export const FulfillmentSchema = z.looseObject({
  id,
  order_id: id.nullish(),
  status: text,
  tracking_company: text,
  tracking_number: text,
  tracking_numbers: z.array(z.string()).nullish(),
  tracking_url: text,
  location_id: id.nullish(),
  carrier_status_code: text,
  line_items: z.array(LineItemSchema.partial({ id: true })).nullish(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const RefundSchema = z.looseObject({
  id: id.nullish(),
  note: text,
  created_at: timestamp,
});

export const OrderSchema = z.looseObject({
  id,
  /** e.g. "#100811". */
  name: text,
  order_number: z.union([z.string(), z.number()]).nullish(),
  number: z.number().nullish(),
  email: text,
  contact_email: text,
  currency: text,
  created_at: timestamp,
  updated_at: timestamp,
  confirmed_at: timestamp,
  closed_at: timestamp,
  cancelled_at: timestamp,
  cancel_reason: text,
  financial_status: text,
  /** `notfulfilled` in practice (docs say null), `partial`, `fulfilled`, `restocked`. */
  fulfillment_status: text,
  confirmed_status: text,
  closed_status: text,
  cancelled_status: text,
  order_processing_status: text,
  gateway: text,
  gateway_code: text,
  source: text,
  source_name: text,
  note: text,
  /** Comma-separated tags. */
  tags: text,
  note_attributes: z.array(NoteAttributeSchema).nullish(),
  location_id: id.nullish(),
  location_name: text,
  customer: CustomerSchema.nullish(),
  billing_address: AddressSchema.nullish(),
  shipping_address: AddressSchema.nullish(),
  line_items: z.array(LineItemSchema).default([]),
  shipping_lines: z.array(z.looseObject({ code: text, title: text, price: optionalMoney })).nullish(),
  discount_codes: z.array(z.looseObject({ code: text, amount: optionalMoney })).nullish(),
  transactions: z.array(TransactionSchema).nullish(),
  fulfillments: z.array(FulfillmentSchema).nullish(),
  refunds: z.array(RefundSchema).nullish(),
  subtotal_price: optionalMoney,
  total_line_items_price: optionalMoney,
  total_discounts: optionalMoney,
  total_tax: optionalMoney,
  total_price: optionalMoney,
  total_weight: z.number().nullish(),
});

// Response envelopes.
export const ShopEnvelope = z.looseObject({ shop: ShopSchema });
export const LocationsEnvelope = z.looseObject({ locations: z.array(LocationSchema) });
export const ProductsEnvelope = z.looseObject({ products: z.array(ProductSchema) });
export const ProductEnvelope = z.looseObject({ product: ProductSchema });
export const CountEnvelope = z.looseObject({ count: z.number().int() });
export const InventoryLocationsEnvelope = z.looseObject({ inventory_locations: z.array(InventoryLocationSchema) });
export const OrdersEnvelope = z.looseObject({ orders: z.array(OrderSchema) });
export const OrderEnvelope = z.looseObject({ order: OrderSchema });
export const FulfillmentsEnvelope = z.looseObject({ fulfillments: z.array(FulfillmentSchema) });
export const FulfillmentEnvelope = z.looseObject({ fulfillment: FulfillmentSchema });
export const TransactionEnvelope = z.looseObject({ transaction: TransactionSchema });
export const CustomersEnvelope = z.looseObject({ customers: z.array(CustomerSchema) });
export const CustomerEnvelope = z.looseObject({ customer: CustomerSchema });
/** `adjustorset` answers with the variants whose stock changed; the exact shape is not documented. */
export const AdjustmentResponseSchema = z.looseObject({ variants: z.array(VariantSchema).nullish() });

export type HaravanShop = z.infer<typeof ShopSchema>;
export type HaravanLocation = z.infer<typeof LocationSchema>;
export type HaravanVariant = z.infer<typeof VariantSchema>;
export type HaravanProduct = z.infer<typeof ProductSchema>;
export type HaravanInventoryAdvance = z.infer<typeof InventoryAdvanceSchema>;
export type HaravanInventoryLocation = z.infer<typeof InventoryLocationSchema>;
export type HaravanAddress = z.infer<typeof AddressSchema>;
export type HaravanCustomer = z.infer<typeof CustomerSchema>;
export type HaravanNoteAttribute = z.infer<typeof NoteAttributeSchema>;
export type HaravanLineItem = z.infer<typeof LineItemSchema>;
export type HaravanTransaction = z.infer<typeof TransactionSchema>;
export type HaravanFulfillment = z.infer<typeof FulfillmentSchema>;
export type HaravanOrder = z.infer<typeof OrderSchema>;

/** True when Haravan tracks stock for the variant (`inventory_management: "haravan"`, any case). */
export function isInventoryTracked(variant: Pick<HaravanVariant, 'inventory_management'>): boolean {
  return (variant.inventory_management ?? '').trim().toLowerCase() === 'haravan';
}

/** True when the variant may be sold below zero (`inventory_policy: "continue"`). */
export function allowsOversell(variant: Pick<HaravanVariant, 'inventory_policy'>): boolean {
  return (variant.inventory_policy ?? '').trim().toLowerCase() === 'continue';
}

/** Split a Haravan comma-separated tag string into trimmed, non-empty tags. */
export function splitTags(tags: string | null | undefined): string[] {
  if (!tags) return [];
  return tags
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}
