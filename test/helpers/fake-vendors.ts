/**
 * In-memory Haravan and Tiki clients for activity unit tests: the methods the stock activities call, with the
 * vendors' semantics that matter to them — `updated_at_min` filters, products by ids, Tiki's single write
 * changing only the listed warehouses and its batch write zeroing every warehouse an item leaves out, refusals
 * (422) and writes held open on demand (to make jobs overlap). Every call is logged. The HTTP-level behaviour
 * of the real clients is tested against the sandboxes (test/unit/connectors, test/e2e).
 */
import { ConnectorError } from '../../connectors/errors';
import type { ClientFactory, LiveClients } from '../../activities/context';

export interface FakeVariant {
  id: number;
  inventory_management: string | null;
  inventory_policy: 'deny' | 'continue';
  inventory_quantity: number;
  price: number;
  updated_at: string;
}
export interface FakeProduct {
  id: number;
  updated_at: string;
  variants: FakeVariant[];
}
export interface FakeInventoryRow {
  id: number;
  variant_id: number;
  loc_id: number;
  qty_onhand: number;
  qty_commited: number;
  qty_available: number;
  updated_at: string;
}

const after = (iso: string | undefined, min: string | undefined) => !min || Date.parse(iso ?? '') >= Date.parse(min);

export class FakeHaravan {
  readonly products = new Map<number, FakeProduct>();
  readonly rows: FakeInventoryRow[] = [];
  readonly calls: string[] = [];

  /** Add or change a variant (its product's and its own `updated_at` become now). */
  setVariant(productId: number, v: Partial<FakeVariant> & { id: number }): void {
    const now = new Date().toISOString();
    const p = this.products.get(productId) ?? { id: productId, updated_at: now, variants: [] };
    const old = p.variants.find((x) => x.id === v.id);
    const next: FakeVariant = { inventory_management: 'haravan', inventory_policy: 'deny', inventory_quantity: 0, price: 100_000, ...old, ...v, updated_at: now };
    p.variants = [...p.variants.filter((x) => x.id !== v.id), next];
    p.updated_at = now;
    this.products.set(productId, p);
  }

  withPriority(): this {
    return this;
  }

  async listProducts(params: { ids?: readonly number[]; limit?: number; updatedAtMin?: string; page?: number }): Promise<FakeProduct[]> {
    this.calls.push(`listProducts ${params.ids ? `ids=${params.ids.join(',')}` : `updated>=${params.updatedAtMin}`}`);
    if (params.ids?.length === 0) return [];
    const all = [...this.products.values()].filter((p) => (!params.ids || params.ids.includes(p.id)) && after(p.updated_at, params.updatedAtMin));
    const size = Math.min(params.limit ?? 50, 50);
    const page = params.page ?? 1;
    return structuredClone(all.slice((page - 1) * size, page * size));
  }

  async *listAllProducts(params: { updatedAtMin?: string }): AsyncGenerator<FakeProduct[]> {
    for (let page = 1; ; page++) {
      const products = await this.listProducts({ page, limit: 50, updatedAtMin: params.updatedAtMin });
      if (products.length === 0) return;
      yield products;
      if (products.length < 50) return;
    }
  }

  async listAllInventoryLocations(params: { variantIds?: readonly number[]; locationIds?: readonly number[]; updatedAtMin?: string }): Promise<FakeInventoryRow[]> {
    this.calls.push('listAllInventoryLocations');
    return structuredClone(
      this.rows.filter(
        (r) => (!params.variantIds || params.variantIds.includes(r.variant_id)) && (!params.locationIds || params.locationIds.includes(r.loc_id)) && after(r.updated_at, params.updatedAtMin),
      ),
    );
  }
}

export interface FakeSku {
  product_id: number;
  sku: string;
  original_sku: string;
  price: number;
  market_price: number;
  /** warehouse id → quantity available. */
  stocks: Map<number, number>;
  /** warehouse id → quantity reserved by open orders (none by default). */
  reserved: Map<number, number>;
}

type WriteItem = { productId?: number; price?: number; warehouseQuantities?: { warehouseId: number; qtyAvailable: number }[] };

