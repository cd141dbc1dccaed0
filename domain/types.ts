/**
 * Input shapes of the pure domain rules.
 *
 * Connectors normalise what Haravan and Tiki return into these shapes (numbers are numbers, `active` is a
 * boolean, dates are strings as received). Haravan-side inputs use our camelCase; the Tiki order keeps Tiki's
 * snake_case field names so a validated V2 order payload can be passed straight through.
 * Pure types: no runtime code, no imports.
 */

export type InventoryPolicy = 'deny' | 'continue';

/** A Haravan variant as far as linking needs it (connectors/haravan/schemas.ts holds the vendor object). */
export interface HaravanVariantInput {
  id: number;
  title?: string;
  /** Raw barcode as stored in Haravan (may carry spaces, may be empty or null). */
  barcode: string | null;
  price: number;
  /** Raw `inventory_management`; `isInventoryTracked` (inventory.ts) decides what it means. */
  inventoryManagement: string | null;
  inventoryPolicy: InventoryPolicy;
}

/** A Haravan product as far as linking needs it (connectors/haravan/schemas.ts holds the vendor object). */
export interface HaravanProductInput {
  id: number;
  title: string;
  /** ISO 8601 timestamp of the product's last update (decides which product wins a shared barcode). */
  updatedAt: string;
  variants: HaravanVariantInput[];
}

/** A Tiki SKU (from Tiki's v2.1 product listing; connectors/tiki/schemas.ts holds the vendor object). */
export interface TikiSkuInput {
  productId: number;
  /** Tiki's own generated SKU. */
  sku: string;
  /** The seller's product code on Tiki ("Mã sản phẩm"), matched against the Haravan barcode. */
  originalSku: string | null;
  price: number;
  /** List price ("giá niêm yết"); 0 = not set. */
  marketPrice: number;
  /** Defaults to true when absent. */
  active?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Tiki order V2 — the subset the order rules read (connectors/tiki/schemas.ts holds the vendor object).
// ---------------------------------------------------------------------------------------------

export interface TikiAddressInput {
  full_name?: string | null;
  /** Only populated for `seller_delivery` and `cross_border` orders; `""` otherwise. */
  phone?: string | null;
  email?: string | null;
  street?: string | null;
  ward?: string | null;
  ward_tiki_code?: string | null;
  district?: string | null;
  district_tiki_code?: string | null;
  region?: string | null;
  region_tiki_code?: string | null;
  country?: string | null;
  country_id?: string | null;
}

export interface TikiItemConfirmationInput {
  /** `waiting` | `seller_confirmed` | `seller_canceled` | `confirmed` | `ready_to_pick`. */
  status?: string | null;
  confirmed_at?: string | null;
  /** Deadline to confirm availability, `yyyy-MM-dd HH:mm:ss` Vietnam local time. */
  available_confirm_sla?: string | null;
  /** Dropship only: deadline to confirm the pickup. */
  pickup_confirm_sla?: string | null;
}

export interface TikiOrderItemInput {
  /** The id used in `available_item_ids`. */
  id: number;
  qty: number;
  /** Unit price (VND). */
  price: number;
  product: {
    id?: number;
    /** Tiki SKU. */
    sku: string;
    /** = original_sku; may be "" or null. */
    seller_product_code?: string | null;
    name: string;
    inventory_type?: string | null;
  };
  confirmation?: TikiItemConfirmationInput | null;
}

export interface TikiOrderInput {
  code: string;
  status: string;
  fulfillment_type: string;
  /** `yyyy-MM-dd HH:mm:ss` Vietnam local time (an ISO string with an offset is accepted too). */
  created_at: string;
  updated_at?: string | null;
  items: TikiOrderItemInput[];
  shipping?: { address?: TikiAddressInput | null } | null;
  invoice?: {
    subtotal?: number | null;
    grand_total?: number | null;
    shipping_amount_after_discount?: number | null;
    collectible_amount?: number | null;
  } | null;
  payment?: { method?: string | null; is_prepaid?: boolean | null } | null;
  customer?: { id?: number | null; full_name?: string | null } | null;
  cancel_info?: {
    reason_code?: string | null;
    reason_text?: string | null;
    comment?: string | null;
    canceled_at?: string | null;
  } | null;
}
