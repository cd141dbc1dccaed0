/**
 * zod schemas of the Tiki Seller Open API objects the client reads.
 * Over ~300 lines: declarations only (one schema per vendor object, with the reference notes beside each field).
 *
 * Every vendor object is a loose object: unknown fields are kept, never rejected. Fields that real
 * responses send in more than one shape are normalised here once:
 *  - ids / integers / money may arrive as numbers or numeric strings (→ number);
 *  - `active` is int 0/1 (v1, v2.1) or the string "1" (v2 listing) (→ 0 | 1);
 *  - `original_sku` / `seller_product_code` may be `""` or `null` (kept as sent);
 *  - optional nested objects may be `null` or, from PHP-style backends, `[]` (→ null);
 *  - v2 product listings call the product id `id` (→ also exposed as `product_id`);
 *  - seller warehouses carry a flat address (`street`, `ward{}`…) or a nested `address{}` (→ `address` always).
 *
 * Longer than ~300 lines on purpose: declarative schemas, one per vendor object, kept in one file per vendor so a
 * response shape is looked up in one place.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------------

const NUMERIC_STRING = /^\s*-?\d+(\.\d+)?\s*$/;

/** A number, or a numeric string (Tiki types money as Decimal and sometimes serialises it as "409000.00"). */
export const numeric = z.union([
  z.number(),
  z
    .string()
    .regex(NUMERIC_STRING, 'expected a numeric string')
    .transform((v) => Number(v)),
]);

/** An integer id that may be serialised as a number or a string of digits. */
export const intish = numeric.pipe(z.number().int());

/** A string identifier that some endpoints send as a number (order codes, SKUs). */
export const idString = z.union([z.string(), z.number().transform((v) => String(v))]);

/** 0/1 flag sent as int, numeric string or boolean. */
export const flag01 = z
  .union([z.number(), z.string(), z.boolean()])
  .transform((v): 0 | 1 => (v === true || Number(v) === 1 ? 1 : 0));

/** A string that may be absent, null or empty. */
export const optString = z.string().nullish();

/** Treat `[]` (PHP's empty "object") as null before validating an optional nested object. */
function optObject<T extends z.ZodTypeAny>(schema: T) {
  return z.preprocess((v) => (Array.isArray(v) && v.length === 0 ? null : v), schema.nullish());
}

/** A list that may be absent or null (→ []). */
function list<T extends z.ZodTypeAny>(item: T) {
  return z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);
}

// ---------------------------------------------------------------------------------------------
// Envelopes
// ---------------------------------------------------------------------------------------------

export const pagingSchema = z.looseObject({
  total: intish.nullish(),
  current_page: intish,
  from: intish.nullish(),
  to: intish.nullish(),
  per_page: intish.nullish(),
  last_page: intish,
});
export type TikiPaging = z.infer<typeof pagingSchema>;

/** `{ data: [...], paging: {...} }` — every list endpoint. */
export function listEnvelope<T extends z.ZodTypeAny>(item: T) {
  return z.looseObject({ data: list(item), paging: pagingSchema.nullish() });
}

export interface TikiPage<T> {
  items: T[];
  paging: TikiPaging;
}

// ---------------------------------------------------------------------------------------------
// OAuth
// ---------------------------------------------------------------------------------------------

export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  expires_in: intish,
  token_type: z.string(),
  scope: optString,
  refresh_token: optString,
  id_token: optString,
});
export type TikiTokenResponse = z.infer<typeof tokenResponseSchema>;

/** ORY-Hydra style error body of the token endpoint. */
export const oauthErrorSchema = z.looseObject({
  error: z.string(),
  error_description: optString,
  error_hint: optString,
  error_debug: optString,
  status_code: intish.nullish(),
});
export type TikiOAuthError = z.infer<typeof oauthErrorSchema>;

// ---------------------------------------------------------------------------------------------
// Errors in 2xx / 4xx bodies
// ---------------------------------------------------------------------------------------------

/** `{"errors": [...], "meta": {"source": "meepo", "id": "..."}}`. */
export const apiErrorBodySchema = z.looseObject({
  errors: z.array(z.unknown()),
  meta: optObject(z.looseObject({ source: optString, id: idString.nullish() })),
});

/** Legacy key scheme: 403 `{"msg": "Permission denied"}` or 200 `{"msg": "...", "integration_status": ...}`. */
export const legacyKeyMessageSchema = z.looseObject({
  msg: z.string().optional(),
  integration_status: z.unknown().optional(),
});

