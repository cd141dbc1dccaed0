/**
 * Control API under `/_sandbox` (JSON, no auth): seed shops, act as the merchant in the admin
 * (stock, product edits), inspect orders, register webhooks, snapshot/restore, reset.
 */
import express, { Request, Router } from 'express';
import { z } from 'zod';
import { createProduct, renderProduct, updateProduct } from './catalog';
import { SandboxContext } from './context';
import { ApiError, notFound } from './errors';
import { changeStock, renderRow } from './inventory';
import { renderOrder } from './orders';
import { ProductPatchSchema, ProductSeedSchema, ShopSeedSchema, seedShop } from './seed';
import { isSandboxData } from './state';
import { ShopData } from './types';

const StockChangeSchema = z
  .object({
    variantId: z.number().int().positive(),
    locationId: z.number().int().positive(),
    qtyOnhand: z.number().int().optional(),
    delta: z.number().int().optional(),
  })
  .refine((b) => (b.qtyOnhand === undefined) !== (b.delta === undefined), { message: 'give exactly one of qtyOnhand or delta' });

const WebhookSchema = z.object({
  url: z.url(),
  secret: z.string().min(1),
  topics: z.array(z.string().min(1)).min(1),
});

export interface ControlHooks {
  /** Clears everything the sandbox owns besides the state (faults, call log, buckets). */
  onReset(): void;
}

export function controlRouter(ctx: SandboxContext, hooks: ControlHooks): Router {
  const r = express.Router();
  r.use(express.json({ limit: '50mb' }));
  const { state } = ctx;

  r.post('/shops', (req, res) => {
    res.status(201).json(seedShop(ctx, parse(ShopSeedSchema, req.body)));
  });

  r.get('/shops', (_req, res) => {
    res.json({ shops: state.shops().map((s) => s.shop) });
  });

  r.post('/shops/:shopId/inventory', (req, res) => {
    const shop = shopParam(ctx, req);
    const body = parse(StockChangeSchema, req.body);
    const { row } = changeStock(shop, state, {
      variantId: body.variantId,
      locationId: body.locationId,
      onhand: body.qtyOnhand,
      onhandDelta: body.delta,
    });
    res.json({ inventory_location: renderRow(row) });
  });

  r.post('/shops/:shopId/products', (req, res) => {
    const shop = shopParam(ctx, req);
    const product = createProduct(shop, ctx.ids(shop), parse(ProductSeedSchema, req.body));
    const rendered = renderProduct(shop, product);
    ctx.webhooks.emit(shop, 'products/create', rendered);
    res.status(201).json({ product: rendered });
  });

  r.put('/shops/:shopId/products/:id', (req, res) => {
    const shop = shopParam(ctx, req);
    const product = updateProduct(shop, state, Number(req.params.id), parse(ProductPatchSchema, req.body));
    const rendered = renderProduct(shop, product);
    ctx.webhooks.emit(shop, 'products/update', rendered);
    res.json({ product: rendered });
  });

  r.get('/shops/:shopId/orders', (req, res) => {
    res.json({ orders: shopParam(ctx, req).orders.map((o) => renderOrder(o)) });
  });

  r.get('/shops/:shopId/customers', (req, res) => {
    res.json({ customers: shopParam(ctx, req).customers });
  });

  r.post('/shops/:shopId/webhooks', (req, res) => {
    const shop = shopParam(ctx, req);
    const body = parse(WebhookSchema, req.body);
    const webhook = { id: state.newId(), url: body.url, secret: body.secret, topics: body.topics, created_at: state.now() };
    shop.webhooks.push(webhook);
    res.status(201).json({ webhook: { id: webhook.id, url: webhook.url, topics: webhook.topics } });
  });

  r.get('/shops/:shopId/webhooks', (req, res) => {
    const shop = shopParam(ctx, req);
    res.json({
      webhooks: shop.webhooks.map((w) => ({ id: w.id, url: w.url, topics: w.topics })),
      deliveries: ctx.webhooks.deliveries(shop.shop.id),
    });
  });

  r.get('/shops/:shopId/rate-limit', (req, res) => {
    res.json(ctx.bucketFor(shopParam(ctx, req)).stats());
  });

  r.delete('/shops/:shopId/rate-limit', (req, res) => {
    ctx.bucketFor(shopParam(ctx, req)).resetStats();
    res.json({});
  });

  r.post('/snapshot', (_req, res) => {
    res.json(state.snapshot());
  });

  r.post('/restore', (req, res) => {
    if (!isSandboxData(req.body)) throw new ApiError(400, 'body is not a sandbox snapshot');
    state.restore(req.body);
    ctx.resetBuckets();
    res.json({ shops: state.shops().length });
  });

  r.post('/reset', (_req, res) => {
    state.reset();
    ctx.resetBuckets();
    hooks.onReset();
    res.json({});
  });

  return r;
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiError(
      400,
      parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`),
    );
  }
  return parsed.data;
}

function shopParam(ctx: SandboxContext, req: Request): ShopData {
  const shop = ctx.state.shopById(Number(req.params.shopId));
  if (!shop) throw notFound(`Shop ${req.params.shopId} not found`);
  return shop;
}
