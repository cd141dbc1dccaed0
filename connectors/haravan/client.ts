/**
 * Typed client of the Haravan Admin ("Omni") API: `<baseUrl>/com/<resource>.json`, Bearer auth.
 * Returns zod-validated snake_case vendor objects; every failure is a ConnectorError.
 *
 * Longer than ~300 lines on purpose: one short method per Haravan endpoint the service uses (shop, locations,
 * products, inventory, orders, customers), so the vendor's whole surface is read in one class; transport,
 * rate limiting, request shapes and schemas are already files of their own.
 */
import { z } from 'zod';
import { HaravanRateLimiter, RateLimiterOptions, RequestPriority, releaseSharedRateLimiter, sharedRateLimiter } from './rate-limiter';
import {
  AdjustInventoryResult,
  AdjustOrSetInventoryInput,
  CancelOrderInput,
  CreateFulfillmentInput,
  CreateTransactionInput,
  FindOrderByReferenceParams,
  HaravanCustomerInput,
  HaravanOrderInput,
  ListInventoryLocationsParams,
  ListOrdersParams,
  ListProductsParams,
  Timestamp,
  UpdateOrderInput,
} from './requests';
import {
  AdjustmentResponseSchema,
  CountEnvelope,
  CustomerEnvelope,
  CustomersEnvelope,
  FulfillmentEnvelope,
  FulfillmentsEnvelope,
  HaravanCustomer,
  HaravanFulfillment,
  HaravanInventoryLocation,
  HaravanLocation,
  HaravanOrder,
  HaravanProduct,
  HaravanShop,
  HaravanTransaction,
  HaravanVariant,
  InventoryLocationsEnvelope,
  LocationsEnvelope,
  OrderEnvelope,
  OrdersEnvelope,
  ProductEnvelope,
  ProductsEnvelope,
  ShopEnvelope,
  TransactionEnvelope,
  splitTags,
} from './schemas';
import { HaravanRequest, HaravanTransport, Query } from './transport';
import { checkPageCount, checkPageItems, MAX_PAGES } from '../limits';

export const HARAVAN_BASE_URL = 'https://apis.haravan.com';
/** Products come 50 per page at most, whatever `limit` asks for. */
export const PRODUCT_PAGE_SIZE = 50;
export const ORDER_PAGE_SIZE = 50;
export const INVENTORY_PAGE_SIZE = 250;
/** Max ids per `ids` / `variant_ids` / `location_ids` list parameter. */
export const MAX_IDS_PER_CALL = 50;
export const MAX_ADJUSTMENT_LINES = 100;
/** note_attributes name and tag prefix marking a Tiki order in Haravan. */
export const TIKI_ORDER_CODE_ATTRIBUTE = 'tiki_order_code';
export const TIKI_ORDER_TAG_PREFIX = 'tiki:';

export interface HaravanClientOptions {
  /** Default https://apis.haravan.com */
  baseUrl?: string;
  accessToken: string;
  timeoutMs?: number;
  /** A limiter instance, or options for the process-wide limiter of this shop. */
  limiter?: HaravanRateLimiter | RateLimiterOptions;
  /** 429 retries inside the client (default 3). */
  maxRateLimitRetries?: number;
  /** Cap on each honoured Retry-After (default 10 s). */
  maxRetryAfterMs?: number;
  /** Most pages one "read while pages are full" walk reads (default MAX_PAGES, connectors/limits.ts). */
  maxPages?: number;
}

export class HaravanClient {
  private readonly transport: HaravanTransport;
  private readonly priority: RequestPriority;
  /** The registry key of the process-wide limiter this client took (none when given a limiter instance). */
  private readonly shared?: { baseUrl: string; accessToken: string };
  private readonly maxPages: number = MAX_PAGES;

