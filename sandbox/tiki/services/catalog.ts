/**
 * Sellers, warehouses and products with per-warehouse stock.
 *
 * Stock per (product, seller warehouse): `available` is set by the seller, `reserved` is held by open orders,
 * `sellable = max(0, available − reserved)`. updateSku sets the listed warehouses only; updateSkus sets every
 * warehouse of the product missing from the list to 0 (documented Tiki behaviour). Price rules: price > 0,
 * price ≤ market_price and ≥ 10 % of it when market_price > 0. Every change emits its event.
 */
import { ApiError, meepoError, tikiError } from '../api-error';
import type { SandboxContext } from '../context';
import { randomDigits, randomHex, randomInt } from '../rng';
import { formatTiki } from '../time';
import type { ProductRec, SellerRec, StockRec, WarehouseRec } from '../world';
import type { EventService } from './events';

export const MAX_BATCH_ITEMS = 50;

/** Known Tiki warehouses (the first is observed in production samples; the others are sandbox choices). */
export const TIKI_WAREHOUSES: Record<string, { id: number; name: string; code: string }> = {
  hn4: { id: 17, name: 'Ha Noi 4', code: 'hn4' },
  sgn: { id: 2, name: 'Ho Chi Minh 1', code: 'sgn' },
  dn: { id: 9, name: 'Da Nang', code: 'dn' },
};

export interface SeedWarehouse {
  id: number;
  name: string;
  code?: string;
  is_primary?: boolean;
  status?: 0 | 1;
  type?: 0 | 1;
  tiki_warehouse_code?: string;
  street?: string;
}

export interface SeedProduct {
  product_id?: number;
  sku?: string;
  name: string;
  original_sku?: string | null;
  price: number;
  market_price?: number;
  active?: 0 | 1;
  inventory_type?: string;
  stocks?: { warehouse_id: number; quantity_available: number }[];
}

export interface SeedSeller {
  seller: {
    id: number;
    sid?: string;
    name: string;
    operation_models?: string[];
    active?: 0 | 1;
    can_update_product?: 0 | 1;
    logo?: string;
  };
  warehouses: SeedWarehouse[];
  products?: SeedProduct[];
}

export interface ProductPatch {
  name?: string;
  original_sku?: string | null;
  price?: number;
  market_price?: number;
  active?: 0 | 1;
  stocks?: { warehouse_id: number; quantity_available: number }[];
}

interface SkuPlan {
  product: ProductRec;
  price?: number;
  active?: 0 | 1;
  quantities?: Map<number, number>;
  zeroMissing: boolean;
}

interface Problem {
  status: number;
  message: string;
}

export function sellable(s: StockRec): number {
  return Math.max(0, s.available - s.reserved);
}

/** Why a price is refused (Tiki's texts where known), or undefined. */
export function priceProblem(price: number, marketPrice: number): string | undefined {
  if (!(price > 0)) return 'variants should have price > 0';
  if (marketPrice > 0 && price > marketPrice) return 'Price is not valid because greater than listing price';
  if (marketPrice > 0 && price < marketPrice * 0.1)
    return 'Price is not valid because less than ten percent listing price';
  return undefined;
}

export class CatalogService {
  constructor(
    private readonly ctx: SandboxContext,
    private readonly events: EventService,
  ) {}

  private get world() {
    return this.ctx.world;
  }

  // ------------------------------------------------------------------------------------------- sellers

