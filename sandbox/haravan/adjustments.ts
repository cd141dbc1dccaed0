/**
 * `POST /com/inventories/adjustorset.json`: `set` overwrites on-hand, `adjust` adds to it.
 * Lines are applied in order; the first invalid line stops processing with a 422 whose
 * Vietnamese message is the documented one (earlier lines stay applied). 201 when something
 * changed, 200 when every quantity was already equal.
 */
import { ApiError, unprocessable } from './errors';
import { ModelContext, changeStock, findLocation } from './inventory';
import { AdjustmentJson, ShopData, VariantJson } from './types';

export const ADJUST_MESSAGES = {
  location: 'Kho điều chỉnh không hợp lệ',
  product: 'Sản phẩm không hợp lệ',
  variant: 'Biến thể không hợp lệ',
  data: 'Dữ liệu không hợp lệ',
  quantity: 'Số lượng sản phẩm không hợp lệ',
} as const;

/** The adjustment page recommends ≤ 100 lines, the rate-limit page ≤ 200; beyond 200 is refused. */
export const MAX_ADJUSTMENT_LINES = 200;
const REASONS = ['newproduct', 'returned', 'productionofgoods', 'damaged', 'shrinkage', 'promotion', 'transfer'];

export interface AdjustmentOutcome {
  status: 200 | 201;
  changedVariants: VariantJson[];
}

export function adjustOrSet(shop: ShopData, ctx: ModelContext, body: unknown): AdjustmentOutcome {
  const inventory = (body as { inventory?: unknown } | undefined)?.inventory;
  if (!inventory || typeof inventory !== 'object') throw unprocessable(ADJUST_MESSAGES.data);
  const input = inventory as Record<string, unknown>;
  const locationId = input.location_id;
  if (typeof locationId !== 'number' || !findLocation(shop, locationId)) throw unprocessable(ADJUST_MESSAGES.location);
  const type = input.type ?? 'adjust';
  const reason = input.reason ?? 'newproduct';
  if ((type !== 'set' && type !== 'adjust') || typeof reason !== 'string' || !REASONS.includes(reason)) {
    throw unprocessable(ADJUST_MESSAGES.data);
  }
  const lines = input.line_items;
  if (!Array.isArray(lines) || lines.length === 0 || lines.length > MAX_ADJUSTMENT_LINES) throw unprocessable(ADJUST_MESSAGES.data);

  const changed = new Map<number, VariantJson>();
  const applied: AdjustmentJson['line_items'] = [];
  let failure: ApiError | undefined;
  for (const line of lines as Record<string, unknown>[]) {
    const problem = lineProblem(shop, line, type);
    if (problem) {
      failure = unprocessable(problem);
      break;
    }
    const variantId = line.product_variant_id as number;
    const quantity = line.quantity as number;
    const result = changeStock(shop, ctx, {
      variantId,
      locationId,
      ...(type === 'set' ? { onhand: quantity } : { onhandDelta: quantity }),
    });
    if (result.changed) {
      const product = shop.products.find((p) => p.id === line.product_id);
      const variant = product?.variants.find((v) => v.id === variantId);
      if (variant) changed.set(variantId, variant);
    }
    applied.push({ product_id: line.product_id as number, product_variant_id: variantId, quantity });
  }
  if (changed.size > 0) recordAdjustment(shop, ctx, locationId, type, reason, input.note, applied);
  if (failure) throw failure;
  return { status: changed.size > 0 ? 201 : 200, changedVariants: [...changed.values()] };
}

function lineProblem(shop: ShopData, line: Record<string, unknown>, type: string): string | undefined {
  if (!line || typeof line !== 'object') return ADJUST_MESSAGES.data;
  const product = shop.products.find((p) => p.id === line.product_id);
  if (!product) return ADJUST_MESSAGES.product;
  if (!product.variants.some((v) => v.id === line.product_variant_id)) return ADJUST_MESSAGES.variant;
  const quantity = line.quantity;
  if (typeof quantity !== 'number' || !Number.isInteger(quantity)) return ADJUST_MESSAGES.data;
  if (type === 'adjust' && quantity === 0) return ADJUST_MESSAGES.quantity;
  if (type === 'set' && quantity < 0) return ADJUST_MESSAGES.quantity;
  return undefined;
}

function recordAdjustment(
  shop: ShopData,
  ctx: ModelContext,
  locationId: number,
  type: string,
  reason: string,
  note: unknown,
  lines: AdjustmentJson['line_items'],
): void {
  shop.adjustments.push({
    id: ctx.newId(),
    adjust_number: `IA${100000 + shop.adjustments.length + 1}`,
    location_id: locationId,
    type,
    reason,
    note: typeof note === 'string' ? note : null,
    total_quantity: lines.reduce((sum, l) => sum + l.quantity, 0),
    line_items: lines,
    created_at: ctx.now(),
  });
}