// ---------------------------------------------------------------------------------------------
// Seller and warehouses
// ---------------------------------------------------------------------------------------------

export const sellerSchema = z.looseObject({
  /** Absent in the v1 variant of sellers/me. */
  id: intish.optional(),
  sid: z.string(),
  name: z.string(),
  logo: optString,
  active: flag01,
  operation_models: list(z.string()),
  can_update_product: flag01.optional(),
  registration_status: optString,
  live_at: optString,
});
export type TikiSeller = z.infer<typeof sellerSchema>;

const codeName = z.looseObject({ code: optString, name: optString });

export const addressSchema = z.looseObject({
  street: optString,
  ward: optObject(codeName),
  district: optObject(codeName),
  region: optObject(codeName),
  country: optObject(codeName),
});
export type TikiAddress = z.infer<typeof addressSchema>;

const warehouseBase = z.looseObject({
  id: intish,
  name: z.string(),
  code: optString,
  is_primary: z.union([z.boolean(), z.number()]).nullish(),
  status: intish.nullish(),
  type: z.union([z.string(), z.number()]).nullish(),
  seller_id: intish.nullish(),
  street: optString,
  ward: optObject(codeName),
  district: optObject(codeName),
  region: optObject(codeName),
  country: optObject(codeName),
  address: optObject(addressSchema),
});

/** Seller warehouse ("seller inventory"); `address` is always present, built from the flat fields when needed. */
export const sellerWarehouseSchema = warehouseBase.transform((w) => ({
  ...w,
  address: w.address ?? {
    street: w.street ?? null,
    ward: w.ward ?? null,
    district: w.district ?? null,
    region: w.region ?? null,
    country: w.country ?? null,
  },
}));
export type TikiSellerWarehouse = z.infer<typeof sellerWarehouseSchema>;

export const sellerInventoriesSchema = z.looseObject({
  seller_inventories: list(sellerWarehouseSchema),
  mappings: list(z.looseObject({ tiki_warehouse_code: z.string(), seller_inventory_ids: list(intish) })),
});
export type TikiSellerInventories = z.infer<typeof sellerInventoriesSchema>;

// ---------------------------------------------------------------------------------------------
// Products
// ---------------------------------------------------------------------------------------------

export const warehouseStockSchema = z.looseObject({
  warehouse_id: intish,
  quantity: intish.nullish(),
  quantity_available: intish,
  quantity_reserved: intish.nullish(),
  /** v2.1 spelling; v1 used `quantity_saleable`. */
  quantity_sellable: intish.nullish(),
  quantity_saleable: intish.nullish(),
});
export type TikiWarehouseStock = z.infer<typeof warehouseStockSchema>;

export const productInventorySchema = z.looseObject({
  inventory_type: optString,
  fulfillment_type: optString,
  warehouse_stocks: list(warehouseStockSchema),
});
export type TikiProductInventory = z.infer<typeof productInventorySchema>;

const productObject = z.looseObject({
  product_id: intish,
  sku: idString,
  name: z.string(),
  original_sku: optString,
  master_id: intish.nullish(),
  master_sku: optString,
  super_id: intish.nullish(),
  super_sku: optString,
  active: flag01,
  type: optString,
  entity_type: optString,
  price: numeric,
  market_price: numeric.nullish(),
  created_at: optString,
  updated_at: optString,
  thumbnail: optString,
  version: intish.nullish(),
  inventory: optObject(productInventorySchema),
});

/** A product (offer) from v2.1 listing/detail, or the v2 listing / findBy shape (`id`, string `active`). */
export const productSchema = z.preprocess((v) => {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (o.product_id === undefined && o.id !== undefined) return { ...o, product_id: o.id };
  }
  return v;
}, productObject);
export type TikiProduct = z.infer<typeof productObject>;

export const productListSchema = listEnvelope(productSchema);

/** updateSku / updateSkus answer: `{"state": "approved"}`, or an `errors` list (possibly with 200). */
export const skuUpdateResponseSchema = z.preprocess(
  (v) => (v === undefined || v === null || v === '' ? {} : v),
  z.looseObject({
    state: optString,
    errors: z.array(z.unknown()).nullish(),
    meta: optObject(z.looseObject({ source: optString, id: idString.nullish() })),
  }),
);
export type TikiSkuUpdateResponse = z.infer<typeof skuUpdateResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Orders (v2)
// ---------------------------------------------------------------------------------------------

