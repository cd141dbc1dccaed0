/**
 * In-memory records of the Haravan simulator. They are stored in the vendor's own JSON shape
 * (snake_case) so that rendering is mostly a copy; derived figures (variant stock) are computed
 * when rendered. Everything here is plain JSON so the whole state can be snapshotted.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ShopJson {
  id: number;
  name: string;
  email: string | null;
  domain: string;
  myharavan_domain: string;
  currency: string;
  country_code: string;
  timezone: string;
  inventory_method: string;
  created_at: string;
  [key: string]: unknown;
}

export interface LocationJson {
  id: number;
  name: string;
  is_primary: boolean;
  location_type: string | null;
  type: string;
  is_unavailable_quantity: boolean;
  created_at: string;
  updated_at: string;
  [key: string]: unknown;
}

export interface VariantJson {
  id: number;
  product_id: number;
  title: string;
  sku: string | null;
  barcode: string | null;
  price: number;
  compare_at_price: number;
  grams: number;
  inventory_management: string | null;
  inventory_policy: string;
  option1: string | null;
  option2: string | null;
  option3: string | null;
  position: number;
  requires_shipping: boolean;
  taxable: boolean;
  fulfillment_service: string | null;
  image_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface ProductJson {
  id: number;
  title: string;
  handle: string;
  body_html: string | null;
  body_plain: string | null;
  product_type: string;
  vendor: string;
  tags: string;
  template_suffix: string | null;
  published_at: string | null;
  published_scope: string;
  created_at: string;
  updated_at: string;
  images: Json[];
  options: { name: string; id: number; position: number; product_id: number }[];
  variants: VariantJson[];
  only_hide_from_list: boolean;
  not_allow_promotion: boolean;
}

/** One per-(variant, location) balance; `qty_available` is derived (onhand − committed). */
export interface InventoryRow {
  id: number;
  loc_id: number;
  product_id: number;
  variant_id: number;
  qty_onhand: number;
  qty_commited: number;
  qty_incoming: number;
  updated_at: string;
}

export interface AddressJson {
  [key: string]: unknown;
}

export interface CustomerJson {
  id: number;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  accepts_marketing: boolean;
  addresses: AddressJson[];
  default_address: AddressJson | null;
  state: string;
  verified_email: boolean;
  note: string | null;
  tags: string | null;
  orders_count: number;
  total_spent: number;
  total_paid: number;
  last_order_id: number | null;
  last_order_name: string | null;
  last_order_date: string | null;
  multipass_identifier: string | null;
  group_name: string | null;
  birthday: string | null;
  gender: number | null;
  created_at: string;
  updated_at: string;
}

export interface LineItemJson {
  id: number;
  product_id: number | null;
  variant_id: number | null;
  title: string;
  variant_title: string | null;
  name: string;
  sku: string | null;
  barcode: string | null;
  vendor: string | null;
  type: string | null;
  quantity: number;
  price: number;
  price_original: number;
  price_promotion: number;
  total_discount: number;
  applied_discounts: Json[];
  grams: number;
  requires_shipping: boolean;
  taxable: boolean;
  tax_lines: Json;
  gift_card: boolean;
  fulfillable_quantity: number;
  fulfillment_service: string | null;
  fulfillment_status: string;
  product_exists: boolean;
  properties: Json;
  not_allow_promotion: boolean;
}

export interface TransactionJson {
  id: number;
  order_id: number;
  amount: number;
  kind: string;
  status: string | null;
  gateway: string | null;
  parent_id: number | null;
  location_id: number | null;
  currency: string;
  is_cod_gateway: boolean;
  test: boolean;
  user_id: number | null;
  authorization: string | null;
  receipt: Json;
  created_at: string;
}

export interface FulfillmentJson {
  id: number;
  order_id: number;
  status: string;
  tracking_company: string | null;
  tracking_number: string | null;
  tracking_numbers: string[];
  tracking_url: string | null;
  tracking_urls: string[];
  location_id: number;
  notify_customer: boolean;
  carrier_status_code: string | null;
  cod_amount: number;
  line_items: LineItemJson[];
  created_at: string;
  updated_at: string;
}