  createSeller(input: SeedSeller): SellerRec {
    const { seller: s } = input;
    if (!input.warehouses.length) throw new ApiError(400, { error: 'a seller needs at least one warehouse' });
    const ids = new Set<number>();
    for (const w of input.warehouses) {
      if (ids.has(w.id)) throw new ApiError(400, { error: `warehouse ${w.id} listed twice` });
      ids.add(w.id);
      const owner = this.warehouseOwner(w.id);
      if (owner !== undefined && owner !== s.id)
        throw new ApiError(409, { error: `warehouse ${w.id} belongs to seller ${owner}` });
      if (w.tiki_warehouse_code && !TIKI_WAREHOUSES[w.tiki_warehouse_code]) {
        throw new ApiError(400, {
          error: `unknown tiki_warehouse_code ${w.tiki_warehouse_code} (${Object.keys(TIKI_WAREHOUSES).join(', ')})`,
        });
      }
    }
    const hasPrimary = input.warehouses.some((w) => w.is_primary);
    const seller: SellerRec = {
      id: s.id,
      sid: s.sid ?? randomHex(this.world.rng, 40, true),
      name: s.name,
      logo: s.logo ?? `https://salt.tikicdn.com/ts/seller/${randomHex(this.world.rng, 8)}.png`,
      active: s.active ?? 1,
      canUpdateProduct: s.can_update_product ?? 1,
      operationModels: s.operation_models ?? ['dropship', 'backorder'],
      registrationStatus: 'completed',
      liveAt: this.ctx.now() - 30 * 86_400_000,
      paused: false,
      revoked: false,
      warehouses: input.warehouses.map((w, i) => this.warehouseRec(w, hasPrimary ? !!w.is_primary : i === 0)),
      productIds: [],
      orderCodes: [],
    };
    this.world.sellers.set(seller.id, seller);
    return seller;
  }

  /** Delete a seller and everything it owns (re-seeding the same id replaces it). */
  removeSeller(seller: SellerRec): void {
    for (const id of seller.productIds) this.world.products.delete(id);
    for (const code of seller.orderCodes) this.world.orders.delete(code);
    this.world.sellers.delete(seller.id);
  }

  seller(sellerId: number): SellerRec {
    const seller = this.world.sellers.get(sellerId);
    if (!seller) throw new ApiError(404, { error: `seller ${sellerId} not found` });
    return seller;
  }

  warehouse(seller: SellerRec, id: number): WarehouseRec | undefined {
    return seller.warehouses.find((w) => w.id === id);
  }

  primaryWarehouse(seller: SellerRec): WarehouseRec {
    return seller.warehouses.find((w) => w.isPrimary) ?? seller.warehouses[0];
  }

  sellerView(seller: SellerRec) {
    return {
      id: seller.id,
      sid: seller.sid,
      name: seller.name,
      logo: seller.logo,
      active: seller.active,
      operation_models: seller.operationModels,
      can_update_product: seller.canUpdateProduct,
      registration_status: seller.registrationStatus,
      live_at: formatTiki(seller.liveAt),
    };
  }

  /** `/v2/sellers/me/warehouses` item, flat address as observed in production clients. */
  warehouseView(seller: SellerRec, w: WarehouseRec) {
    return {
      id: w.id,
      name: w.name,
      code: w.code,
      is_primary: w.isPrimary,
      status: w.status,
      type: w.type,
      seller_id: seller.id,
      street: w.address.street,
      ward: w.address.ward,
      district: w.address.district,
      region: w.address.region,
      country: w.address.country,
    };
  }

  listWarehouses(seller: SellerRec, status?: number, type?: number): WarehouseRec[] {
    return seller.warehouses.filter(
      (w) => (status === undefined || w.status === status) && (type === undefined || w.type === type),
    );
  }

  /** `/v2/seller-inventories`: active pickup ("requisition") inventories serving the given Tiki warehouses. */
  sellerInventories(seller: SellerRec, codes: string[]) {
    const usable = seller.warehouses.filter(
      (w) => w.status === 1 && w.type === 1 && codes.includes(w.tikiWarehouseCode),
    );
    return {
      seller_inventories: usable.map((w) => ({ id: w.id, name: w.name, address: w.address, type: 'requisition' })),
      mappings: codes.map((code) => ({
        tiki_warehouse_code: code,
        seller_inventory_ids: usable.filter((w) => w.tikiWarehouseCode === code).map((w) => w.id),
      })),
    };
  }

  // ------------------------------------------------------------------------------------------ products

