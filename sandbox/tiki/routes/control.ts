/** Control API under `/_sandbox` (JSON, no auth): seeding, inspection, Seller Center / customer actions, lifecycle. */
import express, { Request, Router } from 'express';
import { z } from 'zod';
import { controlError } from '../api-error';
import { DEFAULT_SETTINGS } from '../context';
import type { TikiSandboxState } from '../state';
import { ORDER_STATUSES } from '../services/order-rules';

const stockRow = z.object({ warehouse_id: z.number().int(), quantity_available: z.number().int().min(0) });
const flag = z.union([z.literal(0), z.literal(1)]);

const productSeed = z.object({
  product_id: z.number().int().positive().optional(),
  sku: z.string().min(1).optional(),
  name: z.string().min(1),
  original_sku: z.string().nullable().optional(),
  price: z.number().positive(),
  market_price: z.number().min(0).optional(),
  active: flag.optional(),
  inventory_type: z.string().optional(),
  stocks: z.array(stockRow).optional(),
});

const sellerSeed = z.object({
  seller: z.object({
    id: z.number().int().positive(),
    sid: z
      .string()
      .regex(/^[0-9A-F]{40}$/, 'sid must be 40 upper-case hex characters')
      .optional(),
    name: z.string().min(1),
    operation_models: z.array(z.string()).optional(),
    active: flag.optional(),
    can_update_product: flag.optional(),
    logo: z.string().optional(),
  }),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  authMethod: z.enum(['client_secret_basic', 'client_secret_post']).optional(),
  apiKey: z.string().min(1).optional(),
  warehouses: z
    .array(
      z.object({
        id: z.number().int().positive(),
        name: z.string().min(1),
        code: z.string().optional(),
        is_primary: z.boolean().optional(),
        status: flag.optional(),
        type: flag.optional(),
        tiki_warehouse_code: z.string().optional(),
        street: z.string().optional(),
      }),
    )
    .min(1),
  products: z.array(productSeed).default([]),
});

const productPatch = z.object({
  name: z.string().min(1).optional(),
  original_sku: z.string().nullable().optional(),
  price: z.number().positive().optional(),
  market_price: z.number().min(0).optional(),
  active: flag.optional(),
  stocks: z.array(stockRow).optional(),
});

const orderInput = z.object({
  code: z.string().regex(/^\d+$/, 'order codes are digits').optional(),
  fulfillment_type: z.string().optional(),
  items: z
    .array(
      z
        .object({
          original_sku: z.string().optional(),
          product_id: z.number().int().optional(),
          qty: z.number().int().positive(),
          price: z.number().positive().optional(),
          warehouse_id: z.number().int().optional(),
        })
        .refine(
          (i) => i.original_sku !== undefined || i.product_id !== undefined,
          'original_sku or product_id is required',
        ),
    )
    .min(1),
  customer: z
    .object({ full_name: z.string(), phone: z.string().optional(), email: z.string().nullable().optional() })
    .optional(),
  shipping_address: z.record(z.string(), z.string()).optional(),
  status: z.enum(['queueing', 'processing', 'waiting_payment']).optional(),
  payment_method: z.string().optional(),
  created_at: z.string().optional(),
  tiki_warehouse_code: z.string().optional(),
});

const statusInput = z.object({
  status: z.enum(ORDER_STATUSES),
  cancel_info: z
    .object({ reason_code: z.string().optional(), reason_text: z.string().optional(), comment: z.string().optional() })
    .optional(),
});

const settingsPatch = z.object({
  tokenTtlSeconds: z.number().positive().optional(),
  rateLimitPerSecond: z.number().int().positive().optional(),
  shortPages: z.boolean().optional(),
  eventBatchSize: z.number().int().positive().optional(),
  confirmSlaHours: z.number().positive().optional(),
  maxQueuesPerOwner: z.number().int().positive().optional(),
});

