/** Seeding a shop through the control API (`POST /_sandbox/shops`). */
import { z } from 'zod';
import { createProduct } from './catalog';
import { SandboxContext } from './context';
import { createCustomer, customerInput } from './customers';
import { ApiError } from './errors';
import { LocationJson, ShopData, ShopJson } from './types';

const positiveId = z.number().int().positive();

const StockSeedSchema = z.object({
  location_id: positiveId,
  qty_onhand: z.number().int(),
  qty_commited: z.number().int().optional(),
});

const VariantSeedSchema = z.object({
  id: positiveId.optional(),
  title: z.string().optional(),
  sku: z.string().nullish(),
  barcode: z.string().nullish(),
  price: z.number().nonnegative(),
  compare_at_price: z.number().nonnegative().nullish(),
  grams: z.number().nonnegative().optional(),
  inventory_management: z.enum(['haravan']).nullable(),
  inventory_policy: z.enum(['deny', 'continue']),
  option1: z.string().nullish(),
  option2: z.string().nullish(),
  option3: z.string().nullish(),
  inventory: z.array(StockSeedSchema).optional(),
});

export const ProductSeedSchema = z.object({
  id: positiveId.optional(),
  title: z.string().min(1),
  body_html: z.string().nullish(),
  vendor: z.string().optional(),
  product_type: z.string().optional(),
  tags: z.string().optional(),
  updated_at: z.iso.datetime().optional(),
  options: z.array(z.string().min(1)).max(3).optional(),
  images: z
    .array(z.object({ src: z.string().url(), width: z.number().int().positive().optional(), height: z.number().int().positive().optional(), variant_indexes: z.array(z.number().int().min(0)).optional() }))
    .max(250)
    .optional(),
  variants: z.array(VariantSeedSchema).min(1),
});

export const ProductPatchSchema = ProductSeedSchema.omit({ id: true, variants: true, updated_at: true, options: true, images: true })
  .partial()
  .extend({
    variants: z.array(VariantSeedSchema.omit({ inventory: true }).partial().extend({ id: positiveId })).optional(),
  });

export const ShopSeedSchema = z.object({
  shop: z.looseObject({
    id: positiveId,
    name: z.string().min(1),
    email: z.string().optional(),
    domain: z.string().optional(),
    inventory_method: z.string().optional(),
  }),
  accessToken: z.string().min(8),
  /** Granted scopes (`com.read_orders` …); omitted = all. */
  scopes: z.array(z.string()).optional(),
  rateLimit: z.object({ bucketSize: z.number().int().positive().optional(), leakPerSecond: z.number().positive().optional() }).optional(),
  locations: z
    .array(z.looseObject({ id: positiveId, name: z.string().min(1), is_primary: z.boolean().optional() }))
    .min(1),
  products: z.array(ProductSeedSchema).default([]),
  customers: z.array(z.record(z.string(), z.unknown())).default([]),
});

export type ShopSeed = z.infer<typeof ShopSeedSchema>;

export interface SeedResult {
  shop: ShopJson;
  productIds: number[];
  variantIds: number[];
}

/** Create (or replace) a shop from a seed; all-or-nothing. */
export function seedShop(ctx: SandboxContext, seed: ShopSeed): SeedResult {
  const { state } = ctx;
  const owner = state.shopByToken(seed.accessToken);
  if (owner && owner.shop.id !== seed.shop.id) throw new ApiError(409, 'accessToken is already used by another shop');
  const locationIds = seed.locations.map((l) => l.id);
  if (new Set(locationIds).size !== locationIds.length) throw new ApiError(422, 'location ids must be distinct');

  const at = state.now();
  const { id, name, email, domain, inventory_method, ...extra } = seed.shop;
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || String(id);
  const primaryIndex = Math.max(0, seed.locations.findIndex((l) => l.is_primary));
  const shop: ShopData = {
    shop: {
      ...extra,
      id,
      name,
      email: email ?? null,
      domain: domain ?? `${slug}.myharavan.com`,
      myharavan_domain: `${slug}.myharavan.com`,
      currency: 'VND',
      country_code: 'VN',
      timezone: '(GMT+07:00) Hanoi',
      inventory_method: inventory_method ?? 'default',
      created_at: at,
    },
    accessToken: seed.accessToken,
    scopes: seed.scopes ?? null,
    rateLimit: seed.rateLimit ?? null,
    locations: seed.locations.map(
      (l, i): LocationJson => ({
        location_type: null,
        type: 'default',
        is_unavailable_quantity: false,
        created_at: at,
        updated_at: at,
        ...l,
        is_primary: i === primaryIndex,
      }),
    ),
    products: [],
    inventory: [],
    orders: [],
    customers: [],
    adjustments: [],
    webhooks: [],
    nextOrderNumber: 100001,
  };
  const ids = ctx.ids(shop);
  for (const product of seed.products) createProduct(shop, ids, product);
  for (const customer of seed.customers) createCustomer(shop, state, customerInput(customer));
  state.putShop(shop);
  ctx.resetBucket(id);
  return {
    shop: shop.shop,
    productIds: shop.products.map((p) => p.id),
    variantIds: shop.products.flatMap((p) => p.variants.map((v) => v.id)),
  };
}