  addProducts(seller: SellerRec, products: SeedProduct[]): number[] {
    const ids: number[] = [];
    for (const p of products) {
      const productId = p.product_id ?? this.nextProductId();
      if (this.world.products.has(productId))
        throw new ApiError(409, { error: `product_id ${productId} already exists` });
      const marketPrice = p.market_price ?? 0;
      const stocks = new Map<number, StockRec>();
      const rows =
        p.stocks ??
        seller.warehouses.filter((w) => w.type === 1).map((w) => ({ warehouse_id: w.id, quantity_available: 0 }));
      for (const row of rows) {
        if (!this.warehouse(seller, row.warehouse_id)) {
          throw new ApiError(400, {
            error: `product ${p.name}: warehouse ${row.warehouse_id} is not a warehouse of seller ${seller.id}`,
          });
        }
        stocks.set(row.warehouse_id, { available: row.quantity_available, reserved: 0 });
      }
      const now = this.ctx.now();
      const product: ProductRec = {
        productId,
        sellerId: seller.id,
        sku: p.sku ?? randomDigits(this.world.rng, 13),
        name: p.name,
        originalSku: p.original_sku === undefined ? null : p.original_sku,
        price: p.price,
        marketPrice,
        active: p.active ?? 1,
        masterId: productId - 1,
        masterSku: randomDigits(this.world.rng, 13),
        inventoryType: p.inventory_type ?? 'backorder',
        fulfillmentType: p.inventory_type === 'instock' ? 'tiki_delivery' : 'dropship',
        createdAt: now,
        updatedAt: now,
        version: 1,
        stocks,
      };
      this.world.products.set(productId, product);
      seller.productIds.push(productId);
      ids.push(productId);
    }
    return ids;
  }

  sellerProducts(seller: SellerRec): ProductRec[] {
    return seller.productIds.map((id) => this.world.products.get(id)).filter((p): p is ProductRec => !!p);
  }

  product(seller: SellerRec, productId: number): ProductRec | undefined {
    const p = this.world.products.get(productId);
    return p && p.sellerId === seller.id ? p : undefined;
  }

  findByOriginalSku(seller: SellerRec, originalSku: string): ProductRec[] {
    return this.sellerProducts(seller).filter((p) => p.originalSku === originalSku);
  }

  inventoryView(p: ProductRec) {
    return {
      inventory_type: p.inventoryType,
      fulfillment_type: p.fulfillmentType,
      warehouse_stocks: [...p.stocks.entries()].map(([warehouseId, s]) => ({
        warehouse_id: warehouseId,
        quantity: s.available,
        quantity_available: s.available,
        quantity_reserved: s.reserved,
        quantity_sellable: sellable(s),
      })),
    };
  }

  /** v2.1 listing / detail shape. */
  productView(p: ProductRec, includeInventory: boolean) {
    return {
      product_id: p.productId,
      sku: p.sku,
      name: p.name,
      master_id: p.masterId,
      master_sku: p.masterSku,
      super_id: 0,
      super_sku: '',
      active: p.active,
      original_sku: p.originalSku,
      type: 'simple',
      entity_type: 'seller_simple',
      price: p.price,
      market_price: p.marketPrice,
      created_at: formatTiki(p.createdAt),
      updated_at: formatTiki(p.updatedAt),
      thumbnail: `https://salt.tikicdn.com/cache/280x280/ts/product/${p.sku}.jpg`,
      attributes: {},
      categories: [{ id: 8322, name: 'Nhà Sách Tiki', url_key: 'nha-sach-tiki', is_primary: true }],
      ...(includeInventory ? { inventory: this.inventoryView(p) } : {}),
    };
  }

  /** v2 listing / findBy shape: `id` instead of `product_id`, `active` as a string. */
  productViewV2(p: ProductRec, includeInventory: boolean) {
    const seller = this.world.sellers.get(p.sellerId);
    return {
      id: p.productId,
      sku: p.sku,
      name: p.name,
      master_id: p.masterId,
      master_sku: p.masterSku,
      super_id: 0,
      super_sku: '',
      active: String(p.active),
      original_sku: p.originalSku,
      type: 'simple',
      entity_type: 'seller_simple',
      price: p.price,
      market_price: p.marketPrice,
      version: p.version,
      created_at: formatTiki(p.createdAt),
      updated_at: formatTiki(p.updatedAt),
      thumbnail: `https://salt.tikicdn.com/cache/280x280/ts/product/${p.sku}.jpg`,
      seller: seller ? { id: seller.id, name: seller.name } : null,
      images: [],
      ...(includeInventory ? { inventory: this.inventoryView(p) } : {}),
    };
  }