export interface OrderJson {
  id: number;
  name: string;
  order_number: string;
  number: number;
  token: string;
  email: string | null;
  contact_email: string | null;
  currency: string;
  created_at: string;
  updated_at: string;
  confirmed_at: string | null;
  closed_at: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  financial_status: string;
  fulfillment_status: string;
  confirmed_status: string;
  closed_status: string;
  cancelled_status: string;
  order_processing_status: string | null;
  gateway: string | null;
  gateway_code: string | null;
  source: string | null;
  source_name: string | null;
  note: string | null;
  tags: string | null;
  note_attributes: { name: string; value: Json }[];
  location_id: number;
  location_name: string;
  user_id: number | null;
  customer: CustomerJson | null;
  billing_address: AddressJson | null;
  shipping_address: AddressJson | null;
  line_items: LineItemJson[];
  shipping_lines: Json[];
  discount_codes: Json[];
  tax_lines: Json;
  taxes_included: boolean;
  transactions: TransactionJson[];
  fulfillments: FulfillmentJson[];
  refunds: Json[];
  subtotal_price: number;
  total_line_items_price: number;
  total_discounts: number;
  total_tax: number;
  total_price: number;
  total_weight: number;
}

/** Stock bookkeeping of one order line (not part of the vendor JSON). */
export interface LineBook {
  /** Quantity still committed at the order location. */
  committed: number;
  /** Quantities deducted from on-hand, per location (restock returns them). */
  fulfilled: { locationId: number; quantity: number }[];
  tracked: boolean;
}

export interface StoredOrder {
  order: OrderJson;
  lines: Record<string, LineBook>;
  /** Shown by the order listing only from this time on (a `listingLagMs` fault); absent = at once. */
  listedFrom?: string;
}

export interface WebhookSubscription {
  id: number;
  url: string;
  secret: string;
  /** Topics such as `orders/create`; `*` subscribes to all. */
  topics: string[];
  created_at: string;
  /** The app (client id) whose `POST /api/subscribe` made it; absent for control-API subscriptions. */
  clientId?: string;
}

export interface AdjustmentJson {
  id: number;
  adjust_number: string;
  location_id: number;
  type: string;
  reason: string;
  note: string | null;
  total_quantity: number;
  line_items: { product_id: number; product_variant_id: number; quantity: number }[];
  created_at: string;
}

export interface RateLimitConfig {
  bucketSize: number;
  leakPerSecond: number;
}

export interface ShopData {
  shop: ShopJson;
  accessToken: string;
  /** Granted scopes; null grants everything. */
  scopes: string[] | null;
  /** Per-shop override of the sandbox bucket. */
  rateLimit: Partial<RateLimitConfig> | null;
  locations: LocationJson[];
  products: ProductJson[];
  inventory: InventoryRow[];
  orders: StoredOrder[];
  customers: CustomerJson[];
  adjustments: AdjustmentJson[];
  webhooks: WebhookSubscription[];
  nextOrderNumber: number;
}

/** A partner app registered with the accounts server (what Haravan's partner dashboard holds). */
export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  /** Exact redirect URIs the authorize and token endpoints accept. */
  redirectUris: string[];
  /** Where `POST /api/subscribe` points a shop's deliveries, signed with the client secret. */
  webhookUrl?: string;
  /** Topics of those subscriptions (default `*`). */
  topics?: string[];
}

/** An access or refresh token the accounts server issued to an app for a shop. */
export interface IssuedToken {
  token: string;
  kind: 'access' | 'refresh';
  clientId: string;
  shopId: number;
  userId: string;
  scopes: string[];
  /** ms since epoch; refresh tokens: absent (no expiry). */
  expiresAt?: number;
}

export interface OAuthData {
  apps: OAuthApp[];
  tokens: IssuedToken[];
}

export interface SandboxData {
  version: 1;
  nextId: number;
  shops: ShopData[];
  /** The accounts server's registrations and issued tokens (absent in snapshots written before it existed). */
  oauth?: OAuthData;
}
