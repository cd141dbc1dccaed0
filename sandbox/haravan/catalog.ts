/** Products and variants: building from seeds, merchant edits, and rendering with live stock. */
import { notFound, unprocessable } from './errors';
import { ModelContext, changeStock, findLocation, isTracked, variantStock } from './inventory';
import { ProductJson, ShopData, VariantJson } from './types';

export interface StockSeed {
  location_id: number;
  qty_onhand: number;
  qty_commited?: number;
}

export interface VariantSeed {
  id?: number;
  title?: string;
  sku?: string | null;
  barcode?: string | null;
  price: number;
  compare_at_price?: number | null;
  grams?: number;
  inventory_management: 'haravan' | null;
  inventory_policy: 'deny' | 'continue';
  option1?: string | null;
  option2?: string | null;
  option3?: string | null;
  inventory?: StockSeed[];
}

export interface ProductSeed {
  id?: number;
  title: string;
  body_html?: string | null;
  vendor?: string;
  product_type?: string;
  tags?: string;
  updated_at?: string;
  /** Option names (at most 3); default one "Title" option. */
  options?: string[];
  /** Product images; `variant_indexes` (0-based) name the seed variants an image belongs to. */
  images?: ImageSeed[];
  variants: VariantSeed[];
}

export interface ImageSeed {
  src: string;
  width?: number;
  height?: number;
  variant_indexes?: number[];
}

export type VariantPatch = Partial<Omit<VariantSeed, 'inventory' | 'id'>> & { id: number };
export type ProductPatch = Partial<Omit<ProductSeed, 'variants' | 'id'>> & { variants?: VariantPatch[] };

export interface IdRegistry extends ModelContext {
  reserveId(id: number): void;
  isIdTaken(id: number): boolean;
}

export function createProduct(shop: ShopData, ctx: IdRegistry, seed: ProductSeed): ProductJson {
  if (seed.variants.length === 0) throw unprocessable('A product needs at least one variant');
  if (seed.variants.length > 100) throw unprocessable('A product has at most 100 variants');
  const explicitIds = [seed.id, ...seed.variants.map((v) => v.id)].filter((id): id is number => id !== undefined);
  if (new Set(explicitIds).size !== explicitIds.length) throw unprocessable('Product and variant ids must be distinct');
  for (const stock of seed.variants.flatMap((v) => v.inventory ?? [])) {
    if (!findLocation(shop, stock.location_id)) throw unprocessable(`Unknown location ${stock.location_id}`);
  }
  const at = ctx.now();
  const productId = claimId(ctx, seed.id);
  const product: ProductJson = {
    id: productId,
    title: seed.title,
    handle: uniqueHandle(shop, seed.title),
    body_html: seed.body_html ?? null,
    body_plain: null,
    product_type: seed.product_type ?? '',
    vendor: seed.vendor ?? '',
    tags: seed.tags ?? '',
    template_suffix: 'product',
    published_at: at,
    published_scope: 'global',
    created_at: at,
    updated_at: seed.updated_at ?? at,
    images: [],
    options: (seed.options?.length ? seed.options : ['Title']).map((name, i) => ({ name, id: ctx.newId(), position: i + 1, product_id: productId })),
    variants: [],
    only_hide_from_list: false,
    not_allow_promotion: false,
  };
  seed.variants.forEach((v, i) => {
    const title = v.title ?? (seed.variants.length === 1 ? 'Default Title' : `Variant ${i + 1}`);
    product.variants.push({
      id: claimId(ctx, v.id),
      product_id: productId,
      title,
      sku: blankToNull(v.sku),
      barcode: blankToNull(v.barcode),
      price: v.price,
      compare_at_price: v.compare_at_price ?? 0,
      grams: v.grams ?? 0,
      inventory_management: v.inventory_management,
      inventory_policy: v.inventory_policy,
      option1: v.option1 ?? title,
      option2: v.option2 ?? null,
      option3: v.option3 ?? null,
      position: i + 1,
      requires_shipping: true,
      taxable: false,
      fulfillment_service: null,
      image_id: null,
      created_at: at,
      updated_at: seed.updated_at ?? at,
    });
  });
  product.images = (seed.images ?? []).map((img, i) => ({
    id: ctx.newId(),
    product_id: productId,
    position: i + 1,
    src: img.src,
    ...(img.width !== undefined ? { width: img.width } : {}),
    ...(img.height !== undefined ? { height: img.height } : {}),
    variant_ids: (img.variant_indexes ?? []).map((k) => product.variants[k]?.id).filter((id) => id !== undefined),
    created_at: at,
    updated_at: at,
  }));
  shop.products.push(product);
  seed.variants.forEach((v, i) => {
    for (const stock of v.inventory ?? []) {
      changeStock(shop, ctx, {
        variantId: product.variants[i].id,
        locationId: stock.location_id,
        onhand: stock.qty_onhand,
        committedDelta: stock.qty_commited ?? 0,
      });
    }
  });
  if (seed.updated_at) {
    // A seeded timestamp wins over the bumps made while loading stock.
    product.updated_at = seed.updated_at;
    product.variants.forEach((v) => (v.updated_at = seed.updated_at as string));
    shop.inventory.filter((r) => r.product_id === product.id).forEach((r) => (r.updated_at = seed.updated_at as string));
  }
  return product;
}