export const orderAddressSchema = z.looseObject({
  full_name: optString,
  street: optString,
  ward: optString,
  ward_tiki_code: optString,
  district: optString,
  district_tiki_code: optString,
  region: optString,
  region_tiki_code: optString,
  country: optString,
  country_id: optString,
  /** `""` unless the order is seller_delivery / cross_border. */
  phone: optString,
  /** `null` unless the order is seller_delivery / cross_border. */
  email: optString,
});
export type TikiOrderAddress = z.infer<typeof orderAddressSchema>;

export const orderFeeSchema = z.looseObject({
  id: intish.nullish(),
  fee_type_key: optString,
  fee_type_name: optString,
  status: z.union([z.string(), z.number()]).nullish(),
  quantity: numeric.nullish(),
  base_amount: numeric.nullish(),
  total_amount: numeric.nullish(),
  discount_amount: numeric.nullish(),
  final_amount: numeric.nullish(),
});

export const orderItemConfirmationSchema = z.looseObject({
  status: z.string(),
  confirmed_at: optString,
  available_confirm_sla: optString,
  pickup_confirm_sla: optString,
  histories: list(
    z.looseObject({
      order_item_id: intish.nullish(),
      status: optString,
      confirmed_at: optString,
      sla_confirmed_at: optString,
    }),
  ),
});

export const orderItemSchema = z.looseObject({
  /** The id used in `available_item_ids`. */
  id: intish,
  parent_item_id: intish.nullish(),
  price: numeric,
  qty: intish,
  fulfilled_at: optString,
  is_virtual: z.boolean().nullish(),
  is_free_gift: z.boolean().nullish(),
  seller_inventory_id: intish.nullish(),
  seller_inventory_name: optString,
  product: z.looseObject({
    id: intish,
    type: optString,
    super_id: intish.nullish(),
    master_id: intish.nullish(),
    sku: idString,
    name: z.string(),
    catalog_group_name: optString,
    inventory_type: optString,
    thumbnail: optString,
    /** The seller's own code (= original_sku); may be `""` or `null`. */
    seller_product_code: optString,
    seller_supply_method: optString,
  }),
  seller: optObject(z.looseObject({ id: intish, name: optString })),
  confirmation: orderItemConfirmationSchema,
  invoice: optObject(
    z.looseObject({
      price: numeric.nullish(),
      quantity: intish.nullish(),
      subtotal: numeric.nullish(),
      row_total: numeric.nullish(),
      discount_amount: numeric.nullish(),
      discount_coupon: numeric.nullish(),
      is_seller_discount_coupon: z.boolean().nullish(),
      seller_fee: numeric.nullish(),
      seller_income: numeric.nullish(),
      fees: list(orderFeeSchema),
    }),
  ),
  seller_income_detail: optObject(z.looseObject({})),
});
export type TikiOrderItem = z.infer<typeof orderItemSchema>;

export const orderInvoiceSchema = z.looseObject({
  items_count: intish.nullish(),
  items_quantity: intish.nullish(),
  subtotal: numeric.nullish(),
  grand_total: numeric.nullish(),
  collectible_amount: numeric.nullish(),
  discount_amount: numeric.nullish(),
  shipping_amount_after_discount: numeric.nullish(),
  total_seller_fee: numeric.nullish(),
  total_seller_income: numeric.nullish(),
  coupon_code: optString,
  purchased_at: optString,
});

export const cancelInfoSchema = z.looseObject({
  reason_code: idString.nullish(),
  reason_text: optString,
  comment: optString,
  canceled_at: optString,
});

export const orderSchema = z.looseObject({
  id: intish.nullish(),
  code: idString,
  relation_code: optString,
  original_code: optString,
  parent_code: optString,
  fulfillment_type: z.string(),
  status: z.string(),
  is_rma: z.boolean().nullish(),
  is_vat_exporting: z.boolean().nullish(),
  has_backorder_items: z.boolean().nullish(),
  created_at: z.string(),
  updated_at: optString,
  invoice: optObject(orderInvoiceSchema),
  tiki_warehouse: optObject(z.looseObject({ id: intish.nullish(), name: optString, code: optString })),
  seller_warehouse: optObject(z.looseObject({ id: intish.nullish(), name: optString, code: optString })),
  items: z.array(orderItemSchema),
  shipping: optObject(
    z.looseObject({
      partner_id: z.union([z.string(), z.number()]).nullish(),
      partner_name: optString,
      tracking_code: optString,
      status: optString,
      plan: optObject(z.looseObject({})),
      address: optObject(orderAddressSchema),
    }),
  ),
  billing_address: optObject(orderAddressSchema),
  payment: optObject(
    z.looseObject({
      method: optString,
      is_prepaid: z.boolean().nullish(),
      status: optString,
      description: optString,
    }),
  ),
  delivery: optObject(z.looseObject({})),
  customer: optObject(z.looseObject({ id: intish.nullish(), full_name: optString })),
  cancel_info: optObject(cancelInfoSchema),
  status_histories: list(z.looseObject({ id: intish.nullish(), status: z.string(), created_at: optString })),
});
export type TikiOrder = z.infer<typeof orderSchema>;