  constructor(options: HaravanClientOptions);
  constructor(transport: HaravanTransport, priority: RequestPriority);
  constructor(options: HaravanClientOptions | HaravanTransport, priority: RequestPriority = 'normal') {
    this.priority = priority;
    if (options instanceof HaravanTransport) {
      this.transport = options;
      return;
    }
    const baseUrl = options.baseUrl ?? HARAVAN_BASE_URL;
    this.maxPages = options.maxPages ?? MAX_PAGES;
    const own = options.limiter instanceof HaravanRateLimiter;
    if (!own) this.shared = { baseUrl, accessToken: options.accessToken };
    const limiter = own ? (options.limiter as HaravanRateLimiter) : sharedRateLimiter(baseUrl, options.accessToken, options.limiter as RateLimiterOptions | undefined);
    this.transport = new HaravanTransport({
      baseUrl,
      accessToken: options.accessToken,
      timeoutMs: options.timeoutMs,
      limiter,
      maxRateLimitRetries: options.maxRateLimitRetries,
      maxRetryAfterMs: options.maxRetryAfterMs,
    });
  }

  /** Drop this shop's process-wide limiter (the connection is gone or idle); a later client makes a new one. */
  release(): void {
    if (this.shared) releaseSharedRateLimiter(this.shared.baseUrl, this.shared.accessToken);
  }

  /** Same shop and limiter; calls made through the returned client jump the queue. */
  withPriority(priority: RequestPriority): HaravanClient {
    return new HaravanClient(this.transport, priority);
  }

  get limiter(): HaravanRateLimiter {
    return this.transport.limiter;
  }

  // ---- shop & locations -------------------------------------------------------------------

  async getShop(): Promise<HaravanShop> {
    return (await this.get('/com/shop.json', '/com/shop.json', ShopEnvelope)).shop;
  }

  async listLocations(): Promise<HaravanLocation[]> {
    return (await this.get('/com/locations.json', '/com/locations.json', LocationsEnvelope)).locations;
  }

  // ---- products ---------------------------------------------------------------------------

  /** One page of products (at most 50, ordered by id descending). An empty `ids` list matches nothing. */
  async listProducts(params: ListProductsParams = {}): Promise<HaravanProduct[]> {
    // Haravan ignores a blank filter (it would answer an unfiltered page), so never send one.
    if (params.ids?.length === 0) return [];
    const query: Query = {
      page: params.page,
      limit: params.limit,
      ids: params.ids,
      since_id: params.sinceId,
      updated_at_min: params.updatedAtMin,
      fields: params.fields,
    };
    return (await this.get('/com/products.json', '/com/products.json', ProductsEnvelope, query)).products;
  }

  /**
   * Every product, page by page. The page size is learnt from the first page (the API caps it at 50
   * whatever `limit` says); paging stops on an empty page or one shorter than the first.
   * `ids` are sent in chunks of 50 (an empty list yields nothing).
   */
  async *listAllProducts(params: { ids?: readonly number[]; updatedAtMin?: Timestamp } = {}): AsyncGenerator<HaravanProduct[]> {
    const idChunks = params.ids ? chunk(unique(params.ids), MAX_IDS_PER_CALL) : [undefined];
    for (const ids of idChunks) {
      let pageSize: number | undefined;
      for (let page = 1; ; page++) {
        checkPageCount('haravan', 'GET /com/products.json', page, this.maxPages);
        const products = await this.listProducts({ page, limit: PRODUCT_PAGE_SIZE, ids, updatedAtMin: params.updatedAtMin });
        checkPageItems('haravan', 'GET /com/products.json', products.length);
        if (products.length === 0) break;
        yield products;
        pageSize ??= products.length;
        if (products.length < pageSize) break;
      }
    }
  }

  async getProduct(id: number): Promise<HaravanProduct> {
    return (await this.get('/com/products/{id}.json', `/com/products/${id}.json`, ProductEnvelope)).product;
  }

  async countProducts(params: { updatedAtMin?: Timestamp } = {}): Promise<number> {
    const query: Query = { updated_at_min: params.updatedAtMin };
    return (await this.get('/com/products/count.json', '/com/products/count.json', CountEnvelope, query)).count;
  }

