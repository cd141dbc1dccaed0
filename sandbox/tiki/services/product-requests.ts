/**
 * Tiki product requests (`POST /integration/v2.1/requests`, tracking by `track_id`): synchronous 400s in Tiki's
 * `{"errors":[...]}` shape, then a review whose course is decided per request by a plan:
 *
 *   approve after N s:  queuing → processing → bot_awaiting_approve → awaiting_approve → approved
 *                       (the variants become catalogue products, inactive until activated)
 *   reject after N s:   … → rejected, the reason as Tiki's JSON string or as a plain string
 *   stall:              stays in `stallState` (default processing) forever
 *   expire after N s:   the track id is forgotten (tracking answers 404)
 *
 * Plans come from the control API: per first-variant sku (a queue, so reject-then-approve is one setting), else
 * the default. States are derived from the clock on every read, so time-skipping tests need no background timer.
 */
import { ApiError, tikiError } from '../api-error';
import { attributesOf, CATEGORIES, DICTIONARIES, isLeafCategory } from '../category-data';
import type { SandboxContext } from '../context';
import { randomHex } from '../rng';
import type { SellerRec } from '../world';
import type { CatalogService } from './catalog';
import { isRecord } from './catalog';

export interface ReviewPlan {
  outcome: 'approve' | 'reject' | 'stall' | 'expire';
  afterSeconds: number;
  reasonFormat?: 'json' | 'text';
  /** Rejection text (plain format) or `msg_eng` (JSON format). */
  reason?: string;
  stallState?: string;
}

export interface ProductRequestRec {
  trackId: string;
  requestId: number;
  sellerId: number;
  createdAt: number;
  body: Record<string, unknown>;
  plan: ReviewPlan;
  productIds: number[];
  decided: boolean;
}

interface RequestWorld {
  requests: Map<string, ProductRequestRec>;
  defaultPlan: ReviewPlan;
  bySku: Map<string, ReviewPlan[]>;
  seq: number;
}

export const DEFAULT_PLAN: ReviewPlan = { outcome: 'approve', afterSeconds: 3 };

export class ProductRequestService {
  constructor(
    private readonly ctx: SandboxContext,
    private readonly catalog: CatalogService,
  ) {}

  private get w(): RequestWorld {
    const world = this.ctx.world as unknown as { productRequests?: RequestWorld };
    world.productRequests ??= { requests: new Map(), defaultPlan: { ...DEFAULT_PLAN }, bySku: new Map(), seq: 9_100_000 };
    return world.productRequests;
  }

  setPlans(p: { default?: ReviewPlan; bySku?: Record<string, ReviewPlan | ReviewPlan[]> }): void {
    if (p.default) this.w.defaultPlan = p.default;
    for (const [sku, plans] of Object.entries(p.bySku ?? {})) this.w.bySku.set(sku, Array.isArray(plans) ? [...plans] : [plans]);
  }

  /** Change the course of a request already under review (e.g. "approve now"). */
  decide(trackId: string, plan: ReviewPlan): ProductRequestRec {
    const rec = this.w.requests.get(trackId);
    if (!rec) throw new ApiError(404, { error: `track_id ${trackId} not found` });
    rec.plan = { ...plan, afterSeconds: (this.ctx.now() - rec.createdAt) / 1000 + plan.afterSeconds };
    return rec;
  }

  all(): ProductRequestRec[] {
    return [...this.w.requests.values()];
  }

  create(seller: SellerRec, body: unknown): { track_id: string; state: string } {
    if (!isRecord(body)) throw tikiError(400, 'body must be a JSON object');
    const errors = validate(body);
    if (errors.length > 0) throw tikiError(400, ...errors);
    const variants = body.variants as Record<string, unknown>[];
    const firstSku = String(variants[0]!.sku).trim();
    const queue = this.w.bySku.get(firstSku);
    const plan = (queue && queue.length > 1 ? queue.shift() : queue?.[0]) ?? this.w.defaultPlan;
    const trackId = randomHex(this.ctx.world.rng, 32);
    this.w.requests.set(trackId, { trackId, requestId: ++this.w.seq, sellerId: seller.id, createdAt: this.ctx.now(), body, plan: { ...plan }, productIds: [], decided: false });
    return { track_id: trackId, state: 'queuing' };
  }

  track(seller: SellerRec, trackId: string): { track_id: string; request_id: number; state: string; reason: string | null } {
    const rec = this.w.requests.get(trackId);
    if (!rec || rec.sellerId !== seller.id) throw tikiError(404, `track_id ${trackId} not found`);
    const { state, reason } = this.stateOf(rec);
    if (state === 'expired') throw tikiError(404, `track_id ${trackId} not found or expired`);
    if (state === 'approved' && !rec.decided) {
      rec.decided = true;
      rec.productIds = this.createProducts(seller, rec.body);
    }
    return { track_id: rec.trackId, request_id: rec.requestId, state, reason };
  }

