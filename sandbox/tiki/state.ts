/**
 * The simulator state and its services. Tests may drive it directly (`sandbox.state.placeOrder(...)`) or via the
 * control API (`/_sandbox/...`), which is a thin HTTP layer over these methods.
 */
import { controlError } from './api-error';
import { DEFAULT_SETTINGS, SandboxContext, SandboxSettings } from './context';
import { randomBase64Url, randomHex, randomUuid } from './rng';
import { AuthService } from './services/auth';
import { CatalogService, ProductPatch, SeedProduct, SeedSeller } from './services/catalog';
import { EventService } from './services/events';
import { orderView } from './services/order-view';
import { OrderService, PlaceOrderInput } from './services/orders';
import { ProductRequestService } from './services/product-requests';
import { createWorld, AuthMethod, World } from './world';

export interface SeedSellerInput extends SeedSeller {
  clientId?: string;
  clientSecret?: string;
  authMethod?: AuthMethod;
  apiKey?: string;
}

export interface SeededSeller {
  seller: ReturnType<CatalogService['sellerView']>;
  credentials: { clientId: string; clientSecret: string; apiKey: string; authMethod?: AuthMethod };
  warehouseIds: number[];
  productIds: number[];
}

export class TikiSandboxState {
  readonly ctx: SandboxContext;
  readonly auth: AuthService;
  readonly events: EventService;
  readonly catalog: CatalogService;
  readonly orders: OrderService;
  readonly productRequests: ProductRequestService;
  private readonly snapshots = new Map<string, World>();
  private readonly initialSettings: SandboxSettings;

  constructor(seed: number, settings: Partial<SandboxSettings> = {}, now?: () => number) {
    this.initialSettings = { ...DEFAULT_SETTINGS, ...settings };
    this.ctx = new SandboxContext(seed, { ...this.initialSettings }, now);
    this.auth = new AuthService(this.ctx);
    this.events = new EventService(this.ctx);
    this.catalog = new CatalogService(this.ctx, this.events);
    this.orders = new OrderService(this.ctx, this.catalog, this.events);
    this.productRequests = new ProductRequestService(this.ctx, this.catalog);
  }

  get world(): World {
    return this.ctx.world;
  }

  get settings(): SandboxSettings {
    return this.ctx.settings;
  }

  updateSettings(patch: Partial<SandboxSettings>): SandboxSettings {
    this.ctx.settings = { ...this.ctx.settings, ...patch };
    return this.ctx.settings;
  }

  // -------------------------------------------------------------------------------------------- seeding

  /** Create (or replace) a seller with warehouses, products and credentials; missing credentials are generated. */
  seedSeller(input: SeedSellerInput): SeededSeller {
    const existing = this.world.sellers.get(input.seller.id);
    if (existing) {
      this.auth.unregister(existing);
      this.catalog.removeSeller(existing);
    }
    const seller = this.catalog.createSeller(input);
    const rng = this.world.rng;
    try {
      this.auth.registerCredentials(seller, {
        clientId: input.clientId ?? `${seller.id}${randomHex(rng, 12)}`,
        clientSecret: input.clientSecret ?? randomBase64Url(rng, 24),
        apiKey: input.apiKey ?? randomUuid(rng),
      });
      seller.authMethod = input.authMethod;
      const productIds = this.catalog.addProducts(seller, input.products ?? []);
      return {
        seller: this.catalog.sellerView(seller),
        credentials: {
          clientId: seller.clientId as string,
          clientSecret: seller.clientSecret as string,
          apiKey: seller.apiKey as string,
          authMethod: seller.authMethod,
        },
        warehouseIds: seller.warehouses.map((w) => w.id),
        productIds,
      };
    } catch (err) {
      this.auth.unregister(seller);
      this.catalog.removeSeller(seller);
      throw err;
    }
  }

  addProducts(sellerId: number, products: SeedProduct[]): number[] {
    return this.catalog.addProducts(this.catalog.seller(sellerId), products);
  }

  // ---------------------------------------------------------------------------------------- inspection

  skus(sellerId: number) {
    const seller = this.catalog.seller(sellerId);
    return this.catalog.sellerProducts(seller).map((p) => this.catalog.skuView(p));
  }

  sku(sellerId: number, originalSku: string) {
    const seller = this.catalog.seller(sellerId);
    const [p] = this.catalog.findByOriginalSku(seller, originalSku);
    if (!p) throw controlError(404, `no product with original_sku ${originalSku} for seller ${sellerId}`);
    return this.catalog.skuView(p);
  }

  /** The order as the API shows it, but unmasked and with every include. */
  order(sellerId: number, code: string) {
    const seller = this.catalog.seller(sellerId);
    const order = this.orders.sellerOrder(seller, code, true);
    const view = orderView(order, seller, new Set(['status_histories', 'item.fees', 'item.confirmation_histories']));
    return { ...view, customer: { ...view.customer, phone: order.customer.phone, email: order.customer.email } };
  }

  // ------------------------------------------------------------------------------------------- changes

  editProduct(sellerId: number, productId: number, patch: ProductPatch) {
    const seller = this.catalog.seller(sellerId);
    return this.catalog.skuView(this.catalog.editByHand(seller, productId, patch));
  }

  placeOrder(sellerId: number, input: PlaceOrderInput) {
    const seller = this.catalog.seller(sellerId);
    const order = this.orders.place(seller, input);
    return this.order(sellerId, order.code);
  }

  setOrderStatus(
    sellerId: number,
    code: string,
    status: string,
    cancel?: { reason_code?: string; reason_text?: string; comment?: string },
  ) {
    const seller = this.catalog.seller(sellerId);
    this.orders.moveTo(seller, code, status, {
      reasonCode: cancel?.reason_code,
      reasonText: cancel?.reason_text,
      comment: cancel?.comment,
    });
    return this.order(sellerId, code);
  }

  setPaused(sellerId: number, paused: boolean): void {
    this.catalog.seller(sellerId).paused = paused;
  }

  revoke(sellerId: number): void {
    this.auth.revoke(this.catalog.seller(sellerId));
  }

  replaceCredentials(sellerId: number, creds: { clientSecret?: string; apiKey?: string }) {
    const seller = this.catalog.seller(sellerId);
    this.auth.replaceCredentials(seller, creds);
    return { clientId: seller.clientId, clientSecret: seller.clientSecret, apiKey: seller.apiKey };
  }

  // --------------------------------------------------------------------------------------- lifecycle

  snapshot(): string {
    const id = randomUuid(this.world.rng);
    this.snapshots.set(id, structuredClone(this.world));
    return id;
  }

  /** Restore a snapshot (the latest when `id` is omitted); the snapshot stays available. */
  restore(id?: string): void {
    const key = id ?? [...this.snapshots.keys()].pop();
    const saved = key === undefined ? undefined : this.snapshots.get(key);
    if (!saved) throw controlError(404, id ? `snapshot ${id} not found` : 'no snapshot taken');
    this.ctx.world = structuredClone(saved);
  }

  reset(): void {
    this.ctx.world = createWorld(this.ctx.seed);
    this.ctx.settings = { ...this.initialSettings };
    this.snapshots.clear();
  }
}