/** A merchant edit in the admin (title, tags, variant price/barcode/policy/tracking …). */
export function updateProduct(shop: ShopData, ctx: ModelContext, productId: number, patch: ProductPatch): ProductJson {
  const product = shop.products.find((p) => p.id === productId);
  if (!product) throw notFound(`Product ${productId} not found`);
  for (const vp of patch.variants ?? []) {
    if (!product.variants.some((v) => v.id === vp.id)) throw unprocessable(`Variant ${vp.id} does not belong to product ${productId}`);
  }
  const at = ctx.now();
  if (patch.title !== undefined) product.title = patch.title;
  if (patch.body_html !== undefined) product.body_html = patch.body_html;
  if (patch.vendor !== undefined) product.vendor = patch.vendor;
  if (patch.product_type !== undefined) product.product_type = patch.product_type;
  if (patch.tags !== undefined) product.tags = patch.tags;
  for (const vp of patch.variants ?? []) {
    const variant = product.variants.find((v) => v.id === vp.id) as VariantJson;
    const { id: _id, ...fields } = vp;
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      (variant as unknown as Record<string, unknown>)[key] = key === 'sku' || key === 'barcode' ? blankToNull(value as string) : value;
    }
    variant.updated_at = at;
  }
  product.updated_at = at;
  return product;
}

export function renderVariant(shop: ShopData, variant: VariantJson): Record<string, unknown> {
  const stock = variantStock(shop, variant.id);
  return {
    ...variant,
    inventory_quantity: stock.qty_available,
    old_inventory_quantity: stock.qty_available,
    inventory_advance: isTracked(variant) ? stock : null,
  };
}

export function renderProduct(shop: ShopData, product: ProductJson, fields?: string[]): Record<string, unknown> {
  const full: Record<string, unknown> = { ...product, variants: product.variants.map((v) => renderVariant(shop, v)) };
  return fields && fields.length > 0 ? pick(full, fields) : full;
}

export function pick(obj: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in obj) out[f] = obj[f];
  return out;
}

function claimId(ctx: IdRegistry, wanted: number | undefined): number {
  if (wanted === undefined) return ctx.newId();
  if (ctx.isIdTaken(wanted)) throw unprocessable(`Id ${wanted} is already used`);
  ctx.reserveId(wanted);
  return wanted;
}

function blankToNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value;
}

function uniqueHandle(shop: ShopData, title: string): string {
  const base =
    title
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[đĐ]/g, 'd')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'product';
  let handle = base;
  for (let n = 1; shop.products.some((p) => p.handle === handle); n++) handle = `${base}-${n}`;
  return handle;
}
