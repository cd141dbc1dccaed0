/** Parameter and request-body types of HaravanClient (bodies stay in Haravan's snake_case). */
import type { HaravanVariant } from './schemas';

export type Timestamp = string | Date;

export interface ListProductsParams {
  page?: number;
  limit?: number;
  ids?: readonly number[];
  sinceId?: number;
  updatedAtMin?: Timestamp;
  /** Top-level fields to return. */
  fields?: readonly string[];
}

export interface ListInventoryLocationsParams {
  /** At most 50 per call (the API rejects more). */
  locationIds?: readonly number[];
  /** At most 50 per call (the API rejects more). */
  variantIds?: readonly number[];
  updatedAtMin?: Timestamp;
  sinceId?: number;
  /** 1..250, default 250. */
  limit?: number;
}

export interface InventoryLineInput {
  productId: number;
  variantId: number;
  quantity: number;
}

export type InventoryReason = 'newproduct' | 'returned' | 'productionofgoods' | 'damaged' | 'shrinkage' | 'promotion' | 'transfer';

export interface AdjustOrSetInventoryInput {
  locationId: number;
  /** `set` overwrites on-hand; `adjust` adds (quantity may be negative, never 0). */
  type: 'set' | 'adjust';
  reason?: InventoryReason;
  note?: string;
  lineItems: readonly InventoryLineInput[];
}

export interface AdjustInventoryResult {
  /** False when every call answered 200 (quantities already equal). */
  changed: boolean;
  /** Number of API calls made (≤ 100 lines each). */
  calls: number;
  /** Variants Haravan reported as changed, when its answer had that shape. */
  variants: HaravanVariant[];
}

export interface NoteAttributeInput {
  name: string;
  value: string;
}

export interface AddressInput {
  first_name?: string | null;
  last_name?: string | null;
  phone?: string | null;
  address1?: string | null;
  address2?: string | null;
  company?: string | null;
  city?: string | null;
  zip?: string | null;
  country?: string | null;
  country_code?: string | null;
  province?: string | null;
  province_code?: string | null;
  district?: string | null;
  district_code?: string | null;
  ward?: string | null;
  ward_code?: string | null;
}

export interface OrderLineItemInput {
  variant_id?: number | null;
  product_id?: number | null;
  quantity: number;
  /** Unit price to charge; defaults to the variant price. */
  price?: number;
  /** Custom line (no variant): title, price, sku, barcode. */
  title?: string;
  sku?: string;
  barcode?: string;
  properties?: NoteAttributeInput[];
}

/** The Haravan `order` object of `POST /com/orders.json`. */
export interface HaravanOrderInput {
  line_items: OrderLineItemInput[];
  customer?: { id: number } | { email?: string; first_name?: string; last_name?: string; phone?: string };
  email?: string;
  phone?: string;
  billing_address?: AddressInput;
  shipping_address?: AddressInput;
  financial_status?: string;
  gateway?: string;
  is_cod_gateway?: boolean;
  is_confirm?: boolean;
  send_receipt?: boolean;
  send_fulfillment_receipt?: boolean;
  source?: string;
  source_name?: string;
  location_id?: number;
  note?: string;
  /** Comma-separated, each tag ≤ 40 characters. */
  tags?: string;
  note_attributes?: NoteAttributeInput[];
  shipping_lines?: { code?: string | null; title?: string; price: number }[];
  discount_codes?: { code: string; amount: number; is_coupon_code?: boolean }[];
  total_discounts?: number;
  [key: string]: unknown;
}

export interface ListOrdersParams {
  page?: number;
  /** ≤ 50. */
  limit?: number;
  sinceId?: number;
  createdAtMin?: Timestamp;
  createdAtMax?: Timestamp;
  updatedAtMin?: Timestamp;
  /** open | closed | cancelled | any. */
  status?: 'open' | 'closed' | 'cancelled' | 'any';
  ids?: readonly number[];
  fields?: readonly string[];
}

export interface FindOrderByReferenceParams {
  tikiCode: string;
  /** Only orders created at/after this time are scanned. */
  createdAtMin: Timestamp;
}

export interface UpdateOrderInput {
  note?: string;
  tags?: string;
  note_attributes?: NoteAttributeInput[];
}

export type CancelReason = 'customer' | 'fraud' | 'inventory' | 'declined' | 'other';

export interface CancelOrderInput {
  reason?: CancelReason;
  /** Return fulfilled quantities to on-hand. */
  restock?: boolean;
  note?: string;
  /** Refund amount. */
  amount?: number | string;
}

export interface CreateFulfillmentInput {
  locationId?: number;
  trackingNumber?: string;
  trackingCompany?: string;
  /** Order line item ids; omit to fulfil everything still fulfillable. */
  lineItems?: { id: number; quantity?: number }[];
}

export type TransactionKind = 'pending' | 'authorization' | 'capture' | 'sale' | 'void' | 'refund';

export interface CreateTransactionInput {
  amount: number | string;
  kind: TransactionKind;
}

/** The Haravan `customer` object of `POST /com/customers.json`. */
export interface HaravanCustomerInput {
  first_name?: string;
  last_name?: string;
  email?: string;
  phone?: string;
  note?: string;
  tags?: string;
  verified_email?: boolean;
  send_email_invite?: boolean;
  addresses?: AddressInput[];
  [key: string]: unknown;
}
