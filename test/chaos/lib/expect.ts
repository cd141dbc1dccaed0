/**
 * Independent checks of the two invariants the reliability tests assert, read from the outside (the sandboxes'
 * control APIs and Haravan's REST API), never from what the service believes:
 *  - every linked SKU on Tiki sells what the rules (domain/stock computeTarget) give for Haravan's state now: Tiki
 *    sells `quantity_available − quantity_reserved`, and the units it still reserves for orders (all imported once
 *    converged) are already committed in Haravan (domain/reservations.ts); untracked / keep-selling quantities are
 *    markers, not stock, and are compared as written;
 *  - every Tiki order became exactly one Haravan order.
 */
import { HaravanClient } from '../../../connectors/haravan/client';
import type { Config } from '../../../domain/config';
import { computeTarget, resolveTargetWarehouses } from '../../../domain/stock';
import type { LinkRecord } from '../../../store/types';
import { get } from '../../helpers/seed';

export interface SkuCheck {
  total: number;
  converged: number;
  mismatches: { barcode: string; tikiProductId: number; expected: { quantity?: number; price?: number }; actual: { quantity: number; price: number } }[];
}

interface TikiSku {
  product_id: number;
  original_sku: string;
  price: number;
  stocks: { warehouse_id: number; quantity_available: number; quantity_reserved?: number }[];
}

/** Compare Tiki's actual stock/price of every linked SKU with the rules applied to Haravan's current state. */
export async function checkSkus(opts: {
  haravanUrl: string;
  accessToken: string;
  tikiUrl: string;
  sellerId: number;
  links: LinkRecord[];
  config: Config;
  sellerWarehouseIds: number[];
}): Promise<SkuCheck> {
  const haravan = new HaravanClient({ baseUrl: opts.haravanUrl, accessToken: opts.accessToken, limiter: { bucketSize: 80, leakPerSecond: 4 } as never });
  const productIds = [...new Set(opts.links.map((l) => l.haravanProductId))];
  const variants = new Map<number, { tracked: boolean; policy: 'deny' | 'continue'; inventoryQuantity: number; price: number; locations: { locationId: number; onHand: number; committed: number }[] }>();
  for await (const page of haravan.listAllProducts({ ids: productIds })) {
    for (const p of page) {
      for (const v of p.variants ?? []) {
        variants.set(Number(v.id), {
          tracked: v.inventory_management === 'haravan',
          policy: v.inventory_policy === 'continue' ? 'continue' : 'deny',
          inventoryQuantity: Number(v.inventory_quantity ?? 0),
          price: Number(v.price ?? 0),
          locations: [],
        });
      }
    }
  }
  for (const r of await haravan.listAllInventoryLocations({ variantIds: [...variants.keys()] })) {
    variants.get(Number(r.variant_id))?.locations.push({ locationId: Number(r.loc_id), onHand: Number(r.qty_onhand ?? 0), committed: Number(r.qty_commited ?? 0) });
  }
  const skus: TikiSku[] = (await get(`${opts.tikiUrl}/_sandbox/sellers/${opts.sellerId}/skus`)).skus;
  const byId = new Map(skus.map((s) => [Number(s.product_id), s]));
  const targets = resolveTargetWarehouses(
    opts.config.tikiWarehouseIds,
    opts.sellerWarehouseIds.map((id, i) => ({ id, isPrimary: i === 0 })),
  );
  const out: SkuCheck = { total: opts.links.length, converged: 0, mismatches: [] };
  for (const link of opts.links) {
    const v = variants.get(link.haravanVariantId);
    const sku = byId.get(link.tikiProductId);
    if (!v || !sku) throw new Error(`linked variant ${link.haravanVariantId} / Tiki product ${link.tikiProductId} not found`);
    const target = computeTarget({ variant: v, tiki: { marketPrice: link.tikiMarketPrice ?? 0 }, config: opts.config });
    const rows = sku.stocks.filter((s) => targets.includes(Number(s.warehouse_id)));
    const isStock = target.quantity !== undefined && !target.notes.some((n) => n === 'INVENTORY_NOT_TRACKED' || n === 'OVERSELL_UNLIMITED');
    const actual = {
      quantity: rows.reduce((a, s) => a + Number(s.quantity_available) - (isStock ? Number(s.quantity_reserved ?? 0) : 0), 0),
      price: Number(sku.price),
    };
    const ok = (target.quantity === undefined || target.quantity === actual.quantity) && (target.price === undefined || target.price === actual.price);
    if (ok) out.converged++;
    else out.mismatches.push({ barcode: link.barcode, tikiProductId: link.tikiProductId, expected: { quantity: target.quantity, price: target.price }, actual });
  }
  return out;
}

export interface OrderCheck {
  tikiOrders: number;
  imported: number;
  duplicates: string[];
  lost: string[];
}

/** Every Tiki order code must appear on exactly one Haravan order (any status). */
export async function checkOrders(haravanUrl: string, shopId: number, tikiCodes: string[]): Promise<OrderCheck> {
  const res = await get(`${haravanUrl}/_sandbox/shops/${shopId}/orders`);
  const orders: Record<string, unknown>[] = res.orders ?? res;
  const count = new Map<string, number>();
  for (const o of orders) {
    const code = tikiCodeOf(o);
    if (code) count.set(code, (count.get(code) ?? 0) + 1);
  }
  return {
    tikiOrders: tikiCodes.length,
    imported: tikiCodes.filter((c) => (count.get(c) ?? 0) >= 1).length,
    duplicates: tikiCodes.filter((c) => (count.get(c) ?? 0) > 1),
    lost: tikiCodes.filter((c) => !count.has(c)),
  };
}

/** The Tiki code an imported Haravan order carries (the `tiki_order_code` note attribute). */
export function tikiCodeOf(o: Record<string, unknown>): string | undefined {
  const attrs = (o.note_attributes as { name: string; value: unknown }[] | undefined) ?? [];
  const attr = attrs.find((a) => a.name === 'tiki_order_code');
  return attr && attr.value !== null && attr.value !== undefined ? String(attr.value) : undefined;
}