  // ---- inventory --------------------------------------------------------------------------

  /** One page of per-location balance rows. An empty id list matches nothing. */
  async listInventoryLocations(params: ListInventoryLocationsParams = {}): Promise<HaravanInventoryLocation[]> {
    if (params.locationIds?.length === 0 || params.variantIds?.length === 0) return [];
    const query: Query = {
      location_ids: params.locationIds,
      variant_ids: params.variantIds,
      updated_at_min: params.updatedAtMin,
      since_id: params.sinceId,
      limit: params.limit,
    };
    const route = '/com/inventory_locations.json';
    return (await this.get(route, route, InventoryLocationsEnvelope, query)).inventory_locations;
  }

  /**
   * All balance rows matching the filters: variant and location ids go ≤ 50 per call, and each
   * batch follows `since_id` keyset paging (250 rows per page).
   */
  async listAllInventoryLocations(
    params: Omit<ListInventoryLocationsParams, 'sinceId' | 'limit'> = {},
  ): Promise<HaravanInventoryLocation[]> {
    const variantChunks = params.variantIds ? chunk(unique(params.variantIds), MAX_IDS_PER_CALL) : [undefined];
    const locationChunks = params.locationIds ? chunk(unique(params.locationIds), MAX_IDS_PER_CALL) : [undefined];
    const rows: HaravanInventoryLocation[] = [];
    for (const variantIds of variantChunks) {
      for (const locationIds of locationChunks) {
        let sinceId: number | undefined;
        for (;;) {
          const page = await this.listInventoryLocations({
            variantIds,
            locationIds,
            updatedAtMin: params.updatedAtMin,
            sinceId,
            limit: INVENTORY_PAGE_SIZE,
          });
          rows.push(...page);
          if (page.length < INVENTORY_PAGE_SIZE) break;
          const lastId = Math.max(...page.map((r) => r.id));
          if (sinceId !== undefined && lastId <= sinceId) break;
          sinceId = lastId;
        }
      }
    }
    return rows;
  }

  /**
   * `POST /com/inventories/adjustorset.json`, ≤ 100 lines per call. A 200 (nothing changed) is
   * success. Haravan stops at the first invalid line and answers 422 (earlier lines stay applied).
   */
  async adjustOrSetInventory(input: AdjustOrSetInventoryInput): Promise<AdjustInventoryResult> {
    const result: AdjustInventoryResult = { changed: false, calls: 0, variants: [] };
    for (const lines of chunk(input.lineItems, MAX_ADJUSTMENT_LINES)) {
      const body = {
        inventory: {
          location_id: input.locationId,
          type: input.type,
          reason: input.reason,
          note: input.note,
          line_items: lines.map((l) => ({ product_id: l.productId, product_variant_id: l.variantId, quantity: l.quantity })),
        },
      };
      const res = await this.transport.request({
        method: 'POST',
        route: '/com/inventories/adjustorset.json',
        path: '/com/inventories/adjustorset.json',
        body,
        schema: z.unknown(),
        priority: this.priority,
      });
      result.calls++;
      if (res.status === 201) result.changed = true;
      result.variants.push(...adjustedVariants(res.data));
    }
    return result;
  }

  // ---- orders -----------------------------------------------------------------------------

  /** `sendBy` (epoch ms): never send the create after it; `beforeSend` runs right before it goes out (HaravanRequest). */
  async createOrder(order: HaravanOrderInput, opts: Pick<HaravanRequest<z.ZodType>, 'sendBy' | 'beforeSend'> = {}): Promise<HaravanOrder> {
    const route = '/com/orders.json';
    const req = { method: 'POST' as const, route, path: route, body: { order }, schema: OrderEnvelope, priority: this.priority, ...opts };
    return (await this.transport.request(req)).data.order;
  }

  async getOrder(id: number): Promise<HaravanOrder> {
    return (await this.get('/com/orders/{id}.json', `/com/orders/${id}.json`, OrderEnvelope)).order;
  }

