/**
 * Shapes of publishing (issue 17): a Haravan product becoming a Tiki product request (v2.1 body), the Tiki
 * catalogue data it is checked against, the field-level problems and the publication states.
 * Pure types: no runtime code (the states are a shared term, domain/terms.ts).
 */
import type { VariantStockState } from '../stock';

export type { PublicationState } from '../terms';

/** What a merchant asks to publish (the API's body, the dashboard's form, the connection workflow's request). */
export interface PublishRequestBody {
  productIds: number[];
  categoryId?: number;
  attributes?: Record<string, string | number | boolean>;
  activate?: boolean;
  mergeOptions?: boolean;
  dryRun?: boolean;
}

export interface PublishImage {
  src: string;
  /** Pixels, when Haravan (or the image probe) knows them; unknown sizes are not checked. */
  width?: number | null;
  height?: number | null;
  position: number;
  variantIds: number[];
}

export interface PublishVariant {
  id: number;
  title?: string | null;
  barcode: string | null;
  price: number;
  /** Haravan `compare_at_price` = Tiki's market (list) price; null/0 = none. */
  compareAtPrice: number | null;
  /** option1..option3 values. */
  options: (string | null)[];
  stock: VariantStockState;
}

export interface PublishProduct {
  id: number;
  title: string;
  bodyHtml: string | null;
  vendor?: string | null;
  productType?: string | null;
  /** Haravan option names in position order (at most 3). A single "Title" option = a simple product. */
  optionNames: string[];
  images: PublishImage[];
  variants: PublishVariant[];
}

export type TikiAttributeType = 'text' | 'number' | 'select' | 'multiselect' | 'boolean';

export interface TikiAttributeDef {
  code: string;
  /** English / Vietnamese display names. */
  name: string;
  nameVi: string;
  required: boolean;
  type: TikiAttributeType;
  /** Dictionary of a select attribute (Tiki's exact spellings); absent = not a dictionary or not loaded. */
  values?: { id?: number; value: string }[];
}

export interface TikiCategoryRef {
  id: number;
  name: string;
  /** Names from the root down to this category. */
  path: string[];
  isLeaf: boolean;
}

/** What the merchant chose for one publication (the API's body fields). */
export interface PublishChoices {
  categoryId?: number;
  attributes: Record<string, string | number | boolean>;
  activate: boolean;
  /** Merge Haravan options 2 and 3 into one Tiki option ("Đỏ / L"). */
  mergeOptions?: boolean;
}

export interface Problem {
  /** e.g. 'attributes.brand', 'variants[0].barcode', 'images[0]'. */
  field: string;
  code: string;
  message: string;
  messageVi: string;
}

/** The Tiki v2.1 product request body (`POST /integration/v2.1/requests`); snake_case is Tiki's. */
export interface TikiProductRequest {
  category_id: number;
  name: string;
  description: string;
  market_price: number;
  attributes: Record<string, string | number | boolean>;
  image: string;
  images: string[];
  option_attributes: string[];
  variants: TikiRequestVariant[];
  certificate_files: { url: string; type: 'brand' | 'category'; document_id?: number }[];
  meta_data: { is_auto_turn_on: boolean };
}

export interface TikiRequestVariant {
  sku: string;
  price: number;
  market_price?: number;
  option1?: string;
  option2?: string;
  inventory_type: 'instock';
  seller_warehouse: string;
  /** camelCase here is Tiki's (unlike updateSku's warehouse_quantities). */
  warehouse_stocks: { warehouseId: number; qtyAvailable: number }[];
  image?: string;
  images?: string[];
}

export interface PublicationReason {
  code?: string;
  message: string;
  messageVi: string;
}
