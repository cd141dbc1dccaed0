/**
 * Product requests and the catalogue lookups they need, under `/integration` (Tiki's paths), plus their control
 * API under `/_sandbox/product-requests` (review plans, "decide now", inspection).
 */
import express, { Router } from 'express';
import { z } from 'zod';
import { controlError, tikiError } from '../api-error';
import { attributeCode, attributesOf, CATEGORIES, DICTIONARIES } from '../category-data';
import { paginate } from '../paging';
import { intParam, stringParam } from '../query';
import type { ProductRequestService } from '../services/product-requests';
import { identityOf } from './middleware';

export function productRequestRouter(requests: ProductRequestService): Router {
  const r = express.Router();

  r.get('/integration/v2/categories', (req, res) => {
    const parent = intParam(req.query, 'parent', { min: 0 });
    const name = stringParam(req.query, 'name')?.toLowerCase();
    const primary = stringParam(req.query, 'isPrimary');
    const rows = CATEGORIES.filter(
      (c) =>
        (parent === undefined || c.parent_id === parent) &&
        (name === undefined || c.name.toLowerCase().includes(name)) &&
        (primary === undefined || c.is_primary === (primary === 'true' || primary === '1')),
    );
    res.json({ data: rows });
  });

  r.get('/integration/v2/categories/:id', (req, res) => {
    const c = CATEGORIES.find((x) => x.id === Number(req.params.id));
    if (!c) throw tikiError(404, `category ${req.params.id} not found`);
    res.json(c);
  });

  r.get('/integration/v2/categories/:id/attributes', (req, res) => {
    const id = Number(req.params.id);
    if (!CATEGORIES.some((c) => c.id === id)) throw tikiError(404, `category ${req.params.id} not found`);
    res.json({ data: attributesOf(id).map((a) => ({ ...a, category_id: id })) });
  });

  r.get('/integration/v2/attributes/:id/values', (req, res) => {
    const id = Number(req.params.id);
    const dict = DICTIONARIES[id];
    if (!dict) throw tikiError(404, `attribute ${req.params.id} has no values`);
    const q = stringParam(req.query, 'q')?.toLowerCase();
    const page = intParam(req.query, 'page', { min: 1, def: 1 }) as number;
    const limit = intParam(req.query, 'limit', { min: 1, max: 100, def: 20 }) as number;
    const rows = dict
      .map((value, i) => ({ id: id * 1000 + i + 1, value, position: i + 1, attribute_code: attributeCode(id) }))
      .filter((v) => q === undefined || v.value.toLowerCase().includes(q));
    res.json(paginate(rows, { page, limit }));
  });

  r.post(['/integration/v2.1/requests', '/integration/v1/requests'], (req, res) => {
    res.json(requests.create(identityOf(res).seller, req.body));
  });
  r.get('/integration/v2/tracking', (_req, res) => {
    res.json(requests.latest(identityOf(res).seller));
  });
  r.get('/integration/v2/tracking/:trackId', (req, res) => {
    res.json(requests.track(identityOf(res).seller, req.params.trackId));
  });
  r.post('/integration/v2/tracking/:trackId/replay', (req, res) => {
    res.json(requests.replay(identityOf(res).seller, req.params.trackId));
  });
  return r;
}

const plan = z.object({
  outcome: z.enum(['approve', 'reject', 'stall', 'expire']),
  afterSeconds: z.number().min(0).max(365 * 86_400),
  reasonFormat: z.enum(['json', 'text']).optional(),
  reason: z.string().max(2000).optional(),
  stallState: z.string().max(60).optional(),
});
const plans = z.object({ default: plan.optional(), bySku: z.record(z.string().min(1), z.union([plan, z.array(plan).min(1)])).optional() });

export function productRequestControlRouter(requests: ProductRequestService): Router {
  const r = express.Router();
  const parse = <T>(schema: z.ZodType<T>, body: unknown): T => {
    const out = schema.safeParse(body);
    if (!out.success) throw controlError(400, 'invalid body', out.error.issues);
    return out.data;
  };
  /** `{default?, bySku?: {<first variant sku>: plan | [plan, plan…]}}`: a list is consumed one request at a time. */
  r.put('/product-requests/plans', (req, res) => {
    requests.setPlans(parse(plans, req.body));
    res.json({ ok: true });
  });
  r.get('/product-requests', (_req, res) => {
    res.json({ items: requests.all().map(({ body, ...rest }) => ({ ...rest, sku: (body.variants as { sku: string }[])[0]?.sku, body })) });
  });
  r.post('/product-requests/:trackId/decide', (req, res) => {
    const rec = requests.decide(req.params.trackId, parse(plan, req.body));
    res.json({ trackId: rec.trackId, plan: rec.plan });
  });
  return r;
}