  /** One page of orders (≤ 50). An empty `ids` list matches nothing. */
  async listOrders(params: ListOrdersParams = {}): Promise<HaravanOrder[]> {
    if (params.ids?.length === 0) return [];
    const query: Query = {
      page: params.page,
      limit: params.limit,
      since_id: params.sinceId,
      created_at_min: params.createdAtMin,
      created_at_max: params.createdAtMax,
      updated_at_min: params.updatedAtMin,
      status: params.status,
      ids: params.ids,
      fields: params.fields,
    };
    return (await this.get('/com/orders.json', '/com/orders.json', OrdersEnvelope, query)).orders;
  }

  /**
   * Find the Haravan order imported for a Tiki order: the first order created since `createdAtMin`
   * (any status) whose note_attributes carry `tiki_order_code = tikiCode` or whose tags contain
   * `tiki:<tikiCode>`. Used after a create call whose outcome is unknown (e.g. a timeout).
   */
  async findOrderByReference(params: FindOrderByReferenceParams): Promise<HaravanOrder | null> {
    for await (const orders of this.listAllOrdersSince(params.createdAtMin)) {
      const match = orders.find((o) => orderHasTikiReference(o, params.tikiCode));
      if (match) return match;
    }
    return null;
  }

  /** Every order created since `createdAtMin` (any status) carrying the Tiki code: more than one is a duplicate. */
  async findOrdersByReference(params: FindOrderByReferenceParams): Promise<HaravanOrder[]> {
    const found: HaravanOrder[] = [];
    for await (const orders of this.listAllOrdersSince(params.createdAtMin)) found.push(...orders.filter((o) => orderHasTikiReference(o, params.tikiCode)));
    return found;
  }

  /** Pages of every order (any status) created since `createdAtMin`, until a short or empty page. */
  async *listAllOrdersSince(createdAtMin: Timestamp | undefined): AsyncGenerator<HaravanOrder[]> {
    let pageSize: number | undefined;
    for (let page = 1; ; page++) {
      checkPageCount('haravan', 'GET /com/orders.json', page, this.maxPages);
      const orders = await this.listOrders({ createdAtMin, status: 'any', limit: ORDER_PAGE_SIZE, page });
      checkPageItems('haravan', 'GET /com/orders.json', orders.length);
      if (orders.length === 0) return;
      yield orders;
      pageSize ??= orders.length;
      if (orders.length < pageSize) return;
    }
  }

  async updateOrder(id: number, patch: UpdateOrderInput): Promise<HaravanOrder> {
    const order = { id, ...patch };
    return (await this.put('/com/orders/{id}.json', `/com/orders/${id}.json`, OrderEnvelope, { order })).order;
  }

  async confirmOrder(id: number): Promise<HaravanOrder> {
    return this.orderAction(id, 'confirm', {});
  }

  async closeOrder(id: number): Promise<HaravanOrder> {
    return this.orderAction(id, 'close', {});
  }

  async openOrder(id: number): Promise<HaravanOrder> {
    return this.orderAction(id, 'open', {});
  }

  async cancelOrder(id: number, input: CancelOrderInput = {}): Promise<HaravanOrder> {
    const body = {
      reason: input.reason,
      restock: input.restock,
      note: input.note,
      amount: input.amount === undefined ? undefined : String(input.amount),
    };
    return this.orderAction(id, 'cancel', body);
  }

  async createFulfillment(orderId: number, input: CreateFulfillmentInput = {}): Promise<HaravanFulfillment> {
    const fulfillment = {
      location_id: input.locationId,
      tracking_number: input.trackingNumber,
      tracking_company: input.trackingCompany,
      line_items: input.lineItems,
    };
    const route = '/com/orders/{id}/fulfillments.json';
    return (await this.post(route, `/com/orders/${orderId}/fulfillments.json`, FulfillmentEnvelope, { fulfillment })).fulfillment;
  }