  /** Control API view: what tests compare against. */
  skuView(p: ProductRec) {
    const stocks = [...p.stocks.entries()].map(([warehouseId, s]) => ({
      warehouse_id: warehouseId,
      quantity_available: s.available,
      quantity_reserved: s.reserved,
      quantity_sellable: sellable(s),
    }));
    return {
      product_id: p.productId,
      sku: p.sku,
      name: p.name,
      original_sku: p.originalSku,
      price: p.price,
      market_price: p.marketPrice,
      active: p.active,
      updated_at: new Date(p.updatedAt).toISOString(),
      stocks,
      totals: {
        available: stocks.reduce((n, s) => n + s.quantity_available, 0),
        reserved: stocks.reduce((n, s) => n + s.quantity_reserved, 0),
        sellable: stocks.reduce((n, s) => n + s.quantity_sellable, 0),
      },
    };
  }

  // ---------------------------------------------------------------------------------- stock & price

  /** Apply `change` to one warehouse row (created when missing) and emit PRODUCT_INVENTORY_UPDATED if it moved. */
  changeStock(p: ProductRec, warehouseId: number, change: (s: StockRec) => void): void {
    const row = p.stocks.get(warehouseId) ?? { available: 0, reserved: 0 };
    const before = { ...row };
    change(row);
    p.stocks.set(warehouseId, row);
    if (before.available === row.available && before.reserved === row.reserved) return;
    this.touch(p);
    const seller = this.world.sellers.get(p.sellerId);
    if (!seller) return;
    this.events.emit(seller, 'PRODUCT_INVENTORY_UPDATED', {
      product_id: p.productId,
      original_sku: p.originalSku,
      warehouse_id: warehouseId,
      quantity_from: before.available,
      quantity_to: row.available,
      quantity_available_from: before.available,
      quantity_available_to: row.available,
      quantity_reserved_from: before.reserved,
      quantity_reserved_to: row.reserved,
      quantity_sellable_from: sellable(before),
      quantity_sellable_to: sellable(row),
    });
  }

  setPrice(p: ProductRec, price: number): void {
    this.changePrice(p, 'price', price, 'PRODUCT_PRICE_UPDATED', 'price');
  }

  setMarketPrice(p: ProductRec, marketPrice: number): void {
    this.changePrice(p, 'marketPrice', marketPrice, 'PRODUCT_MARKET_PRICE_UPDATED', 'market_price');
  }

  /** Set a price field and emit its event (the docs type these payload values as strings). */
  private changePrice(p: ProductRec, field: 'price' | 'marketPrice', value: number, event: 'PRODUCT_PRICE_UPDATED' | 'PRODUCT_MARKET_PRICE_UPDATED', key: string): void {
    if (p[field] === value) return;
    const from = p[field];
    p[field] = value;
    this.touch(p);
    const seller = this.world.sellers.get(p.sellerId);
    if (!seller) return;
    this.events.emit(seller, event, {
      product_id: String(p.productId),
      original_sku: p.originalSku,
      [`${key}_from`]: String(from),
      [`${key}_to`]: String(value),
    });
  }

  setActive(p: ProductRec, active: 0 | 1): void {
    if (p.active === active) return;
    p.active = active;
    this.touch(p);
  }

