/** Seller, warehouse and product endpoints under `/integration`. */
import express, { Router } from 'express';
import { ApiError, tikiError } from '../api-error';
import { paginate } from '../paging';
import { dateParam, intParam, listParam, stringParam } from '../query';
import type { TikiSandboxState } from '../state';
import { identityOf } from './middleware';

export function catalogRouter(state: TikiSandboxState): Router {
  const r = express.Router();
  const { catalog } = state;

  r.get('/integration/v2/sellers/me', (_req, res) => {
    res.json(catalog.sellerView(identityOf(res).seller));
  });

  r.get('/integration/v2/sellers/me/warehouses', (req, res) => {
    const seller = identityOf(res).seller;
    const status = intParam(req.query, 'status', { min: 0, max: 1 });
    const type = intParam(req.query, 'type', { min: 0, max: 1 });
    const page = intParam(req.query, 'page', { min: 1, def: 1 }) as number;
    const limit = intParam(req.query, 'limit', { min: 1, max: 100, def: 20 }) as number;
    const rows = catalog.listWarehouses(seller, status, type).map((w) => catalog.warehouseView(seller, w));
    res.json(paginate(rows, { page, limit }));
  });

  r.get('/integration/v2/seller-inventories', (req, res) => {
    const codes = listParam(req.query, 'tiki_warehouse_codes');
    if (!codes?.length) throw tikiError(400, 'tiki_warehouse_codes is required');
    res.json(catalog.sellerInventories(identityOf(res).seller, codes));
  });

  const listProducts = (v2: boolean) => (req: express.Request, res: express.Response) => {
    const seller = identityOf(res).seller;
    const q = req.query;
    const page = intParam(q, 'page', { min: 1, def: 1 }) as number;
    const limit = intParam(q, 'limit', { min: 1, max: 100, def: 20 }) as number;
    const active = intParam(q, 'active', { min: 0, max: 1 });
    const name = stringParam(q, 'name')?.toLowerCase();
    const createdFrom = dateParam(q, 'created_from_date');
    const createdTo = dateParam(q, 'created_to_date');
    const updatedFrom = dateParam(q, 'updated_from_date');
    const updatedTo = dateParam(q, 'updated_to_date');
    const include = new Set(listParam(q, 'include') ?? []);
    const sec = (ms: number) => Math.floor(ms / 1000) * 1000;
    const rows = catalog
      .sellerProducts(seller)
      .filter(
        (p) =>
          (active === undefined || p.active === active) &&
          (name === undefined || p.name.toLowerCase().includes(name)) &&
          (createdFrom === undefined || sec(p.createdAt) >= createdFrom) &&
          (createdTo === undefined || sec(p.createdAt) <= createdTo) &&
          (updatedFrom === undefined || sec(p.updatedAt) >= updatedFrom) &&
          (updatedTo === undefined || sec(p.updatedAt) <= updatedTo),
      )
      .sort((a, b) => a.productId - b.productId);
    const { data, paging } = paginate(rows, {
      page,
      limit,
      shortPages: state.settings.shortPages,
      zeroBasedFrom: true,
    });
    const view = (p: (typeof rows)[number]) =>
      v2 ? catalog.productViewV2(p, include.has('inventory')) : catalog.productView(p, include.has('inventory'));
    res.json({ data: data.map(view), paging });
  };
  r.get('/integration/v2.1/products', listProducts(false));
  r.get('/integration/v2/products', listProducts(true));

  r.get('/integration/v2/products/findBy', (req, res) => {
    const seller = identityOf(res).seller;
    const originalSku = stringParam(req.query, 'original_sku');
    if (originalSku === undefined) throw tikiError(400, 'original_sku is required');
    const include = new Set(listParam(req.query, 'include') ?? []);
    const rows = catalog
      .findByOriginalSku(seller, originalSku)
      .map((p) => catalog.productViewV2(p, include.has('inventory')));
    res.json(paginate(rows, { page: 1, limit: Math.max(1, rows.length), zeroBasedFrom: true }));
  });

  r.get('/integration/v2.1/products/:productId', (req, res) => {
    const seller = identityOf(res).seller;
    const id = Number(req.params.productId);
    const product = Number.isInteger(id) ? catalog.product(seller, id) : undefined;
    if (!product) throw new ApiError(404, { errors: [`Product ${req.params.productId} not found`] });
    // Detail takes the plural `includes` in real clients; the singular is accepted too.
    const include = new Set([...(listParam(req.query, 'includes') ?? []), ...(listParam(req.query, 'include') ?? [])]);
    res.json(catalog.productView(product, include.has('inventory')));
  });

  r.put(['/integration/v2/products/updateSku', '/integration/v2.1/products/updateSku'], (req, res) => {
    res.json(catalog.updateSku(identityOf(res).seller, req.body));
  });
  r.put('/integration/v2.1/products/updateSkus', (req, res) => {
    res.json(catalog.updateSkus(identityOf(res).seller, req.body));
  });
  return r;
}