  async listFulfillments(orderId: number): Promise<HaravanFulfillment[]> {
    const route = '/com/orders/{id}/fulfillments.json';
    return (await this.get(route, `/com/orders/${orderId}/fulfillments.json`, FulfillmentsEnvelope)).fulfillments;
  }

  async createTransaction(orderId: number, input: CreateTransactionInput): Promise<HaravanTransaction> {
    const route = '/com/orders/{id}/transactions.json';
    const transaction = { amount: input.amount, kind: input.kind };
    return (await this.post(route, `/com/orders/${orderId}/transactions.json`, TransactionEnvelope, { transaction })).transaction;
  }

  // ---- customers --------------------------------------------------------------------------

  /** Free-text search over name, email and phone (first page, ≤ 50). */
  async searchCustomers(query: string): Promise<HaravanCustomer[]> {
    const route = '/com/customers/search.json';
    return (await this.get(route, route, CustomersEnvelope, { query })).customers;
  }

  async createCustomer(customer: HaravanCustomerInput): Promise<HaravanCustomer> {
    return (await this.post('/com/customers.json', '/com/customers.json', CustomerEnvelope, { customer })).customer;
  }

  async getCustomer(id: number): Promise<HaravanCustomer> {
    return (await this.get('/com/customers/{id}.json', `/com/customers/${id}.json`, CustomerEnvelope)).customer;
  }

  // ---- plumbing ---------------------------------------------------------------------------

  private async orderAction(id: number, action: 'confirm' | 'close' | 'open' | 'cancel', body: object): Promise<HaravanOrder> {
    const route = `/com/orders/{id}/${action}.json`;
    return (await this.post(route, `/com/orders/${id}/${action}.json`, OrderEnvelope, body)).order;
  }

  private async get<S extends z.ZodType>(route: string, path: string, schema: S, query?: Query): Promise<z.output<S>> {
    return (await this.transport.request({ method: 'GET', route, path, query, schema, priority: this.priority })).data;
  }

  private async post<S extends z.ZodType>(route: string, path: string, schema: S, body: unknown): Promise<z.output<S>> {
    return (await this.transport.request({ method: 'POST', route, path, body, schema, priority: this.priority })).data;
  }

  private async put<S extends z.ZodType>(route: string, path: string, schema: S, body: unknown): Promise<z.output<S>> {
    return (await this.transport.request({ method: 'PUT', route, path, body, schema, priority: this.priority })).data;
  }
}

/** The Tiki order code an order carries (note attribute, else a `tiki:<code>` tag), if any. */
export function tikiReferenceOf(order: Pick<HaravanOrder, 'note_attributes' | 'tags'>): string | null {
  const attr = (order.note_attributes ?? []).find((a) => a.name === TIKI_ORDER_CODE_ATTRIBUTE && a.value !== null && a.value !== undefined && String(a.value).trim() !== '');
  if (attr) return String(attr.value).trim();
  const tag = splitTags(order.tags).find((t) => t.startsWith(TIKI_ORDER_TAG_PREFIX) && t.length > TIKI_ORDER_TAG_PREFIX.length);
  return tag ? tag.slice(TIKI_ORDER_TAG_PREFIX.length) : null;
}

/** True when the order carries the Tiki order code as a note attribute or a `tiki:<code>` tag. */
export function orderHasTikiReference(order: Pick<HaravanOrder, 'note_attributes' | 'tags'>, tikiCode: string): boolean {
  const byAttribute = (order.note_attributes ?? []).some(
    (a) => a.name === TIKI_ORDER_CODE_ATTRIBUTE && a.value !== null && a.value !== undefined && String(a.value).trim() === tikiCode,
  );
  return byAttribute || splitTags(order.tags).includes(`${TIKI_ORDER_TAG_PREFIX}${tikiCode}`);
}

function adjustedVariants(body: unknown): HaravanVariant[] {
  const parsed = AdjustmentResponseSchema.safeParse(body);
  return parsed.success ? (parsed.data.variants ?? []) : [];
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function unique(ids: readonly number[]): number[] {
  return [...new Set(ids)];
}