  /** Seller Center edit (control API): no price validation beyond positivity, warehouses must exist. */
  editByHand(seller: SellerRec, productId: number, patch: ProductPatch): ProductRec {
    const p = this.product(seller, productId);
    if (!p) throw new ApiError(404, { error: `product ${productId} not found for seller ${seller.id}` });
    for (const row of patch.stocks ?? []) {
      if (!this.warehouse(seller, row.warehouse_id))
        throw new ApiError(400, { error: `unknown warehouse ${row.warehouse_id}` });
    }
    if (patch.name !== undefined) p.name = patch.name;
    if (patch.original_sku !== undefined) p.originalSku = patch.original_sku;
    if (patch.market_price !== undefined) this.setMarketPrice(p, patch.market_price);
    if (patch.price !== undefined) this.setPrice(p, patch.price);
    if (patch.active !== undefined) this.setActive(p, patch.active);
    for (const row of patch.stocks ?? [])
      this.changeStock(p, row.warehouse_id, (s) => (s.available = row.quantity_available));
    this.touch(p);
    return p;
  }

  // ------------------------------------------------------------------------------- updateSku(s) API

  /** `PUT /v2/products/updateSku`: listed warehouses only. */
  updateSku(seller: SellerRec, body: unknown): { state: 'approved' } {
    this.assertCanUpdate(seller);
    const plan = this.planSkuUpdate(seller, body, false);
    if ('problems' in plan)
      throw meepoError(
        plan.problems[0].status,
        this.traceId(),
        plan.problems.map((p) => p.message),
      );
    this.applyPlan(plan);
    return { state: 'approved' };
  }

  /** `PUT /v2.1/products/updateSkus`: all items validated first (all-or-nothing); missing warehouses → 0. */
  updateSkus(seller: SellerRec, body: unknown): { state: 'approved' } {
    this.assertCanUpdate(seller);
    const data = isRecord(body) ? body.data : undefined;
    if (!Array.isArray(data) || data.length === 0)
      throw meepoError(400, this.traceId(), ['data must be a non-empty list']);
    if (data.length > MAX_BATCH_ITEMS) {
      throw meepoError(400, this.traceId(), [`data must not contain more than ${MAX_BATCH_ITEMS} items`]);
    }
    const plans: SkuPlan[] = [];
    const problems: Problem[] = [];
    data.forEach((item, i) => {
      const plan = this.planSkuUpdate(seller, item, true);
      if ('problems' in plan)
        problems.push(...plan.problems.map((p) => ({ status: p.status, message: `data[${i}]: ${p.message}` })));
      else plans.push(plan);
    });
    if (problems.length)
      throw meepoError(
        problems[0].status,
        this.traceId(),
        problems.map((p) => p.message),
      );
    for (const plan of plans) this.applyPlan(plan);
    return { state: 'approved' };
  }

  private planSkuUpdate(seller: SellerRec, raw: unknown, batch: boolean): SkuPlan | { problems: Problem[] } {
    const bad = (status: number, message: string) => ({ problems: [{ status, message }] });
    if (!isRecord(raw)) return bad(400, 'request body must be an object');
    let product: ProductRec | undefined;
    if (raw.product_id !== undefined && raw.product_id !== null) {
      const id = Number(raw.product_id);
      if (!Number.isInteger(id)) return bad(400, 'product_id must be an integer');
      product = this.product(seller, id);
      if (!product) return bad(404, `Product ${id} not found`);
    } else if (typeof raw.original_sku === 'string' && raw.original_sku !== '') {
      product = this.findByOriginalSku(seller, raw.original_sku)[0];
      if (!product) return bad(404, `Product with original_sku '${raw.original_sku}' not found`);
    } else {
      return bad(400, 'product_id or original_sku is required');
    }
    const plan: SkuPlan = { product, zeroMissing: batch };
    const problems: Problem[] = [];
    if (raw.price !== undefined) {
      const price = typeof raw.price === 'number' || typeof raw.price === 'string' ? Number(raw.price) : NaN;
      const problem = Number.isNaN(price) ? undefined : priceProblem(price, product.marketPrice);
      if (Number.isNaN(price)) problems.push({ status: 400, message: 'price must be a number' });
      else if (problem) problems.push({ status: 422, message: problem });
      else plan.price = Math.round(price);
    }
    const activeRaw = batch && raw.status !== undefined ? raw.status : raw.active;
    if (activeRaw !== undefined) {
      const v = Number(activeRaw);
      if (batch && raw.status !== undefined) {
        if (![1, 2, 3].includes(v))
          problems.push({ status: 400, message: 'status must be 1 (enabled), 2 (disabled) or 3 (hidden)' });
        else plan.active = v === 1 ? 1 : 0;
      } else if (v !== 0 && v !== 1) {
        problems.push({ status: 400, message: 'active must be 0 or 1' });
      } else {
        plan.active = v as 0 | 1;
      }
    }
    if (raw.warehouse_quantities !== undefined) {
      const result = this.parseQuantities(seller, raw.warehouse_quantities);
      if ('problem' in result) problems.push(result.problem);
      else plan.quantities = result.quantities;
    }
    if (plan.price === undefined && plan.active === undefined && plan.quantities === undefined && !problems.length) {
      problems.push({ status: 400, message: 'nothing to update: give price, active/status or warehouse_quantities' });
    }
    return problems.length ? { problems } : plan;
  }

