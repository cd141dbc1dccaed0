/** Vendor objects (zod-parsed, snake_case) → the pure domain's input shapes. */
import { inventoryPolicyOf } from '../domain/inventory';
import type { HaravanProductInput, TikiSkuInput } from '../domain/types';

export interface HaravanProductLike {
  id: number;
  title?: string | null;
  updated_at?: string | null;
  created_at?: string | null;
  variants?: HaravanVariantLike[] | null;
}

export interface HaravanVariantLike {
  id: number;
  product_id?: number | null;
  title?: string | null;
  barcode?: string | null;
  price?: number | string | null;
  inventory_management?: string | null;
  inventory_policy?: string | null;
  inventory_quantity?: number | null;
}

export interface TikiProductLike {
  product_id?: number | null;
  id?: number | null;
  sku?: string | null;
  original_sku?: string | null;
  price?: number | string | null;
  market_price?: number | string | null;
  active?: number | string | boolean | null;
  inventory?: { warehouse_stocks?: { warehouse_id: number; quantity_available?: number | null; quantity?: number | null; quantity_reserved?: number | null }[] | null } | null;
}

export const toInt = (v: unknown): number => {
  const n = typeof v === 'number' ? v : Number(v ?? 0);
  return Number.isFinite(n) ? Math.round(n) : 0;
};

export function toHaravanProductInput(p: HaravanProductLike): HaravanProductInput {
  return {
    id: Number(p.id),
    title: p.title ?? '',
    updatedAt: p.updated_at ?? p.created_at ?? '1970-01-01T00:00:00Z',
    variants: (p.variants ?? []).map((v) => ({
      id: Number(v.id),
      title: v.title ?? undefined,
      barcode: v.barcode ?? null,
      price: toInt(v.price),
      inventoryManagement: v.inventory_management ?? null,
      inventoryPolicy: inventoryPolicyOf(v.inventory_policy),
    })),
  };
}

export function tikiProductId(p: TikiProductLike): number {
  return Number(p.product_id ?? p.id);
}

export function isTikiActive(a: TikiProductLike['active']): boolean {
  if (a === undefined || a === null) return true;
  return a === true || a === 1 || a === '1';
}

export function toTikiSkuInput(p: TikiProductLike): TikiSkuInput {
  return {
    productId: tikiProductId(p),
    sku: String(p.sku ?? ''),
    originalSku: p.original_sku ?? null,
    price: toInt(p.price),
    marketPrice: toInt(p.market_price),
    active: isTikiActive(p.active),
  };
}

export function tikiStocks(p: TikiProductLike): { warehouseId: number; qtyAvailable: number }[] {
  return (p.inventory?.warehouse_stocks ?? []).map((s) => ({ warehouseId: Number(s.warehouse_id), qtyAvailable: toInt(s.quantity_available ?? s.quantity) }));
}

/** `quantity_reserved` per warehouse (units Tiki holds for open orders). */
export function tikiReserved(p: TikiProductLike): Map<number, number> {
  return new Map((p.inventory?.warehouse_stocks ?? []).map((s) => [Number(s.warehouse_id), Math.max(0, toInt(s.quantity_reserved))]));
}