  latest(seller: SellerRec): ReturnType<ProductRequestService['track']>[] {
    return this.all()
      .filter((r) => r.sellerId === seller.id && this.stateOf(r).state !== 'expired')
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, 50)
      .map((r) => this.track(seller, r.trackId));
  }

  /** A request Tiki forgot cannot be replayed; any other goes back to queuing with the same track id. */
  replay(seller: SellerRec, trackId: string): { track_id: string; state: string } {
    this.track(seller, trackId);
    const rec = this.w.requests.get(trackId)!;
    rec.createdAt = this.ctx.now();
    rec.decided = false;
    return { track_id: trackId, state: 'queuing' };
  }

  private stateOf(rec: ProductRequestRec): { state: string; reason: string | null } {
    const elapsed = (this.ctx.now() - rec.createdAt) / 1000;
    const { plan } = rec;
    if (plan.outcome === 'stall') return { state: plan.stallState ?? 'processing', reason: null };
    const share = plan.afterSeconds > 0 ? elapsed / plan.afterSeconds : 1;
    if (share >= 1) {
      if (plan.outcome === 'approve') return { state: 'approved', reason: null };
      if (plan.outcome === 'expire') return { state: 'expired', reason: null };
      return { state: 'rejected', reason: rejection(plan) };
    }
    return { state: share < 0.1 ? 'queuing' : share < 0.4 ? 'processing' : share < 0.7 ? 'bot_awaiting_approve' : 'awaiting_approve', reason: null };
  }

  private createProducts(seller: SellerRec, body: Record<string, unknown>): number[] {
    const variants = body.variants as Record<string, unknown>[];
    const name = String(body.name);
    return this.catalog.addProducts(
      seller,
      variants.map((v) => ({
        name: [name, v.option1, v.option2].filter((x) => typeof x === 'string' && x).join(' - '),
        original_sku: String(v.sku).trim(),
        price: Number(v.price),
        market_price: Number(v.market_price ?? body.market_price ?? v.price),
        active: 0 as const,
        stocks: Array.isArray(v.warehouse_stocks)
          ? (v.warehouse_stocks as { warehouseId: number; qtyAvailable: number }[])
              .filter((s) => seller.warehouses.some((w) => w.id === Number(s.warehouseId)))
              .map((s) => ({ warehouse_id: Number(s.warehouseId), quantity_available: Math.max(0, Number(s.qtyAvailable) || 0) }))
          : undefined,
      })),
    );
  }
}

function rejection(plan: ReviewPlan): string {
  const text = plan.reason ?? (plan.reasonFormat === 'text' ? 'product media is empty' : 'Image size is too small');
  if (plan.reasonFormat === 'text') return text;
  return JSON.stringify({ errors: [{ code: 'PRODUCT_REJECTED', data: 'images', description: text, msg: `Tiki từ chối: ${text}`, msg_eng: text }], message: 'rejected', trace_id: 'sandbox' });
}

/** Tiki's synchronous checks of a request body (the ones integrators have seen answered with 400). */
function validate(body: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const categoryId = Number(body.category_id);
  if (!CATEGORIES.some((c) => c.id === categoryId)) errors.push(`category_id ${String(body.category_id)} not found`);
  else if (!isLeafCategory(categoryId)) errors.push(`category_id ${categoryId} is not a primary category`);
  if (typeof body.name !== 'string' || !body.name.trim()) errors.push('name is required');
  if (!Array.isArray(body.images)) errors.push('images must not be null');
  else if (body.images.length === 0 || typeof body.image !== 'string' || !body.image) errors.push('product media is empty');
  if (!Array.isArray(body.option_attributes)) errors.push('option_attributes must be a list (empty for a simple product)');
  const options = Array.isArray(body.option_attributes) ? body.option_attributes.length : 0;
  if (options > 2) errors.push('option_attributes: at most 2 options');
  const variants = Array.isArray(body.variants) ? (body.variants as unknown[]) : [];
  if (variants.length === 0) errors.push('variants is required');
  const skus = new Set<string>();
  variants.forEach((v, i) => {
    if (!isRecord(v)) return void errors.push(`variants[${i}] must be an object`);
    const sku = typeof v.sku === 'string' ? v.sku.trim() : '';
    if (!sku) errors.push(`variants[${i}].sku is required`);
    else if (skus.has(sku)) errors.push(`variants[${i}].sku ${sku} is duplicated`);
    skus.add(sku);
    if (!(Number(v.price) > 0)) errors.push('variants should have price > 0');
    const given = ['option1', 'option2'].filter((k) => typeof v[k] === 'string' && v[k]).length;
    if (given !== options) errors.push(`variants[${i}]: variants and option_attributes do not match`);
  });
  const attrs = isRecord(body.attributes) ? body.attributes : {};
  for (const def of CATEGORIES.some((c) => c.id === categoryId) ? attributesOf(categoryId) : []) {
    const value = attrs[def.code];
    if (value === undefined || value === null || value === '') {
      if (def.is_required) errors.push(`attribute=${def.code} is required`);
      continue;
    }
    const dict = DICTIONARIES[def.id];
    if (!dict) continue;
    for (const part of def.input_type === 'multiselect' ? String(value).split(',') : [String(value)]) {
      if (!dict.includes(part.trim())) errors.push(`attribute=${def.code} value=${part.trim()} don't exists`);
    }
  }
  return errors;
}