  private parseQuantities(seller: SellerRec, raw: unknown): { quantities: Map<number, number> } | { problem: Problem } {
    if (!Array.isArray(raw)) return { problem: { status: 400, message: 'warehouse_quantities must be a list' } };
    const quantities = new Map<number, number>();
    const unknown: number[] = [];
    for (const row of raw) {
      const wid = isRecord(row) ? Number(row.warehouse_id) : NaN;
      const qty = isRecord(row) ? Number(row.qty_available) : NaN;
      if (!Number.isInteger(wid) || !Number.isInteger(qty) || qty < 0) {
        return {
          problem: {
            status: 400,
            message: 'warehouse_quantities items need an integer warehouse_id and qty_available ≥ 0',
          },
        };
      }
      if (!this.warehouse(seller, wid)) unknown.push(wid);
      quantities.set(wid, qty);
    }
    if (unknown.length) {
      return { problem: { status: 400, message: `update error [Warehouse '[${unknown.join(', ')}]' are not found]` } };
    }
    return { quantities };
  }

  private applyPlan(plan: SkuPlan): void {
    const p = plan.product;
    if (plan.price !== undefined) this.setPrice(p, plan.price);
    if (plan.active !== undefined) this.setActive(p, plan.active);
    if (plan.quantities) {
      for (const [wid, qty] of plan.quantities) this.changeStock(p, wid, (s) => (s.available = qty));
      if (plan.zeroMissing) {
        for (const wid of [...p.stocks.keys()]) {
          if (!plan.quantities.has(wid)) this.changeStock(p, wid, (s) => (s.available = 0));
        }
      }
    }
    this.touch(p);
  }

  private assertCanUpdate(seller: SellerRec): void {
    if (seller.canUpdateProduct !== 1) throw tikiError(403, 'your token has no permission to update product');
  }

  private touch(p: ProductRec): void {
    p.updatedAt = this.ctx.now();
    p.version++;
  }

  private traceId(): string {
    return randomDigits(this.world.rng, 19);
  }

  private nextProductId(): number {
    do this.world.seq.product += randomInt(this.world.rng, 1, 97);
    while (this.world.products.has(this.world.seq.product));
    return this.world.seq.product;
  }

  private warehouseOwner(warehouseId: number): number | undefined {
    for (const s of this.world.sellers.values()) if (s.warehouses.some((w) => w.id === warehouseId)) return s.id;
    return undefined;
  }

  private warehouseRec(w: SeedWarehouse, isPrimary: boolean): WarehouseRec {
    return {
      id: w.id,
      name: w.name,
      code: w.code ?? `WH${String(w.id).padStart(9, '0')}`,
      isPrimary,
      status: w.status ?? 1,
      type: w.type ?? 1,
      tikiWarehouseCode: w.tiki_warehouse_code ?? 'sgn',
      address: {
        street: w.street ?? '52 Út Tịch',
        ward: { code: 'VN039013003', name: 'Phường 04' },
        district: { code: 'VN039013', name: 'Quận Tân Bình' },
        region: { code: 'VN039', name: 'Hồ Chí Minh' },
        country: { code: 'VN', name: 'Việt Nam' },
      },
    };
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