export const orderListSchema = listEnvelope(orderSchema);

export const pickupSlotsSchema = z.looseObject({
  seller_id: intish.nullish(),
  pickup_slots: list(z.looseObject({ expected_pickup_slot: optString, expected_pickup_time: z.string() })),
});
export type TikiPickupSlots = z.infer<typeof pickupSlotsSchema>;

/** Label answers: dropship gives `shipping_label_url` + `shipping_stamp_url`; other shapes are undocumented. */
export const labelResponseSchema = z.looseObject({
  shipping_label_url: optString,
  shipping_stamp_url: optString,
  po_label_url: optString,
  label_url: optString,
  url: optString,
});

/** v2 action answers are undocumented; v1 answered `{"code":200,"data":[]}` or `{"message":"success"}`. */
export const actionResponseSchema = z.unknown();

// ---------------------------------------------------------------------------------------------
// Event queue (v1)
// ---------------------------------------------------------------------------------------------

export const queueSchema = z.looseObject({ code: z.string(), name: z.string(), status: optString });
export type TikiQueue = z.infer<typeof queueSchema>;

export const subscriptionSchema = z.looseObject({
  code: z.string(),
  active: z.boolean().nullish(),
  event_type: z.string(),
  sid: optString,
});
export type TikiSubscription = z.infer<typeof subscriptionSchema>;

export const TIKI_EVENT_TYPES = [
  'ORDER_CREATED_SUCCESSFULLY',
  'ORDER_STATUS_UPDATED',
  'PRODUCT_PRICE_UPDATED',
  'PRODUCT_MARKET_PRICE_UPDATED',
  'PRODUCT_INVENTORY_UPDATED',
] as const;
export type TikiEventType = (typeof TIKI_EVENT_TYPES)[number];

export const eventSchema = z.looseObject({
  id: z.string(),
  /** The seller's sid (40 upper-case hex): routes events of many sellers sharing one queue. */
  sid: z.string(),
  /** Epoch milliseconds. */
  created_at: intish,
  type: z.string(),
  version: optString,
  payload: z.record(z.string(), z.unknown()),
});
export type TikiEvent = z.infer<typeof eventSchema>;

export const pullResponseSchema = z.looseObject({
  events: list(eventSchema),
  ack_id: z.string().nullish(),
});

/** ORDER_CREATED_SUCCESSFULLY / ORDER_STATUS_UPDATED payload. */
export const orderEventPayloadSchema = z.looseObject({
  order_code: idString,
  orderCode: idString.nullish(),
  status: optString,
});
export type TikiOrderEventPayload = z.infer<typeof orderEventPayloadSchema>;

/** PRODUCT_INVENTORY_UPDATED (v2) payload. */
export const inventoryEventPayloadSchema = z.looseObject({
  product_id: intish,
  original_sku: optString,
  warehouse_id: intish.nullish(),
  quantity_from: intish.nullish(),
  quantity_to: intish.nullish(),
  quantity_available_from: intish.nullish(),
  quantity_available_to: intish.nullish(),
  quantity_reserved_from: intish.nullish(),
  quantity_reserved_to: intish.nullish(),
  quantity_sellable_from: intish.nullish(),
  quantity_sellable_to: intish.nullish(),
});
export type TikiInventoryEventPayload = z.infer<typeof inventoryEventPayloadSchema>;

/** PRODUCT_PRICE_UPDATED payload (the docs type these values as strings). */
export const priceEventPayloadSchema = z.looseObject({
  product_id: intish,
  original_sku: optString,
  price_from: numeric.nullish(),
  price_to: numeric.nullish(),
});
export type TikiPriceEventPayload = z.infer<typeof priceEventPayloadSchema>;

/** PRODUCT_MARKET_PRICE_UPDATED payload. */
export const marketPriceEventPayloadSchema = z.looseObject({
  product_id: intish,
  original_sku: optString,
  market_price_from: numeric.nullish(),
  market_price_to: numeric.nullish(),
});
export type TikiMarketPriceEventPayload = z.infer<typeof marketPriceEventPayloadSchema>;