export class FakeTiki {
  readonly skus = new Map<number, FakeSku>();
  readonly calls: string[] = [];
  /** Product ids whose writes Tiki refuses (422). */
  readonly refuse = new Set<number>();
  private hold: Promise<void> | undefined;
  private release: (() => void) | undefined;
  /** Resolves when a write has reached Tiki while writes are held. */
  private arrived: (() => void) | undefined;

  addSku(productId: number, opts: { price?: number; marketPrice?: number; stocks?: [number, number][]; reserved?: [number, number][] } = {}): void {
    this.skus.set(productId, {
      product_id: productId,
      sku: `T${productId}`,
      original_sku: `B${productId}`,
      price: opts.price ?? 100_000,
      market_price: opts.marketPrice ?? 0,
      stocks: new Map(opts.stocks ?? []),
      reserved: new Map(opts.reserved ?? []),
    });
  }

  qty(productId: number, warehouseId: number): number | undefined {
    return this.skus.get(productId)?.stocks.get(warehouseId);
  }

  /** Hold every write open until `releaseWrites`; resolves once the first held write has arrived. */
  holdWrites(): Promise<void> {
    this.hold = new Promise((r) => (this.release = r));
    return new Promise((r) => (this.arrived = r));
  }

  releaseWrites(): void {
    const release = this.release;
    this.hold = this.release = undefined;
    release?.();
  }

  async listProducts(params: { page?: number; limit?: number }) {
    const page = params.page ?? 1;
    const limit = params.limit ?? 50;
    this.calls.push(`listProducts page=${page}`);
    const all = [...this.skus.values()];
    const items = all.slice((page - 1) * limit, page * limit).map((s) => ({
      product_id: s.product_id,
      sku: s.sku,
      original_sku: s.original_sku,
      price: s.price,
      market_price: s.market_price,
      inventory: { warehouse_stocks: [...s.stocks].map(([warehouse_id, quantity_available]) => ({ warehouse_id, quantity_available, quantity_reserved: s.reserved.get(warehouse_id) ?? 0 })) },
    }));
    return { items, paging: { current_page: page, last_page: Math.max(1, Math.ceil(all.length / limit)), per_page: limit, total: all.length } };
  }

  async updateSku(update: WriteItem) {
    this.calls.push(`updateSku ${update.productId}`);
    await this.held();
    this.apply(update, false);
    return { state: 'approved' };
  }

  async updateSkus(items: (WriteItem & { currentWarehouseIds?: number[] })[]) {
    this.calls.push(`updateSkus ${items.map((i) => i.productId).join(',')}`);
    await this.held();
    // All or nothing, like Tiki's batch endpoint.
    for (const item of items) this.check(item);
    for (const item of items) this.apply(item, true);
    return { state: 'approved' };
  }

  private async held() {
    if (!this.hold) return;
    this.arrived?.();
    this.arrived = undefined;
    await this.hold;
  }

  private check(item: WriteItem) {
    const sku = item.productId === undefined ? undefined : this.skus.get(item.productId);
    if (!sku) throw new ConnectorError({ system: 'tiki', code: 'NOT_FOUND', status: 404, message: `product ${item.productId} not found` });
    if (this.refuse.has(sku.product_id)) throw new ConnectorError({ system: 'tiki', code: 'VALIDATION', status: 422, message: `product ${sku.product_id} cannot be updated` });
    return sku;
  }

  private apply(item: WriteItem, batch: boolean) {
    const sku = this.check(item);
    if (item.price !== undefined) sku.price = item.price;
    if (!item.warehouseQuantities) return;
    // The batch endpoint zeroes every warehouse an item leaves out; the single one changes only those listed.
    if (batch) for (const w of sku.stocks.keys()) sku.stocks.set(w, 0);
    for (const w of item.warehouseQuantities) sku.stocks.set(w.warehouseId, w.qtyAvailable);
  }
}

/** A client factory handing out the fakes for every connection. */
export function fakeClientFactory(haravan: FakeHaravan, tiki: FakeTiki): ClientFactory {
  const clients = { haravan, tiki, assertLive: async () => undefined } as unknown as LiveClients;
  return { forConnection: async () => clients, whileConnected: async () => clients, forget: () => undefined } as unknown as ClientFactory;
}
