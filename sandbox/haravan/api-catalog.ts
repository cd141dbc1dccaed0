/** `/com` shop, locations, products and inventory endpoints. */
import express, { Request, Router } from 'express';
import { adjustOrSet } from './adjustments';
import { renderProduct, renderVariant } from './catalog';
import { SandboxContext, shopOf } from './context';
import { notFound } from './errors';
import { renderRow } from './inventory';
import { dateParam, fieldsParam, idListParam, intParam, paging, pathId, stringParam, within } from './query';
import { ProductJson, ShopData } from './types';

/** Observed: products come 50 per page whatever `limit` asks. */
export const PRODUCT_PAGE_CAP = 50;
export const INVENTORY_PAGE_CAP = 250;
export const INVENTORY_MAX_IDS = 50;

export function catalogRoutes(ctx: SandboxContext): Router {
  const r = express.Router();

  r.get('/com/shop.json', (_req, res) => {
    res.json({ shop: shopOf(res).shop });
  });

  r.get('/com/locations.json', (_req, res) => {
    res.json({ locations: shopOf(res).locations });
  });

  r.get('/com/locations/:id.json', (req, res) => {
    const location = shopOf(res).locations.find((l) => l.id === pathId(req));
    if (!location) throw notFound();
    res.json({ location });
  });

  r.get('/com/products/count.json', (req, res) => {
    res.json({ count: filterProducts(shopOf(res), req).length });
  });

  r.get('/com/products.json', (req, res) => {
    const shop = shopOf(res);
    const { page, limit } = paging(req, { limit: 50, max: PRODUCT_PAGE_CAP });
    const sinceId = intParam(req, 'since_id');
    const products = filterProducts(shop, req)
      .filter((p) => sinceId === undefined || p.id > sinceId)
      // Observed order: id descending; with since_id the keyset runs ascending.
      .sort((a, b) => (sinceId === undefined ? b.id - a.id : a.id - b.id))
      .slice((page - 1) * limit, page * limit);
    const fields = fieldsParam(req);
    res.json({ products: products.map((p) => renderProduct(shop, p, fields)) });
  });

  r.get('/com/products/:id.json', (req, res) => {
    const shop = shopOf(res);
    const product = shop.products.find((p) => p.id === pathId(req));
    if (!product) throw notFound();
    res.json({ product: renderProduct(shop, product, fieldsParam(req)) });
  });

  r.get('/com/variants/:id.json', (req, res) => {
    const shop = shopOf(res);
    const id = pathId(req);
    const variant = shop.products.flatMap((p) => p.variants).find((v) => v.id === id);
    if (!variant) throw notFound();
    res.json({ variant: renderVariant(shop, variant) });
  });

  r.get('/com/inventory_locations.json', (req, res) => {
    const shop = shopOf(res);
    const locationIds = idListParam(req, 'location_ids', INVENTORY_MAX_IDS);
    const variantIds = idListParam(req, 'variant_ids', INVENTORY_MAX_IDS);
    const limit = Math.min(intParam(req, 'limit', { min: 1 }) ?? INVENTORY_PAGE_CAP, INVENTORY_PAGE_CAP);
    const sinceId = intParam(req, 'since_id');
    const updatedMin = dateParam(req, 'updated_at_min');
    const order = stringParam(req, 'order') === 'updated_at' ? 'updated_at' : 'id';
    const direction = stringParam(req, 'direction') === 'desc' ? -1 : 1;
    const rows = shop.inventory
      .filter(
        (row) =>
          (!locationIds || locationIds.includes(row.loc_id)) &&
          (!variantIds || variantIds.includes(row.variant_id)) &&
          (sinceId === undefined || row.id > sinceId) &&
          within(row.updated_at, updatedMin),
      )
      .sort((a, b) => direction * (order === 'id' ? a.id - b.id : a.updated_at.localeCompare(b.updated_at) || a.id - b.id))
      .slice(0, limit);
    res.json({ inventory_locations: rows.map(renderRow) });
  });

  r.post('/com/inventories/adjustorset.json', (req, res) => {
    const shop = shopOf(res);
    const outcome = adjustOrSet(shop, ctx.state, req.body);
    res.status(outcome.status).json({ variants: outcome.changedVariants.map((v) => renderVariant(shop, v)) });
  });

  return r;
}

function filterProducts(shop: ShopData, req: Request): ProductJson[] {
  const ids = idListParam(req, 'ids');
  const sku = stringParam(req, 'sku');
  const barcode = stringParam(req, 'barcode');
  const vendor = stringParam(req, 'vendor');
  const productType = stringParam(req, 'product_type');
  const handle = stringParam(req, 'handle');
  const updatedMin = dateParam(req, 'updated_at_min');
  const updatedMax = dateParam(req, 'updated_at_max');
  const createdMin = dateParam(req, 'created_at_min');
  const createdMax = dateParam(req, 'created_at_max');
  return shop.products.filter(
    (p) =>
      (!ids || ids.includes(p.id)) &&
      (!sku || p.variants.some((v) => v.sku === sku)) &&
      (!barcode || p.variants.some((v) => v.barcode === barcode)) &&
      (!vendor || p.vendor === vendor) &&
      (!productType || p.product_type === productType) &&
      (!handle || p.handle === handle) &&
      within(p.updated_at, updatedMin, updatedMax) &&
      within(p.created_at, createdMin, createdMax),
  );
}