function parse<T>(schema: z.ZodType<T>, raw: unknown): T {
  const result = schema.safeParse(raw ?? {});
  if (!result.success) {
    throw controlError(
      400,
      'invalid request body',
      result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  return result.data;
}

function intParam(req: Request, name: string): number {
  const n = Number(req.params[name]);
  if (!Number.isInteger(n)) throw controlError(400, `${name} must be an integer`);
  return n;
}

export interface ControlHooks {
  /** Extra reset work (rate-limit windows, faults, call log). */
  onReset(): void;
}

export function controlRouter(state: TikiSandboxState, hooks: ControlHooks): Router {
  const r = express.Router();

  r.post('/sellers', (req, res) => {
    res.status(201).json(state.seedSeller(parse(sellerSeed, req.body)));
  });
  r.get('/sellers', (_req, res) => {
    res.json({ sellers: [...state.world.sellers.values()].map((s) => state.catalog.sellerView(s)) });
  });
  r.get('/sellers/:sellerId', (req, res) => {
    const seller = state.catalog.seller(intParam(req, 'sellerId'));
    res.json({
      seller: state.catalog.sellerView(seller),
      paused: seller.paused,
      revoked: seller.revoked,
      warehouses: seller.warehouses.map((w) => state.catalog.warehouseView(seller, w)),
      productCount: seller.productIds.length,
      orderCount: seller.orderCodes.length,
    });
  });
  r.get('/sellers/:sellerId/skus', (req, res) => {
    res.json({ skus: state.skus(intParam(req, 'sellerId')) });
  });
  r.get('/sellers/:sellerId/skus/:originalSku', (req, res) => {
    res.json(state.sku(intParam(req, 'sellerId'), String(req.params.originalSku)));
  });
  r.post('/sellers/:sellerId/products', (req, res) => {
    const products = parse(z.object({ products: z.array(productSeed).min(1) }), req.body).products;
    res.status(201).json({ productIds: state.addProducts(intParam(req, 'sellerId'), products) });
  });
  r.put('/sellers/:sellerId/products/:productId', (req, res) => {
    res.json(state.editProduct(intParam(req, 'sellerId'), intParam(req, 'productId'), parse(productPatch, req.body)));
  });
  r.post('/sellers/:sellerId/orders', (req, res) => {
    res.status(201).json(state.placeOrder(intParam(req, 'sellerId'), parse(orderInput, req.body)));
  });
  r.get('/sellers/:sellerId/orders/:code', (req, res) => {
    res.json(state.order(intParam(req, 'sellerId'), String(req.params.code)));
  });
  r.post('/sellers/:sellerId/orders/:code/status', (req, res) => {
    const input = parse(statusInput, req.body);
    res.json(state.setOrderStatus(intParam(req, 'sellerId'), String(req.params.code), input.status, input.cancel_info));
  });
  r.post('/sellers/:sellerId/pause', (req, res) => {
    state.setPaused(intParam(req, 'sellerId'), true);
    res.json({ paused: true });
  });
  r.post('/sellers/:sellerId/resume', (req, res) => {
    state.setPaused(intParam(req, 'sellerId'), false);
    res.json({ paused: false });
  });
  r.post('/sellers/:sellerId/revoke', (req, res) => {
    state.revoke(intParam(req, 'sellerId'));
    res.json({ revoked: true });
  });
  r.post('/sellers/:sellerId/credentials', (req, res) => {
    const creds = parse(
      z.object({ clientSecret: z.string().min(1).optional(), apiKey: z.string().min(1).optional() }),
      req.body,
    );
    res.json(state.replaceCredentials(intParam(req, 'sellerId'), creds));
  });

  r.post('/tokens/expire', (req, res) => {
    const { sellerId } = parse(z.object({ sellerId: z.number().int().optional() }), req.body);
    res.json({ expired: state.auth.expireTokens(sellerId) });
  });

  r.get('/queues', (_req, res) => {
    res.json({ queues: state.events.inspect() });
  });
  r.delete('/queues/:code', (req, res) => {
    if (!state.events.dropQueue(req.params.code)) return res.status(404).json({ error: 'no such queue' });
    res.status(204).end();
  });
  r.post('/events/duplicate', (req, res) => {
    const { queueCode, count } = parse(
      z.object({ queueCode: z.string().optional(), count: z.number().int().positive().optional() }),
      req.body,
    );
    res.json({ redelivered: state.events.duplicate(queueCode, count) });
  });

  r.get('/settings', (_req, res) => {
    res.json(state.settings);
  });
  r.put('/settings', (req, res) => {
    res.json(state.updateSettings(parse(settingsPatch, req.body)));
  });

  r.post('/snapshot', (_req, res) => {
    res.status(201).json({ id: state.snapshot() });
  });
  r.post('/restore', (req, res) => {
    const { id } = parse(z.object({ id: z.string().optional() }), req.body);
    state.restore(id);
    res.json({ restored: true });
  });
  r.post('/reset', (_req, res) => {
    state.reset();
    hooks.onReset();
    res.json({ reset: true, settings: { ...DEFAULT_SETTINGS, ...state.settings } });
  });

  return r;
}
